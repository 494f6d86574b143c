/* convert.c: the conversion driver. It compiles a converter for a language
 * pair, and streams text through it: UTF-8 checking, cutting the input at
 * line ends (constant memory), markup scanning, then the script engine
 * (uzbek.c or scheme.c) on the parts that are text. */
#include "buf.h"
#include "convert.h"
#include "error.h"
#include "markup.h"
#include "scheme.h"
#include "utf8.h"
#include "uzbek.h"

#include <stdlib.h>
#include <string.h>

/* A piece of input longer than this without a line end is cut at a space;
 * longer than TL__HARD_CUT without a space, anywhere (at a character). */
#define TL__SOFT_CUT (64u * 1024u)
#define TL__HARD_CUT (1024u * 1024u)

typedef enum engine_kind {
  ENGINE_COPY,       /* nothing to do (same script) */
  ENGINE_UZ_LATIN,   /* uz-Cyrl / ru -> uz-Latn */
  ENGINE_UZ_CYRL,    /* uz-Latn -> uz-Cyrl */
  ENGINE_RU_UZ_CYRL, /* ru -> uz-Cyrl */
  ENGINE_SCHEME,     /* ru -> ru-Latn */
  ENGINE_SCHEME_REV  /* ru-Latn -> ru */
} engine_kind;

struct tl_converter {
  tl_lang from, to;
  unsigned flags;
  tl_apostrophe apos;
  engine_kind kind;
  tl__uz *uz;
  tl__scheme *scheme;
};

void tl_convert_options_init(tl_convert_options *opts) {
  if (!opts)
    return;
  memset(opts, 0, sizeof *opts);
  opts->from = TL_LANG_UNKNOWN;
  opts->to = TL_LANG_UZ_LATN;
  opts->apostrophe = TL_APOS_MODERN;
}

static tl_status pick_engine(tl_ctx *ctx, tl_lang from, tl_lang to,
                             engine_kind *kind) {
  switch (to) {
  case TL_LANG_UZ_LATN:
    if (from == TL_LANG_UNKNOWN || from == TL_LANG_UZ_CYRL || from == TL_LANG_RU)
      return *kind = ENGINE_UZ_LATIN, TL_OK;
    if (from == TL_LANG_UZ_LATN)
      return *kind = ENGINE_COPY, TL_OK;
    break;
  case TL_LANG_UZ_CYRL:
    if (from == TL_LANG_UNKNOWN || from == TL_LANG_UZ_LATN)
      return *kind = ENGINE_UZ_CYRL, TL_OK;
    if (from == TL_LANG_RU)
      return *kind = ENGINE_RU_UZ_CYRL, TL_OK;
    if (from == TL_LANG_UZ_CYRL)
      return *kind = ENGINE_COPY, TL_OK;
    break;
  case TL_LANG_RU_LATN:
    if (from == TL_LANG_UNKNOWN || from == TL_LANG_RU)
      return *kind = ENGINE_SCHEME, TL_OK;
    break;
  case TL_LANG_RU:
    if (from == TL_LANG_RU_LATN)
      return *kind = ENGINE_SCHEME_REV, TL_OK;
    break;
  default:
    break;
  }
  return tl__fail(ctx, TL_EUNSUPPORTED, TL_NO_OFFSET,
                  "conversion from %s to %s is not supported",
                  from == TL_LANG_UNKNOWN ? "auto" : tl_lang_code(from),
                  tl_lang_code(to));
}

tl_status tl_converter_new(tl_ctx *ctx, const tl_convert_options *opts,
                           tl_converter **out) {
  if (!opts || !out)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  *out = NULL;
  if ((unsigned)opts->apostrophe > TL_APOS_TYPOGRAPHIC)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "unknown apostrophe style");
  engine_kind kind = ENGINE_COPY;
  tl_status st = pick_engine(ctx, opts->from, opts->to, &kind);
  if (st)
    return st;
  tl_converter *cv = calloc(1, sizeof *cv);
  if (!cv)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  cv->from = opts->from;
  cv->to = opts->to;
  cv->flags = opts->flags;
  cv->apos = opts->apostrophe;
  cv->kind = kind;
  if (kind == ENGINE_UZ_LATIN || kind == ENGINE_UZ_CYRL)
    st = tl__uz_new(ctx, opts, &cv->uz);
  else if (kind == ENGINE_SCHEME || kind == ENGINE_SCHEME_REV) {
    if (opts->scheme_file && (!opts->scheme || !*opts->scheme))
      st = tl__scheme_load_file(ctx, opts->scheme_file, &cv->scheme);
    else
      st = tl__scheme_load(ctx, opts->scheme ? opts->scheme : "gost_779",
                           &cv->scheme);
    if (st == TL_ENOTFOUND && opts->scheme_file) {
      /* --scheme NAME may name the scheme of --scheme-file FILE. */
      tl__scheme *sc = NULL;
      st = tl__scheme_load_file(ctx, opts->scheme_file, &sc);
      if (!st) {
        tl_scheme_info info;
        tl__scheme_info(sc, &info);
        cv->scheme = sc;
      }
    }
    if (!st && kind == ENGINE_SCHEME_REV) {
      tl_scheme_info info;
      tl__scheme_info(cv->scheme, &info);
      if (!info.reversible)
        st = tl__fail(ctx, TL_EUNSUPPORTED, TL_NO_OFFSET,
                      "scheme %s is not reversible", info.id);
    }
  }
  if (st) {
    tl_converter_free(cv);
    return st;
  }
  tl__ok(ctx);
  *out = cv;
  return TL_OK;
}

void tl_converter_free(tl_converter *cv) {
  if (!cv)
    return;
  tl__uz_free(cv->uz);
  tl__scheme_free(cv->scheme);
  free(cv);
}

/* ------------------------------------------------------------------ notes */

static size_t count_cps(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += ((unsigned char)s[i] & 0xC0) != 0x80;
  return k;
}

void tl__note(const tl__run *run, size_t off, size_t len, const char *output,
              const char *reason) {
  if (!run->notes)
    return;
  size_t line = run->line, col = run->column;
  size_t ls = 0; /* start of off's line within run->text */
  for (size_t i = 0; i < off; i++)
    if (run->text[i] == '\n')
      line++, ls = i + 1, col = 1;
  col += count_cps(run->text + ls, off - ls);
  tl_note note = {run->offset + off, len, line, col, run->text + off, output,
                  reason};
  run->notes(run->user, &note);
}

/* ----------------------------------------------------------------- stream */

struct tl_stream {
  tl_ctx *ctx;
  const tl_converter *cv;
  tl_note_fn notes;
  void *user;
  tl_buf pending;      /* input not processed yet */
  tl_buf scratch;      /* the current piece after U+FFFD replacement */
  tl__markup markup;
  size_t offset;       /* document offset of pending.data[0] */
  size_t line, column; /* position of pending.data[0] */
  tl_buf *out;         /* output of the current write */
  tl__wcache *cache;   /* words already converted (Uzbek engine) */
  tl_ctx failure;      /* the first failure (status 0: none) */
};

tl_status tl_stream_new(tl_ctx *ctx, const tl_converter *cv, tl_note_fn notes,
                        void *user, tl_stream **out) {
  if (!cv || !out)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  tl_stream *s = calloc(1, sizeof *s);
  if (!s)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  s->ctx = ctx;
  s->cv = cv;
  s->notes = notes;
  s->user = user;
  s->line = s->column = 1;
  /* Only Latin -> Cyrillic gains from a word cache (its dictionary search). */
  if (cv->kind == ENGINE_UZ_CYRL) {
    s->cache = tl__wcache_new();
    if (!s->cache) {
      free(s);
      return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    }
  }
  tl__markup_init(&s->markup, (cv->flags & TL_CONVERT_HTML)       ? TL__MARKUP_HTML
                              : (cv->flags & TL_CONVERT_MARKDOWN) ? TL__MARKUP_MARKDOWN
                                                                  : TL__MARKUP_PLAIN);
  *out = s;
  return TL_OK;
}

void tl_stream_free(tl_stream *s) {
  if (!s)
    return;
  tl_buf_free(&s->pending);
  tl_buf_free(&s->scratch);
  tl__wcache_free(s->cache);
  free(s);
}

/* Position bookkeeping for the piece text[0..n) just consumed. */
typedef struct span_ctx {
  tl_stream *s;
  size_t offset, line, column; /* of the next span */
} span_ctx;

static tl_status on_span(void *user, const char *text, size_t n, int convert) {
  span_ctx *sc = user;
  tl_stream *s = sc->s;
  const tl_converter *cv = s->cv;
  tl_status st = TL_OK;
  if (!convert || cv->kind == ENGINE_COPY) {
    st = tl__buf_append(s->out, text, n);
  } else {
    tl__run run = {text, n, sc->offset, sc->line, sc->column, s->notes, s->user,
                   s->cache};
    switch (cv->kind) {
    case ENGINE_UZ_LATIN:
      st = tl__uz_to_latin(cv->uz, &run, cv->apos, s->out);
      break;
    case ENGINE_UZ_CYRL:
      st = tl__uz_to_cyrillic(cv->uz, &run, s->out);
      break;
    case ENGINE_RU_UZ_CYRL:
      st = tl__uz_russian_to_cyrillic(&run, s->out);
      break;
    case ENGINE_SCHEME:
    case ENGINE_SCHEME_REV:
      st = tl__scheme_convert(cv->scheme, cv->kind == ENGINE_SCHEME_REV, &run,
                              s->out);
      break;
    case ENGINE_COPY:
      break;
    }
  }
  sc->offset += n;
  /* Positions are needed per span only for review notes; otherwise the
   * piece is measured once, after the scan (see process). */
  if (s->notes)
    tl__utf8_advance(&sc->line, &sc->column, text, n);
  return st;
}

/* Checks (or repairs) the UTF-8 of piece p[0..n) and converts it. */
static tl_status process(tl_stream *s, const char *p, size_t n) {
  const char *text = p;
  size_t bad;
  if (!tl__utf8_valid(p, n, &bad)) {
    if (!(s->cv->flags & TL_CONVERT_REPLACE)) {
      size_t line = s->line, col = s->column;
      tl__utf8_advance(&line, &col, p, bad);
      return tl__fail_at(s->ctx, TL_EUTF8, s->offset + bad, line, col,
                         "invalid UTF-8 at byte offset %zu (byte 0x%02X)",
                         s->offset + bad, (unsigned char)p[bad]);
    }
    /* One U+FFFD for each invalid byte; valid sequences are kept. */
    tl_buf_clear(&s->scratch);
    for (size_t i = 0; i < n;) {
      uint32_t cp;
      size_t k = tl__utf8_decode(p + i, n - i, &cp);
      tl_status st = (cp == TL__UTF8_INVALID || cp == TL__UTF8_TRUNCATED)
                         ? tl__buf_append(&s->scratch, "\xEF\xBF\xBD", 3)
                         : tl__buf_append(&s->scratch, p + i, k);
      if (cp == TL__UTF8_TRUNCATED)
        k = 1;
      if (st)
        return tl__fail(s->ctx, st, TL_NO_OFFSET, "out of memory");
      i += k;
    }
    text = s->scratch.data;
    n = s->scratch.len;
  }
  span_ctx sc = {s, s->offset, s->line, s->column};
  tl_status st = tl__markup_scan(&s->markup, text, n, on_span, &sc);
  if (st) {
    if (st == TL_ENOMEM)
      return tl__fail(s->ctx, st, TL_NO_OFFSET, "out of memory");
    return st;
  }
  if (s->notes) {
    s->line = sc.line;
    s->column = sc.column;
  } else {
    tl__utf8_advance(&s->line, &s->column, text, n);
  }
  return TL_OK;
}

/* Where to cut pending[0..n): after the last line end, else (when the
 * piece is long) after the last space, else at a character boundary.
 * p[0..from) is known to hold no line end, so that many small writes into
 * one long line do not rescan it each time. */
static size_t cut_point(const char *p, size_t n, size_t from, int final) {
  if (final)
    return n;
  for (size_t i = n; i > from; i--)
    if (p[i - 1] == '\n')
      return i;
  if (n < TL__SOFT_CUT)
    return 0;
  for (size_t i = n; i > 0 && n - i < TL__HARD_CUT; i--)
    if (p[i - 1] == ' ' || p[i - 1] == '\t')
      return i;
  return tl__utf8_complete_prefix(p, n);
}

static tl_status drain(tl_stream *s, tl_buf *out, size_t from, int final) {
  size_t cut = cut_point(s->pending.data, s->pending.len, from, final);
  if (cut == 0)
    return TL_OK;
  s->out = out;
  tl_status st = process(s, s->pending.data, cut);
  s->out = NULL;
  if (st)
    return st;
  s->offset += cut;
  memmove(s->pending.data, s->pending.data + cut, s->pending.len - cut);
  s->pending.len -= cut;
  s->pending.data[s->pending.len] = '\0';
  return TL_OK;
}

/* A stream that failed stays failed: later calls report the first failure
 * again and buffer nothing more, so a caller that goes on writing after an
 * error cannot make it grow. */
static tl_status stream_failed(tl_stream *s, tl_status st) {
  return tl__stay_failed(s->ctx, &s->failure, st);
}

tl_status tl_stream_write(tl_stream *s, const char *chunk, size_t len,
                          tl_buf *out) {
  if (!s || !out || (!chunk && len))
    return tl__fail(s ? s->ctx : NULL, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  if (s->failure.status)
    return stream_failed(s, s->failure.status);
  /* Feed big chunks in slices so that memory stays bounded. */
  while (len) {
    size_t take = len < TL__SOFT_CUT ? len : TL__SOFT_CUT;
    size_t from = s->pending.len; /* what is left has no line end */
    if (tl__buf_append(&s->pending, chunk, take))
      return tl__fail(s->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    chunk += take;
    len -= take;
    tl_status st = drain(s, out, from, 0);
    if (st)
      return stream_failed(s, st);
  }
  tl__ok(s->ctx);
  return TL_OK;
}

tl_status tl_stream_finish(tl_stream *s, tl_buf *out) {
  if (!s || !out)
    return tl__fail(s ? s->ctx : NULL, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  if (s->failure.status)
    return stream_failed(s, s->failure.status);
  tl_status st = drain(s, out, 0, 1);
  if (st)
    return stream_failed(s, st);
  tl__ok(s->ctx);
  return TL_OK;
}

tl_status tl_convert(tl_ctx *ctx, const tl_converter *cv, const char *text,
                     size_t len, tl_buf *out, tl_note_fn notes, void *user) {
  if (!cv || !out || (!text && len))
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  tl_stream *s;
  tl_status st = tl_stream_new(ctx, cv, notes, user, &s);
  if (st)
    return st;
  /* The whole text is one document: process it without copying when it is
   * valid, cutting only at line ends so that memory stays bounded. */
  size_t done = 0;
  while (!st && done < len) {
    size_t n = len - done;
    size_t cut = n;
    if (n > TL__SOFT_CUT) {
      cut = cut_point(text + done, TL__SOFT_CUT, 0, 0);
      if (cut == 0)
        cut = cut_point(text + done, n < TL__HARD_CUT ? n : TL__HARD_CUT, 0, 0);
      if (cut == 0)
        cut = n;
    }
    s->out = out;
    st = process(s, text + done, cut);
    s->offset += cut;
    done += cut;
  }
  tl_stream_free(s);
  if (!st)
    tl__ok(ctx);
  return st;
}
