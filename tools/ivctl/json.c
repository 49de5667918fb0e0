// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer. Strings are escaped per RFC 8259; names come from the
 * kernel as bytes, so valid UTF-8 passes through and any invalid byte
 * becomes U+FFFD rather than breaking the consumer's parser.
 */
#include <stdbool.h>
#include <stdio.h>

#include "json.h"

#define JSON_DEPTH_MAX 16

/* has_member[d]: the container open at depth d already holds a value. */
static bool has_member[JSON_DEPTH_MAX];
static int depth;

/* Length of the valid UTF-8 sequence at s (2 to 4 bytes), or 0. */
static int utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void write_escape(unsigned char c)
{
	switch (c) {
	case '"':  fputs("\\\"", stdout); break;
	case '\\': fputs("\\\\", stdout); break;
	case '\b': fputs("\\b", stdout); break;
	case '\f': fputs("\\f", stdout); break;
	case '\n': fputs("\\n", stdout); break;
	case '\r': fputs("\\r", stdout); break;
	case '\t': fputs("\\t", stdout); break;
	default:   printf("\\u%04x", c); break;
	}
}

static void write_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int n;

	putchar('"');
	while (*s) {
		if (*s < 0x20 || *s == '"' || *s == '\\') {
			write_escape(*s++);
		} else if (*s < 0x80) {
			putchar(*s++);
		} else if ((n = utf8_len(s))) {
			fwrite(s, 1, n, stdout);
			s += n;
		} else {
			fputs("\\ufffd", stdout);
			s++;
		}
	}
	putchar('"');
}

/* The separator and member name every value starts with. */
static void begin_value(const char *key)
{
	if (depth > 0 && depth <= JSON_DEPTH_MAX) {
		if (has_member[depth - 1])
			putchar(',');
		has_member[depth - 1] = true;
	}
	if (key) {
		write_string(key);
		putchar(':');
	}
}

static void open_container(const char *key, char bracket)
{
	begin_value(key);
	putchar(bracket);
	if (depth < JSON_DEPTH_MAX)
		has_member[depth] = false;
	depth++;
}

static void close_container(char bracket)
{
	putchar(bracket);
	if (--depth == 0)
		putchar('\n');
}

void json_open_array(const char *key)
{
	open_container(key, '[');
}

void json_close_array(void)
{
	close_container(']');
}

void json_open_object(const char *key)
{
	open_container(key, '{');
}

void json_close_object(void)
{
	close_container('}');
}

void json_string(const char *key, const char *val)
{
	begin_value(key);
	write_string(val);
}

void json_u64(const char *key, uint64_t val)
{
	begin_value(key);
	printf("%llu", (unsigned long long)val);
}

void json_s64(const char *key, int64_t val)
{
	begin_value(key);
	printf("%lld", (long long)val);
}
