/* json.c: converts the string values at chosen field paths of a JSON
 * document and keeps every other byte as it was. A recursive-descent
 * scanner (RFC 8259 grammar) tracks which paths are still live at each key;
 * a selected string is decoded, converted, and written back escaped the way
 * the original was (\uXXXX style and "\/" are kept), or left untouched when
 * the conversion does not change it. */
#include "json.h"

#include "buf.h"
#include "error.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TL__JSON_MAX_PATHS 64
#define TL__JSON_MAX_DEPTH 512

typedef struct path {
  const char **comp;
  size_t n;
} path;

struct tl__json_paths {
  size_t n;
  path p[TL__JSON_MAX_PATHS];
  char *strings;      /* all components, NUL-separated */
  const char **comps; /* all component pointers */
};

tl_status tl__json_paths_new(tl_ctx *ctx, const char *const *fields, size_t n,
                             tl__json_paths **out) {
  *out = NULL;
  if (n > TL__JSON_MAX_PATHS)
    return tl__fail(ctx, TL_ELIMIT, TL_NO_OFFSET,
                    "too many JSON fields (%zu; at most %d)", n,
                    TL__JSON_MAX_PATHS);
  size_t total = 0, ncomp = 0;
  for (size_t i = 0; i < n; i++) {
    if (!fields[i])
      return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL JSON field");
    total += strlen(fields[i]) + 1;
    ncomp++;
    for (const char *c = fields[i]; *c; c++)
      ncomp += *c == '.';
  }
  tl__json_paths *p = calloc(1, sizeof *p);
  if (!p)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  p->strings = malloc(total ? total : 1);
  p->comps = malloc((ncomp ? ncomp : 1) * sizeof *p->comps);
  if (!p->strings || !p->comps) {
    tl__json_paths_free(p);
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  }
  char *s = p->strings;
  const char **c = p->comps;
  for (size_t i = 0; i < n; i++) {
    size_t k = strlen(fields[i]);
    memcpy(s, fields[i], k + 1);
    p->p[i].comp = c;
    char *start = s;
    for (size_t j = 0; j <= k; j++) {
      if (s[j] == '.' || s[j] == '\0') {
        if (s + j == start) {
          tl__json_paths_free(p);
          return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET,
                          "JSON field '%s': empty name in the path", fields[i]);
        }
        s[j] = '\0';
        *c++ = start;
        p->p[i].n++;
        start = s + j + 1;
      }
    }
    s += k + 1;
  }
  p->n = n;
  *out = p;
  return TL_OK;
}

void tl__json_paths_free(tl__json_paths *p) {
  if (!p)
    return;
  free(p->strings);
  free(p->comps);
  free(p);
}

/* ---------------------------------------------------------------- scanner */

typedef struct js {
  tl_ctx *ctx;
  const tl_converter *cv;
  const tl__json_paths *paths;
  const tl_normalize_options *norm;
  const char *s;
  size_t n, pos;
  size_t copied; /* s[0..copied) is already in out */
  tl_buf *out;
  tl_buf text; /* the decoded selected string */
  tl_buf conv; /* its conversion */
  tl_buf normed; /* its normalization */
  tl_buf key;  /* a decoded key with escapes */
} js;

static void position(const char *s, size_t off, size_t *line, size_t *col) {
  *line = 1, *col = 1;
  for (size_t i = 0; i < off; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n')
      ++*line, *col = 1;
    else if ((c & 0xC0) != 0x80)
      ++*col;
  }
}

static tl_status syntax(js *j, size_t off, const char *what) {
  size_t line, col;
  position(j->s, off, &line, &col);
  if (off >= j->n)
    return tl__fail_at(j->ctx, TL_ESYNTAX, off, line, col,
                       "invalid JSON: %s at the end of the document", what);
  return tl__fail_at(j->ctx, TL_ESYNTAX, off, line, col,
                     "invalid JSON: %s at byte offset %zu", what, off);
}

static void skip_ws(js *j) {
  while (j->pos < j->n) {
    char c = j->s[j->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
      break;
    j->pos++;
  }
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static int hex4(const char *p, uint32_t *v) {
  uint32_t x = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval(p[i]);
    if (h < 0)
      return 0;
    x = x << 4 | (uint32_t)h;
  }
  *v = x;
  return 1;
}

/* What a string looked like, so that a rewrite can keep its style. */
typedef struct str_info {
  size_t start, end; /* offsets of the opening and closing quotes */
  int escapes;       /* any backslash */
  int raw_nonascii;  /* a raw byte >= 0x80 */
  int u_nonascii;    /* a \uXXXX escape of a code point >= 0x80 */
  int upper_hex;     /* the first \u escape with letters used A-F */
  int hex_seen;
  int slash;         /* "\/" was used */
} str_info;

/* Scans the string at j->pos (on the opening quote) and checks its grammar;
 * the UTF-8 inside is checked only when the string is converted. */
static tl_status scan_string(js *j, str_info *si) {
  memset(si, 0, sizeof *si);
  si->start = j->pos;
  size_t i = j->pos + 1;
  const char *s = j->s;
  for (;;) {
    /* Runs of plain bytes are the common case. */
    while (i < j->n && s[i] != '"' && s[i] != '\\' && (unsigned char)s[i] >= 0x20) {
      if ((unsigned char)s[i] >= 0x80)
        si->raw_nonascii = 1;
      i++;
    }
    if (i >= j->n)
      return syntax(j, si->start, "unterminated string");
    unsigned char c = (unsigned char)s[i];
    if (c == '"')
      break;
    if (c < 0x20)
      return syntax(j, i, "control character in a string");
    /* A backslash. */
    si->escapes = 1;
    if (i + 1 >= j->n)
      return syntax(j, si->start, "unterminated string");
    char e = s[i + 1];
    if (e == 'u') {
      uint32_t v;
      if (i + 6 > j->n || !hex4(s + i + 2, &v))
        return syntax(j, i, "bad \\u escape");
      if (v >= 0x80)
        si->u_nonascii = 1;
      for (int k = 2; k < 6 && !si->hex_seen; k++) {
        if (s[i + k] >= 'a' && s[i + k] <= 'f')
          si->hex_seen = 1;
        else if (s[i + k] >= 'A' && s[i + k] <= 'F')
          si->hex_seen = 1, si->upper_hex = 1;
      }
      i += 6;
    } else if (strchr("\"\\/bfnrt", e) && e) {
      if (e == '/')
        si->slash = 1;
      i += 2;
    } else {
      return syntax(j, i, "bad escape");
    }
  }
  si->end = i;
  j->pos = i + 1;
  return TL_OK;
}

/* Decodes the body of a scanned string into b (escapes resolved; a lone
 * surrogate escape becomes its 3-byte form, which is invalid UTF-8 and is
 * then refused or replaced by the converter like any other bad byte). */
static tl_status decode_string(const char *s, const str_info *si, tl_buf *b) {
  tl_buf_clear(b);
  size_t i = si->start + 1;
  while (i < si->end) {
    size_t k = i;
    while (k < si->end && s[k] != '\\')
      k++;
    if (k > i && tl__buf_append(b, s + i, k - i))
      return TL_ENOMEM;
    if (k >= si->end)
      break;
    char e = s[k + 1];
    i = k + 2;
    char c;
    switch (e) {
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u': {
      uint32_t v = 0, lo;
      hex4(s + k + 2, &v);
      i = k + 6;
      if (v >= 0xD800 && v <= 0xDBFF && i + 6 <= si->end && s[i] == '\\' &&
          s[i + 1] == 'u' && hex4(s + i + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
        v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
        i += 6;
      }
      if (v >= 0xD800 && v <= 0xDFFF) {
        char raw[3] = {(char)(0xE0 | (v >> 12)), (char)(0x80 | ((v >> 6) & 0x3F)),
                       (char)(0x80 | (v & 0x3F))};
        if (tl__buf_append(b, raw, 3))
          return TL_ENOMEM;
      } else if (tl__buf_put_cp(b, v)) {
        return TL_ENOMEM;
      }
      continue;
    }
    default: c = e; break; /* " \ / */
    }
    if (tl__buf_putc(b, c))
      return TL_ENOMEM;
  }
  return TL_OK;
}

/* Offset in the document of byte `off` of the decoded string. */
static size_t raw_offset(const char *s, const str_info *si, size_t off) {
  size_t i = si->start + 1, d = 0;
  while (i < si->end) {
    size_t step = 1, dlen = 1;
    if (s[i] == '\\') {
      if (s[i + 1] == 'u') {
        uint32_t v = 0;
        hex4(s + i + 2, &v);
        step = 6;
        dlen = v < 0x80 ? 1 : v < 0x800 ? 2 : 3;
        uint32_t lo;
        if (v >= 0xD800 && v <= 0xDBFF && i + 12 <= si->end && s[i + 6] == '\\' &&
            s[i + 7] == 'u' && hex4(s + i + 8, &lo) && lo >= 0xDC00 && lo <= 0xDFFF)
          step = 12, dlen = 4;
      } else {
        step = 2;
      }
    }
    if (d + dlen > off)
      return i;
    d += dlen;
    i += step;
  }
  return i;
}

static tl_status put_u_escape(tl_buf *b, uint32_t v, int upper) {
  return tl__buf_printf(b, upper ? "\\u%04X" : "\\u%04x", (unsigned)v);
}

/* Appends text[0..n) as the body of a JSON string in the style of si. */
static tl_status encode_string(tl_buf *b, const char *t, size_t n,
                               const str_info *si) {
  int ascii = si->u_nonascii && !si->raw_nonascii;
  size_t i = 0;
  while (i < n) {
    size_t k = i;
    while (k < n) {
      unsigned char c = (unsigned char)t[k];
      if (c < 0x20 || c == '"' || c == '\\' || (c == '/' && si->slash) ||
          (c >= 0x80 && ascii))
        break;
      k++;
    }
    if (k > i && tl__buf_append(b, t + i, k - i))
      return TL_ENOMEM;
    if (k >= n)
      break;
    unsigned char c = (unsigned char)t[k];
    tl_status st = TL_OK;
    i = k + 1;
    if (c >= 0x80) {
      uint32_t cp;
      size_t len = tl__utf8_decode(t + k, n - k, &cp);
      if (cp == TL__UTF8_INVALID || cp == TL__UTF8_TRUNCATED) {
        st = tl__buf_append(b, t + k, 1); /* cannot happen after conversion */
      } else if (cp >= 0x10000) {
        cp -= 0x10000;
        st = put_u_escape(b, 0xD800 + (cp >> 10), si->upper_hex);
        if (!st)
          st = put_u_escape(b, 0xDC00 + (cp & 0x3FF), si->upper_hex);
        i = k + len;
      } else {
        st = put_u_escape(b, cp, si->upper_hex);
        i = k + len;
      }
    } else {
      switch (c) {
      case '"': st = tl__buf_append(b, "\\\"", 2); break;
      case '\\': st = tl__buf_append(b, "\\\\", 2); break;
      case '/': st = tl__buf_append(b, "\\/", 2); break;
      case '\b': st = tl__buf_append(b, "\\b", 2); break;
      case '\f': st = tl__buf_append(b, "\\f", 2); break;
      case '\n': st = tl__buf_append(b, "\\n", 2); break;
      case '\r': st = tl__buf_append(b, "\\r", 2); break;
      case '\t': st = tl__buf_append(b, "\\t", 2); break;
      default: st = put_u_escape(b, c, si->upper_hex); break;
      }
    }
    if (st)
      return st;
  }
  return TL_OK;
}

static tl_status convert_string(js *j, const str_info *si) {
  const char *body = j->s + si->start + 1;
  size_t blen = si->end - si->start - 1;
  const char *text = body;
  size_t tlen = blen;
  if (si->escapes) {
    if (decode_string(j->s, si, &j->text))
      return tl__fail(j->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    text = j->text.data ? j->text.data : "";
    tlen = j->text.len;
  }
  tl_buf_clear(&j->conv);
  tl_status st = TL_OK;
  const char *ctext = text;
  size_t clen = tlen;
  if (j->norm) {
    tl_buf_clear(&j->normed);
    st = tl_normalize(j->ctx, j->norm, text, tlen, &j->normed, NULL, NULL);
    ctext = j->normed.data ? j->normed.data : "";
    clen = j->normed.len;
  }
  if (!st)
    st = tl_convert(j->ctx, j->cv, ctext, clen, &j->conv, NULL, NULL);
  if (st) {
    if (st == TL_EUTF8) {
      size_t bad = tl_ctx_error_offset(j->ctx);
      size_t off = raw_offset(j->s, si, bad == TL_NO_OFFSET ? 0 : bad);
      size_t line, col;
      position(j->s, off, &line, &col);
      return tl__fail_at(j->ctx, TL_EUTF8, off, line, col,
                         "invalid UTF-8 in a JSON string at byte offset %zu%s",
                         off, j->s[off] == '\\' ? " (lone surrogate escape)" : "");
    }
    return st;
  }
  if (j->conv.len == tlen && (tlen == 0 || memcmp(j->conv.data, text, tlen) == 0))
    return TL_OK; /* unchanged: keep the original bytes, escapes and all */
  if (tl__buf_append(j->out, j->s + j->copied, si->start + 1 - j->copied) ||
      encode_string(j->out, j->conv.data, j->conv.len, si) ||
      tl__buf_putc(j->out, '"'))
    return tl__fail(j->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  j->copied = si->end + 1;
  return TL_OK;
}

static int key_matches(const char *comp, const char *key, size_t klen) {
  return (comp[0] == '*' && comp[1] == '\0') ||
         (strlen(comp) == klen && memcmp(comp, key, klen) == 0);
}

static tl_status parse_value(js *j, uint64_t live, size_t keydepth,
                             int selected, int depth);

static tl_status parse_number(js *j) {
  const char *s = j->s;
  size_t i = j->pos, start = i;
  if (i < j->n && s[i] == '-')
    i++;
  if (i < j->n && s[i] == '0')
    i++;
  else if (i < j->n && s[i] >= '1' && s[i] <= '9')
    while (i < j->n && s[i] >= '0' && s[i] <= '9')
      i++;
  else
    return syntax(j, start, "bad number");
  if (i < j->n && s[i] == '.') {
    i++;
    if (i >= j->n || s[i] < '0' || s[i] > '9')
      return syntax(j, start, "bad number");
    while (i < j->n && s[i] >= '0' && s[i] <= '9')
      i++;
  }
  if (i < j->n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < j->n && (s[i] == '+' || s[i] == '-'))
      i++;
    if (i >= j->n || s[i] < '0' || s[i] > '9')
      return syntax(j, start, "bad number");
    while (i < j->n && s[i] >= '0' && s[i] <= '9')
      i++;
  }
  j->pos = i;
  return TL_OK;
}

static tl_status parse_object(js *j, uint64_t live, size_t keydepth,
                              int selected, int depth) {
  j->pos++; /* { */
  skip_ws(j);
  if (j->pos < j->n && j->s[j->pos] == '}') {
    j->pos++;
    return TL_OK;
  }
  for (;;) {
    skip_ws(j);
    if (j->pos >= j->n || j->s[j->pos] != '"')
      return syntax(j, j->pos, "expected a string key");
    str_info ki;
    tl_status st = scan_string(j, &ki);
    if (st)
      return st;
    uint64_t child = 0;
    int child_sel = selected;
    if (live) {
      const char *key = j->s + ki.start + 1;
      size_t klen = ki.end - ki.start - 1;
      if (ki.escapes) {
        if (decode_string(j->s, &ki, &j->key))
          return tl__fail(j->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
        key = j->key.data ? j->key.data : "";
        klen = j->key.len;
      }
      for (size_t p = 0; p < j->paths->n; p++) {
        const path *pp = &j->paths->p[p];
        if (!(live >> p & 1) || pp->n <= keydepth ||
            !key_matches(pp->comp[keydepth], key, klen))
          continue;
        child |= (uint64_t)1 << p;
        if (pp->n == keydepth + 1)
          child_sel = 1;
      }
    }
    skip_ws(j);
    if (j->pos >= j->n || j->s[j->pos] != ':')
      return syntax(j, j->pos, "expected ':'");
    j->pos++;
    st = parse_value(j, child, keydepth + 1, child_sel, depth + 1);
    if (st)
      return st;
    skip_ws(j);
    if (j->pos < j->n && j->s[j->pos] == ',') {
      j->pos++;
      continue;
    }
    if (j->pos < j->n && j->s[j->pos] == '}') {
      j->pos++;
      return TL_OK;
    }
    return syntax(j, j->pos, "expected ',' or '}'");
  }
}

static tl_status parse_array(js *j, uint64_t live, size_t keydepth,
                             int selected, int depth) {
  j->pos++; /* [ */
  skip_ws(j);
  if (j->pos < j->n && j->s[j->pos] == ']') {
    j->pos++;
    return TL_OK;
  }
  for (;;) {
    tl_status st = parse_value(j, live, keydepth, selected, depth + 1);
    if (st)
      return st;
    skip_ws(j);
    if (j->pos < j->n && j->s[j->pos] == ',') {
      j->pos++;
      continue;
    }
    if (j->pos < j->n && j->s[j->pos] == ']') {
      j->pos++;
      return TL_OK;
    }
    return syntax(j, j->pos, "expected ',' or ']'");
  }
}

static tl_status parse_value(js *j, uint64_t live, size_t keydepth,
                             int selected, int depth) {
  if (depth > TL__JSON_MAX_DEPTH) {
    size_t line, col;
    position(j->s, j->pos, &line, &col);
    return tl__fail_at(j->ctx, TL_ELIMIT, j->pos, line, col,
                       "JSON nested deeper than %d levels", TL__JSON_MAX_DEPTH);
  }
  skip_ws(j);
  if (j->pos >= j->n)
    return syntax(j, j->pos, "expected a value");
  char c = j->s[j->pos];
  switch (c) {
  case '{':
    return parse_object(j, live, keydepth, selected, depth);
  case '[':
    return parse_array(j, live, keydepth, selected, depth);
  case '"': {
    str_info si;
    tl_status st = scan_string(j, &si);
    if (!st && selected)
      st = convert_string(j, &si);
    return st;
  }
  case 't':
  case 'f':
  case 'n': {
    const char *w = c == 't' ? "true" : c == 'f' ? "false" : "null";
    size_t k = strlen(w);
    if (j->n - j->pos < k || memcmp(j->s + j->pos, w, k) != 0)
      return syntax(j, j->pos, "unexpected word");
    j->pos += k;
    return TL_OK;
  }
  default:
    if (c == '-' || (c >= '0' && c <= '9'))
      return parse_number(j);
    return syntax(j, j->pos, "unexpected character");
  }
}

tl_status tl__json_convert(tl_ctx *ctx, const tl_converter *cv,
                           const tl__json_paths *paths,
                           const tl_normalize_options *norm, const char *json,
                           size_t len, tl_buf *out) {
  if (!cv || !paths || !out || (!json && len))
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  js j;
  memset(&j, 0, sizeof j);
  j.ctx = ctx;
  j.cv = cv;
  j.paths = paths;
  j.norm = norm;
  j.s = json ? json : "";
  j.n = len;
  j.out = out;
  size_t mark = out->len;
  /* A UTF-8 BOM (Windows editors write one) is kept and skipped. */
  if (j.n >= 3 && memcmp(j.s, "\xEF\xBB\xBF", 3) == 0)
    j.pos = 3;
  uint64_t live = paths->n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << paths->n) - 1);
  tl_status st = parse_value(&j, live, 0, 0, 0);
  if (!st) {
    skip_ws(&j);
    if (j.pos < j.n)
      st = syntax(&j, j.pos, "text after the JSON value");
  }
  if (!st && tl__buf_append(out, j.s + j.copied, j.n - j.copied))
    st = tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  tl_buf_free(&j.text);
  tl_buf_free(&j.conv);
  tl_buf_free(&j.normed);
  tl_buf_free(&j.key);
  if (st) {
    tl__buf_truncate(out, mark);
    return st;
  }
  tl__ok(ctx);
  return TL_OK;
}

tl_status tl_json_convert_fields(tl_ctx *ctx, const tl_converter *cv,
                                 const char *json, size_t len,
                                 const char *const *fields, size_t n_fields,
                                 tl_buf *out) {
  if (!fields && n_fields)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  tl__json_paths *p = NULL;
  tl_status st = tl__json_paths_new(ctx, fields, n_fields, &p);
  if (st)
    return st;
  st = tl__json_convert(ctx, cv, p, NULL, json, len, out);
  tl__json_paths_free(p);
  return st;
}
