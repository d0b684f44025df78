/* msg.c - GMime helpers (see msg.h). Header values that will be written
 * into a message never carry CR or LF: callers pass plain values and the
 * setter refuses anything else. */
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/msg.h"

GMimeMessage *
msg_parse(const char *raw, size_t len)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

int
msg_write(GMimeMessage *msg, struct buf *out)
{
	GMimeFormatOptions *opts = g_mime_format_options_new();
	GMimeStream *stream = g_mime_stream_mem_new();
	GByteArray *bytes;
	int rc = -1;

	g_mime_format_options_set_newline_format(opts, GMIME_NEWLINE_FORMAT_DOS);
	if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), opts, stream) < 0)
		goto out;
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	buf_reset(out);
	rc = buf_append(out, bytes->data, bytes->len);
out:
	g_object_unref(stream);
	g_mime_format_options_free(opts);
	return rc;
}

const char *
msg_header(GMimeMessage *msg, const char *name)
{
	return g_mime_object_get_header(GMIME_OBJECT(msg), name);
}

int
msg_header_count(GMimeMessage *msg, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	int n = 0, count = g_mime_header_list_get_count(hl);

	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) == 0)
			n++;
	}
	return n;
}

void
msg_header_remove_all(GMimeMessage *msg, const char *name)
{
	int guard = 1000;

	while (guard-- > 0 && g_mime_object_remove_header(GMIME_OBJECT(msg), name))
		;
}

int
msg_header_set(GMimeMessage *msg, const char *name, const char *value)
{
	if (strpbrk(value, "\r\n") != NULL || strpbrk(name, "\r\n: ") != NULL) {
		log_warnx("msg header refused name=%s reason=\"line break\"", name);
		return -1;
	}
	msg_header_remove_all(msg, name);
	g_mime_object_append_header(GMIME_OBJECT(msg), name, value, "utf-8");
	return 0;
}

int
msg_header_append(GMimeMessage *msg, const char *name, const char *value)
{
	if (strpbrk(value, "\r\n") != NULL || strpbrk(name, "\r\n: ") != NULL)
		return -1;
	g_mime_object_append_header(GMIME_OBJECT(msg), name, value, "utf-8");
	return 0;
}

int
msg_from(GMimeMessage *msg, char *out, char *name, size_t name_len)
{
	InternetAddressList *list = g_mime_message_get_from(msg);
	const char *reason;
	int n = list ? internet_address_list_length(list) : 0;

	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		const char *addr, *display;

		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		if (addr == NULL ||
		    addr_normalize(addr, out, ADDR_MAX + 1, &reason) == -1)
			continue;
		display = internet_address_get_name(ia);
		snprintf(name, name_len, "%s", display ? display : "");
		for (char *p = name; *p; p++)
			if (*p == '\r' || *p == '\n')
				*p = ' ';
		return 0;
	}
	return -1;
}

const char *
msg_message_id(GMimeMessage *msg)
{
	const char *id = g_mime_message_get_message_id(msg);

	return id && *id ? id : NULL;
}

void
msg_body_hash(const char *raw, size_t len, char *hash)
{
	const char *p = raw, *end = raw + len, *body = end;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			break;
		if (nl == p || (nl == p + 1 && p[0] == '\r')) {
			body = nl + 1;
			break;
		}
		p = nl + 1;
	}
	msgstore_hash(body, (size_t)(end - body), hash);
}

int
msg_headers_valid(const char *raw, size_t len)
{
	const char *p = raw, *end = raw + len;
	int n_headers = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *colon;
		size_t line = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (line && p[line - 1] == '\r')
			line--;
		if (line == 0)
			return n_headers > 0;
		if (p[0] != ' ' && p[0] != '\t') {
			colon = memchr(p, ':', line);
			if (colon == NULL || colon == p)
				return 0;
			for (const char *q = p; q < colon; q++)
				if ((unsigned char)*q <= 32 || (unsigned char)*q >= 127)
					return 0;
			n_headers++;
		} else if (n_headers == 0)
			return 0;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return n_headers > 0;	/* headers only, no body: still a message */
}
