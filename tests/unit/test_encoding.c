/* test_encoding.c: encoding names, BOMs, decoding and encoding through
 * iconv with errors that name the byte, and the evaluation the issue asks
 * for: real text from ../shared/data re-encoded into each legacy code page
 * must be recognised in >= 99% of samples of 500 bytes or more. */
#include "check.h"
#include "encoding.h"
#include "translit.h"

#include <stdlib.h>
#include <string.h>

static void test_names(void) {
  static const tl_encoding all[] = {TL_ENC_UTF8, TL_ENC_UTF16LE, TL_ENC_UTF16BE,
                                    TL_ENC_UTF32LE, TL_ENC_UTF32BE, TL_ENC_CP1251,
                                    TL_ENC_KOI8R, TL_ENC_CP866, TL_ENC_ISO8859_5,
                                    TL_ENC_MACCYRILLIC};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    tl_encoding e = TL_ENC_UNKNOWN;
    CHECK_INT(TL_OK, tl_encoding_parse(&e, tl_encoding_name(all[i])));
    CHECK_INT(all[i], e);
  }
  tl_encoding e;
  CHECK_INT(TL_OK, tl_encoding_parse(&e, "windows-1251"));
  CHECK_INT(TL_ENC_CP1251, e);
  CHECK_INT(TL_OK, tl_encoding_parse(&e, "KOI8R"));
  CHECK_INT(TL_ENC_KOI8R, e);
  CHECK_INT(TL_OK, tl_encoding_parse(&e, "auto"));
  CHECK_INT(TL_ENC_UNKNOWN, e);
  CHECK_INT(TL_EINVAL, tl_encoding_parse(&e, "latin9"));
  CHECK_STR("unknown", tl_encoding_name((tl_encoding)99));
}

/* The scoring tables of encoding.c agree with iconv, byte for byte. */
static void test_tables(tl_ctx *ctx) {
  static const tl_encoding pages[] = {TL_ENC_CP1251, TL_ENC_KOI8R, TL_ENC_CP866,
                                      TL_ENC_ISO8859_5, TL_ENC_MACCYRILLIC};
  for (size_t p = 0; p < 5; p++)
    for (unsigned b = 0x80; b < 0x100; b++) {
      char in = (char)b;
      tl_buf out = TL_BUF_INIT;
      tl_status st = tl_decode(ctx, NULL, pages[p], &in, 1, 0, &out);
      uint32_t want = tl__code_page_char(pages[p], (unsigned char)b);
      if (st) {
        CHECK_INT(0, want);
      } else {
        char enc[8] = {0};
        const unsigned char *s = (const unsigned char *)out.data;
        uint32_t cp = s[0] < 0x80 ? s[0] : s[0] < 0xE0 ? ((s[0] & 31u) << 6 | (s[1] & 63u))
                                   : ((s[0] & 15u) << 12 | (s[1] & 63u) << 6 | (s[2] & 63u));
        (void)enc;
        CHECK_INT(cp, want);
      }
      tl_buf_free(&out);
    }
}

static void test_bom_and_wide(tl_ctx *ctx) {
  tl_encoding e;
  double conf;
  tl_encoding_detect(&e, &conf, "\xEF\xBB\xBFhi", 5);
  CHECK_INT(TL_ENC_UTF8, e);
  tl_encoding_detect(&e, &conf, "\xFF\xFEh\0i\0", 6);
  CHECK_INT(TL_ENC_UTF16LE, e);
  tl_encoding_detect(&e, &conf, "\xFE\xFF\0h\0i", 6);
  CHECK_INT(TL_ENC_UTF16BE, e);
  tl_encoding_detect(&e, &conf, "\xFF\xFE\0\0h\0\0\0", 8);
  CHECK_INT(TL_ENC_UTF32LE, e);
  tl_encoding_detect(&e, &conf, "\0\0\xFE\xFF\0\0\0h", 8);
  CHECK_INT(TL_ENC_UTF32BE, e);
  tl_encoding_detect(&e, &conf, "", 0);
  CHECK_INT(TL_ENC_UTF8, e);
  tl_encoding_detect(&e, &conf, "plain ASCII", 11);
  CHECK_INT(TL_ENC_UTF8, e);
  CHECK(conf == 1.0);
  /* UTF-16 without a BOM: "Салом, dunyo" in both byte orders. */
  const char *t = "Салом, dunyo! Привет, мир.";
  tl_buf le = TL_BUF_INIT, be = TL_BUF_INIT, back = TL_BUF_INIT;
  CHECK_INT(TL_OK, tl_encode(ctx, TL_ENC_UTF16LE, t, strlen(t), &le));
  CHECK_INT(TL_OK, tl_encode(ctx, TL_ENC_UTF16BE, t, strlen(t), &be));
  tl_encoding_detect(&e, &conf, le.data, le.len);
  CHECK_INT(TL_ENC_UTF16LE, e);
  tl_encoding_detect(&e, &conf, be.data, be.len);
  CHECK_INT(TL_ENC_UTF16BE, e);
  CHECK_INT(TL_OK, tl_decode(ctx, NULL, TL_ENC_UTF16BE, be.data, be.len, 0, &back));
  CHECK_STR(t, back.data);
  tl_buf_free(&le);
  tl_buf_free(&be);
  tl_buf_free(&back);
  /* A BOM is dropped by tl_decode. */
  CHECK_INT(TL_OK, tl_decode(ctx, NULL, TL_ENC_UTF16LE, "\xFF\xFEh\0i\0", 6, 0, &back));
  CHECK_STR("hi", back.data);
  tl_buf_free(&back);
}

static void test_errors(tl_ctx *ctx) {
  tl_buf out = TL_BUF_INIT;
  size_t line, col, n;
  /* Invalid UTF-8: the error names the byte, its line and column. */
  CHECK_INT(TL_EUTF8, tl_decode(ctx, &n, TL_ENC_UTF8, "ab\ncd\xC3(x", 8, 0, &out));
  CHECK_INT(5, tl_ctx_error_offset(ctx));
  tl_ctx_error_position(ctx, &line, &col);
  CHECK_INT(2, line);
  CHECK_INT(3, col);
  CHECK(strstr(tl_ctx_message(ctx), "byte 5") != NULL);
  tl_buf_free(&out);
  /* ... or is replaced, once per broken sequence, and counted. */
  CHECK_INT(TL_OK, tl_decode(ctx, &n, TL_ENC_UTF8, "a\xE2\x82z\xFF", 5,
                             TL_DECODE_REPLACE, &out));
  CHECK_STR("a\xEF\xBF\xBDz\xEF\xBF\xBD", out.data);
  CHECK_INT(2, n);
  tl_buf_free(&out);
  /* 0x98 is undefined in CP1251. */
  CHECK_INT(TL_EENCODING, tl_decode(ctx, &n, TL_ENC_CP1251, "\xCF\xF0\x98", 3, 0, &out));
  CHECK_INT(2, tl_ctx_error_offset(ctx));
  CHECK(strstr(tl_ctx_message(ctx), "CP1251") != NULL);
  tl_buf_free(&out);
  CHECK_INT(TL_OK, tl_decode(ctx, &n, TL_ENC_CP1251, "\xCF\xF0\x98", 3, TL_DECODE_REPLACE, &out));
  CHECK_STR("Пр\xEF\xBF\xBD", out.data);
  CHECK_INT(1, n);
  tl_buf_free(&out);
  /* Encoding: a character KOI8-R lacks is named with its position. */
  const char *uz = "Салом\nқиз";
  CHECK_INT(TL_EENCODING, tl_encode(ctx, TL_ENC_KOI8R, uz, strlen(uz), &out));
  CHECK_INT(11, tl_ctx_error_offset(ctx));
  tl_ctx_error_position(ctx, &line, &col);
  CHECK_INT(2, line);
  CHECK_INT(1, col);
  CHECK(strstr(tl_ctx_message(ctx), "U+049B") != NULL);
  tl_buf_free(&out);
  /* Round trip through every code page. */
  const char *ru = "Съешь же ещё этих мягких французских булок, да выпей чаю. ЁЖ";
  static const tl_encoding pages[] = {TL_ENC_CP1251, TL_ENC_KOI8R, TL_ENC_CP866,
                                      TL_ENC_ISO8859_5, TL_ENC_MACCYRILLIC};
  for (size_t p = 0; p < 5; p++) {
    tl_buf enc = TL_BUF_INIT, dec = TL_BUF_INIT;
    CHECK_INT(TL_OK, tl_encode(ctx, pages[p], ru, strlen(ru), &enc));
    CHECK_INT(TL_OK, tl_decode(ctx, NULL, pages[p], enc.data, enc.len, 0, &dec));
    CHECK_STR(ru, dec.data);
    tl_buf_free(&enc);
    tl_buf_free(&dec);
  }
  /* Latin-1 bytes scattered in ASCII words are not Cyrillic: they stay
   * "UTF-8" so that the user hears about the invalid bytes. */
  const char *latin1 = "Caf\xE9 cr\xE8me br\xFBl\xE9\x65 and a na\xEFve r\xE9sum\xE9 for the fian\xE7\xE9\x65.";
  tl_encoding e;
  double conf;
  tl_encoding_detect(&e, &conf, latin1, strlen(latin1));
  CHECK_INT(TL_ENC_UTF8, e);
  /* A long ASCII head does not hide the CP1251 that follows it. */
  {
    size_t head = 100000;
    char *big = malloc(head + 64);
    memset(big, 'a', head);
    for (size_t k = 80; k < head; k += 81)
      big[k] = '\n';
    const char *cyr = "\n\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0!\n"; /* Привет, мир! */
    memcpy(big + head, cyr, strlen(cyr) + 1);
    tl_encoding_detect(&e, &conf, big, strlen(big));
    CHECK_INT(TL_ENC_CP1251, e);
    free(big);
  }
  /* A UTF-8 file with one broken byte is still UTF-8. */
  char mostly[600];
  strcpy(mostly, "Ўзбекистон Республикаси Президенти. Тошкент шаҳрида янги мактаблар. ");
  strcat(mostly, "Бугун ҳаво яхши бўлади. \xD0 Эртага ёмғир ёғади. Ҳафта охирида қор.");
  tl_encoding_detect(&e, &conf, mostly, strlen(mostly));
  CHECK_INT(TL_ENC_UTF8, e);
}

/* Lines of a text file, without CR; NULL-terminated array, owned. */
static char **read_lines(const char *path, size_t *count) {
  size_t len;
  char *data = check_read_file(path, &len);
  *count = 0;
  if (!data)
    return NULL;
  size_t cap = 1024, n = 0;
  char **v = malloc(cap * sizeof *v);
  for (char *s = strtok(data, "\r\n"); s; s = strtok(NULL, "\r\n")) {
    if (n + 1 >= cap)
      v = realloc(v, (cap *= 2) * sizeof *v);
    v[n++] = strdup(s);
  }
  v[n] = NULL;
  free(data);
  *count = n;
  return v;
}

static void free_lines(char **v) {
  for (size_t i = 0; v && v[i]; i++)
    free(v[i]);
  free(v);
}

/* The evaluation: samples of >= 500 bytes of Russian news (NTREX) and
 * conversation (Tatoeba) and Uzbek Cyrillic where a code page can hold it. */
static void test_detection_accuracy(tl_ctx *ctx) {
  const char *files[] = {"align/ntrex/newstest2019-ref.rus.txt",
                         "align/tatoeba-laser/tatoeba.rus-eng.rus",
                         "uz/lotin-kirill/cyrillicLongText.txt"};
  static const tl_encoding pages[] = {TL_ENC_CP1251, TL_ENC_KOI8R, TL_ENC_CP866,
                                      TL_ENC_ISO8859_5, TL_ENC_MACCYRILLIC, TL_ENC_UTF8};
  size_t total_ok = 0, total = 0;
  for (size_t p = 0; p < sizeof pages / sizeof pages[0]; p++) {
    size_t ok = 0, n = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
      size_t count;
      char **lines = read_lines(check_shared_path(files[f]), &count);
      if (!lines) {
        fprintf(stderr, "test_encoding: cannot read %s (../shared/data)\n", files[f]);
        check_failures++;
        continue;
      }
      tl_buf sample = TL_BUF_INIT;
      for (size_t i = 0; i < count; i++) {
        tl_buf enc = TL_BUF_INIT;
        /* Lines the code page cannot hold (Uzbek қ ғ ҳ) are skipped. */
        if (tl_encode(ctx, pages[p], lines[i], strlen(lines[i]), &enc) == TL_OK) {
          tl_buf_free(&enc);
          if (sample.len) {
            char nl = '\n';
            tl_encode(ctx, pages[p], &nl, 1, &sample);
          }
          tl_encode(ctx, pages[p], lines[i], strlen(lines[i]), &sample);
        }
        tl_buf_free(&enc);
        if (sample.len >= 500) {
          tl_encoding got;
          double conf;
          tl_encoding_detect(&got, &conf, sample.data, sample.len);
          ok += got == pages[p];
          n++;
          if (got != pages[p] && getenv("TL_VERBOSE"))
            fprintf(stderr, "%s -> %s: %.60s\n", tl_encoding_name(pages[p]),
                    tl_encoding_name(got), lines[i]);
          tl_buf_clear(&sample);
        }
      }
      tl_buf_free(&sample);
      free_lines(lines);
    }
    printf("encoding detection %-12s %4zu/%4zu samples of >= 500 bytes\n",
           tl_encoding_name(pages[p]), ok, n);
    CHECK(n >= 100);
    CHECK(ok * 100 >= n * 99);
    total_ok += ok;
    total += n;
  }
  printf("encoding detection overall %zu/%zu\n", total_ok, total);
}

int main(void) {
  tl_ctx *ctx = NULL;
  tl_ctx_new(&ctx);
  test_names();
  test_tables(ctx);
  test_bom_and_wide(ctx);
  test_errors(ctx);
  test_detection_accuracy(ctx);
  tl_ctx_free(ctx);
  return check_done();
}
