/* markup.c: the markup scanner (see markup.h): which bytes of a document the
 * script engines may touch. A byte-driven state machine with no recursion and
 * a fixed-size state, so that broken or deeply nested input costs nothing. */
#include "markup.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Lookahead never crosses a line end: the driver cuts pieces there, so a
 * decision made on one line is the same whether the document arrives whole
 * or line by line. What must span lines (tags, comments, raw text, fenced
 * and indented code) lives in struct tl__markup.
 *
 * Limits, all without failing: nesting inside a kept element is a counter
 * (no stack), so any depth costs the same; a line longer than the driver's
 * piece (64 KB) is cut at a space, which HTML and plain text do not notice
 * but Markdown's inline code spans and links do (they are read per piece);
 * 1 MB without any space is cut anywhere, which may split a URL or an end
 * tag; tag names over 15 bytes never open a kept element. */

enum {
  S_TEXT = 0,
  S_TAG_NAME,   /* after "<" or "</" */
  S_BEFORE_ATTR,
  S_ATTR_NAME,
  S_AFTER_ATTR_NAME,
  S_BEFORE_VALUE,
  S_VALUE_Q,    /* quoted value; the quote is m->quote */
  S_VALUE_UQ,   /* unquoted value */
  S_COMMENT,    /* <!-- ... --> */
  S_BOGUS,      /* <!DOCTYPE ...>, <?xml ...?>, </ 3> ... up to ">" */
  S_CDATA,      /* <![CDATA[ ... ]]> */
  S_RAW,        /* content of script, style...: kept up to its end tag */
  S_RCDATA      /* content of title, textarea: text, but no tags inside */
};

/* attr_kind: what the value of the attribute being read means to us */
enum { A_OTHER = 0, A_CONVERT, A_TRANSLATE, A_CLASS };
enum { KEEP = 0, CONV = 1 };

/* Nesting counted inside a kept region (a counter, not a stack: memory
 * stays constant however deep the document nests). */
#define DEPTH_MAX 0xFFFFFFF0u

/* --------------------------------------------------------------- emitter */

typedef struct scan {
  tl__markup *m;
  const char *s;
  size_t n;
  tl__span_fn fn;
  void *user;
  size_t start, pos; /* pending span s[start..pos) */
  int flag;
  tl_status st;
} scan;

/* Declares s[x->pos .. end) as converted (CONV) or kept (KEEP); adjacent
 * bytes with the same flag go out as one span, so that the engines see
 * whole runs of text. */
static void put(scan *x, size_t end, int flag) {
  if (end <= x->pos)
    return;
  if (x->pos > x->start && flag != x->flag) {
    if (!x->st)
      x->st = x->fn(x->user, x->s + x->start, x->pos - x->start, x->flag);
    x->start = x->pos;
  }
  x->flag = flag;
  x->pos = end;
}

static void flush(scan *x) {
  if (x->pos > x->start && !x->st)
    x->st = x->fn(x->user, x->s + x->start, x->pos - x->start, x->flag);
  x->start = x->pos;
}

/* ------------------------------------------------------- character classes */

static int is_alpha(unsigned char c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alnum(unsigned char c) { return is_alpha(c) || is_digit(c); }
static int is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
static unsigned char lower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}
/* s[0..n) equals the lower-case ASCII word w, ignoring case. */
static int ieq(const char *s, const char *w, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)s[i]) != (unsigned char)w[i])
      return 0;
  return 1;
}

/* Decodes the character at s[i..end) (input is valid UTF-8); returns its
 * length, at least 1. */
static size_t decode(const char *str, size_t i, size_t end, uint32_t *cp) {
  const unsigned char *s = (const unsigned char *)str + i;
  size_t n = end - i;
  if (s[0] < 0x80 || n < 2) {
    *cp = s[0];
    return 1;
  }
  if (s[0] < 0xE0) {
    *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    return 2;
  }
  if (s[0] < 0xF0 || n < 4) {
    if (n < 3) {
      *cp = 0xFFFD;
      return n;
    }
    *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
          (s[2] & 0x3F);
    return 3;
  }
  *cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
        ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
  return 4;
}

/* Letters, digits and marks of any script ("word characters"), as opposed to
 * spaces, punctuation and symbols. Coarse by block, which is all that
 * finding the ends of URLs and hashtags needs. ʻ and ʼ (U+02BB/U+02BC, the
 * Uzbek apostrophes) are letters. */
static int is_word_cp(uint32_t c) {
  if (c < 0x80)
    return is_alnum((unsigned char)c) || c == '_';
  if (c < 0xC0)
    return c == 0xAA || c == 0xB5 || c == 0xBA;
  if (c == 0xD7 || c == 0xF7)
    return 0;
  if (c < 0x2000)
    return 1;
  if (c < 0x2C00) /* general punctuation ... arrows, math, box drawing */
    return 0;
  if (c >= 0x2E00 && c < 0x2E80)
    return 0;
  if (c >= 0x3000 && c < 0x3040)
    return 0;
  if (c >= 0xFE10 && c < 0xFE70)
    return 0;
  if (c == 0xFEFF || (c >= 0xFFF0 && c <= 0xFFFF))
    return 0;
  if (c >= 0xFF00 && c < 0xFF66)
    return is_alnum((unsigned char)(c - 0xFEE0)) || c == 0xFF3F;
  if (c >= 0x1F000 && c < 0x1FB00) /* emoji and pictographs */
    return 0;
  return 1;
}

/* 1 if the character before s[i] is not a word character (or i starts the
 * piece, which begins after a line end or a space). */
static int at_boundary(const char *s, size_t i) {
  if (i == 0)
    return 1;
  unsigned char b = (unsigned char)s[i - 1];
  if (b < 0x80)
    return !(is_alnum(b) || b == '_');
  size_t k = i - 1;
  while (k > 0 && i - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
    k--;
  uint32_t cp;
  decode(s, k, i, &cp);
  return !is_word_cp(cp);
}

/* ----------------------------------------------- URLs, e-mail, @, # (plain) */

/* Top-level domains a bare domain may end with (kun.uz, t.me, youtu.be).
 * Lower case only: "keldi.Uz" is a missing space, not a site. Common words
 * that are also TLDs (va, so, no, ...) are left out on purpose. */
static const char *const tlds[] = {
    "uz", "ru", "su", "kz", "kg", "tj", "tm", "az", "ua", "by", "am", "ge",
    "tr", "de", "fr", "uk", "us", "it", "es", "cn", "jp", "kr", "in", "eu",
    "ch", "nl", "pl", "cz", "ir", "af", "pk", "ae", "sa", "qa", "il", "ca",
    "au", "io", "ai", "me", "tv", "co", "cc", "fm", "ly", "be", "gg", "at",
    "se", "fi", "dk", "lv", "lt", "ee", "mn", "my", "sg", "id", "vn", "br",
    "com", "net", "org", "info", "biz", "edu", "gov", "int", "mil", "app",
    "dev", "online", "site", "xyz", "news", "tech", "pro", "top", "club",
    "store", "blog", "media", "live", "space", "world", "today", "asia",
    "travel", "name", "mobi", "agency", "center", "group", "press", "link",
    "shop", "website", "academy", "school", "university", "ac",
    /* internationalized (Cyrillic) */
    "\xd1\x80\xd1\x84",                 /* рф */
    "\xd0\xb1\xd0\xb5\xd0\xbb",         /* бел */
    "\xd1\x83\xd0\xba\xd1\x80",         /* укр */
    "\xd1\x81\xd1\x80\xd0\xb1",         /* срб */
    "\xd2\x9b\xd0\xb0\xd0\xb7",         /* қаз */
    "\xd0\xbc\xd0\xba\xd0\xb4",         /* мкд */
    "\xd0\xbc\xd0\xbe\xd0\xbd",         /* мон */
};
/* The same in capitals, for headlines set in caps (KUN.UZ). */
static const char *const tlds_upper[] = {"UZ", "RU", "COM", "NET", "ORG",
                                         "INFO"};

static int tld_known(const char *s, size_t n) {
  for (size_t i = 0; i < sizeof tlds / sizeof *tlds; i++)
    if (strlen(tlds[i]) == n && memcmp(tlds[i], s, n) == 0)
      return 1;
  for (size_t i = 0; i < sizeof tlds_upper / sizeof *tlds_upper; i++)
    if (strlen(tlds_upper[i]) == n && memcmp(tlds_upper[i], s, n) == 0)
      return 1;
  return 0;
}

/* Characters that may appear in a URL (RFC 3986 plus non-ASCII letters of
 * IRIs, e.g. uz.wikipedia.org/wiki/Тошкент). */
static int url_ascii(unsigned char c) {
  return c > 0x20 && c < 0x7F && !strchr("\"<>\\^`{|}", c);
}

/* Length of the URL tail starting at s[i]: URL characters up to a space,
 * a stop character of the context or an unbalanced ) or ], without the
 * trailing punctuation that ends the sentence ("see kun.uz/news."). */
static size_t url_tail(const char *s, size_t i, size_t end,
                       const unsigned char *stop) {
  size_t j = i, good = i;
  int paren = 0, bracket = 0;
  while (j < end) {
    unsigned char c = (unsigned char)s[j];
    if (stop[c])
      break;
    if (c < 0x80) {
      if (!url_ascii(c))
        break;
      if (c == '(')
        paren++;
      else if (c == ')' && --paren < 0)
        break;
      else if (c == '[')
        bracket++;
      else if (c == ']' && --bracket < 0)
        break;
      j++;
      if (!strchr(".,:;!?'*_~", c))
        good = j;
      continue;
    }
    uint32_t cp;
    size_t k = decode(s, j, end, &cp);
    if (!is_word_cp(cp) && cp != 0x2018 && cp != 0x2019)
      break;
    j += k;
    if (is_word_cp(cp))
      good = j;
  }
  return good - i;
}

/* Length of a host name at s[i..end): labels of letters, digits and '-'
 * joined by single dots, ending with a label of letters. *labels gets the
 * label count, *tld the offset of the last label. ASCII or Cyrillic IDN. */
static size_t host_len(const char *s, size_t i, size_t end, int *labels,
                       size_t *tld) {
  size_t j = i, last_good = i;
  *labels = 0;
  *tld = i;
  for (;;) {
    size_t ls = j;
    int alpha_only = 1, script = -1; /* a label is Latin or Cyrillic */
    while (j < end) {
      unsigned char c = (unsigned char)s[j];
      if (c < 0x80) {
        if (!(is_alnum(c) || c == '-') || (is_alpha(c) && script == 1))
          break;
        if (!is_alpha(c))
          alpha_only = 0;
        else
          script = 0;
        j++;
      } else {
        uint32_t cp;
        size_t k = decode(s, j, end, &cp);
        if (!is_word_cp(cp) || cp < 0x400 || cp > 0x4FF || script == 0)
          break; /* Cyrillic letters only, for .рф */
        script = 1;
        j += k;
      }
    }
    if (j == ls || s[ls] == '-' || s[j - 1] == '-')
      break;
    ++*labels;
    if (alpha_only && j - ls >= 2) {
      *tld = ls;
      last_good = j;
    }
    if (j + 1 < end && s[j] == '.' &&
        (is_alnum((unsigned char)s[j + 1]) || (unsigned char)s[j + 1] >= 0xC0))
      j++;
    else
      break;
  }
  return last_good - i;
}

/* 1 if the word characters at s[i..) are an Uzbek case ending written on
 * a site name: Latin endings after a Latin TLD ("Kun.uzga"), or any
 * Cyrillic letters after a Latin TLD ("Kun.uzдан"). */
static int case_ending(const char *s, size_t tld, size_t i, size_t end) {
  static const char *const endings[] = {
      "ga", "da", "dan", "ni", "ning", "dagi", "ka", "qa", "dek", "day",
      "niki", "dagi", "gacha", "dagina", "ham", "ku", "chi", "mi"};
  if ((unsigned char)s[tld] >= 0x80)
    return 0;
  if ((unsigned char)s[i] >= 0x80) {
    uint32_t cp;
    decode(s, i, end, &cp);
    return cp >= 0x400 && cp <= 0x4FF;
  }
  size_t j = i;
  while (j < end && is_alpha((unsigned char)s[j]))
    j++;
  if (j < end) {
    uint32_t cp;
    decode(s, j, end, &cp);
    if (is_word_cp(cp))
      return 0;
  }
  for (size_t k = 0; k < sizeof endings / sizeof *endings; k++)
    if (strlen(endings[k]) == j - i && ieq(s + i, endings[k], j - i))
      return 1;
  return 0;
}

/* Recognizes what must be kept verbatim at s[i] (a word boundary): a URL
 * with a scheme, www.*, a bare domain with a known TLD, an e-mail address,
 * an @handle or a #hashtag. Returns its length, or 0. */
static size_t match_keep(const char *s, size_t i, size_t end,
                         const unsigned char *stop) {
  unsigned char c = (unsigned char)s[i];
  if (c == '@' || c == '#') {
    size_t j = i + 1;
    if (c == '@') { /* handles are ASCII: @kun_uz, @user.name */
      while (j < end && (is_alnum((unsigned char)s[j]) || s[j] == '_' ||
                         (s[j] == '.' && j + 1 < end && j > i + 1 &&
                          is_alnum((unsigned char)s[j + 1]))))
        j++;
      return j > i + 1 ? j - i : 0;
    }
    /* #hashtags take letters of any script, and an apostrophe between
     * letters (#Oʻzbekiston, #O'zbekiston). */
    size_t good = i + 1;
    while (j < end) {
      uint32_t cp;
      size_t k = decode(s, j, end, &cp);
      if (stop[(unsigned char)s[j]])
        break;
      if (is_word_cp(cp)) {
        j += k;
        good = j;
      } else if ((cp == '\'' || cp == 0x2018 || cp == 0x2019 || cp == '`') &&
                 good == j && j > i + 1) {
        j += k; /* kept only if a letter follows */
      } else
        break;
    }
    return good > i + 1 ? good - i : 0;
  }
  /* scheme://... and mailto: */
  if (is_alpha(c)) {
    size_t j = i + 1;
    while (j < end && j - i < 32 &&
           (is_alnum((unsigned char)s[j]) || s[j] == '+' || s[j] == '-' ||
            s[j] == '.'))
      j++;
    if (j < end && s[j] == ':') {
      int slashes = j + 2 < end && s[j + 1] == '/' && s[j + 2] == '/';
      int mailto = j - i == 6 && ieq(s + i, "mailto", 6);
      if (slashes || mailto) {
        size_t t = url_tail(s, j + 1 + (slashes ? 2 : 0), end, stop);
        if (t > 0)
          return j + 1 + (slashes ? 2 : 0) + t - i;
      }
    }
  }
  /* e-mail: local@host.tld */
  {
    size_t j = i;
    while (j < end && (is_alnum((unsigned char)s[j]) || s[j] == '.' ||
                       s[j] == '_' || s[j] == '%' || s[j] == '+' || s[j] == '-'))
      j++;
    if (j > i && j < end && s[j] == '@' && s[j - 1] != '.') {
      int labels;
      size_t tld;
      size_t h = host_len(s, j + 1, end, &labels, &tld);
      if (labels >= 2 && h > 0)
        return j + 1 + h - i;
    }
  }
  /* www.anything.tld and bare domains: kun.uz, t.me/kun_uz */
  {
    int labels;
    size_t tld;
    size_t h = host_len(s, i, end, &labels, &tld);
    if (h == 0 || labels < 2)
      return 0;
    size_t hend = i + h;
    int www = h > 4 && ieq(s + i, "www.", 4);
    if (!www && !tld_known(s + tld, hend - tld)) {
      /* "Kun.uzga": a case ending glued to the TLD */
      size_t k = 2;
      while (k < hend - tld && k <= 6 &&
             !(tld_known(s + tld, k) && case_ending(s, tld, tld + k, end)))
        k++;
      return k < hend - tld && k <= 6 ? tld + k - i : 0;
    }
    /* The domain must end the word ("kun.uzbek" is no domain), but for a
     * case ending: "Kun.uzga", "Daryo.uzda", "Kun.uzга". */
    if (hend < end) {
      uint32_t cp;
      decode(s, hend, end, &cp);
      if (cp == '@' || (is_word_cp(cp) && !case_ending(s, tld, hend, end)))
        return 0;
      if (s[hend] == '/' || (s[hend] == ':' && hend + 1 < end &&
                             is_digit((unsigned char)s[hend + 1])))
        return h + url_tail(s, hend, end, stop);
    }
    return h;
  }
}

/* Length of a character reference at s[i] == '&' (&amp; &laquo; &#1234;
 * &#x4E2D;), or 0 when the '&' is just an ampersand. strict (plain text)
 * asks for the closing ';' of numeric references too. */
static size_t entity_len(const char *s, size_t i, size_t end, int strict) {
  size_t j = i + 1;
  if (j < end && s[j] == '#') {
    j++;
    int hex = j < end && (s[j] == 'x' || s[j] == 'X');
    j += hex;
    size_t d = j;
    while (j < end && j - d < 8 &&
           (hex ? is_alnum((unsigned char)s[j]) &&
                      strchr("0123456789abcdefABCDEF", s[j])
                : is_digit((unsigned char)s[j])))
      j++;
    if (j == d || (strict && (j >= end || s[j] != ';')))
      return 0;
    return (j < end && s[j] == ';' ? j + 1 : j) - i;
  }
  if (j >= end || !is_alpha((unsigned char)s[j]))
    return 0;
  while (j < end && j - i <= 32 && is_alnum((unsigned char)s[j]))
    j++;
  return j < end && s[j] == ';' ? j + 1 - i : 0;
}

/* End of the run of word-ish characters at s[i] (letters of any script,
 * digits and . _ % + -). Only such a run can start an address, and only if
 * it has a dot inside or ends at '@' or ':' (*maybe); when the match fails,
 * no position inside the run can start one either, so the run is passed
 * over in one step, which keeps the scan linear. Always advances by at
 * least one character. */
static size_t skip_run(const char *s, size_t i, size_t end, int *maybe) {
  size_t j = i;
  int dot = 0;
  while (j < end) {
    unsigned char c = (unsigned char)s[j];
    if (c < 0x80) {
      if (c == '.' && j + 1 < end &&
          (is_alnum((unsigned char)s[j + 1]) || (unsigned char)s[j + 1] >= 0xC0))
        dot = 1;
      else if (!(is_alnum(c) || c == '_' || c == '%' || c == '+' || c == '-' ||
                 c == '.'))
        break;
      j++;
    } else if (c >= 0xC3 && c <= 0xDF && j + 1 < end) {
      /* U+00C0..U+07FF (Latin, Cyrillic, ...) are letters but for × ÷ */
      if (c == 0xC3 && (s[j + 1] == '\x97' || s[j + 1] == '\xB7'))
        break;
      j += 2;
    } else {
      uint32_t cp;
      size_t k = decode(s, j, end, &cp);
      if (!is_word_cp(cp))
        break;
      j += k;
    }
  }
  *maybe = dot || (j < end && (s[j] == '@' || s[j] == ':'));
  if (j == i) {
    uint32_t cp;
    j = i + decode(s, i, end, &cp);
  }
  return j;
}

static const unsigned char stop_none[256] = {0};
static const unsigned char stop_lt[256] = {['<'] = 1};
static const unsigned char stop_md[256] = {
    ['<'] = 1, ['`'] = 1, ['['] = 1, [']'] = 1, ['\\'] = 1};
static const unsigned char stop_uq[256] = {[' '] = 1,  ['\t'] = 1, ['\n'] = 1,
                                           ['\r'] = 1, ['\f'] = 1, ['>'] = 1};

/* Scans text to convert, s[i..end), up to the first byte in stop (or
 * the first step that starts after upto): URLs,
 * e-mail addresses, @handles, #hashtags and character references are kept
 * (in plain text, where entities is 0, only references closed by ';': an
 * "&amp;" that came through a feed must not turn into "&амп;"). Returns
 * where it stopped. */
static size_t scan_text_upto(scan *x, size_t i, size_t end, size_t upto,
                             const unsigned char *stop, int entities) {
  const char *s = x->s;
  while (i < end && i <= upto) {
    unsigned char c = (unsigned char)s[i];
    if (stop[c])
      break;
    if (is_alnum(c) || c >= 0x80) {
      int maybe;
      size_t j = skip_run(s, i, end, &maybe);
      size_t k = maybe && at_boundary(s, i) ? match_keep(s, i, end, stop) : 0;
      if (k)
        j = i + k;
      put(x, j, k ? KEEP : CONV);
      i = j;
      continue;
    }
    size_t k = 0;
    if (c == '&')
      k = entity_len(s, i, end, !entities);
    else if ((c == '@' || c == '#') && at_boundary(s, i))
      k = match_keep(s, i, end, stop);
    if (k) {
      put(x, i + k, KEEP);
      i += k;
      continue;
    }
    /* Spaces and punctuation, up to the next thing worth a look. */
    size_t j = i + 1;
    while (j < end) {
      unsigned char d = (unsigned char)s[j];
      if (stop[d] || is_alnum(d) || d >= 0x80 || d == '&' || d == '@' ||
          d == '#')
        break;
      j++;
    }
    put(x, j, CONV);
    i = j;
  }
  return i;
}

/* Scans s[i..end) (see scan_text_upto) to its end. */
static size_t scan_text(scan *x, size_t i, size_t end,
                        const unsigned char *stop, int entities) {
  return scan_text_upto(x, i, end, end, stop, entities);
}

/* Plain text, the same spans as scan_text(x, 0, n, stop_none, 0), faster.
 * Only a stretch holding one of . @ : # & can hold something to keep: a
 * run (see skip_run) may start an address only if it has a dot before a
 * letter or digit or ends at '@' or ':', and '@' '#' '&' start the others.
 * So everything before the blank that precedes the next such byte is text
 * to convert, found with a byte table instead of run by run; from that
 * blank on, scan_text decides, up to the byte. Starting scan_text after a
 * blank is safe: a blank is never inside a run or a kept part. */

/* The next of . @ : # & in s[p..n), or n; 16 bytes a step with SSE2. */
static size_t next_trigger(const char *s, size_t p, size_t n) {
  static const unsigned char trigger[256] = {
      ['.'] = 1, ['@'] = 1, [':'] = 1, ['#'] = 1, ['&'] = 1};
#if defined(__SSE2__) && defined(__GNUC__)
  const __m128i dot = _mm_set1_epi8('.'), at = _mm_set1_epi8('@'),
                colon = _mm_set1_epi8(':'), hash = _mm_set1_epi8('#'),
                amp = _mm_set1_epi8('&');
  for (; p + 16 <= n; p += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + p));
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, at)),
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, colon), _mm_cmpeq_epi8(v, hash)),
                     _mm_cmpeq_epi8(v, amp)));
    unsigned bits = (unsigned)_mm_movemask_epi8(m);
    if (bits)
      return p + (size_t)__builtin_ctz(bits);
  }
#endif
  while (p < n && !trigger[(unsigned char)s[p]])
    p++;
  return p;
}

static void scan_plain(scan *x, size_t n) {
  const char *s = x->s;
  size_t i = 0, p = 0;
  while (i < n) {
    if (p < i)
      p = i;
    p = next_trigger(s, p, n);
    if (p == n) {
      put(x, n, CONV);
      return;
    }
    if (s[p] == '.' && !(p + 1 < n && (is_alnum((unsigned char)s[p + 1]) ||
                                       (unsigned char)s[p + 1] >= 0xC0))) {
      p++; /* a full stop: neither a dot inside an address nor its end */
      continue;
    }
    size_t q = p;
    while (q > i && !is_space((unsigned char)s[q - 1]))
      q--;
    put(x, q, CONV);
    i = scan_text_upto(x, q, n, p, stop_none, 0);
    p++;
  }
}

/* ------------------------------------------------------------------- HTML */

/* What an element's name tells the scanner. */
enum {
  E_VOID = 1,   /* no content, no end tag: <br>, <img> ... */
  E_RAW = 2,    /* content kept as is up to the end tag, no tags inside */
  E_RCDATA = 4, /* content is text, but no tags inside */
  E_KEEP = 8,   /* whole content is code: kept, tags and all */
  E_BLOCK = 16, /* a block: its end tag also ends an unclosed inline kept
                 * element (a stray <code> does not swallow the article) */
  E_ROOT = 32   /* body, html: their end tag ends any kept element */
};

static const struct element {
  const char *name;
  unsigned char flags;
} elements[] = {
    {"a", 0},           {"area", E_VOID},      {"article", E_BLOCK},
    {"aside", E_BLOCK}, {"base", E_VOID},      {"blockquote", E_BLOCK},
    {"body", E_BLOCK | E_ROOT}, {"br", E_VOID}, {"code", E_KEEP},
    {"col", E_VOID},    {"dd", E_BLOCK},       {"div", E_BLOCK},
    {"dl", E_BLOCK},    {"dt", E_BLOCK},       {"embed", E_VOID},
    {"figcaption", E_BLOCK}, {"figure", E_BLOCK}, {"footer", E_BLOCK},
    {"form", E_BLOCK},  {"h1", E_BLOCK},       {"h2", E_BLOCK},
    {"h3", E_BLOCK},    {"h4", E_BLOCK},       {"h5", E_BLOCK},
    {"h6", E_BLOCK},    {"header", E_BLOCK},   {"hr", E_VOID},
    {"html", E_BLOCK | E_ROOT}, {"iframe", E_RAW}, {"img", E_VOID},
    {"input", E_VOID},  {"kbd", E_KEEP},       {"keygen", E_VOID},
    {"li", E_BLOCK},    {"link", E_VOID},      {"listing", E_KEEP | E_BLOCK},
    {"main", E_BLOCK},  {"meta", E_VOID},      {"nav", E_BLOCK},
    {"noembed", E_RAW}, {"noframes", E_RAW},   {"ol", E_BLOCK},
    {"p", E_BLOCK},     {"param", E_VOID},     {"pre", E_KEEP | E_BLOCK},
    {"samp", E_KEEP},   {"script", E_RAW},     {"section", E_BLOCK},
    {"source", E_VOID}, {"style", E_RAW},      {"table", E_BLOCK},
    {"tbody", E_BLOCK}, {"td", E_BLOCK},       {"textarea", E_RCDATA},
    {"tfoot", E_BLOCK}, {"th", E_BLOCK},       {"thead", E_BLOCK},
    {"title", E_RCDATA}, {"tr", E_BLOCK},      {"track", E_VOID},
    {"ul", E_BLOCK},    {"wbr", E_VOID},       {"xmp", E_RAW},
};

/* Flags of the element named by the tag just read (lower case). */
static unsigned cur_flags(const tl__markup *m) {
  if (m->cur_len > sizeof m->cur)
    return 0;
  for (size_t i = 0; i < sizeof elements / sizeof *elements; i++)
    if (elements[i].name[0] == m->cur[0] &&
        strlen(elements[i].name) == m->cur_len &&
        memcmp(elements[i].name, m->cur, m->cur_len) == 0)
      return elements[i].flags;
  return 0;
}

static int cur_is_tag(const tl__markup *m) {
  return m->cur_len <= sizeof m->cur && m->cur_len == m->tag_len &&
         memcmp(m->cur, m->tag, m->tag_len) == 0;
}

/* A tag of Markdown's inline HTML must close on its line: "a <b" stays
 * text. Returns 1 if a '>' outside quoted values follows s[p] on the line. */
static int tag_closes_on_line(const char *s, size_t p, size_t lim) {
  char q = 0, last = 0;
  for (size_t k = p + 1; k < lim && s[k] != '\n'; k++) {
    char c = s[k];
    if (q) {
      if (c == q)
        q = 0;
      continue;
    }
    if (c == '>')
      return 1;
    if ((c == '"' || c == '\'') && last == '=')
      q = c;
    if (!is_space((unsigned char)c))
      last = c;
  }
  return 0;
}

/* Starts a tag, comment, declaration or CDATA section at s[p] == '<'.
 * Returns the position after the bytes consumed, or 0 when the '<' is a
 * plain less-than sign ("5 < 6", "<Тошкент"). */
static size_t html_open(scan *x, size_t p, size_t lim, int md) {
  tl__markup *m = x->m;
  const char *s = x->s;
  if (p + 1 >= lim)
    return 0;
  unsigned char c = (unsigned char)s[p + 1];
  if (is_alpha(c) ||
      (c == '/' && p + 2 < lim && is_alpha((unsigned char)s[p + 2]))) {
    if (md && !tag_closes_on_line(s, p, lim))
      return 0;
    m->end_tag = c == '/';
    m->cur_len = 0;
    m->self_close = 0;
    m->translate_no = 0;
    m->attr_kind = A_OTHER;
    m->state = S_TAG_NAME;
    size_t q = p + 1 + m->end_tag;
    put(x, q, KEEP);
    return q;
  }
  if (c == '!') {
    if (p + 3 < lim && s[p + 2] == '-' && s[p + 3] == '-') {
      m->state = S_COMMENT;
      m->sub = 2; /* "<!-->" is a whole (empty) comment */
      put(x, p + 4, KEEP);
      return p + 4;
    }
    if (lim - p >= 9 && memcmp(s + p + 2, "[CDATA[", 7) == 0) {
      m->state = S_CDATA;
      m->sub = 0;
      put(x, p + 9, KEEP);
      return p + 9;
    }
    if (md && !(p + 2 < lim && is_alpha((unsigned char)s[p + 2])))
      return 0;
  } else if (c != '?' && (c != '/' || md)) {
    return 0;
  }
  /* <!DOCTYPE>, <?xml?>, and in HTML "</>" or "</ 3>": up to the next '>' */
  m->state = S_BOGUS;
  put(x, p + 2, KEEP);
  return p + 2;
}

static void attr_end(tl__markup *m) {
  size_t n = m->attr_len;
  m->attr_kind = A_OTHER;
  if (n > sizeof m->attr)
    return;
  if ((n == 3 && memcmp(m->attr, "alt", 3) == 0) ||
      (n == 5 && memcmp(m->attr, "title", 5) == 0))
    m->attr_kind = A_CONVERT;
  else if (n == 9 && memcmp(m->attr, "translate", 9) == 0)
    m->attr_kind = A_TRANSLATE;
  else if (n == 5 && memcmp(m->attr, "class", 5) == 0)
    m->attr_kind = A_CLASS;
  m->val_len = 0;
}

/* translate="no" (HTML) and class="notranslate" (the convention of
 * translation tools and CMS plugins) mark an element to leave alone. For a
 * class list, val_len counts how much of "notranslate" the current class
 * name matches so far (255: it does not). */
static void value_bytes(tl__markup *m, const char *b, size_t k) {
  static const char word[] = "notranslate";
  if (m->attr_kind == A_CLASS) {
    for (size_t i = 0; i < k; i++) {
      unsigned char c = lower((unsigned char)b[i]);
      if (is_space(c)) {
        if (m->val_len == sizeof word - 1)
          m->translate_no = 1;
        m->val_len = 0;
      } else if (m->val_len < sizeof word - 1 && c == (unsigned char)word[m->val_len]) {
        m->val_len++;
      } else {
        m->val_len = 255;
      }
    }
    return;
  }
  if (m->attr_kind != A_TRANSLATE)
    return;
  for (size_t i = 0; i < k; i++) {
    if (m->val_len < sizeof m->val)
      m->val[m->val_len] = (char)lower((unsigned char)b[i]);
    if (m->val_len < 255)
      m->val_len++;
  }
}

static void value_end(tl__markup *m) {
  if ((m->attr_kind == A_TRANSLATE && m->val_len == 2 &&
       memcmp(m->val, "no", 2) == 0) ||
      (m->attr_kind == A_CLASS && m->val_len == 11))
    m->translate_no = 1;
  m->attr_kind = A_OTHER;
}

/* The '>' at s[p] ends a tag: decide what its content is. */
static size_t tag_done(scan *x, size_t p) {
  tl__markup *m = x->m;
  put(x, p + 1, KEEP);
  m->state = S_TEXT;
  unsigned f = cur_flags(m);
  if (m->end_tag) {
    if (m->depth) {
      if (cur_is_tag(m))
        m->depth--;
      else if ((f & E_ROOT) || (m->region_inline && (f & E_BLOCK)))
        m->depth = 0;
    }
    return p + 1;
  }
  if (m->depth && cur_is_tag(m) && !m->self_close && m->depth < DEPTH_MAX)
    m->depth++;
  if (f & (E_RAW | E_RCDATA)) {
    m->state = f & E_RAW ? S_RAW : S_RCDATA;
    memcpy(m->raw, m->cur, m->cur_len);
    m->raw_len = m->cur_len;
  }
  if (!m->depth && !m->self_close && m->cur_len <= sizeof m->tag &&
      ((f & E_KEEP) || m->translate_no) && !(f & E_VOID)) {
    memcpy(m->tag, m->cur, m->cur_len);
    m->tag_len = m->cur_len;
    m->depth = 1;
    m->region_inline = !(f & E_BLOCK);
  }
  return p + 1;
}

/* 1 if s[q] starts the end tag of the open raw-text / RCDATA element. */
static int raw_end_at(const tl__markup *m, const char *s, size_t q, size_t lim) {
  size_t e = q + 2 + m->raw_len;
  if (e > lim || s[q + 1] != '/' || !ieq(s + q + 2, m->raw, m->raw_len))
    return 0;
  return e == lim || is_space((unsigned char)s[e]) || s[e] == '/' || s[e] == '>';
}

/* Runs the HTML state machine from s[p] while it is inside a tag, comment,
 * raw text or kept region; returns where plain text resumes, or lim. */
static size_t html_step(scan *x, size_t p, size_t lim, int md) {
  tl__markup *m = x->m;
  const char *s = x->s;
  while (p < lim && !x->st) {
    unsigned char c = (unsigned char)s[p];
    switch (m->state) {
    case S_TEXT: {
      if (!m->depth)
        return p;
      const char *q = memchr(s + p, '<', lim - p);
      p = q ? (size_t)(q - s) : lim;
      put(x, p, KEEP);
      if (p < lim) {
        size_t r = html_open(x, p, lim, md);
        if (!r)
          put(x, r = p + 1, KEEP);
        p = r;
      }
      break;
    }
    case S_TAG_NAME:
      if (c == '>') {
        p = tag_done(x, p);
      } else if (is_space(c) || c == '/') {
        m->state = S_BEFORE_ATTR;
        m->self_close = c == '/';
        put(x, ++p, KEEP);
      } else {
        if (m->cur_len < sizeof m->cur)
          m->cur[m->cur_len] = (char)lower(c);
        if (m->cur_len < 255)
          m->cur_len++;
        put(x, ++p, KEEP);
      }
      break;
    case S_BEFORE_ATTR:
      if (c == '>') {
        p = tag_done(x, p);
      } else if (c == '/') {
        m->self_close = 1;
        put(x, ++p, KEEP);
      } else {
        m->self_close = 0;
        if (!is_space(c)) {
          m->state = S_ATTR_NAME;
          m->attr_len = 1;
          m->attr[0] = (char)lower(c);
        }
        put(x, ++p, KEEP);
      }
      break;
    case S_ATTR_NAME:
      if (is_space(c) || c == '/' || c == '>' || c == '=') {
        attr_end(m);
        if (c == '/' || c == '>') {
          m->state = S_BEFORE_ATTR; /* reconsumed there */
          break;
        }
        m->state = c == '=' ? S_BEFORE_VALUE : S_AFTER_ATTR_NAME;
      } else {
        if (m->attr_len < sizeof m->attr)
          m->attr[m->attr_len] = (char)lower(c);
        if (m->attr_len < 255)
          m->attr_len++;
      }
      put(x, ++p, KEEP);
      break;
    case S_AFTER_ATTR_NAME:
      if (is_space(c) || c == '=') {
        if (c == '=')
          m->state = S_BEFORE_VALUE;
        put(x, ++p, KEEP);
      } else {
        m->state = S_BEFORE_ATTR; /* '/', '>' or the next attribute */
      }
      break;
    case S_BEFORE_VALUE:
      if (is_space(c)) {
        put(x, ++p, KEEP);
      } else if (c == '"' || c == '\'') {
        m->quote = (char)c;
        m->state = S_VALUE_Q;
        put(x, ++p, KEEP);
      } else if (c == '>') {
        p = tag_done(x, p);
      } else {
        m->state = S_VALUE_UQ;
      }
      break;
    case S_VALUE_Q:
    case S_VALUE_UQ: {
      size_t e = p;
      if (m->state == S_VALUE_Q) {
        const char *q = memchr(s + p, m->quote, lim - p);
        e = q ? (size_t)(q - s) : lim;
      } else {
        while (e < lim && !stop_uq[(unsigned char)s[e]])
          e++;
      }
      value_bytes(m, s + p, e - p);
      /* alt and title are text a reader sees; nothing else in a tag is. */
      if (m->attr_kind == A_CONVERT && !m->depth && !m->end_tag &&
          !m->translate_no)
        scan_text(x, p, e, stop_none, 1);
      else
        put(x, e, KEEP);
      p = e;
      if (p < lim) {
        value_end(m);
        if (m->state == S_VALUE_Q)
          put(x, ++p, KEEP);
        m->state = S_BEFORE_ATTR;
      }
      break;
    }
    case S_COMMENT:
    case S_CDATA: {
      char dash = m->state == S_COMMENT ? '-' : ']';
      size_t k = p;
      for (; k < lim; k++) {
        char b = s[k];
        if (b == '>' && m->sub >= 2) {
          k++;
          m->state = S_TEXT;
          break;
        }
        if (b == dash)
          m->sub = m->sub < 2 ? m->sub + 1 : 2;
        else if (b == '!' && m->sub == 2 && dash == '-')
          m->sub = 3; /* "--!>" also ends a comment */
        else
          m->sub = 0;
      }
      put(x, k, KEEP);
      p = k;
      break;
    }
    case S_BOGUS: {
      const char *q = memchr(s + p, '>', lim - p);
      p = q ? (size_t)(q - s) + 1 : lim;
      if (q)
        m->state = S_TEXT;
      put(x, p, KEEP);
      break;
    }
    case S_RAW:
    case S_RCDATA: {
      int conv = m->state == S_RCDATA && !m->depth;
      size_t e;
      if (conv) {
        e = scan_text(x, p, lim, stop_lt, 1);
      } else {
        const char *q = memchr(s + p, '<', lim - p);
        e = q ? (size_t)(q - s) : lim;
        put(x, e, KEEP);
      }
      p = e;
      if (p >= lim)
        break;
      if (raw_end_at(m, s, p, lim)) {
        p += 2 + m->raw_len;
        put(x, p, KEEP);
        memcpy(m->cur, m->raw, m->raw_len);
        m->cur_len = m->raw_len;
        m->end_tag = 1;
        m->self_close = 0;
        m->translate_no = 0;
        m->attr_kind = A_OTHER;
        m->state = S_BEFORE_ATTR;
      } else {
        put(x, ++p, conv ? CONV : KEEP);
      }
      break;
    }
    }
  }
  return p;
}

static size_t html_scan(scan *x, size_t i, size_t n) {
  tl__markup *m = x->m;
  while (i < n && !x->st) {
    if (m->state != S_TEXT || m->depth) {
      i = html_step(x, i, n, 0);
      continue;
    }
    i = scan_text(x, i, n, stop_lt, 1);
    if (i < n) {
      size_t r = html_open(x, i, n, 0);
      if (!r)
        put(x, r = i + 1, CONV);
      i = r;
    }
  }
  return i;
}

/* --------------------------------------------------------------- Markdown */

static int line_blank(const char *s, size_t i, size_t eol) {
  for (; i < eol; i++)
    if (!is_space((unsigned char)s[i]))
      return 0;
  return 1;
}

/* Width of a list marker at s[q] ("- ", "* ", "12. ", "3) ") with the
 * spaces after it, i.e. where the item's content starts; 0 if none. */
static size_t list_item(const char *s, size_t q, size_t eol) {
  size_t k = q;
  if (s[k] == '-' || s[k] == '+' || s[k] == '*') {
    k++;
  } else {
    while (k < eol && is_digit((unsigned char)s[k]) && k - q < 9)
      k++;
    if (k == q || k >= eol || (s[k] != '.' && s[k] != ')'))
      return 0;
    k++;
  }
  if (k < eol && s[k] != ' ' && s[k] != '\t' && s[k] != '\n' && s[k] != '\r')
    return 0;
  size_t e = k;
  while (e < eol && s[e] == ' ' && e - k < 5)
    e++;
  if (e == k || e - k >= 5 || e >= eol || s[e] == '\n' || s[e] == '\r')
    return k - q + 1; /* blank item or code in the item: one space */
  return e - q;
}

/* A code fence at s[f]: 3+ backticks or tildes (a backtick fence's info
 * string has no backtick). */
static int fence_open(const char *s, size_t f, size_t eol, char *ch, int *len) {
  if (f >= eol || (s[f] != '`' && s[f] != '~'))
    return 0;
  size_t k = f;
  while (k < eol && s[k] == s[f])
    k++;
  if (k - f < 3)
    return 0;
  if (s[f] == '`' && memchr(s + k, '`', eol - k))
    return 0;
  *ch = s[f];
  *len = k - f > 1000 ? 1000 : (int)(k - f);
  return 1;
}

static int fence_close(const tl__markup *m, const char *s, size_t i, size_t eol) {
  size_t k = i;
  while (k < eol && (s[k] == ' ' || s[k] == '\t' || s[k] == '>'))
    k++;
  size_t r = k;
  while (k < eol && s[k] == m->fence_char)
    k++;
  return (int)(k - r) >= m->fence_len && line_blank(s, k, eol);
}

/* End of a link destination at s[d] (no spaces; balanced parentheses;
 * backslash escapes), stopping before an unbalanced ')'. */
static size_t dest_end(const char *s, size_t d, size_t eol) {
  int depth = 0;
  size_t k = d;
  if (k < eol && s[k] == '<') {
    for (k++; k < eol && s[k] != '>' && s[k] != '<' && s[k] != '\n'; k++)
      if (s[k] == '\\' && k + 1 < eol)
        k++;
    return k < eol && s[k] == '>' ? k + 1 : d;
  }
  while (k < eol) {
    unsigned char c = (unsigned char)s[k];
    if (c <= ' ')
      break;
    if (c == '\\' && k + 1 < eol && s[k + 1] > ' ') {
      k += 2;
      continue;
    }
    if (c == '(' && ++depth > 32)
      break;
    if (c == ')' && depth-- == 0)
      break;
    k++;
  }
  return k;
}

/* A link title at s[t] ("...", '...' or (...)) closed on this line; sets
 * *te after its closing quote. */
static int title_at(const char *s, size_t t, size_t eol, size_t *te) {
  char open = s[t], close = open == '(' ? ')' : open;
  if (open != '"' && open != '\'' && open != '(')
    return 0;
  for (size_t k = t + 1; k < eol && s[k] != '\n'; k++) {
    if (s[k] == '\\' && k + 1 < eol) {
      k++;
    } else if (s[k] == close) {
      *te = k + 1;
      return 1;
    } else if (open == '(' && s[k] == '(') {
      return 0;
    }
  }
  return 0;
}

static size_t skip_blanks(const char *s, size_t k, size_t eol) {
  while (k < eol && (s[k] == ' ' || s[k] == '\t'))
    k++;
  return k;
}

/* Emits a title's quotes as kept and its words as text. */
static void put_title(scan *x, size_t t, size_t te) {
  put(x, t + 1, KEEP);
  scan_text(x, t + 1, te - 1, stop_none, 1);
  put(x, te, KEEP);
}

/* "](url "title")" at s[p] == ']': the URL is kept, the title converted.
 * Returns the position after ')' or 0 if this is no inline link. */
static size_t md_link_tail(scan *x, size_t p, size_t eol) {
  const char *s = x->s;
  size_t d = skip_blanks(s, p + 2, eol);
  size_t de = dest_end(s, d, eol);
  size_t t = skip_blanks(s, de, eol), te = 0;
  int title = 0;
  if (t > de && t < eol && title_at(s, t, eol, &te)) {
    title = 1;
  }
  size_t close = title ? skip_blanks(s, te, eol) : t;
  if (close >= eol || s[close] != ')')
    return 0;
  if (title) {
    put(x, t, KEEP);
    put_title(x, t, te);
  }
  put(x, close + 1, KEEP);
  return close + 1;
}

/* A reference definition "[label]: url "title"" at s[q] == '['. The label
 * is converted (as the [label] of the links that use it), the URL kept. */
static int md_refdef(scan *x, size_t q, size_t eol) {
  const char *s = x->s;
  size_t k = q + 1;
  while (k < eol && s[k] != ']') {
    if (s[k] == '[' || k - q > 999)
      return 0;
    k += s[k] == '\\' && k + 1 < eol ? 2 : 1;
  }
  if (k + 1 >= eol || s[k + 1] != ':' || line_blank(s, q + 1, k))
    return 0;
  size_t d = skip_blanks(s, k + 2, eol);
  size_t de = dest_end(s, d, eol);
  if (de == d)
    return 0;
  size_t t = skip_blanks(s, de, eol), te = t;
  int title = 0;
  if (!line_blank(s, t, eol)) {
    if (t == de || !title_at(s, t, eol, &te) || !line_blank(s, te, eol))
      return 0;
    title = 1;
  }
  put(x, q + 1, KEEP);
  scan_text(x, q + 1, k, stop_none, 1);
  put(x, de, KEEP);
  if (title) {
    put(x, t, KEEP);
    put_title(x, t, te);
  }
  put(x, eol, CONV);
  return 1;
}

/* An autolink <https://...> or <name@host> at s[p] == '<'; its length. */
static size_t md_autolink(const char *s, size_t p, size_t eol) {
  size_t k = p + 1, at = 0, colon = 0;
  for (; k < eol && s[k] != '>'; k++) {
    unsigned char c = (unsigned char)s[k];
    if (c <= ' ' || c == '<')
      return 0;
    if (c == '@' && !at)
      at = k;
    if (c == ':' && !colon)
      colon = k;
  }
  if (k >= eol)
    return 0;
  if (colon && colon - p - 1 >= 2 && colon - p - 1 <= 32 &&
      is_alpha((unsigned char)s[p + 1])) {
    for (size_t j = p + 1; j < colon; j++)
      if (!(is_alnum((unsigned char)s[j]) || s[j] == '+' || s[j] == '.' ||
            s[j] == '-'))
        return 0;
    return k + 1 - p;
  }
  if (at > p + 1 && memchr(s + at, '.', k - at) && !colon)
    return k + 1 - p;
  return 0;
}

/* A code span at s[p] == '`': a run of N backticks up to the next run of
 * exactly N on the same line. A lone backtick inside a word is an Uzbek
 * apostrophe (o`zbek, g`alaba), not code. */
static size_t md_code_span(scan *x, size_t p, size_t eol) {
  const char *s = x->s;
  size_t k = p;
  while (k < eol && s[k] == '`')
    k++;
  if (k - p == 1 && !at_boundary(s, p) && k < eol) {
    uint32_t cp;
    decode(s, k, eol, &cp);
    if (is_word_cp(cp)) {
      put(x, k, CONV);
      return k;
    }
  }
  for (size_t q = k; q < eol;) {
    const char *b = memchr(s + q, '`', eol - q);
    if (!b)
      break;
    size_t r = (size_t)(b - s), e = r;
    while (e < eol && s[e] == '`')
      e++;
    if (e - r == k - p) {
      put(x, e, KEEP);
      return e;
    }
    q = e;
  }
  put(x, k, CONV);
  return k;
}

static void md_inline(scan *x, size_t p, size_t eol) {
  tl__markup *m = x->m;
  const char *s = x->s;
  while (p < eol && !x->st) {
    if (m->state != S_TEXT || m->depth) {
      p = html_step(x, p, eol, 1);
      continue;
    }
    p = scan_text(x, p, eol, stop_md, 1);
    if (p >= eol)
      break;
    size_t r = 0;
    switch (s[p]) {
    case '\\': /* an escaped character has no markup meaning */
      r = p + 1 < eol && s[p + 1] > ' ' && s[p + 1] < 0x7F &&
                  !is_alnum((unsigned char)s[p + 1])
              ? p + 2
              : p + 1;
      put(x, r, CONV);
      break;
    case '`':
      r = md_code_span(x, p, eol);
      break;
    case '<':
      r = md_autolink(s, p, eol);
      if (r) {
        put(x, r += p, KEEP);
        break;
      }
      r = html_open(x, p, eol, 1);
      if (!r)
        put(x, r = p + 1, CONV);
      break;
    case ']':
      if (p + 1 < eol && s[p + 1] == '(' && (r = md_link_tail(x, p, eol)))
        break;
      /* fall through */
    default: /* brackets are kept so that a [label] is converted alone,
              * the same way in the link and in its definition */
      put(x, r = p + 1, KEEP);
      break;
    }
    p = r;
  }
}

/* Block structure at the start of the line s[i..eol): code fences and
 * indented code are kept whole; otherwise returns where the line's inline
 * content starts. */
static size_t md_block(scan *x, size_t i, size_t eol) {
  tl__markup *m = x->m;
  const char *s = x->s;
  int blank = line_blank(s, i, eol);
  if (m->state != S_TEXT || m->depth) {
    /* A paragraph break ends an unclosed inline <code>; anything else in
     * a tag, comment or kept block goes on. */
    if (!(blank && m->state == S_TEXT && m->region_inline))
      return i;
    m->depth = 0;
  }
  if (m->fence_len) {
    if (fence_close(m, s, i, eol)) {
      m->fence_len = 0;
      m->prev_blank = 1;
    }
    put(x, eol, KEEP);
    return eol;
  }
  size_t p = i;
  for (;;) { /* blockquote markers */
    size_t q = p;
    while (q < eol && s[q] == ' ' && q - p < 3)
      q++;
    if (q >= eol || s[q] != '>')
      break;
    p = q + 1;
    if (p < eol && s[p] == ' ')
      p++;
  }
  unsigned col = 0;
  size_t q = p;
  while (q < eol && (s[q] == ' ' || s[q] == '\t')) {
    col = s[q] == '\t' ? (col + 4) & ~3u : col + 1;
    q++;
  }
  if (blank || line_blank(s, q, eol)) {
    put(x, eol, m->icode ? KEEP : CONV);
    m->prev_blank = 1;
    return eol;
  }
  if (m->icode) {
    if (col >= 4 + m->list_indent) {
      put(x, eol, KEEP);
      return eol;
    }
    m->icode = 0;
  }
  size_t item = col < 4 + m->list_indent ? list_item(s, q, eol) : 0;
  if (!item && m->prev_blank && col < m->list_indent)
    m->list_indent = 0; /* the list ended */
  if (!item && m->prev_blank && col >= 4 + m->list_indent) {
    m->icode = 1;
    put(x, eol, KEEP);
    return eol;
  }
  if (item)
    m->list_indent = col + (unsigned)item;
  if (col < 4 + m->list_indent &&
      fence_open(s, q + item, eol, &m->fence_char, &m->fence_len)) {
    put(x, eol, KEEP);
    m->prev_blank = 1;
    return eol;
  }
  put(x, q, CONV);
  if (!item && m->prev_blank && s[q] == '[' && md_refdef(x, q, eol))
    return eol;
  /* An ATX heading closes its paragraph at once. */
  size_t h = q;
  while (h < eol && s[h] == '#' && h - q < 7)
    h++;
  m->prev_blank = h > q && h - q <= 6 && (h >= eol || is_space((unsigned char)s[h]));
  return q;
}

static size_t md_line(scan *x, size_t i) {
  tl__markup *m = x->m;
  const char *s = x->s;
  const char *nl = memchr(s + i, '\n', x->n - i);
  size_t eol = nl ? (size_t)(nl - s) + 1 : x->n;
  size_t p = i;
  if (m->bol) {
    m->bol = 0;
    p = md_block(x, i, eol);
  }
  md_inline(x, p, eol);
  if (nl)
    m->bol = 1;
  return eol;
}

/* ------------------------------------------------------------------ entry */

void tl__markup_init(tl__markup *m, tl__markup_mode mode) {
  memset(m, 0, sizeof *m);
  m->mode = mode;
  m->bol = 1;
  m->prev_blank = 1;
}

tl_status tl__markup_scan(tl__markup *m, const char *s, size_t n,
                          tl__span_fn fn, void *user) {
  scan x = {m, s, n, fn, user, 0, 0, CONV, TL_OK};
  size_t i = 0;
  switch (m->mode) {
  case TL__MARKUP_PLAIN:
    scan_plain(&x, n);
    break;
  case TL__MARKUP_HTML:
    html_scan(&x, 0, n);
    break;
  case TL__MARKUP_MARKDOWN:
    while (i < n && !x.st)
      i = md_line(&x, i);
    break;
  }
  flush(&x);
  return x.st;
}
