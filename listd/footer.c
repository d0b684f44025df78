/* footer.c - list footers (see footer.h). Text parts are decoded to UTF-8
 * by GMime, extended, and re-encoded (charset and transfer encoding chosen
 * by GMime to fit the text). */
#include <string.h>

#include "core/xmem.h"
#include "listd/footer.h"

static GMimeObject *
footer_part(const char *footer)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype("plain");
	GMimeContentEncoding enc;

	g_mime_text_part_set_text(tp, footer);
	enc = g_mime_part_get_best_content_encoding(GMIME_PART(tp),
	    GMIME_ENCODING_CONSTRAINT_7BIT);
	g_mime_part_set_content_encoding(GMIME_PART(tp), enc);
	g_mime_object_set_disposition(GMIME_OBJECT(tp), "inline");
	return GMIME_OBJECT(tp);
}

static int
append_to_text(GMimeTextPart *tp, const char *footer)
{
	char *text = g_mime_text_part_get_text(tp), *joined;
	size_t n;
	GMimeContentEncoding enc;

	if (text == NULL)
		return -1;
	n = strlen(text);
	joined = xasprintf("%s%s-- \n%s\n", text,
	    n > 0 && text[n - 1] != '\n' ? "\n" : "", footer);
	/* set_text encodes the UTF-8 text in the narrowest charset that holds
	 * it and names that charset; naming "utf-8" afterwards would mislabel
	 * Latin-1 bytes. */
	g_mime_text_part_set_text(tp, joined);
	enc = g_mime_part_get_best_content_encoding(GMIME_PART(tp),
	    GMIME_ENCODING_CONSTRAINT_7BIT);
	g_mime_part_set_content_encoding(GMIME_PART(tp), enc);
	g_free(text);
	xfree(joined);
	return 0;
}

int
footer_add(GMimeMessage *msg, const char *footer)
{
	GMimeObject *top = g_mime_message_get_mime_part(msg);
	GMimeContentType *ct;
	GMimeMultipart *mixed;

	if (top == NULL || footer == NULL || *footer == '\0')
		return top == NULL ? -1 : 0;
	ct = g_mime_object_get_content_type(top);
	if (GMIME_IS_TEXT_PART(top) &&
	    g_mime_content_type_is_type(ct, "text", "plain") &&
	    !g_mime_part_is_attachment(GMIME_PART(top)))
		return append_to_text(GMIME_TEXT_PART(top), footer);
	if (GMIME_IS_MULTIPART(top) && !GMIME_IS_MULTIPART_SIGNED(top) &&
	    !GMIME_IS_MULTIPART_ENCRYPTED(top) &&
	    g_mime_content_type_is_type(ct, "multipart", "mixed")) {
		GMimeObject *part = footer_part(footer);

		g_mime_multipart_add(GMIME_MULTIPART(top), part);
		g_object_unref(part);
		return 0;
	}
	/* Anything else keeps its bytes: wrap it beside the footer. */
	mixed = g_mime_multipart_new_with_subtype("mixed");
	g_object_ref(top);
	g_mime_multipart_add(mixed, top);
	{
		GMimeObject *part = footer_part(footer);

		g_mime_multipart_add(mixed, part);
		g_object_unref(part);
	}
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(mixed));
	g_object_unref(top);
	g_object_unref(mixed);
	return 0;
}
