/* uzbek.h: Uzbek Cyrillic <-> Latin under the 1995 orthography, with the
 * exception lexicons of dictionaries/uz/ and the hunspell-uz word list as the
 * judge of ambiguous Latin -> Cyrillic spellings. Russian text is written
 * in Uzbek Latin (or Uzbek Cyrillic) with the same engine. */
#ifndef TL_UZBEK_H
#define TL_UZBEK_H

#include "convert.h"
#include "translit.h"

/* Compiled tables; immutable after tl__uz_new, shared across threads. */
typedef struct tl__uz tl__uz;

/* Loads the embedded lexicons, opts->dict_files and (unless
 * TL_CONVERT_NO_SYSDICT) the system word list opts->system_dict or the
 * default hunspell-uz path; a missing system list is not an error. */
tl_status tl__uz_new(tl_ctx *ctx, const tl_convert_options *opts, tl__uz **out);
void tl__uz_free(tl__uz *uz);

/* Cyrillic (uz-Cyrl or ru) -> Uzbek Latin. Non-Cyrillic text passes through. */
tl_status tl__uz_to_latin(const tl__uz *uz, const tl__run *run,
                          tl_apostrophe apos, tl_buf *out);
/* Uzbek Latin -> Uzbek Cyrillic. Cyrillic and non-Uzbek words pass through. */
tl_status tl__uz_to_cyrillic(const tl__uz *uz, const tl__run *run, tl_buf *out);
/* Russian -> Uzbek Cyrillic: Russian spelling, but щ -> ш and ы -> и. */
tl_status tl__uz_russian_to_cyrillic(const tl__run *run, tl_buf *out);

#endif
