/* translit.h: the one public header of libtranslit, the text engine of
 * multilingual newsrooms (Uzbek Latin/Cyrillic, Russian, English).
 *
 * Conventions that hold for every call below:
 *
 *  - Names: public symbols start with tl_ / TL_. Nothing else is exported.
 *  - Status: every call that can fail returns a tl_status; TL_OK is 0 and
 *    every error is negative. Out-parameters come first, after the context.
 *  - Context: a tl_ctx carries the detailed message of the last failure
 *    (file, line, byte offset, cause). A tl_ctx is cheap, is NOT thread-safe,
 *    and is meant to be used by one thread at a time (one per thread).
 *  - Compiled objects (tl_converter) are immutable once created and may be
 *    shared by any number of threads, each with its own tl_ctx.
 *  - Text is passed as (pointer, length) in UTF-8. Invalid UTF-8 makes a call
 *    fail with TL_EUTF8 and the byte offset in the context message, unless the
 *    call's options ask for replacement by U+FFFD (TL_CONVERT_REPLACE, ...).
 *  - Ownership: memory returned by the library is always in a tl_buf, which
 *    the caller owns and releases with tl_buf_free() (never with free()).
 *    Output calls APPEND to the buffer, so one buffer can be reused or grown
 *    across calls; its data is always NUL-terminated for convenience.
 *    Handles are released with their own *_free function, which accepts NULL.
 *  - Option structs, and the strings and arrays they point to, are read only
 *    during the call that takes them: the library copies what it keeps.
 *  - No global mutable state and no process-wide initialisation: two plugins
 *    in one process do not interfere. Allocation failure returns TL_ENOMEM.
 */
#ifndef TRANSLIT_H
#define TRANSLIT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(TL_STATIC_DEFINE)
#define TL_API
#elif defined(__GNUC__) || defined(__clang__)
#define TL_API __attribute__((visibility("default")))
#else
#define TL_API
#endif

/* ---------------------------------------------------------------- version */

#define TL_VERSION_MAJOR 0
#define TL_VERSION_MINOR 1
#define TL_VERSION_PATCH 0
#define TL_VERSION_STRING "0.1.0"

/* The library's version as "MAJOR.MINOR.PATCH" (static string). The API
 * version above may differ from the SONAME, which counts ABI breaks. */
TL_API const char *tl_version(void);

/* ----------------------------------------------------------------- status */

/* One table generates the enum, tl_status_name() and tl_strerror(). */
#define TL_STATUS_MAP(X)                                                       \
  X(OK, 0, "success")                                                          \
  X(ENOMEM, -1, "out of memory")                                               \
  X(EINVAL, -2, "invalid argument")                                            \
  X(EUTF8, -3, "invalid UTF-8")                                                \
  X(EIO, -4, "input/output error")                                             \
  X(ESYNTAX, -5, "syntax error in a data file")                                \
  X(ENOTFOUND, -6, "not found")                                                \
  X(EUNSUPPORTED, -7, "not supported")                                         \
  X(EENCODING, -8, "cannot decode the input encoding")                         \
  X(ELIMIT, -9, "a size or nesting limit was exceeded")                        \
  X(ENODICT, -10, "dictionary not available")                                  \
  X(EINTERNAL, -11, "internal error")

typedef enum tl_status {
#define TL__STATUS_ENUM(name, code, msg) TL_##name = code,
  TL_STATUS_MAP(TL__STATUS_ENUM)
#undef TL__STATUS_ENUM
} tl_status;

/* "TL_EUTF8" for TL_EUTF8; "TL_UNKNOWN" for a value not in the table. */
TL_API const char *tl_status_name(tl_status status);
/* A short English description ("invalid UTF-8"); static string. */
TL_API const char *tl_strerror(tl_status status);

/* ----------------------------------------------------------------- buffer */

/* An owned output buffer. Start it zeroed (TL_BUF_INIT); library calls append
 * to it; release it with tl_buf_free(). data is NUL-terminated when non-NULL. */
typedef struct tl_buf {
  char *data;
  size_t len;
  size_t cap;
} tl_buf;

#define TL_BUF_INIT {NULL, 0, 0}

/* Frees buf->data and resets the buffer to empty. Accepts NULL. */
TL_API void tl_buf_free(tl_buf *buf);
/* Empties the buffer, keeping its memory for reuse. */
TL_API void tl_buf_clear(tl_buf *buf);

/* ---------------------------------------------------------------- context */

typedef struct tl_ctx tl_ctx;

/* Creates a context. *out is owned by the caller: tl_ctx_free(). */
TL_API tl_status tl_ctx_new(tl_ctx **out);
TL_API void tl_ctx_free(tl_ctx *ctx);
/* The detailed message of the last failed call made with this context, e.g.
 * "invalid UTF-8 (byte 0xC3 not followed by a continuation byte) at byte 1234".
 * Empty string if the last call succeeded. Valid until the next call. */
TL_API const char *tl_ctx_message(const tl_ctx *ctx);
/* Status of the last call made with this context. */
TL_API tl_status tl_ctx_status(const tl_ctx *ctx);

#define TL_NO_OFFSET ((size_t)-1)
/* Byte offset in the input where the last failure was found (for a data file:
 * in that file), or TL_NO_OFFSET. */
TL_API size_t tl_ctx_error_offset(const tl_ctx *ctx);
/* 1-based line and column (in code points) of the last failure in the input
 * or data file; both 0 when unknown. Either pointer may be NULL. */
TL_API void tl_ctx_error_position(const tl_ctx *ctx, size_t *line,
                                  size_t *column);

/* -------------------------------------------------------------- languages */

typedef enum tl_lang {
  TL_LANG_UNKNOWN = 0,
  TL_LANG_UZ_LATN, /* "uz-Latn": Uzbek, Latin script */
  TL_LANG_UZ_CYRL, /* "uz-Cyrl": Uzbek, Cyrillic script */
  TL_LANG_RU,      /* "ru": Russian */
  TL_LANG_RU_LATN, /* "ru-Latn": Russian romanized under a scheme */
  TL_LANG_EN,      /* "en": English */
  TL_LANG_MIXED    /* "mixed": no single language dominates */
} tl_lang;

/* "uz-Latn", "uz-Cyrl", "ru", "ru-Latn", "en", "mixed", "unknown". */
TL_API const char *tl_lang_code(tl_lang lang);
/* Parses a code (case-insensitive; accepts "uz-Latn", "uz_Latn", "uzl", ...).
 * "auto" parses as TL_LANG_UNKNOWN. TL_EINVAL for anything else. */
TL_API tl_status tl_lang_parse(tl_lang *out, const char *code);

/* ------------------------------------------------------------- conversion */

/* How the Uzbek apostrophes are written in Latin output. */
typedef enum tl_apostrophe {
  TL_APOS_MODERN = 0,  /* oʻ gʻ with U+02BB, tutuq U+02BC (official) */
  TL_APOS_ASCII,       /* o' g' and ' (legacy systems) */
  TL_APOS_TYPOGRAPHIC  /* o‘ g‘ with U+2018, tutuq U+2019 (many sites) */
} tl_apostrophe;

/* Flags of tl_convert_options.flags. */
#define TL_CONVERT_HTML 0x1u      /* convert text nodes, alt/title only */
#define TL_CONVERT_MARKDOWN 0x2u  /* leave code and link targets alone */
#define TL_CONVERT_REPLACE 0x4u   /* invalid UTF-8 -> U+FFFD, not an error */
#define TL_CONVERT_NO_SYSDICT 0x8u /* do not read the system hunspell list */

typedef struct tl_convert_options {
  tl_lang from;          /* source; TL_LANG_UNKNOWN = detect ("auto") */
  tl_lang to;            /* target */
  const char *scheme;    /* ru <-> ru-Latn scheme id or alias; NULL = gost_779 */
  const char *scheme_file; /* one more scheme table loaded from a file */
  unsigned flags;        /* TL_CONVERT_* */
  tl_apostrophe apostrophe;
  const char *const *dict_files; /* extra Uzbek exception lexicons (files) */
  size_t n_dict_files;
  const char *system_dict; /* hunspell-uz word list; NULL = default path */
  void *reserved[4];     /* zero */
} tl_convert_options;

/* Fills *opts with the defaults (auto -> uz-Latn, modern apostrophes). */
TL_API void tl_convert_options_init(tl_convert_options *opts);

/* A compiled converter: rules, scheme tables and lexicons. Immutable after
 * creation and safe to share between threads. */
typedef struct tl_converter tl_converter;

/* Compiles a converter. Fails with TL_EUNSUPPORTED for a language pair that
 * is not supported, TL_ENOTFOUND for an unknown scheme, TL_ESYNTAX / TL_EIO
 * for a bad or unreadable scheme or lexicon file (message names file:line).
 * *out is owned by the caller: tl_converter_free(). */
TL_API tl_status tl_converter_new(tl_ctx *ctx, const tl_convert_options *opts,
                                  tl_converter **out);
TL_API void tl_converter_free(tl_converter *cv);

/* A note on one word of the output, for --review: the spelling was a guess. */
typedef struct tl_note {
  size_t offset;       /* byte offset of the word in the input */
  size_t len;          /* its length in bytes */
  size_t line, column; /* 1-based; column counts code points */
  const char *word;    /* the input word (not NUL-terminated; len bytes) */
  const char *output;  /* what was written for it (NUL-terminated) */
  const char *reason;  /* short English reason (static string) */
} tl_note;
/* Called for each note; the pointers are valid only during the call. */
typedef void (*tl_note_fn)(void *user, const tl_note *note);

/* Converts a whole text, appending the result to *out (owned by the caller).
 * notes may be NULL. Invalid UTF-8: TL_EUTF8 with the byte offset, or U+FFFD
 * with TL_CONVERT_REPLACE. Thread-safe for a shared cv with distinct ctx. */
TL_API tl_status tl_convert(tl_ctx *ctx, const tl_converter *cv,
                            const char *text, size_t len, tl_buf *out,
                            tl_note_fn notes, void *user);

/* Streaming conversion in constant memory: feed any chunks (they may split
 * a character or a word); each write appends the output that is ready to
 * *out; tl_stream_finish() flushes the rest. One stream per document and
 * per thread. *out of tl_stream_new is owned by the caller: tl_stream_free().
 * After an error the stream stays failed: later writes and finish return the
 * same status (and the context keeps its message) and buffer nothing.
 * The stream keeps ctx and reports its failures there: ctx must outlive the
 * stream and be used by the same thread. cv must outlive the stream too. */
typedef struct tl_stream tl_stream;
TL_API tl_status tl_stream_new(tl_ctx *ctx, const tl_converter *cv,
                               tl_note_fn notes, void *user, tl_stream **out);
TL_API tl_status tl_stream_write(tl_stream *s, const char *chunk, size_t len,
                                 tl_buf *out);
TL_API tl_status tl_stream_finish(tl_stream *s, tl_buf *out);
TL_API void tl_stream_free(tl_stream *s);

/* ---------------------------------------------------------------- schemes */

/* Metadata of a romanization scheme (static strings). */
typedef struct tl_scheme_info {
  const char *id;        /* iuliia id, e.g. "gost_779" */
  const char *aliases;   /* comma-separated, e.g. "iso9,gost-7.79-a"; "" if none */
  const char *name;      /* full name */
  const char *standard;  /* the standard or document */
  int year;              /* 0 if unknown */
  tl_lang from, to;      /* TL_LANG_RU -> TL_LANG_RU_LATN */
  int reversible;        /* 1 if ru-Latn -> ru is supported */
} tl_scheme_info;

/* Number of schemes compiled into the library. */
TL_API size_t tl_scheme_count(void);
/* Metadata of built-in scheme i (0 <= i < tl_scheme_count()). */
TL_API tl_status tl_scheme_info_at(tl_scheme_info *out, size_t i);
/* Looks a scheme up by id or alias (case-insensitive). */
TL_API tl_status tl_scheme_find(tl_scheme_info *out, const char *name);

/* ------------------------------------------- normalization and encodings */

/* Flags of tl_normalize_options.flags. NFC, apostrophes, look-alikes,
 * invisible characters, space folding and line endings are on by default;
 * the typographic rules are off. */
#define TL_NORM_NFKC 0x1u           /* NFKC instead of NFC (ﬁ -> fi, ² -> 2) */
#define TL_NORM_NO_APOSTROPHES 0x2u /* leave Uzbek apostrophes as they are */
#define TL_NORM_NO_LOOKALIKES 0x4u  /* leave Latin/Cyrillic look-alikes */
#define TL_NORM_SPACES 0x8u         /* NBSP and other spaces -> U+0020 */
#define TL_NORM_QUOTES 0x10u        /* "..." -> «...» or “...” by language */
#define TL_NORM_DASHES 0x20u        /* " - " and "--" -> " — " */
#define TL_NORM_ELLIPSIS 0x40u      /* "..." -> "…" */
#define TL_NORM_REPLACE 0x80u       /* invalid UTF-8 -> U+FFFD, not an error */
#define TL_NORM_KEEP_INVISIBLE 0x100u /* keep zero-width and control chars */
#define TL_NORM_KEEP_SPACES 0x200u  /* no folding of runs of spaces, keep CR */

typedef struct tl_normalize_options {
  unsigned flags;          /* TL_NORM_* */
  tl_apostrophe apostrophe; /* how oʻ/gʻ and the tutuq are written */
  tl_lang quotes;          /* language of TL_NORM_QUOTES; UNKNOWN = detect
                              per paragraph */
  void *reserved[4];       /* zero */
} tl_normalize_options;

/* Fills *opts with the defaults: NFC, modern apostrophes, look-alikes,
 * invisible characters removed, spaces folded, typography untouched. */
TL_API void tl_normalize_options_init(tl_normalize_options *opts);

/* One change made by tl_normalize, for an audit (--report). */
typedef struct tl_change {
  const char *kind;    /* "nfc", "nfkc", "apostrophe", "lookalike",
                          "invisible", "control", "space", "line-end",
                          "quote", "dash", "ellipsis", "invalid-utf8"
                          (static strings) */
  size_t offset;       /* byte offset of the change in the input */
  size_t line, column; /* 1-based; column counts code points */
  const char *before;  /* the input text replaced (NUL-terminated) */
  const char *after;   /* what was written instead (NUL-terminated) */
} tl_change;
/* Called for each change; the pointers are valid only during the call. */
typedef void (*tl_change_fn)(void *user, const tl_change *change);

/* Normalizes text[0..len) (UTF-8), appending the result to *out (owned by
 * the caller). report may be NULL. Invalid UTF-8: TL_EUTF8 with its byte
 * offset, line and column, or U+FFFD with TL_NORM_REPLACE (each reported as
 * "invalid-utf8"). opts may be NULL for the defaults. Text that is already
 * clean is copied with a quick check only. Thread-safe with distinct ctx. */
TL_API tl_status tl_normalize(tl_ctx *ctx, const tl_normalize_options *opts,
                              const char *text, size_t len, tl_buf *out,
                              tl_change_fn report, void *user);

/* Character encodings of input files. */
typedef enum tl_encoding {
  TL_ENC_UNKNOWN = 0,
  TL_ENC_UTF8,
  TL_ENC_UTF16LE,
  TL_ENC_UTF16BE,
  TL_ENC_UTF32LE,
  TL_ENC_UTF32BE,
  TL_ENC_CP1251,     /* Windows Cyrillic */
  TL_ENC_KOI8R,      /* KOI8-R (e-mail, Unix) */
  TL_ENC_CP866,      /* DOS Cyrillic */
  TL_ENC_ISO8859_5,  /* ISO-8859-5 */
  TL_ENC_MACCYRILLIC /* Mac OS Cyrillic */
} tl_encoding;

/* "UTF-8", "UTF-16LE", ..., "CP1251", "KOI8-R", "CP866", "ISO-8859-5",
 * "MacCyrillic" (the iconv names); "unknown" otherwise. Static string. */
TL_API const char *tl_encoding_name(tl_encoding enc);
/* Parses a name case-insensitively, with the usual aliases ("utf8",
 * "windows-1251", "koi8r", "ibm866", "iso-8859-5", "mac-cyrillic", ...).
 * "auto" parses as TL_ENC_UNKNOWN. TL_EINVAL for anything else. */
TL_API tl_status tl_encoding_parse(tl_encoding *out, const char *name);

/* Guesses the encoding of data[0..len): a BOM; else UTF-8 if the bytes are
 * UTF-8 (or mostly UTF-8 with a few invalid sequences); else UTF-16/32
 * without BOM by the zero-byte pattern; else the Cyrillic 8-bit encoding
 * whose decoding looks most like Russian or Uzbek text. Never fails: empty
 * or ASCII data is UTF-8. *confidence (may be NULL) is in [0, 1]. Judges
 * 64 KiB at most: the start, or from the first non-ASCII byte when the start
 * is all ASCII. Pure function: no context, thread-safe. */
TL_API void tl_encoding_detect(tl_encoding *enc, double *confidence,
                               const char *data, size_t len);

/* Length of the byte-order mark of enc at the start of data (0 if none). */
TL_API size_t tl_encoding_bom_len(tl_encoding enc, const char *data, size_t len);

/* Flags of tl_decode. */
#define TL_DECODE_REPLACE 0x1u /* undecodable bytes -> U+FFFD, not an error */

/* Decodes data[0..len) from enc to UTF-8, appending to *out (owned by the
 * caller); a BOM is dropped. A byte sequence that is invalid in enc fails
 * with TL_EENCODING (TL_EUTF8 for UTF-8) and its byte offset, unless
 * TL_DECODE_REPLACE, which writes U+FFFD and counts it in *n_replaced (may
 * be NULL). Uses iconv for the legacy encodings. */
TL_API tl_status tl_decode(tl_ctx *ctx, size_t *n_replaced, tl_encoding enc,
                           const char *data, size_t len, unsigned flags,
                           tl_buf *out);

/* Encodes UTF-8 text[0..len) into enc, appending to *out (owned by the
 * caller). A character that enc cannot represent fails with TL_EENCODING,
 * naming the character, its byte offset, line and column. */
TL_API tl_status tl_encode(tl_ctx *ctx, tl_encoding enc, const char *text,
                           size_t len, tl_buf *out);

/* ------------------------ streaming normalize, decode, encode (normstream) */
/* The same three steps for text that comes in chunks (a pipe, an upload, a
 * big archive), in constant memory. Each object is fed any chunks (they may
 * split a character, a word or a CRLF); each write appends to *out (owned
 * by the caller) what is ready; finish appends the rest. The results, the
 * reported changes and the errors (byte offsets, lines and columns of the
 * whole input) are exactly those of the whole-text call, wherever the
 * chunks are cut. One object per document and per thread; it keeps ctx and
 * reports its failures there: ctx must outlive it and be used by the same
 * thread. After a failure the object stays failed: later calls return the
 * same status (the context keeps its message) and a failed call appends
 * nothing; what earlier calls appended stays with the caller. Writing after
 * finish is TL_EINVAL. Every *_new gives an object owned by the caller,
 * released with its *_free (which accepts NULL). */

/* tl_normalize for a stream. Output comes a line at a time: a write
 * appends the lines that its chunk completed (a line over 64 KB: its 64 KB
 * pieces cut after a space); the stream holds the line being read and about
 * 1 KB of the current paragraph (what the apostrophe and quote rules read
 * of it). report (may be NULL) is called during the write that works the
 * change. opts is read only during tl_normalize_stream_new. */
typedef struct tl_normalize_stream tl_normalize_stream;
TL_API tl_status tl_normalize_stream_new(tl_ctx *ctx, const tl_normalize_options *opts,
                                         tl_change_fn report, void *user,
                                         tl_normalize_stream **out);
TL_API tl_status tl_normalize_stream_write(tl_normalize_stream *s, const char *chunk,
                                           size_t len, tl_buf *out);
TL_API tl_status tl_normalize_stream_finish(tl_normalize_stream *s, tl_buf *out);
TL_API void tl_normalize_stream_free(tl_normalize_stream *s);

/* Flag of tl_decoder_new: UTF-8 input is passed on unchecked (its BOM
 * dropped), for a tl_normalize_stream that locates invalid bytes by line
 * and column itself (or replaces them with TL_NORM_REPLACE). */
#define TL_DECODE_UTF8_AS_IS 0x2u

/* tl_decode for a stream: enc to UTF-8, BOM dropped, TL_DECODE_REPLACE as
 * there. With enc TL_ENC_UNKNOWN the encoding is the one
 * tl_encoding_detect finds for the whole input: the decoder holds back the
 * first 64 KiB + 1 bytes until it can decide, or, when they are ASCII
 * (which every candidate reads alike), passes ASCII on at once and holds
 * 64 KiB + 1 bytes from the first non-ASCII byte. */
typedef struct tl_decoder tl_decoder;
TL_API tl_status tl_decoder_new(tl_ctx *ctx, tl_encoding enc, unsigned flags,
                                tl_decoder **out);
TL_API tl_status tl_decoder_write(tl_decoder *d, const char *chunk, size_t len,
                                  tl_buf *out);
TL_API tl_status tl_decoder_finish(tl_decoder *d, tl_buf *out);
/* The encoding decoded (TL_ENC_UNKNOWN while detection waits for input),
 * the confidence of its detection (1 when given) and the number of U+FFFD
 * written so far. Each pointer may be NULL. */
TL_API void tl_decoder_info(const tl_decoder *d, tl_encoding *enc,
                            double *confidence, size_t *n_replaced);
/* Input bytes held back: the detection sample, the start of a possible BOM,
 * a character cut by the chunk. With TL_DECODE_UTF8_AS_IS, once the
 * encoding is UTF-8 and nothing is held, every later write appends its
 * chunk unchanged, so a caller may pass its chunks on without the copy. */
TL_API size_t tl_decoder_held(const tl_decoder *d);
TL_API void tl_decoder_free(tl_decoder *d);

/* tl_encode for a stream: UTF-8 to enc. A character enc cannot represent
 * fails with TL_EENCODING naming it, its byte offset, line and column in
 * the whole text; invalid UTF-8 (or a character left incomplete at finish)
 * fails with TL_EUTF8. */
typedef struct tl_encoder tl_encoder;
TL_API tl_status tl_encoder_new(tl_ctx *ctx, tl_encoding enc, tl_encoder **out);
TL_API tl_status tl_encoder_write(tl_encoder *e, const char *text, size_t len,
                                  tl_buf *out);
TL_API tl_status tl_encoder_finish(tl_encoder *e, tl_buf *out);
TL_API void tl_encoder_free(tl_encoder *e);
/* ------------------------------------------------- end of normstream */

/* Language detection: one result for a text or one of its paragraphs. */
typedef struct tl_detection {
  tl_lang lang;        /* uz-Latn, uz-Cyrl, ru, en, mixed or unknown */
  double confidence;   /* in [0, 1] */
  size_t offset, len;  /* the span judged, in bytes of the input */
  size_t line;         /* 1-based line of offset */
  size_t letters;      /* letters seen in the span (evidence) */
} tl_detection;
/* Called per paragraph; the pointer is valid only during the call. */
typedef void (*tl_detection_fn)(void *user, const tl_detection *d);

/* Tells the language and script of text[0..len) (UTF-8; invalid sequences
 * are skipped). TL_LANG_MIXED when paragraphs (or the two scripts) differ
 * and no language has three quarters of the letters; TL_LANG_UNKNOWN (with
 * confidence 0) when there are no letters. Either out-param may be NULL.
 * Immutable built-in model: thread-safe with distinct ctx. */
TL_API tl_status tl_detect(tl_ctx *ctx, tl_lang *lang, double *confidence,
                           const char *text, size_t len);

/* The same per paragraph (blank-line separated), calling fn for each in
 * order, then for the whole text with offset 0 and line 0. */
TL_API tl_status tl_detect_paragraphs(tl_ctx *ctx, const char *text, size_t len,
                                      tl_detection_fn fn, void *user);

/* ---------------------------------------------------------- spell-checking */

/* Each word is checked with the dictionary of its own language: hunspell's
 * uz_UZ (Uzbek Cyrillic), ru_RU and en_US, and an Uzbek Latin dictionary
 * made from uz_UZ by tl_convert at first use and cached on disk. The
 * newsroom lists of dictionaries/newsroom/ (officials, regions, ministries,
 * organisations) and the personal files are added to every dictionary of
 * their script. hunspell-uz lists word forms only, so an Uzbek word it lacks
 * is also accepted as one of its words plus a chain of the conversion
 * engine's suffixes (dictionaries/uz/suffixes.txt): kitob|lar|imiz|dan.
 *
 * Threads: a tl_speller may be shared by threads, each with its own
 * tl_ctx; its calls are serialised by an internal mutex (hunspell is not
 * thread-safe) and each call gives the result it would give alone (only
 * the verdict caches and tl_speller_add carry over), so for parallel speed
 * open one speller per thread instead. tl_speller_new and tl_speller_free
 * are not to race with other calls on the same speller. The callback of
 * tl_speller_check runs while the speller is locked: it must not call the
 * same speller. */
typedef struct tl_speller tl_speller;

/* Flags of tl_speller_options.flags. */
#define TL_SPELL_HTML 0x1u        /* skip tags, entities, <code>, <script>... */
#define TL_SPELL_MARKDOWN 0x2u    /* skip code spans/blocks and link targets */
#define TL_SPELL_CHECK_CAPS 0x4u  /* also check ALL-CAPS words (acronyms) */
#define TL_SPELL_NO_NEWSROOM 0x8u /* leave out dictionaries/newsroom/ */
#define TL_SPELL_NO_SUGGEST 0x10u /* no suggestions (faster, like -l) */
#define TL_SPELL_ALL_WORDS 0x20u  /* call back for correct words too */

typedef struct tl_speller_options {
  tl_lang lang;       /* TL_LANG_UNKNOWN: each word in its own language;
                         else every word is checked in this one */
  unsigned flags;     /* TL_SPELL_* */
  const char *dict_dir;  /* hunspell dictionaries; NULL = /usr/share/hunspell */
  const char *cache_dir; /* where the Uzbek Latin dictionary is cached; NULL =
                            $XDG_CACHE_HOME/translit or ~/.cache/translit */
  const char *const *personal_files; /* site word lists, one word a line */
  size_t n_personal_files;
  void *reserved[4];  /* zero */
} tl_speller_options;

/* Fills *opts with the defaults (each word in its own language). */
TL_API void tl_speller_options_init(tl_speller_options *opts);

/* Opens a speller. Dictionaries load on first use, except the one of a
 * forced opts->lang, which loads here: TL_ENODICT names the missing file.
 * A bad personal file fails with TL_EIO / TL_EUTF8 (message: file:line).
 * *out is owned by the caller: tl_speller_free(). */
TL_API tl_status tl_speller_new(tl_ctx *ctx, const tl_speller_options *opts,
                                tl_speller **out);
TL_API void tl_speller_free(tl_speller *sp);

/* One checked word. Offsets are relative to the text given to the call. */
typedef struct tl_spell_word {
  size_t offset, len;         /* bytes */
  size_t u16_offset, u16_len; /* UTF-16 code units, for browser editors */
  size_t line, column;        /* 1-based; column counts code points */
  const char *word;           /* the word as written (len bytes, not NUL-terminated) */
  tl_lang lang;               /* the dictionary that judged it */
  int ok;                     /* 1 correct (only with TL_SPELL_ALL_WORDS), 0 not */
  const char *const *suggestions; /* best first, NUL-terminated strings */
  size_t n_suggestions;
  const char *reason;         /* NULL, or why, e.g. "Latin e inside a Cyrillic word" */
} tl_spell_word;
/* Called for each misspelled word (every word with TL_SPELL_ALL_WORDS), in
 * text order; the pointers are valid only during the call. */
typedef void (*tl_spell_fn)(void *user, const tl_spell_word *w);

/* Checks text[0..len), calling fn (which must not be NULL: TL_EINVAL) for
 * each misspelled word. URLs, e-mail addresses, @handles, numbers and
 * number+unit tokens and (unless TL_SPELL_CHECK_CAPS) ALL-CAPS words are
 * skipped. The text is first normalized as by tl_normalize (NFC, apostrophe
 * variants o' o` o‘ -> oʻ, look-alike letters, soft hyphens and other
 * invisible characters), and each word is checked in that form but reported
 * as written, at its offsets in text; a word the normalizer changed only by
 * its look-alike letters is reported with the reason ("Latin e inside a
 * Cyrillic word") and the corrected word as its suggestion. Invalid UTF-8
 * fails with TL_EUTF8 (byte offset, line, column) before any word is
 * reported. Verdicts and suggestions are cached per word form. */
TL_API tl_status tl_speller_check(tl_ctx *ctx, tl_speller *sp, const char *text,
                                  size_t len, tl_spell_fn fn, void *user);

/* Accepts word[0..len) for the life of this speller, in every dictionary
 * of its script (e.g. the `@word` command of the ispell protocol). A word
 * that is not valid UTF-8 fails with TL_EUTF8 and is not added. */
TL_API tl_status tl_speller_add(tl_ctx *ctx, tl_speller *sp, const char *word,
                                size_t len);

/* --------------------------------------------------------------- alignment */

/* Aligns two versions of one article (any two of uz-Latn, uz-Cyrl, ru, en):
 * paragraphs first, then the sentences inside matched paragraphs, with links
 * 1-1, 1-0, 0-1, 1-2, 2-1 and 2-2 found by a banded dynamic program over
 * Gale-Church length costs and anchors (numbers, dates, URLs, quotes, names
 * compared through our transliteration, bilingual lexicons). Sides are "A"
 * (index 0) and "B" (index 1). */

/* Flags of tl_align_options.flags. */
#define TL_ALIGN_SEGMENTED 0x1u  /* one sentence per line, blank line = paragraph */
#define TL_ALIGN_HTML_A 0x2u     /* side A is HTML (B: TL_ALIGN_HTML_B) */
#define TL_ALIGN_HTML_B 0x4u
#define TL_ALIGN_MARKDOWN_A 0x8u /* side A is Markdown */
#define TL_ALIGN_MARKDOWN_B 0x10u
#define TL_ALIGN_NO_LEXICON 0x20u /* do not use the bilingual lexicons */

typedef struct tl_align_options {
  tl_lang lang_a, lang_b; /* TL_LANG_UNKNOWN = detect from the text */
  unsigned flags;         /* TL_ALIGN_* */
  const char *const *lexicon_files; /* more lexicons: "word<TAB>word" files,
                                       A's language first */
  size_t n_lexicon_files;
  void *reserved[4]; /* zero */
} tl_align_options;

/* Fills *opts with the defaults (detect both languages, plain text). */
TL_API void tl_align_options_init(tl_align_options *opts);

/* A compiled aligner (abbreviations, lexicons, converters). Immutable after
 * creation and safe to share between threads. TL_ESYNTAX / TL_EIO for a bad
 * lexicon file (message names file:line). *out is owned by the caller:
 * tl_aligner_free(). */
typedef struct tl_aligner tl_aligner;
TL_API tl_status tl_aligner_new(tl_ctx *ctx, const tl_align_options *opts,
                                tl_aligner **out);
TL_API void tl_aligner_free(tl_aligner *al);

/* The kind of a link, as an editor sees it. */
typedef enum tl_link_kind {
  TL_LINK_MATCH = 0, /* translations of each other */
  TL_LINK_MISSING,   /* in A, missing from B (1-0) */
  TL_LINK_EXTRA,     /* in B only (0-1) */
  TL_LINK_CHANGED    /* same language, two scripts: the texts differ */
} tl_link_kind;

/* One link: sentences a_first .. a_first+a_count-1 of A with
 * b_first .. b_first+b_count-1 of B (0-based; a count may be 0). */
typedef struct tl_align_link {
  size_t a_first, a_count;
  size_t b_first, b_count;
  double confidence; /* in [0,1]: how sure the aligner is of this link */
  tl_link_kind kind;
} tl_align_link;

/* The result of one alignment. Owned by the caller: tl_alignment_free().
 * Immutable once made: its readers below may be called from any thread. */
typedef struct tl_alignment tl_alignment;

/* Aligns a[0..a_len) with b[0..b_len). Invalid UTF-8: TL_EUTF8, with the
 * side ("A"/"B") and byte offset in the message. Thread-safe for a shared al
 * with distinct ctx. *out is owned by the caller: tl_alignment_free(). */
TL_API tl_status tl_align(tl_ctx *ctx, const tl_aligner *al, const char *a,
                          size_t a_len, const char *b, size_t b_len,
                          tl_alignment **out);
TL_API void tl_alignment_free(tl_alignment *aln);

/* The links, in document order; every sentence of each side is in exactly
 * one link. The pointer is valid until tl_alignment_free(). */
TL_API const tl_align_link *tl_alignment_links(const tl_alignment *aln,
                                               size_t *count);
/* Language of side 0 (A) or 1 (B), as given or detected. */
TL_API tl_lang tl_alignment_lang(const tl_alignment *aln, int side);
/* Number of sentences and paragraphs of a side. */
TL_API size_t tl_alignment_sentence_count(const tl_alignment *aln, int side);
TL_API size_t tl_alignment_paragraph_count(const tl_alignment *aln, int side);
/* Sentence i of a side: its text (not NUL-terminated; valid until
 * tl_alignment_free) and its 0-based paragraph. */
TL_API tl_status tl_alignment_sentence(const tl_alignment *aln, int side,
                                       size_t i, const char **text,
                                       size_t *len, size_t *paragraph);

typedef enum tl_align_format {
  TL_ALIGN_TSV = 0, /* SRC_IDS TAB TGT_IDS TAB CONFIDENCE TAB SRC TAB TGT */
  TL_ALIGN_JSON,    /* {"langs":[..],"summary":{..},"links":[..]} */
  TL_ALIGN_TMX,     /* TMX 1.4b translation memory (1-1, 1-2, 2-1, 2-2 links) */
  TL_ALIGN_HTML     /* self-contained side-by-side review page */
} tl_align_format;

/* Flags of tl_alignment_write. */
#define TL_ALIGN_ONLY_PROBLEMS 0x1u /* missing, extra, changed, low confidence */

/* Confidence under which a matched link counts as a problem. */
#define TL_ALIGN_LOW_CONFIDENCE 0.5

/* Is this link something an editor should look at? */
TL_API int tl_align_link_is_problem(const tl_align_link *link);

/* Writes the alignment in a format, appending to *out (owned by the caller).
 * For the same language in two scripts, json and html carry a word-level
 * diff of every changed link. */
TL_API tl_status tl_alignment_write(tl_ctx *ctx, const tl_alignment *aln,
                                    tl_align_format format, unsigned flags,
                                    tl_buf *out);

/* ------------------------------------------------------------------- batch */

/* Converts the string values at the given field paths of one JSON document
 * and appends the whole document to *out (owned by the caller), every other
 * byte unchanged: keys, numbers, spacing, order, and the strings that the
 * conversion leaves as they were. A path is dotted ("lead.text"); "*"
 * matches any key; arrays are traversed ("tags" converts every string of a
 * tags array); a path naming an object converts every string value in it.
 * A rewritten string keeps its escaping style (\uXXXX-only strings stay
 * ASCII, "\/" stays escaped); otherwise only what JSON requires is escaped.
 * At most 64 fields. Invalid JSON: TL_ESYNTAX with line, column and byte
 * offset; invalid UTF-8 in a selected string: TL_EUTF8 (or U+FFFD with
 * TL_CONVERT_REPLACE); deeper than 512 levels: TL_ELIMIT. On failure nothing
 * is appended. Example: fields {"title"} turn {"id":7,"title":"Тошкент"}
 * into {"id":7,"title":"Toshkent"} with cv from uz-Cyrl to uz-Latn. */
TL_API tl_status tl_json_convert_fields(tl_ctx *ctx, const tl_converter *cv,
                                        const char *json, size_t len,
                                        const char *const *fields,
                                        size_t n_fields, tl_buf *out);

/* How a document of a batch is read. */
typedef enum tl_doc_type {
  TL_DOC_AUTO = 0, /* by the file name extension */
  TL_DOC_TEXT,     /* .txt and unknown text: converted as plain text */
  TL_DOC_MARKDOWN, /* .md, .markdown */
  TL_DOC_HTML,     /* .html, .htm, .xhtml */
  TL_DOC_JSON,     /* .json: the named fields only */
  TL_DOC_JSONL,    /* .jsonl, .ndjson: one JSON document a line */
  TL_DOC_OTHER     /* anything else: copied unchanged (or skipped) */
} tl_doc_type;

/* The type of a file by its name ("a/b.HTM" -> TL_DOC_HTML). */
TL_API tl_doc_type tl_doc_type_from_name(const char *name);
/* Parses "txt", "md", "html", "json", "jsonl", "other" or "auto". */
TL_API tl_status tl_doc_type_parse(tl_doc_type *out, const char *name);
/* "txt", "md", "html", "json", "jsonl", "other", "auto" (static string). */
TL_API const char *tl_doc_type_name(tl_doc_type type);

/* Flags of tl_batch_options.flags. */
#define TL_BATCH_NORMALIZE 0x1u  /* tl_normalize each text before converting */
#define TL_BATCH_SKIP_OTHER 0x2u /* skip files that are not converted */
#define TL_BATCH_FORCE 0x4u      /* ignore the manifest: redo every file */

/* What happened to one file. */
typedef enum tl_batch_action {
  TL_BATCH_CONVERTED = 0,
  TL_BATCH_COPIED,    /* not a convertible type: copied byte for byte */
  TL_BATCH_SKIPPED,   /* --skip-other, or not a regular file */
  TL_BATCH_UNCHANGED, /* done by an earlier run (manifest), left as is */
  TL_BATCH_FAILED     /* unreadable or undecodable: no output, see message */
} tl_batch_action;
#define TL_BATCH_N_ACTIONS 5

/* One file's outcome; the pointers are valid only during the callback. */
typedef struct tl_batch_file {
  const char *path;     /* relative path in SRC; for a JSONL SRC its name */
  size_t line;          /* the record's line for a JSONL SRC, else 0 */
  tl_batch_action action;
  tl_doc_type type;
  const char *encoding; /* "UTF-8", "CP1251", "KOI8-R", "UTF-16LE", ... */
  unsigned long long in_bytes, out_bytes;
  tl_status status;     /* TL_OK unless FAILED */
  const char *message;  /* the cause with line:col when known; "" if none */
} tl_batch_file;

/* Counters of a run, for progress and the final summary. */
typedef struct tl_batch_stats {
  unsigned long long files[TL_BATCH_N_ACTIONS]; /* by tl_batch_action */
  unsigned long long in_bytes, out_bytes; /* of converted and copied files */
  unsigned long long files_total; /* files to look at; 0 while unknown */
  double fraction;     /* share of the work done, 0..1, or -1 if unknown */
  double seconds;      /* since the start */
  int restarted;       /* the manifest was made with other options: all redone */
  unsigned jobs;       /* worker threads used */
} tl_batch_stats;

typedef void (*tl_batch_file_fn)(void *user, const tl_batch_file *file);
typedef void (*tl_batch_progress_fn)(void *user, const tl_batch_stats *stats);

typedef struct tl_batch_options {
  tl_convert_options convert; /* TL_CONVERT_HTML / _MARKDOWN here apply to
                                 text files and JSON fields; .html and .md
                                 files always use their own mode */
  tl_doc_type type;          /* TL_DOC_AUTO: by extension; else for all files */
  const char *const *fields; /* JSON field paths (see tl_json_convert_fields) */
  size_t n_fields;
  const char *encoding;      /* NULL or "auto": detect; else an iconv name */
  unsigned flags;            /* TL_BATCH_* */
  unsigned jobs;             /* worker threads; 0 = one per core */
  unsigned shard_index;      /* with shard_count > 1: only the files whose */
  unsigned shard_count;      /* tl_batch_shard() is shard_index (1-based) */
  tl_batch_file_fn on_file;  /* each file's outcome; one call at a time */
  tl_batch_progress_fn on_progress; /* about 10 times a second, one call
                                       at a time, from the calling thread */
  void *user;
  void *reserved[4];         /* zero */
} tl_batch_options;

/* Fills *opts with the defaults (detect encoding and type, all cores). */
TL_API void tl_batch_options_init(tl_batch_options *opts);

/* The shard (1..count) of a relative path: FNV-1a 64 of its bytes, then
 * the splitmix64 finalizer, modulo count, plus 1. Stable across versions
 * and machines (a published contract: hosts may run different versions). */
TL_API unsigned tl_batch_shard(const char *path, size_t len, unsigned count);

/* Converts the tree, archive or JSON Lines file src into dst (see the
 * README: a folder, a .tar/.tar.gz/.tgz/.zip archive, a .jsonl file, or
 * "-" for standard input/output as JSON Lines). The source is never
 * written. Each output goes to a temporary file in dst, is flushed to disk
 * and renamed into place (in groups: one filesystem sync per few hundred
 * files); a manifest in dst records each finished file once it is on disk,
 * so that a rerun redoes only what is missing or changed. An archive src
 * that cannot be read to its end (truncated, damaged) stops the run with
 * TL_EIO, the byte offset and the entry; a dst this run created is then
 * removed. A file that cannot
 * be read or decoded is reported through on_file and counted as FAILED,
 * and the run goes on (TL_OK): check stats->files[TL_BATCH_FAILED]. A
 * destination that cannot be written (full disk, read-only, no permission)
 * stops the run with TL_EIO and a message naming the file; what was
 * written stays valid. stats may be NULL. */
TL_API tl_status tl_batch_run(tl_ctx *ctx, const tl_batch_options *opts,
                              const char *src, const char *dst,
                              tl_batch_stats *stats);

/* ------------------------------------------------------------------ limits */
/* What hostile input costs (tested by tests/fuzz/ and tests/data/bad/):
 *
 *  - Size: text is (pointer, size_t length), with no limit of its own. The
 *    whole-text calls (tl_convert, tl_normalize, tl_decode, tl_json_convert_
 *    fields, tl_align, tl_speller_check) keep input and output in memory,
 *    about 2-3 times the input; tl_stream_* converts in constant memory
 *    whatever the line length (a line is worked in 64 KB pieces cut at a
 *    space, or anywhere after 1 MB without one). tl_normalize_stream_*,
 *    tl_decoder_* and tl_encoder_* work in constant memory too (the line
 *    being read, 64 KB pieces of a longer one, about 1 KB of the paragraph;
 *    the decoder's detection holds 64 KiB + 1 bytes). tl_align segments a
 *    paragraph of over 1 MB in pieces cut after a sentence end.
 *  - Nesting: the markup scanner (HTML, Markdown) has no stack: any depth of
 *    nested or unclosed elements, comments and attributes costs the same.
 *    JSON deeper than 512 levels fails with TL_ELIMIT; at most 64 field
 *    paths. Nothing else in the library recurses on the input.
 *  - Words: the speller leaves "words" over 256 UTF-16 units unchecked; the
 *    Uzbek converter writes words over 64 letters by the rules alone (no
 *    lexicon or dictionary look-up).
 *  - Data files: a scheme rule covers at most 4 letters and an output read
 *    back at most 8 (TL_ESYNTAX with file:line beyond); a NUL byte in a
 *    lexicon entry is TL_ESYNTAX.
 *  - On failure, tl_convert, tl_normalize, tl_decode and
 *    tl_json_convert_fields append nothing to the output buffer. */

#ifdef __cplusplus
}
#endif

#endif /* TRANSLIT_H */
