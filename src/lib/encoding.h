/* encoding.h: what other modules need of encoding.c beyond the public
 * tl_encoding_* calls: the position of a byte offset in decoded text. */
#ifndef TL_ENCODING_H
#define TL_ENCODING_H

#include "translit.h"

#include <stdint.h>

/* 1-based line and column (in code points) of byte offset off in UTF-8
 * text[0..off): used to locate errors for the user. */
void tl__text_position(const char *text, size_t off, size_t *line, size_t *column);

/* The character that byte b (>= 0x80) stands for in the 8-bit code page
 * enc, from the table used for guessing (0: undefined or not a code page). */
uint32_t tl__code_page_char(tl_encoding enc, unsigned char b);

#endif
