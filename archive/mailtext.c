/* mailtext.c - one raw mail read for the archive through GMime: decoded
 * encoded-word headers, text parts converted to UTF-8 (broken charsets
 * fall back to Latin-1, never to invalid bytes), attachments listed. It
 * neither renders nor stores anything. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "archive/mailtext.h"
#include "core/utf8.h"
#include "core/xmem.h"

static void	read_headers(struct mail_view *);
static void	read_refs(struct mail_view *);
static void	add_ref(struct mail_view *, const char *);
static void	walk(struct mail_view *, GMimeObject *, int);
static void	walk_part(struct mail_view *, GMimePart *);
static void	add_piece(struct mail_view *, enum piece_kind, GMimeObject *);
static void	add_att(struct mail_view *, GMimePart *);

void
mailtext_clean(const char *s, size_t len, char *dst, size_t dst_len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, n;

	while (i < len && p[i] != '\0') {
		n = p[i] < 0x80 ? 1 : utf8_seq(p + i, len - i);
		if (n == 0 || (n == 1 && (p[i] < 0x20 || p[i] == 0x7f)) ||
		    (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)) {
			if (o + 1 < dst_len && o > 0 && dst[o - 1] != ' ')
				dst[o++] = ' ';	/* a control: a space */
			i += n ? n : 1;
			continue;
		}
		if (o + n >= dst_len)
			break;
		memcpy(dst + o, p + i, n);
		o += n;
		i += n;
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	if (dst_len)
		dst[o] = '\0';
}

char *
mailtext_utf8(const char *s, size_t len, size_t *out_len)
{
	char *out, *o;

	if (utf8_valid(s, len)) {
		out = xstrndup(s, len);
		*out_len = len;
		return out;
	}
	o = out = xmalloc(len * 2 + 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80)
			*o++ = (char)c;
		else {
			*o++ = (char)(0xc0 | (c >> 6));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = '\0';
	*out_len = (size_t)(o - out);
	return out;
}

void
mailtext_base_subject(const char *subject, char *dst, size_t dst_len,
    int *is_reply)
{
	static const char *markers[] = { "re", "aw", "sv", "antw", "fw",
	    "fwd", NULL };
	const char *p = subject;
	size_t o = 0;
	int again = 1;

	*is_reply = 0;
	while (again) {
		again = 0;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '[' && strchr(p, ']') && strchr(p, ']')[1] != '\0') {
			p = strchr(p, ']') + 1;
			again = 1;
			continue;
		}
		for (int i = 0; markers[i]; i++) {
			size_t n = strlen(markers[i]);

			if (strncasecmp(p, markers[i], n) == 0 && p[n] == ':') {
				*is_reply |= i < 4;
				p += n + 1;
				again = 1;
				break;
			}
		}
	}
	for (; *p && o + 1 < dst_len; p++) {
		if (isspace((unsigned char)*p)) {
			if (o > 0 && dst[o - 1] != ' ')
				dst[o++] = ' ';
		} else
			dst[o++] = (char)tolower((unsigned char)*p);
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
}

static void
add_ref(struct mail_view *mv, const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > ARC_MSGID_MAX)
		return;
	if (mv->n_refs > 0 && strcmp(mv->refs[mv->n_refs - 1], id) == 0)
		return;
	if (mv->n_refs == MAIL_REFS_MAX) {	/* keep the newest ones */
		xfree(mv->refs[0]);
		memmove(mv->refs, mv->refs + 1, sizeof(mv->refs[0]) *
		    (MAIL_REFS_MAX - 1));
		mv->n_refs--;
	}
	mv->refs[mv->n_refs] = xmalloc(n + 1);
	mailtext_clean(id, n, mv->refs[mv->n_refs], n + 1);
	if (mv->refs[mv->n_refs][0] == '\0' || strchr(mv->refs[mv->n_refs], ' ')
	    || strcmp(mv->refs[mv->n_refs], mv->message_id) == 0)
		xfree(mv->refs[mv->n_refs]);	/* unusable, or self */
	else
		mv->n_refs++;
}

/* References, then In-Reply-To's first id when it is not already last. */
static void
read_refs(struct mail_view *mv)
{
	const char *names[] = { "References", "In-Reply-To" };

	for (int h = 0; h < 2; h++) {
		const char *v = g_mime_object_get_header(GMIME_OBJECT(mv->msg),
		    names[h]);
		GMimeReferences *r;
		int n;

		if (v == NULL || (r = g_mime_references_parse(NULL, v)) == NULL)
			continue;
		n = g_mime_references_length(r);
		if (h == 1 && n > 1)
			n = 1;
		for (int i = 0; i < n; i++) {
			const char *id = g_mime_references_get_message_id(r, i);

			if (id && (h == 0 || mv->n_refs == 0 ||
			    strcmp(mv->refs[mv->n_refs - 1], id) != 0))
				add_ref(mv, id);
		}
		g_mime_references_free(r);
	}
}

static void
read_headers(struct mail_view *mv)
{
	const char *v;
	InternetAddressList *from;
	GDateTime *date;

	if ((v = g_mime_message_get_message_id(mv->msg)) != NULL &&
	    strlen(v) <= ARC_MSGID_MAX)
		mailtext_clean(v, strlen(v), mv->message_id,
		    sizeof(mv->message_id));
	if (strchr(mv->message_id, ' '))
		mv->message_id[0] = '\0';
	if ((v = g_mime_message_get_subject(mv->msg)) != NULL)
		mailtext_clean(v, strlen(v), mv->subject, sizeof(mv->subject));
	from = g_mime_message_get_from(mv->msg);
	if (from && internet_address_list_length(from) > 0) {
		InternetAddress *ia = internet_address_list_get_address(from, 0);

		if ((v = internet_address_get_name(ia)) != NULL)
			mailtext_clean(v, strlen(v), mv->author_name,
			    sizeof(mv->author_name));
		if (INTERNET_ADDRESS_IS_MAILBOX(ia) && (v =
		    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)))
		    != NULL)
			mailtext_clean(v, strlen(v), mv->author_addr,
			    sizeof(mv->author_addr));
	}
	if ((date = g_mime_message_get_date(mv->msg)) != NULL)
		mv->date = g_date_time_to_unix(date);
	read_refs(mv);
}

static void
add_piece(struct mail_view *mv, enum piece_kind kind, GMimeObject *obj)
{
	struct mail_piece *p;
	char *text;
	size_t len;

	if (mv->n_pieces == MAIL_PIECES_MAX || !GMIME_IS_TEXT_PART(obj))
		return;
	if ((text = g_mime_text_part_get_text(GMIME_TEXT_PART(obj))) == NULL)
		return;
	len = strlen(text);
	if (len > MAIL_PIECE_MAX)
		len = MAIL_PIECE_MAX;
	p = &mv->pieces[mv->n_pieces++];
	p->kind = kind;
	p->text = mailtext_utf8(text, len, &p->len);
	g_free(text);
}

static void
add_att(struct mail_view *mv, GMimePart *part)
{
	struct mail_att *a;
	const char *fn = g_mime_part_get_filename(part);
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	char *mime = ct ? g_mime_content_type_get_mime_type(ct) : NULL;

	if (mv->n_att == MAIL_ATTACH_MAX) {
		g_free(mime);
		return;
	}
	if (mv->n_att % 16 == 0)
		mv->att = xrealloc(mv->att, sizeof(*mv->att) * (mv->n_att + 16));
	a = &mv->att[mv->n_att++];
	a->part = part;
	mailtext_clean(fn ? fn : "", fn ? strlen(fn) : 0, a->filename,
	    sizeof(a->filename));
	mailtext_clean(mime ? mime : "application/octet-stream",
	    mime ? strlen(mime) : 24, a->ctype, sizeof(a->ctype));
	g_free(mime);
}

static void
walk_part(struct mail_view *mv, GMimePart *part)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *disp = g_mime_object_get_disposition(obj);
	int inline_ok = (disp == NULL || strcasecmp(disp, "attachment") != 0) &&
	    g_mime_part_get_filename(part) == NULL;

	if (inline_ok && ct && g_mime_content_type_is_type(ct, "text", "plain"))
		add_piece(mv, PIECE_TEXT, obj);
	else if (inline_ok && ct && g_mime_content_type_is_type(ct, "text",
	    "html"))
		add_piece(mv, PIECE_HTML, obj);
	else
		add_att(mv, part);
}

/* multipart/alternative: the text/plain child when there is one, else the
 * last (richest) child. */
static GMimeObject *
choose_alternative(GMimeMultipart *mp)
{
	int n = g_mime_multipart_get_count(mp);

	for (int i = 0; i < n; i++) {
		GMimeObject *c = g_mime_multipart_get_part(mp, i);
		GMimeContentType *ct = g_mime_object_get_content_type(c);

		if (ct && g_mime_content_type_is_type(ct, "text", "plain"))
			return c;
	}
	return n > 0 ? g_mime_multipart_get_part(mp, n - 1) : NULL;
}

static void
walk(struct mail_view *mv, GMimeObject *obj, int depth)
{
	if (obj == NULL || depth > MAIL_DEPTH_MAX)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		GMimeContentType *ct = g_mime_object_get_content_type(obj);

		if (ct && g_mime_content_type_is_type(ct, "multipart",
		    "alternative")) {
			walk(mv, choose_alternative(mp), depth + 1);
			return;
		}
		for (int i = 0; i < g_mime_multipart_get_count(mp); i++)
			walk(mv, g_mime_multipart_get_part(mp, i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		if (inner)
			walk(mv, g_mime_message_get_mime_part(inner), depth + 1);
	} else if (GMIME_IS_PART(obj))
		walk_part(mv, GMIME_PART(obj));
}

enum status
mailtext_parse(const char *raw, size_t len, struct mail_view *mv)
{
	GMimeStream *stream;
	GMimeParser *parser;

	memset(mv, 0, sizeof(*mv));
	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	mv->msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (mv->msg == NULL)
		return ST_DATA;
	read_headers(mv);
	walk(mv, g_mime_message_get_mime_part(mv->msg), 0);
	return ST_OK;
}

void
mailtext_free(struct mail_view *mv)
{
	if (mv == NULL)
		return;
	for (int i = 0; i < mv->n_refs; i++)
		xfree(mv->refs[i]);
	for (int i = 0; i < mv->n_pieces; i++)
		xfree(mv->pieces[i].text);
	xfree(mv->att);
	if (mv->msg)
		g_object_unref(mv->msg);
	memset(mv, 0, sizeof(*mv));
}

enum status
mailtext_att_data(const struct mail_att *a, char **data, size_t *len)
{
	GMimeDataWrapper *w = g_mime_part_get_content(a->part);
	GMimeStream *mem;
	GByteArray *ba;

	*data = NULL;
	*len = 0;
	if (w == NULL) {
		*data = xstrdup("");
		return ST_OK;
	}
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(w, mem) < 0) {
		g_object_unref(mem);
		return ST_DATA;
	}
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*len = ba->len;
	*data = xmalloc(ba->len + 1);
	if (ba->len > 0)	/* an empty stream has data == NULL */
		memcpy(*data, ba->data, ba->len);
	(*data)[ba->len] = '\0';
	g_object_unref(mem);
	return ST_OK;
}
