/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fuzz targets: a command line from fuzz input.
 */
#ifndef FUZZ_WORDS_H
#define FUZZ_WORDS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_ARGS 64

/*
 * argv[0] is @prog; the @len bytes of @data, NUL-separated, are the rest
 * (at most FUZZ_MAX_ARGS - 2 words). Returns the copy the words live in
 * (free it after the run), NULL if out of memory.
 */
static inline char *fuzz_words(const char *prog, const uint8_t *data,
			       size_t len, char *argv[FUZZ_MAX_ARGS],
			       int *argc)
{
	char *words = malloc(len + 1);
	size_t i;

	if (!words)
		return NULL;
	memcpy(words, data, len);
	words[len] = '\0';
	*argc = 0;
	argv[(*argc)++] = (char *)prog;
	argv[(*argc)++] = words;
	for (i = 0; i + 1 < len && *argc < FUZZ_MAX_ARGS - 1; i++)
		if (!words[i])
			argv[(*argc)++] = &words[i + 1];
	argv[*argc] = NULL;
	return words;
}

#endif /* FUZZ_WORDS_H */
