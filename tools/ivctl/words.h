/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lines of ivctl's own grammar, as `ivctl batch` reads them and topology
 * files hold them: words separated by blanks; "..." or '...' make one word
 * of what they enclose, blanks included ("" is an empty word); a '#' that
 * starts a word starts a comment. No other escapes: \xNN in a map's string
 * stays for the map parser.
 */
#ifndef IVCTL_WORDS_H
#define IVCTL_WORDS_H

struct words {
	char **argv;		/* NULL-terminated; argv[i] point into buf */
	int argc;
	char *buf;
};

/* 0, or -1 (printed, naming where) for an unclosed quote. */
int words_split(const char *line, const char *where, struct words *w);
void words_free(struct words *w);

#endif /* IVCTL_WORDS_H */
