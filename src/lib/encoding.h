/* encoding.h: what other modules need of encoding.c beyond the public
 * tl_encoding_* calls: the position of a byte offset in decoded text. */
#ifndef TL_ENCODING_H
#define TL_ENCODING_H

#include "translit.h"

/* 1-based line and column (in code points) of byte offset off in UTF-8
 * text[0..off): used to locate errors for the user. */
void tl__text_position(const char *text, size_t off, size_t *line, size_t *column);

#endif
