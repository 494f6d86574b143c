/* detect.h: language detection for other modules (normalize.c asks for the
 * language of a line to decide whether an apostrophe is Uzbek). */
#ifndef TL_DETECT_H
#define TL_DETECT_H

#include "translit.h"

/* Judges text[0..len) as one span (no paragraph split). *letters receives
 * the number of letters seen; *score the signed evidence of the winning
 * script pair (> 0: Uzbek). Never fails; invalid UTF-8 is skipped. */
void tl__detect_span(const char *text, size_t len, tl_lang *lang,
                     double *confidence, size_t *letters);

/* The log-likelihood ratio of one feature ("=word" or a trigram of "_word_",
 * lower case, apostrophes as '), Uzbek over the other language of its
 * script; 0 if the model does not know it. */
double tl__detect_feature(const char *feature, size_t len);

#endif
