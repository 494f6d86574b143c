/* test_json.c: tl_json_convert_fields: only the named string fields change,
 * every other byte stays, escaping keeps the document's style, and bad
 * JSON is refused with its position and nothing appended. Expected values
 * are built with tl_convert itself, so that these checks are about JSON and
 * hold whatever the conversion engine writes. */
#include "check.h"
#include "translit.h"

#include <stdlib.h>
#include <string.h>

static tl_ctx *ctx;
static tl_converter *cv;

/* The conversion of s (UTF-8), as a static string. */
static const char *conv(const char *s) {
  static char out[4][1024];
  static int k;
  tl_buf b = TL_BUF_INIT;
  tl_convert(ctx, cv, s, strlen(s), &b, NULL, NULL);
  char *r = out[k++ % 4];
  snprintf(r, 1024, "%s", b.data ? b.data : "");
  tl_buf_free(&b);
  return r;
}

/* Runs the scanner; returns the output (static) or NULL on failure. */
static const char *run(const char *json, const char *f1, const char *f2) {
  static char out[8192];
  const char *fields[2] = {f1, f2};
  size_t n = f2 ? 2 : f1 ? 1 : 0;
  tl_buf b = TL_BUF_INIT;
  tl_status st = tl_json_convert_fields(ctx, cv, json, strlen(json), fields, n, &b);
  if (st) {
    tl_buf_free(&b);
    return NULL;
  }
  snprintf(out, sizeof out, "%s", b.data ? b.data : "");
  tl_buf_free(&b);
  return out;
}

static char expect_buf[8192];
/* printf-style expected output. */
#define EXPECT(...) (snprintf(expect_buf, sizeof expect_buf, __VA_ARGS__), expect_buf)

static void test_fields_only(void) {
  const char *in = "{ \"id\": 7,\n  \"title\" : \"Тошкент\", \"x\":\"Тошкент\",\n"
                   "  \"n\": -1.5e3, \"ok\": true, \"z\": null }";
  CHECK_STR(EXPECT("{ \"id\": 7,\n  \"title\" : \"%s\", \"x\":\"Тошкент\",\n"
                   "  \"n\": -1.5e3, \"ok\": true, \"z\": null }", conv("Тошкент")),
            run(in, "title", NULL));
  /* No field: the document is checked and comes out byte for byte. */
  CHECK_STR(in, run(in, NULL, NULL));
  /* A field that is absent changes nothing. */
  CHECK_STR(in, run(in, "body", NULL));
  /* A UTF-8 BOM before the document is kept. */
  CHECK_STR(EXPECT("\xEF\xBB\xBF{\"title\": \"%s\"}", conv("Ой")),
            run("\xEF\xBB\xBF{\"title\": \"Ой\"}", "title", NULL));
}

static void test_paths(void) {
  const char *in = "{\"text\":\"Қўқон\",\"lead\":{\"text\":\"Қўқон\",\"id\":\"Қўқон\"}}";
  CHECK_STR(EXPECT("{\"text\":\"Қўқон\",\"lead\":{\"text\":\"%s\",\"id\":\"Қўқон\"}}",
                   conv("Қўқон")),
            run(in, "lead.text", NULL));
  /* Arrays are traversed, at the root and inside. */
  CHECK_STR(EXPECT("[{\"t\":\"%s\"},{\"t\":\"%s\",\"u\":\"Бу\"}]", conv("Бир"), conv("Икки")),
            run("[{\"t\":\"Бир\"},{\"t\":\"Икки\",\"u\":\"Бу\"}]", "t", NULL));
  CHECK_STR(EXPECT("{\"tags\":[\"%s\", \"%s\", 3]}", conv("Сиёсат"), conv("Иқтисод")),
            run("{\"tags\":[\"Сиёсат\", \"Иқтисод\", 3]}", "tags", NULL));
  CHECK_STR(EXPECT("{\"b\":[{\"a\":[{\"t\":\"%s\"}]}]}", conv("Шаҳар")),
            run("{\"b\":[{\"a\":[{\"t\":\"Шаҳар\"}]}]}", "b.a.t", NULL));
  /* "*" matches any key; an object value converts every string inside it
   * but never its keys. */
  CHECK_STR(EXPECT("{\"blocks\":{\"k1\":{\"text\":\"%s\"},\"k2\":{\"text\":\"%s\"}}}",
                   conv("Бир"), conv("Икки")),
            run("{\"blocks\":{\"k1\":{\"text\":\"Бир\"},\"k2\":{\"text\":\"Икки\"}}}",
                "blocks.*.text", NULL));
  CHECK_STR(EXPECT("{\"lead\":{\"Сўз\":\"%s\",\"n\":[\"%s\"]}}", conv("Сўз"), conv("Ой")),
            run("{\"lead\":{\"Сўз\":\"Сўз\",\"n\":[\"Ой\"]}}", "lead", NULL));
  /* Two fields at once; a key written with escapes still matches. */
  CHECK_STR(EXPECT("{\"ti\\u0074le\":\"%s\",\"body\":\"%s\"}", conv("Бир"), conv("Икки")),
            run("{\"ti\\u0074le\":\"Бир\",\"body\":\"Икки\"}", "title", "body"));
}

static void test_escapes(void) {
  /* Escapes are decoded before conversion and what JSON needs is escaped
   * again; raw UTF-8 stays raw. */
  CHECK_STR(EXPECT("{\"t\":\"%s\\n\\\"%s\\\"\\t\\\\\"}", conv("Бир"), conv("Икки")),
            run("{\"t\":\"Бир\\n\\\"Икки\\\"\\t\\\\\"}", "t", NULL));
  /* A string written only with \u escapes (PHP, Python) stays ASCII, in
   * the same hex case; "\/" stays escaped. */
  const char *latn = conv("Ш"); /* "Sh" for uz-Latn */
  char want[256];
  snprintf(want, sizeof want, "{\"t\":\"%s\\/\"}", latn);
  CHECK_STR(want, run("{\"t\":\"\\u0428\\/\"}", "t", NULL));
  /* Text that stays non-ASCII after conversion is escaped back. */
  const char *o = conv("ўқ"); /* e.g. "oʻq": U+02BB comes back as \u02bb */
  int has_non_ascii = 0;
  for (const char *p = o; *p; p++)
    has_non_ascii |= (unsigned char)*p >= 0x80;
  const char *r = run("{\"t\":\"\\u045e\\u049b\"}", "t", NULL);
  CHECK(r != NULL);
  if (r) {
    int ascii = 1;
    for (const char *p = r; *p; p++)
      ascii &= (unsigned char)*p < 0x80;
    CHECK(ascii);
    if (has_non_ascii)
      CHECK(strstr(r, "\\u") != NULL);
  }
  /* Upper-case hex in, upper-case hex out. */
  r = run("{\"t\":\"\\u045E\\u049B\"}", "t", NULL);
  CHECK(r != NULL);
  for (const char *p = r ? r : ""; (p = strstr(p, "\\u")); p += 2)
    for (int i = 2; i < 6; i++)
      CHECK(!(p[i] >= 'a' && p[i] <= 'f'));
  /* Astral characters survive as surrogate pairs in ASCII style. */
  CHECK_STR(EXPECT("{\"t\":\"%s \\ud83d\\ude00\"}", conv("Ой")),
            run("{\"t\":\"\\u041e\\u0439 \\ud83d\\ude00\"}", "t", NULL));
  /* A string the conversion does not change keeps its original bytes. */
  CHECK_STR("{\"t\":\"\\u0054oshkent \\/ 5\"}", run("{\"t\":\"\\u0054oshkent \\/ 5\"}", "t", NULL));
}

static void test_errors(void) {
  const char *fields[1] = {"t"};
  tl_buf b = TL_BUF_INIT;
  /* Failure appends nothing to a buffer that already holds text. */
  tl_json_convert_fields(ctx, cv, "{}", 2, fields, 1, &b);
  CHECK_STR("{}", b.data);
  CHECK_INT(TL_ESYNTAX, tl_json_convert_fields(ctx, cv, "{\"t\":\"Бир\",\n \"u\": tru}", 24,
                                                fields, 1, &b));
  CHECK_STR("{}", b.data);
  size_t line = 0, col = 0;
  tl_ctx_error_position(ctx, &line, &col);
  CHECK_INT(2, line);
  CHECK_INT(7, col);
  CHECK(strstr(tl_ctx_message(ctx), "invalid JSON") != NULL);
  tl_buf_free(&b);
  static const char *const bad[] = {
      "",           "{",          "{\"t\":}",     "{\"t\":\"a\",}", "[1,]",
      "{\"t\" \"a\"}", "\"abc",      "\"a\x01\"",    "01",             "-",
      "1.",         "1e",         "{\"t\":\"\\x\"}", "\"\\u12\"",      "{} x",
      "{'t':1}",    "[1 2]",      "nul"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    tl_status st = tl_json_convert_fields(ctx, cv, bad[i], strlen(bad[i]), fields, 1, &b);
    if (st != TL_ESYNTAX)
      fprintf(stderr, "case %zu: %s\n", i, bad[i]);
    CHECK_INT(TL_ESYNTAX, st);
    CHECK_INT(0, b.len);
  }
  /* Deep nesting is a limit, not a crash. */
  size_t deep = 100000;
  char *d = malloc(deep * 2);
  memset(d, '[', deep);
  memset(d + deep, ']', deep);
  CHECK_INT(TL_ELIMIT, tl_json_convert_fields(ctx, cv, d, deep * 2, fields, 1, &b));
  free(d);
  /* A lone surrogate is invalid text in a converted field, and harmless in
   * one that is not converted. */
  CHECK_INT(TL_EUTF8, tl_json_convert_fields(ctx, cv, "{\"t\":\"a\\ud800b\"}", 16, fields, 1, &b));
  CHECK_INT(7, tl_ctx_error_offset(ctx)); /* the \\ud800 escape */
  CHECK_STR("{\"u\":\"a\\ud800b\"}", run("{\"u\":\"a\\ud800b\"}", "t", NULL));
  /* Invalid UTF-8 bytes in a converted field: its document offset. */
  CHECK_INT(TL_EUTF8, tl_json_convert_fields(ctx, cv, "{\"t\":\"ab\xff\"}", 10, fields, 1, &b));
  CHECK_INT(8, tl_ctx_error_offset(ctx));
  /* Bad paths. */
  const char *badf[1] = {"a..b"};
  CHECK_INT(TL_EINVAL, tl_json_convert_fields(ctx, cv, "{}", 2, badf, 1, &b));
  badf[0] = "";
  CHECK_INT(TL_EINVAL, tl_json_convert_fields(ctx, cv, "{}", 2, badf, 1, &b));
  tl_buf_free(&b);
}

int main(void) {
  tl_ctx_new(&ctx);
  tl_convert_options o;
  tl_convert_options_init(&o);
  o.from = TL_LANG_UZ_CYRL;
  o.to = TL_LANG_UZ_LATN;
  o.flags = TL_CONVERT_NO_SYSDICT;
  if (tl_converter_new(ctx, &o, &cv) != TL_OK) {
    fprintf(stderr, "cannot create a converter: %s\n", tl_ctx_message(ctx));
    return 1;
  }
  test_fields_only();
  test_paths();
  test_escapes();
  test_errors();
  tl_converter_free(cv);
  tl_ctx_free(ctx);
  return check_done();
}
