/* encoding.c: guessing the encoding of an input file (BOMs, UTF-8, UTF-16/32
 * without BOM, the five Cyrillic 8-bit code pages of old newsroom archives)
 * and converting through the iconv API, with errors that name the byte. */
#include "encoding.h"
#include "buf.h"
#include "error.h"
#include "utf8.h"

#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Only the first 64 KiB are read to guess: enough evidence for any real
 * text, and constant time for the batch converter. */
#define SAMPLE_MAX (64u * 1024u)

static const struct {
  tl_encoding enc;
  const char *name;  /* shown to users */
  const char *iconv; /* glibc iconv name */
} encodings[] = {
    {TL_ENC_UTF8, "UTF-8", "UTF-8"},
    {TL_ENC_UTF16LE, "UTF-16LE", "UTF-16LE"},
    {TL_ENC_UTF16BE, "UTF-16BE", "UTF-16BE"},
    {TL_ENC_UTF32LE, "UTF-32LE", "UTF-32LE"},
    {TL_ENC_UTF32BE, "UTF-32BE", "UTF-32BE"},
    {TL_ENC_CP1251, "CP1251", "CP1251"},
    {TL_ENC_KOI8R, "KOI8-R", "KOI8-R"},
    {TL_ENC_CP866, "CP866", "CP866"},
    {TL_ENC_ISO8859_5, "ISO-8859-5", "ISO-8859-5"},
    {TL_ENC_MACCYRILLIC, "MacCyrillic", "MACCYRILLIC"},
};
#define N_ENCODINGS (sizeof encodings / sizeof encodings[0])

const char *tl_encoding_name(tl_encoding enc) {
  for (size_t i = 0; i < N_ENCODINGS; i++)
    if (encodings[i].enc == enc)
      return encodings[i].name;
  return "unknown";
}

static const char *iconv_name(tl_encoding enc) {
  for (size_t i = 0; i < N_ENCODINGS; i++)
    if (encodings[i].enc == enc)
      return encodings[i].iconv;
  return NULL;
}

tl_status tl_encoding_parse(tl_encoding *out, const char *name) {
  static const struct { const char *alias; tl_encoding enc; } aliases[] = {
      {"auto", TL_ENC_UNKNOWN},       {"utf-8", TL_ENC_UTF8},
      {"utf8", TL_ENC_UTF8},          {"ascii", TL_ENC_UTF8},
      {"us-ascii", TL_ENC_UTF8},      {"utf-16le", TL_ENC_UTF16LE},
      {"utf16le", TL_ENC_UTF16LE},    {"utf-16be", TL_ENC_UTF16BE},
      {"utf16be", TL_ENC_UTF16BE},    {"utf-32le", TL_ENC_UTF32LE},
      {"utf32le", TL_ENC_UTF32LE},    {"utf-32be", TL_ENC_UTF32BE},
      {"utf32be", TL_ENC_UTF32BE},    {"cp1251", TL_ENC_CP1251},
      {"windows-1251", TL_ENC_CP1251}, {"win1251", TL_ENC_CP1251},
      {"1251", TL_ENC_CP1251},        {"koi8-r", TL_ENC_KOI8R},
      {"koi8r", TL_ENC_KOI8R},        {"koi8", TL_ENC_KOI8R},
      {"cp866", TL_ENC_CP866},        {"ibm866", TL_ENC_CP866},
      {"866", TL_ENC_CP866},          {"dos", TL_ENC_CP866},
      {"iso-8859-5", TL_ENC_ISO8859_5}, {"iso8859-5", TL_ENC_ISO8859_5},
      {"iso_8859-5", TL_ENC_ISO8859_5}, {"latin-cyrillic", TL_ENC_ISO8859_5},
      {"maccyrillic", TL_ENC_MACCYRILLIC}, {"mac-cyrillic", TL_ENC_MACCYRILLIC},
      {"x-mac-cyrillic", TL_ENC_MACCYRILLIC}, {"mac", TL_ENC_MACCYRILLIC},
  };
  if (!out || !name)
    return TL_EINVAL;
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (strcasecmp(name, aliases[i].alias) == 0) {
      *out = aliases[i].enc;
      return TL_OK;
    }
  return TL_EINVAL;
}

/* ------------------------------------------------------------ positions */

void tl__text_position(const char *text, size_t off, size_t *line, size_t *column) {
  size_t l = 1, c = 1;
  for (size_t i = 0; i < off; i++) {
    unsigned char b = (unsigned char)text[i];
    if (b == '\n')
      l++, c = 1;
    else if ((b & 0xC0) != 0x80)
      c++;
  }
  *line = l;
  *column = c;
}

/* ---------------------------------------------------------- code pages */

/* The upper halves of the 8-bit code pages (bytes 0x80..0xFF), used only to
 * score candidate decodings; the conversion itself is iconv's. Generated
 * with iconv and checked against it by tests/unit/test_encoding.c. 0 marks
 * a byte the code page leaves undefined. */
static const uint16_t tab_cp1251[128] = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
    0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
    0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
    0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
    0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
    0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
    0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
    0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
    0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
    0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,
    0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
    0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
    0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
};

static const uint16_t tab_koi8r[128] = {
    0x2500, 0x2502, 0x250C, 0x2510, 0x2514, 0x2518, 0x251C, 0x2524,
    0x252C, 0x2534, 0x253C, 0x2580, 0x2584, 0x2588, 0x258C, 0x2590,
    0x2591, 0x2592, 0x2593, 0x2320, 0x25A0, 0x2219, 0x221A, 0x2248,
    0x2264, 0x2265, 0x00A0, 0x2321, 0x00B0, 0x00B2, 0x00B7, 0x00F7,
    0x2550, 0x2551, 0x2552, 0x0451, 0x2553, 0x2554, 0x2555, 0x2556,
    0x2557, 0x2558, 0x2559, 0x255A, 0x255B, 0x255C, 0x255D, 0x255E,
    0x255F, 0x2560, 0x2561, 0x0401, 0x2562, 0x2563, 0x2564, 0x2565,
    0x2566, 0x2567, 0x2568, 0x2569, 0x256A, 0x256B, 0x256C, 0x00A9,
    0x044E, 0x0430, 0x0431, 0x0446, 0x0434, 0x0435, 0x0444, 0x0433,
    0x0445, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E,
    0x043F, 0x044F, 0x0440, 0x0441, 0x0442, 0x0443, 0x0436, 0x0432,
    0x044C, 0x044B, 0x0437, 0x0448, 0x044D, 0x0449, 0x0447, 0x044A,
    0x042E, 0x0410, 0x0411, 0x0426, 0x0414, 0x0415, 0x0424, 0x0413,
    0x0425, 0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E,
    0x041F, 0x042F, 0x0420, 0x0421, 0x0422, 0x0423, 0x0416, 0x0412,
    0x042C, 0x042B, 0x0417, 0x0428, 0x042D, 0x0429, 0x0427, 0x042A,
};

static const uint16_t tab_cp866[128] = {
    0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
    0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
    0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
    0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,
    0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
    0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
    0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
    0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
    0x0401, 0x0451, 0x0404, 0x0454, 0x0407, 0x0457, 0x040E, 0x045E,
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x2116, 0x00A4, 0x25A0, 0x00A0,
};

static const uint16_t tab_iso8859_5[128] = {
    0x0080, 0x0081, 0x0082, 0x0083, 0x0084, 0x0085, 0x0086, 0x0087,
    0x0088, 0x0089, 0x008A, 0x008B, 0x008C, 0x008D, 0x008E, 0x008F,
    0x0090, 0x0091, 0x0092, 0x0093, 0x0094, 0x0095, 0x0096, 0x0097,
    0x0098, 0x0099, 0x009A, 0x009B, 0x009C, 0x009D, 0x009E, 0x009F,
    0x00A0, 0x0401, 0x0402, 0x0403, 0x0404, 0x0405, 0x0406, 0x0407,
    0x0408, 0x0409, 0x040A, 0x040B, 0x040C, 0x00AD, 0x040E, 0x040F,
    0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
    0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
    0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
    0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,
    0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
    0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
    0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
    0x2116, 0x0451, 0x0452, 0x0453, 0x0454, 0x0455, 0x0456, 0x0457,
    0x0458, 0x0459, 0x045A, 0x045B, 0x045C, 0x00A7, 0x045E, 0x045F,
};

static const uint16_t tab_maccyr[128] = {
    0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
    0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
    0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
    0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
    0x2020, 0x00B0, 0x0490, 0x00A3, 0x00A7, 0x2022, 0x00B6, 0x0406,
    0x00AE, 0x00A9, 0x2122, 0x0402, 0x0452, 0x2260, 0x0403, 0x0453,
    0x221E, 0x00B1, 0x2264, 0x2265, 0x0456, 0x00B5, 0x0491, 0x0408,
    0x0404, 0x0454, 0x0407, 0x0457, 0x0409, 0x0459, 0x040A, 0x045A,
    0x0458, 0x0405, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB,
    0x00BB, 0x2026, 0x00A0, 0x040B, 0x045B, 0x040C, 0x045C, 0x0455,
    0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x00F7, 0x201E,
    0x040E, 0x045E, 0x040F, 0x045F, 0x2116, 0x0401, 0x0451, 0x044F,
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,
    0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
    0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
    0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x00A4,
};

static const struct {
  tl_encoding enc;
  const uint16_t *tab;
} code_pages[] = {
    {TL_ENC_CP1251, tab_cp1251}, {TL_ENC_KOI8R, tab_koi8r},
    {TL_ENC_CP866, tab_cp866},   {TL_ENC_ISO8859_5, tab_iso8859_5},
    {TL_ENC_MACCYRILLIC, tab_maccyr},
};
#define N_CODE_PAGES (sizeof code_pages / sizeof code_pages[0])

uint32_t tl__code_page_char(tl_encoding enc, unsigned char b) {
  for (size_t i = 0; i < N_CODE_PAGES; i++)
    if (code_pages[i].enc == enc && b >= 0x80)
      return code_pages[i].tab[b - 0x80];
  return 0;
}

/* Letter frequencies of Russian news text (per mille), with ў for Uzbek
 * Cyrillic, index = code point - 0x430 (а..я); ё and ў handled apart.
 * A wrong code page permutes the letters, so the likelihood of the decoded
 * letters under these frequencies drops sharply even on short samples. */
static const double ru_freq[32] = {
    80.1, 15.9, 45.4, 17.0, 29.8, 84.5, 9.4, 16.5,  /* а б в г д е ж з */
    73.5, 12.1, 34.9, 44.0, 32.1, 67.0, 109.7, 28.1, /* и й к л м н о п */
    47.3, 54.7, 62.6, 26.2, 2.6, 9.7, 4.8, 14.4,   /* р с т у ф х ц ч */
    7.3, 3.6, 0.4, 19.0, 17.4, 3.2, 6.4, 20.1,     /* ш щ ъ ы ь э ю я */
};

/* Score of one decoded character, in bits; letters are scored by the
 * caller. Punctuation that Cyrillic code pages carry for real use costs
 * little; box drawing, C1 controls and foreign letters cost a lot. */
static double symbol_score(uint32_t cp) {
  switch (cp) {
  case 0x00A0: case 0x00AB: case 0x00BB: case 0x2013: case 0x2014:
  case 0x201C: case 0x201D: case 0x201E: case 0x2018: case 0x2019:
  case 0x2026: case 0x2116: case 0x00B0: case 0x00A9: case 0x2022:
    return -3.0;
  default:
    break;
  }
  if (cp >= 0x80 && cp < 0xA0)
    return -20.0; /* C1 controls never occur in text */
  if (cp >= 0x2500 && cp < 0x25A0)
    return -12.0; /* box drawing: pseudo-graphics, not prose */
  return -10.0;
}

static int is_ru_letter(uint32_t cp) {
  return (cp >= 0x410 && cp <= 0x44F) || cp == 0x401 || cp == 0x451 ||
         cp == 0x40E || cp == 0x45E;
}
static int is_upper_cyr(uint32_t cp) {
  return (cp >= 0x410 && cp <= 0x42F) || cp == 0x401 || cp == 0x40E;
}

/* Log-likelihood (bits) of data decoded with tab, with case patterns:
 * real text has capitals at word starts, not inside lower-case words. */
static double score_code_page(const uint16_t *tab, const unsigned char *s,
                              size_t n, size_t *n_high, size_t *n_junk) {
  size_t junk = 0;
  double score = 0;
  int prev = 0; /* 0 other, 1 lower letter, 2 upper letter */
  size_t high = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char b = s[i];
    if (b < 0x80) {
      prev = ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') ? ((b & 0x20) ? 1 : 2) : 0;
      continue;
    }
    high++;
    uint32_t cp = tab[b - 0x80];
    if (!cp) {
      score -= 25.0;
      junk++;
      prev = 0;
      continue;
    }
    if (!is_ru_letter(cp)) {
      double sym = symbol_score(cp);
      score += sym;
      junk += sym <= -10.0;
      /* Letters of other Cyrillic alphabets (і ї є ђ ...) are rare here. */
      prev = 0;
      continue;
    }
    int upper = is_upper_cyr(cp);
    uint32_t lc = upper ? (cp == 0x401 ? 0x451 : cp == 0x40E ? 0x45E : cp + 0x20) : cp;
    double f = lc == 0x451 ? 1.0 : lc == 0x45E ? 4.0 : ru_freq[lc - 0x430];
    score += log2(f / 1000.0);
    if (upper) {
      score -= 1.0;
      if (prev)
        score -= prev == 1 ? 6.0 : 1.5; /* "мАма" is wrong, "МАМА" rare */
    }
    prev = upper ? 2 : 1;
  }
  *n_high = high;
  *n_junk = junk;
  return score;
}

/* --------------------------------------------------------------- detect */

size_t tl_encoding_bom_len(tl_encoding enc, const char *data, size_t len) {
  const unsigned char *s = (const unsigned char *)data;
  switch (enc) {
  case TL_ENC_UTF8:
    return len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF ? 3 : 0;
  case TL_ENC_UTF16LE:
    return len >= 2 && s[0] == 0xFF && s[1] == 0xFE ? 2 : 0;
  case TL_ENC_UTF16BE:
    return len >= 2 && s[0] == 0xFE && s[1] == 0xFF ? 2 : 0;
  case TL_ENC_UTF32LE:
    return len >= 4 && s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0 ? 4 : 0;
  case TL_ENC_UTF32BE:
    return len >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF ? 4 : 0;
  default:
    return 0;
  }
}

/* Share of the code units of data read as UTF-16 (unit 2) or UTF-32
 * (unit 4) that are plausible text characters: letters of our scripts,
 * ASCII and common punctuation, valid surrogate pairs. */
static double wide_plausibility(const unsigned char *s, size_t n, int unit, int be) {
  size_t good = 0, total = 0;
  for (size_t i = 0; i + (size_t)unit <= n; i += (size_t)unit) {
    uint32_t v;
    if (unit == 2)
      v = be ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
    else
      v = be ? ((uint32_t)s[i] << 24 | (uint32_t)s[i + 1] << 16 | (uint32_t)s[i + 2] << 8 | s[i + 3])
             : ((uint32_t)s[i + 3] << 24 | (uint32_t)s[i + 2] << 16 | (uint32_t)s[i + 1] << 8 | s[i]);
    total++;
    if (v == '\n' || v == '\r' || v == '\t' || (v >= 0x20 && v < 0x7F) ||
        (v >= 0xA0 && v < 0x530) || (v >= 0x2000 && v < 0x2070))
      good++;
    else if (unit == 2 && v >= 0xD800 && v <= 0xDBFF)
      good++; /* a surrogate pair: count the lead only */
    else if (unit == 2 && v >= 0xDC00 && v <= 0xDFFF)
      good++;
  }
  return total ? (double)good / (double)total : 0.0;
}

/* The guess from a sample s[0..n) that holds no BOM and no NUL byte:
 * UTF-8 or one of the code pages. avail > n when more input follows the
 * sample (a sequence cut by its end is then no evidence). */
static void detect_sample(const unsigned char *s, size_t n, size_t avail, tl_encoding *enc,
                          double *confidence) {
  tl_encoding e = TL_ENC_UTF8;
  double conf = 1.0;
  /* UTF-8: count well-formed multi-byte sequences against invalid bytes. */
  size_t n_mb = 0, n_bad = 0, i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    uint32_t cp;
    size_t k = tl__utf8_decode((const char *)s + i, n - i, &cp);
    if (cp == TL__UTF8_TRUNCATED && avail > n)
      break; /* cut by the sample, not by the file */
    if (cp == TL__UTF8_INVALID || cp == TL__UTF8_TRUNCATED)
      n_bad++;
    else
      n_mb++;
    i += k;
  }
  if (n_bad == 0)
    goto done; /* ASCII or clean UTF-8 */
  /* Accidental well-formed pairs are common in CP866 and KOI8-R text, so a
   * few valid sequences do not make a file UTF-8; but a UTF-8 file with a
   * few broken bytes must stay UTF-8 so that the user hears about them. */
  if (n_bad * 20 < n_mb) {
    conf = 1.0 - (double)n_bad / (double)(n_mb + n_bad);
    goto done;
  }
  /* Cyrillic words are runs of high bytes; Latin-1 or CP1252 accented
   * letters (0xC0..0xFF) sit alone between ASCII letters (café). Those are
   * not ours: "UTF-8". Lone punctuation (0x91 ‘ in O‘zbekiston typed in
   * CP1251) is no evidence either way. */
  size_t lone = 0, all_high = 0;
  for (size_t k = 0; k < n; k++) {
    if (s[k] < 0xC0 || (s[k] >= 0xD0 && s[k] <= 0xD5)) /* MacCyrillic – — “ ” ‘ ’ */
      continue;
    all_high++;
    int left = k > 0 && s[k - 1] >= 0x80, right = k + 1 < n && s[k + 1] >= 0x80;
    lone += !left && !right;
  }
  if (lone * 2 > all_high) {
    e = TL_ENC_UTF8;
    conf = 0.2;
    goto done;
  }
  double best = -INFINITY, second = -INFINITY;
  size_t high = 0, best_junk = 0;
  for (size_t c = 0; c < N_CODE_PAGES; c++) {
    size_t h, junk;
    double sc = score_code_page(code_pages[c].tab, s, n, &h, &junk);
    high = h;
    if (sc > best) {
      best_junk = junk;
      second = best;
      best = sc;
      e = code_pages[c].enc;
    } else if (sc > second) {
      second = sc;
    }
  }
  /* Real Cyrillic text scores about -4.5 bits a letter; far below, the
   * bytes are something else (Latin-1, binary): call it broken UTF-8. */
  /* A short input whose best reading still has pseudo-graphics or control
   * characters in it is broken UTF-8, not a DOS table. */
  if ((high && best / (double)high < -9.0) || (high < 256 && best_junk * 4 > high)) {
    e = TL_ENC_UTF8;
    conf = 0.2;
    goto done;
  }
  conf = 1.0 / (1.0 + exp2(-(best - second) / 4.0));
done:
  *enc = e;
  *confidence = conf;
}

void tl_encoding_detect(tl_encoding *enc, double *confidence, const char *data,
                        size_t len) {
  tl_encoding e = TL_ENC_UTF8;
  double conf = 1.0;
  const unsigned char *s = (const unsigned char *)data;
  size_t n = len < SAMPLE_MAX ? len : SAMPLE_MAX;
  static const tl_encoding bom_order[] = {TL_ENC_UTF32LE, TL_ENC_UTF32BE, TL_ENC_UTF8,
                                          TL_ENC_UTF16LE, TL_ENC_UTF16BE};
  if (!data)
    n = 0;
  for (size_t i = 0; i < sizeof bom_order / sizeof bom_order[0]; i++)
    if (tl_encoding_bom_len(bom_order[i], data, n)) {
      e = bom_order[i];
      goto done;
    }
  /* NUL bytes never occur in 8-bit or UTF-8 text: try the wide forms. */
  if (n && memchr(s, 0, n)) {
    static const struct { tl_encoding e; int unit, be; } wide[] = {
        {TL_ENC_UTF32LE, 4, 0}, {TL_ENC_UTF32BE, 4, 1},
        {TL_ENC_UTF16LE, 2, 0}, {TL_ENC_UTF16BE, 2, 1}};
    double best = 0;
    for (size_t i = 0; i < 4; i++) {
      if (n % (size_t)wide[i].unit && n < SAMPLE_MAX)
        continue;
      double p = wide_plausibility(s, n, wide[i].unit, wide[i].be);
      if (p > best + 1e-9)
        best = p, e = wide[i].e;
    }
    if (best >= 0.9) {
      conf = best;
      goto done;
    }
    e = TL_ENC_UTF8; /* binary or broken: let the UTF-8 check report it */
    conf = 0.1;
    goto done;
  }
  /* An ASCII head (an English header, markup) says nothing: the sample is
   * moved to the first non-ASCII byte, wherever it is. */
  if (len > n) {
    size_t h = 0;
    while (h < len && s[h] < 0x80)
      h++;
    if (h >= n && h < len) {
      s += h;
      n = len - h < SAMPLE_MAX ? len - h : SAMPLE_MAX;
    }
  }
  {
    size_t avail = len - (size_t)(s - (const unsigned char *)data);
    detect_sample(s, n, avail, &e, &conf);
  }
done:
  if (enc)
    *enc = e;
  if (confidence)
    *confidence = conf;
}

/* --------------------------------------------------------------- decode */

/* line:col is where decoded->data[decoded_from] stands in the whole
 * decoded text (1:1 for a whole-text call; carried on by a tl_decoder). */
static tl_status fail_position(tl_ctx *ctx, tl_status st, size_t in_off,
                               const tl_buf *decoded, size_t decoded_from,
                               size_t line, size_t col,
                               const char *fmt_enc, unsigned char byte) {
  if (decoded->len > decoded_from)
    tl__utf8_advance(&line, &col, decoded->data + decoded_from, decoded->len - decoded_from);
  return tl__fail_at(ctx, st, in_off, line, col,
                     "invalid %s (byte 0x%02X) at byte %zu", fmt_enc, byte, in_off);
}

/* UTF-8 input: validated, copied, and each maximal broken sequence (a lead
 * byte with its continuation bytes, or one stray byte) replaced by one
 * U+FFFD when asked. base = offset of data[0] in the caller's input. */
static tl_status decode_utf8(tl_ctx *ctx, size_t *n_replaced, const char *data,
                             size_t len, size_t base, size_t line, size_t col,
                             unsigned flags, tl_buf *out) {
  size_t start = out->len, i = 0, run = 0;
  tl_status st = tl__buf_reserve(out, len);
  if (!st)
    out->data[out->len] = '\0'; /* the buffer promise, even for empty input */
  while (!st && i < len) {
    size_t bad;
    if (tl__utf8_valid(data + i, len - i, &bad)) {
      st = tl__buf_append(out, data + i, len - i);
      break;
    }
    if ((st = tl__buf_append(out, data + i, bad)))
      break;
    if (!(flags & TL_DECODE_REPLACE))
      return fail_position(ctx, TL_EUTF8, base + i + bad, out, start, line, col, "UTF-8",
                           (unsigned char)data[i + bad]);
    st = tl__buf_put_cp(out, 0xFFFD);
    run++;
    unsigned char lead = (unsigned char)data[i + bad];
    i += bad + 1;
    if (lead >= 0xC2 && lead <= 0xF4)
      for (int k = 0; k < 3 && i < len && ((unsigned char)data[i] & 0xC0) == 0x80; k++)
        i++;
  }
  if (st)
    return tl__fail(ctx, st, TL_NO_OFFSET, "out of memory");
  if (n_replaced)
    *n_replaced += run;
  return TL_OK;
}

static size_t unit_size(tl_encoding enc) {
  switch (enc) {
  case TL_ENC_UTF16LE: case TL_ENC_UTF16BE: return 2;
  case TL_ENC_UTF32LE: case TL_ENC_UTF32BE: return 4;
  default: return 1;
  }
}

tl_status tl_decode(tl_ctx *ctx, size_t *n_replaced, tl_encoding enc,
                    const char *data, size_t len, unsigned flags, tl_buf *out) {
  if (n_replaced)
    *n_replaced = 0;
  if (!out || (!data && len))
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "tl_decode: NULL argument");
  size_t bom = tl_encoding_bom_len(enc, data, len);
  data += bom;
  len -= bom;
  /* A failure appends nothing (the position is measured first), so that a
   * caller reusing the buffer never takes the text before the error for the
   * whole (found by tests/fuzz/fuzz_encoding.c). */
  size_t mark = out->len;
  if (enc == TL_ENC_UTF8) {
    tl_status st = decode_utf8(ctx, n_replaced, data, len, bom, 1, 1, flags, out);
    if (!st)
      tl__ok(ctx);
    else
      tl__buf_truncate(out, mark);
    return st;
  }
  const char *name = iconv_name(enc);
  if (!name)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "unknown encoding");
  iconv_t cd = iconv_open("UTF-8", name);
  if (cd == (iconv_t)-1)
    return tl__fail(ctx, TL_EUNSUPPORTED, TL_NO_OFFSET,
                    "iconv cannot convert from %s", tl_encoding_name(enc));
  size_t start = out->len, unit = unit_size(enc);
  char *in = (char *)data;
  size_t left = len;
  tl_status st = TL_OK;
  while (left) {
    /* Room for the worst case of what is left (x3 for 8-bit -> UTF-8). */
    size_t need = left * 3 + 16;
    if (need > (1u << 20))
      need = 1u << 20;
    if ((st = tl__buf_reserve(out, need)))
      break;
    char *o = out->data + out->len;
    size_t room = out->cap - out->len - 1;
    size_t r = iconv(cd, &in, &left, &o, &room);
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
    if (r != (size_t)-1)
      continue;
    if (errno == E2BIG)
      continue;
    /* EILSEQ or EINVAL (truncated at the end): a byte enc does not define. */
    size_t off = (size_t)(in - data);
    if (!(flags & TL_DECODE_REPLACE)) {
      st = fail_position(ctx, TL_EENCODING, bom + off, out, start, 1, 1,
                         tl_encoding_name(enc), (unsigned char)*in);
      iconv_close(cd);
      tl__buf_truncate(out, mark);
      return st;
    }
    if ((st = tl__buf_put_cp(out, 0xFFFD)))
      break;
    if (n_replaced)
      ++*n_replaced;
    size_t skip = unit < left ? unit : left;
    in += skip;
    left -= skip;
    iconv(cd, NULL, NULL, NULL, NULL);
  }
  iconv_close(cd);
  if (st) {
    tl__buf_truncate(out, mark);
    return tl__fail(ctx, st, TL_NO_OFFSET, "out of memory");
  }
  if (!out->data && tl__buf_reserve(out, 0))
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  out->data[out->len] = '\0';
  tl__ok(ctx);
  return TL_OK;
}

/* --------------------------------------------------------------- encode */

tl_status tl_encode(tl_ctx *ctx, tl_encoding enc, const char *text, size_t len,
                    tl_buf *out) {
  if (!out || (!text && len))
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "tl_encode: NULL argument");
  size_t bad;
  if (!tl__utf8_valid(text, len, &bad)) {
    size_t line, col;
    tl__text_position(text, bad, &line, &col);
    return tl__fail_at(ctx, TL_EUTF8, bad, line, col,
                       "invalid UTF-8 (byte 0x%02X) at byte %zu",
                       (unsigned char)text[bad], bad);
  }
  if (enc == TL_ENC_UTF8) {
    if (tl__buf_append(out, text, len))
      return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    tl__ok(ctx);
    return TL_OK;
  }
  const char *name = iconv_name(enc);
  if (!name)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "unknown encoding");
  iconv_t cd = iconv_open(name, "UTF-8");
  if (cd == (iconv_t)-1)
    return tl__fail(ctx, TL_EUNSUPPORTED, TL_NO_OFFSET,
                    "iconv cannot convert to %s", tl_encoding_name(enc));
  char *in = (char *)text;
  size_t left = len;
  tl_status st = TL_OK;
  while (left) {
    size_t need = left * 4 + 16;
    if (need > (1u << 20))
      need = 1u << 20;
    if ((st = tl__buf_reserve(out, need)))
      break;
    char *o = out->data + out->len;
    size_t room = out->cap - out->len - 1;
    size_t r = iconv(cd, &in, &left, &o, &room);
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
    if (r != (size_t)-1 || errno == E2BIG)
      continue;
    size_t off = (size_t)(in - text), line, col;
    uint32_t cp = 0;
    size_t k = tl__utf8_decode(in, left, &cp);
    tl__text_position(text, off, &line, &col);
    iconv_close(cd);
    return tl__fail_at(ctx, TL_EENCODING, off, line, col,
                       "%s cannot represent U+%04X '%.*s' at byte %zu",
                       tl_encoding_name(enc), (unsigned)cp, (int)k, in, off);
  }
  iconv_close(cd);
  if (st)
    return tl__fail(ctx, st, TL_NO_OFFSET, "out of memory");
  if (!out->data && tl__buf_reserve(out, 0))
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  out->data[out->len] = '\0';
  tl__ok(ctx);
  return TL_OK;
}

/* --------------------------------------------------------------- streams */

enum { DEC_HEAD, DEC_ASCII, DEC_WINDOW, DEC_READY };

struct tl_decoder {
  tl_ctx *ctx;
  tl_encoding enc; /* TL_ENC_UNKNOWN until detected */
  unsigned flags;
  int state;       /* DEC_*: detection, then decoding */
  int bom_done;    /* the BOM has been looked for */
  double conf;
  size_t replaced;
  iconv_t cd;      /* opened at the first legacy byte */
  tl_buf pend;     /* input held back: the detection sample, the start of
                      a possible BOM, or a sequence cut by the chunk */
  size_t off;      /* input offset of pend.data[0] */
  size_t line, col; /* where the next output character stands */
  int finished;
  tl_ctx failure;
};

tl_status tl_decoder_new(tl_ctx *ctx, tl_encoding enc, unsigned flags, tl_decoder **out) {
  if (!out)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "tl_decoder_new: NULL argument");
  *out = NULL;
  if (enc != TL_ENC_UNKNOWN && !iconv_name(enc))
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "unknown encoding");
  tl_decoder *d = calloc(1, sizeof *d);
  if (!d)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  d->ctx = ctx;
  d->enc = enc;
  d->flags = flags;
  d->state = enc == TL_ENC_UNKNOWN ? DEC_HEAD : DEC_READY;
  d->conf = 1.0;
  d->cd = (iconv_t)-1;
  d->line = d->col = 1;
  *out = d;
  tl__ok(ctx);
  return TL_OK;
}

void tl_decoder_free(tl_decoder *d) {
  if (!d)
    return;
  if (d->cd != (iconv_t)-1)
    iconv_close(d->cd);
  tl_buf_free(&d->pend);
  free(d);
}

void tl_decoder_info(const tl_decoder *d, tl_encoding *enc, double *confidence,
                     size_t *n_replaced) {
  if (enc)
    *enc = d ? d->enc : TL_ENC_UNKNOWN;
  if (confidence)
    *confidence = d ? d->conf : 0.0;
  if (n_replaced)
    *n_replaced = d ? d->replaced : 0;
}

size_t tl_decoder_held(const tl_decoder *d) { return d ? d->pend.len : 0; }

/* Forgets pend.data[0..k), which was worked. */
static void pend_drop(tl_decoder *d, size_t k) {
  memmove(d->pend.data, d->pend.data + k, d->pend.len - k);
  d->pend.len -= k;
  d->pend.data[d->pend.len] = '\0';
  d->off += k;
}

/* Where the UTF-8 of a chunk must stop so that a broken sequence is
 * replaced as in the whole text: before a lead byte that is followed by
 * fewer than 3 continuation bytes at the end (decode_utf8 swallows up to 3
 * after a bad lead byte). */
static size_t utf8_hold(const char *s, size_t n) {
  size_t i = n;
  while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
    i--;
  if (i > 0 && n - i < 3) {
    unsigned char lead = (unsigned char)s[i - 1];
    if (lead >= 0xC2 && lead <= 0xF4)
      return i - 1;
  }
  return n;
}

/* Decodes data[0..len) (input offset d->off), appending to out; *used is
 * what was worked, the rest waits for more input (unless final). */
static tl_status decode_part(tl_decoder *d, const char *data, size_t len, int final,
                             tl_buf *out, size_t *used) {
  *used = 0;
  if (!d->bom_done) {
    if (len < 4 && !final)
      return TL_OK; /* a BOM may still be coming */
    size_t bom = d->off == 0 ? tl_encoding_bom_len(d->enc, data, len) : 0;
    d->bom_done = 1;
    data += bom;
    len -= bom;
    d->off += bom;
    *used = bom;
  }
  size_t start = out->len;
  tl_status st = TL_OK;
  if (d->enc == TL_ENC_UTF8) {
    size_t n = final || (d->flags & TL_DECODE_UTF8_AS_IS) ? len : utf8_hold(data, len);
    if (d->flags & TL_DECODE_UTF8_AS_IS) {
      if (tl__buf_append(out, data, n))
        return tl__fail(d->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    } else if ((st = decode_utf8(d->ctx, &d->replaced, data, n, d->off, d->line, d->col,
                                 d->flags, out))) {
      return st;
    }
    *used += n;
    d->off += n;
    if (!(d->flags & TL_DECODE_UTF8_AS_IS) && out->len > start)
      tl__utf8_advance(&d->line, &d->col, out->data + start, out->len - start);
    return TL_OK;
  }
  if (d->cd == (iconv_t)-1) {
    d->cd = iconv_open("UTF-8", iconv_name(d->enc));
    if (d->cd == (iconv_t)-1)
      return tl__fail(d->ctx, TL_EUNSUPPORTED, TL_NO_OFFSET, "iconv cannot convert from %s",
                      tl_encoding_name(d->enc));
  }
  size_t unit = unit_size(d->enc);
  char *in = (char *)data;
  size_t left = len;
  while (left) {
    size_t need = left * 3 + 16;
    if (need > (1u << 20))
      need = 1u << 20;
    if (tl__buf_reserve(out, need))
      return tl__fail(d->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    char *o = out->data + out->len;
    size_t room = out->cap - out->len - 1;
    size_t r = iconv(d->cd, &in, &left, &o, &room);
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
    if (r != (size_t)-1 || errno == E2BIG)
      continue;
    if (errno == EINVAL && !final)
      break; /* a character cut by the chunk: wait for its end */
    /* As tl_decode: a byte enc does not define, or a cut end. */
    size_t off = d->off + (size_t)(in - data);
    if (!(d->flags & TL_DECODE_REPLACE))
      return fail_position(d->ctx, TL_EENCODING, off, out, start, d->line, d->col,
                           tl_encoding_name(d->enc), (unsigned char)*in);
    if (tl__buf_put_cp(out, 0xFFFD))
      return tl__fail(d->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    d->replaced++;
    size_t skip = unit < left ? unit : left;
    in += skip;
    left -= skip;
    iconv(d->cd, NULL, NULL, NULL, NULL);
  }
  size_t k = (size_t)(in - data);
  *used += k;
  d->off += k;
  if (out->len > start) /* out->data may still be NULL */
    tl__utf8_advance(&d->line, &d->col, out->data + start, out->len - start);
  return TL_OK;
}

/* 1 if s[0..n) holds no byte >= 0x80 and no NUL: a head that every
 * candidate encoding but UTF-16/32 reads alike, and that rules those out. */
static int plain_ascii(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80 || !s[i])
      return 0;
  return 1;
}

/* Passes the ASCII at the start of pend on, as every candidate decodes it:
 * what follows is the sample tl_encoding_detect would judge. */
static tl_status pass_ascii(tl_decoder *d, tl_buf *out) {
  size_t h = 0;
  while (h < d->pend.len && (unsigned char)d->pend.data[h] < 0x80)
    h++;
  if (tl__buf_append(out, d->pend.data, h))
    return tl__fail(d->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  tl__utf8_advance(&d->line, &d->col, d->pend.data, h);
  pend_drop(d, h);
  d->state = d->pend.len ? DEC_WINDOW : DEC_ASCII;
  return TL_OK;
}

static tl_status decoder_feed(tl_decoder *d, const char *p, size_t n, int final, tl_buf *out) {
  tl_status st = TL_OK;
  if (d->state == DEC_ASCII && !d->pend.len) {
    /* After an ASCII head of SAMPLE_MAX bytes or more: ASCII goes through. */
    size_t h = 0;
    while (h < n && (unsigned char)p[h] < 0x80)
      h++;
    if (tl__buf_append(out, p, h))
      return tl__fail(d->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    tl__utf8_advance(&d->line, &d->col, p, h);
    d->off += h;
    p += h;
    n -= h;
    if (n)
      d->state = DEC_WINDOW;
    else if (final) {
      d->enc = TL_ENC_UTF8; /* all ASCII */
      d->conf = 1.0;
      d->state = DEC_READY;
    }
  }
  if (d->state != DEC_READY) {
    if (n && tl__buf_append(&d->pend, p, n))
      return tl__fail(d->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    n = 0;
    if (d->state == DEC_HEAD && d->pend.len > SAMPLE_MAX && !final &&
        plain_ascii(d->pend.data, SAMPLE_MAX) && (st = pass_ascii(d, out)))
      return st;
    if (d->state == DEC_HEAD && (d->pend.len > SAMPLE_MAX || final)) {
      tl_encoding_detect(&d->enc, &d->conf, d->pend.data ? d->pend.data : "", d->pend.len);
      d->state = DEC_READY;
    } else if (d->state == DEC_WINDOW && (d->pend.len > SAMPLE_MAX || final)) {
      size_t w = d->pend.len < SAMPLE_MAX ? d->pend.len : SAMPLE_MAX;
      detect_sample((const unsigned char *)d->pend.data, w, d->pend.len, &d->enc, &d->conf);
      d->state = DEC_READY;
    } else if (d->state == DEC_ASCII && final) {
      d->enc = TL_ENC_UTF8;
      d->conf = 1.0;
      d->state = DEC_READY;
    }
    if (d->state != DEC_READY)
      return TL_OK;
  }
  /* Decoding: what is held first (completed by the chunk), then the chunk
   * in place; what neither finishes is held. */
  size_t used;
  if (d->pend.len) {
    if (n && tl__buf_append(&d->pend, p, n))
      return tl__fail(d->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    size_t off = d->off;
    if ((st = decode_part(d, d->pend.data, d->pend.len, final, out, &used)))
      return st;
    d->off = off; /* pend_drop moves it */
    pend_drop(d, used);
    return TL_OK;
  }
  if ((st = decode_part(d, p, n, final, out, &used)))
    return st;
  if (used < n && tl__buf_append(&d->pend, p + used, n - used))
    return tl__fail(d->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  return TL_OK;
}

static tl_status decoder_call(tl_decoder *d, const char *chunk, size_t len, tl_buf *out,
                              int final) {
  if (!d || !out || (!chunk && len))
    return tl__fail(d ? d->ctx : NULL, TL_EINVAL, TL_NO_OFFSET, "tl_decoder: NULL argument");
  if (d->failure.status)
    return tl__stay_failed(d->ctx, &d->failure, d->failure.status);
  if (d->finished)
    return tl__fail(d->ctx, TL_EINVAL, TL_NO_OFFSET,
                    "tl_decoder: written after tl_decoder_finish");
  size_t mark = out->len;
  tl_status st = decoder_feed(d, chunk ? chunk : "", len, final, out);
  if (st) {
    tl__buf_truncate(out, mark);
    return tl__stay_failed(d->ctx, &d->failure, st);
  }
  if (final)
    d->finished = 1;
  tl__ok(d->ctx);
  return TL_OK;
}

tl_status tl_decoder_write(tl_decoder *d, const char *chunk, size_t len, tl_buf *out) {
  return decoder_call(d, chunk, len, out, 0);
}

tl_status tl_decoder_finish(tl_decoder *d, tl_buf *out) {
  return decoder_call(d, NULL, 0, out, 1);
}

struct tl_encoder {
  tl_ctx *ctx;
  tl_encoding enc;
  iconv_t cd;           /* (iconv_t)-1 for UTF-8 */
  char held[8];         /* a character cut by the chunk */
  size_t n_held;
  size_t off, line, col; /* where the next input byte stands */
  int finished;
  tl_ctx failure;
};

tl_status tl_encoder_new(tl_ctx *ctx, tl_encoding enc, tl_encoder **out) {
  if (!out)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "tl_encoder_new: NULL argument");
  *out = NULL;
  const char *name = iconv_name(enc);
  if (!name)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "unknown encoding");
  tl_encoder *e = calloc(1, sizeof *e);
  if (!e)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  e->ctx = ctx;
  e->enc = enc;
  e->cd = (iconv_t)-1;
  e->line = e->col = 1;
  if (enc != TL_ENC_UTF8) {
    e->cd = iconv_open(name, "UTF-8");
    if (e->cd == (iconv_t)-1) {
      free(e);
      return tl__fail(ctx, TL_EUNSUPPORTED, TL_NO_OFFSET, "iconv cannot convert to %s",
                      tl_encoding_name(enc));
    }
  }
  *out = e;
  tl__ok(ctx);
  return TL_OK;
}

void tl_encoder_free(tl_encoder *e) {
  if (!e)
    return;
  if (e->cd != (iconv_t)-1)
    iconv_close(e->cd);
  free(e);
}

/* Encodes the complete characters of text[0..len) (all of it when final)
 * as tl_encode does, with the positions of the whole text; *used is what
 * was worked. */
static tl_status encode_part(tl_encoder *e, const char *text, size_t len, int final,
                             tl_buf *out, size_t *used) {
  size_t n = final ? len : tl__utf8_complete_prefix(text, len), bad;
  *used = 0;
  if (!tl__utf8_valid(text, n, &bad)) {
    size_t line = e->line, col = e->col;
    tl__utf8_advance(&line, &col, text, bad);
    return tl__fail_at(e->ctx, TL_EUTF8, e->off + bad, line, col,
                       "invalid UTF-8 (byte 0x%02X) at byte %zu", (unsigned char)text[bad],
                       e->off + bad);
  }
  if (e->cd == (iconv_t)-1) {
    if (tl__buf_append(out, text, n))
      return tl__fail(e->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  } else {
    char *in = (char *)text;
    size_t left = n;
    while (left) {
      size_t need = left * 4 + 16;
      if (need > (1u << 20))
        need = 1u << 20;
      if (tl__buf_reserve(out, need))
        return tl__fail(e->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
      char *o = out->data + out->len;
      size_t room = out->cap - out->len - 1;
      size_t r = iconv(e->cd, &in, &left, &o, &room);
      out->len = (size_t)(o - out->data);
      out->data[out->len] = '\0';
      if (r != (size_t)-1 || errno == E2BIG)
        continue;
      size_t off = (size_t)(in - text), line = e->line, col = e->col;
      uint32_t cp = 0;
      size_t k = tl__utf8_decode(in, left, &cp);
      tl__utf8_advance(&line, &col, text, off);
      iconv(e->cd, NULL, NULL, NULL, NULL);
      return tl__fail_at(e->ctx, TL_EENCODING, e->off + off, line, col,
                         "%s cannot represent U+%04X '%.*s' at byte %zu",
                         tl_encoding_name(e->enc), (unsigned)cp, (int)k, in, e->off + off);
    }
  }
  tl__utf8_advance(&e->line, &e->col, text, n);
  e->off += n;
  *used = n;
  return TL_OK;
}

static tl_status encoder_feed(tl_encoder *e, const char *text, size_t len, int final,
                              tl_buf *out) {
  tl_status st;
  size_t used;
  if (e->n_held) {
    /* The cut character, completed by the start of this chunk. */
    size_t take = len < 4 ? len : 4;
    memcpy(e->held + e->n_held, text, take);
    size_t n = e->n_held + take;
    if ((st = encode_part(e, e->held, n, final && take == len, out, &used)))
      return st;
    if (used < e->n_held) { /* still cut: the chunk was too short */
      e->n_held = n;
      return TL_OK;
    }
    size_t from_text = used - e->n_held;
    e->n_held = 0;
    text += from_text;
    len -= from_text;
  }
  if ((st = encode_part(e, text, len, final, out, &used)))
    return st;
  memcpy(e->held, text + used, len - used); /* at most 3 bytes */
  e->n_held = len - used;
  return TL_OK;
}

static tl_status encoder_call(tl_encoder *e, const char *text, size_t len, tl_buf *out,
                              int final) {
  if (!e || !out || (!text && len))
    return tl__fail(e ? e->ctx : NULL, TL_EINVAL, TL_NO_OFFSET, "tl_encoder: NULL argument");
  if (e->failure.status)
    return tl__stay_failed(e->ctx, &e->failure, e->failure.status);
  if (e->finished)
    return tl__fail(e->ctx, TL_EINVAL, TL_NO_OFFSET,
                    "tl_encoder: written after tl_encoder_finish");
  size_t mark = out->len;
  tl_status st = encoder_feed(e, text ? text : "", len, final, out);
  if (st) {
    tl__buf_truncate(out, mark);
    return tl__stay_failed(e->ctx, &e->failure, st);
  }
  if (!out->data && tl__buf_reserve(out, 0)) /* the buffer promise */
    return tl__stay_failed(e->ctx, &e->failure,
                       tl__fail(e->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory"));
  if (final)
    e->finished = 1;
  tl__ok(e->ctx);
  return TL_OK;
}

tl_status tl_encoder_write(tl_encoder *e, const char *text, size_t len, tl_buf *out) {
  return encoder_call(e, text, len, out, 0);
}

tl_status tl_encoder_finish(tl_encoder *e, tl_buf *out) {
  return encoder_call(e, NULL, 0, out, 1);
}
