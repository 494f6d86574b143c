/* test_batch.c: the parts of tl_batch_run a rerun and a cluster rely on:
 * stable shards, encoding detection, the manifest line format, safe archive
 * names, and whole runs over a temporary folder (resume, --force, options
 * changed, shards, overlap refused, failures counted). */
#include "batch.h"
#include "buf.h"
#include "check.h"
#include "translit.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static tl_ctx *ctx;

static void test_shard(void) {
  /* splitmix64(FNV-1a 64 of the path) modulo N, plus 1: published, so it
   * must never change (hosts of one job may run different versions). */
  CHECK_INT(3, tl_batch_shard("a/b.txt", 7, 7));
  CHECK_INT(1, tl_batch_shard("a/b.txt", 7, 2));
  CHECK_INT(5, tl_batch_shard("2019/05/maqola.html", 19, 7));
  CHECK_INT(2, tl_batch_shard("статья.txt", strlen("статья.txt"), 7));
  CHECK_INT(1, tl_batch_shard("x", 1, 1));
  CHECK_INT(1, tl_batch_shard("x", 1, 0));
  /* Files spread evenly. */
  unsigned count[4] = {0};
  char p[64];
  for (int i = 0; i < 8000; i++) {
    int n = snprintf(p, sizeof p, "archive/%04d/article-%d.txt", i / 100, i);
    unsigned s = tl_batch_shard(p, (size_t)n, 4);
    CHECK(s >= 1 && s <= 4);
    count[(s - 1) & 3]++;
  }
  for (int i = 0; i < 4; i++)
    CHECK(count[i] > 1800 && count[i] < 2200);
  /* Names that differ only in their last digits too (plain FNV-1a puts
   * these in every other shard). */
  unsigned c2[4] = {0};
  for (int i = 0; i < 4000; i++) {
    int n = snprintf(p, sizeof p, "%03d/article-%05d.txt", i % 100, i);
    c2[(tl_batch_shard(p, (size_t)n, 4) - 1) & 3]++;
  }
  for (int i = 0; i < 4; i++)
    CHECK(c2[i] > 850 && c2[i] < 1150);
}

static void test_hash(void) {
  const char *a = "Toshkent shahri, 2019-yil";
  CHECK(tl__hash64(a, strlen(a), 0) == tl__hash64(a, strlen(a), 0));
  char b[64];
  strcpy(b, a);
  b[3] ^= 1;
  CHECK(tl__hash64(a, strlen(a), 0) != tl__hash64(b, strlen(b), 0));
  CHECK(tl__hash64(a, strlen(a), 0) != tl__hash64(a, strlen(a) - 1, 0));
  CHECK(tl__hash64("", 0, 0) != tl__hash64("\0", 1, 0));
}

static void decode_case(const char *in, size_t len, const char *want_enc,
                        const char *want_text) {
  tl_buf out = TL_BUF_INIT;
  const char *name = NULL;
  int conv = -1;
  tl_status st = tl__batch_decode(ctx, NULL, 0, in, len, &out, &name, &conv);
  CHECK_INT(TL_OK, st);
  CHECK_STR(want_enc, name);
  CHECK_STR(want_text, conv ? out.data : in);
  tl_buf_free(&out);
}

static void test_decode(void) {
  decode_case("Тошкент", strlen("Тошкент"), "UTF-8", "Тошкент");
  decode_case("", 0, "UTF-8", "");
  /* "Привет, как дела" in CP1251 and "Съешь же ещё" in KOI8-R. */
  decode_case("\xcf\xf0\xe8\xe2\xe5\xf2, \xea\xe0\xea \xe4\xe5\xeb\xe0", 16, "CP1251",
              "Привет, как дела");
  decode_case("\xf3\xdf\xc5\xdb\xd8 \xd6\xc5 \xc5\xdd\xa3", 12, "KOI8-R", "Съешь же ещё");
  /* Uzbek ў in CP1251 (0xA2, Belarusian). */
  decode_case("\xd2\xa2\xf0\xe8", 4, "CP1251", "Тўри");
  decode_case("\xff\xfe\x1e\x04\x39\x04", 6, "UTF-16LE", "Ой");
  tl_buf out = TL_BUF_INIT;
  const char *name;
  int conv;
  /* Binary data is refused, not decoded as Cyrillic. */
  CHECK_INT(TL_EENCODING,
            tl__batch_decode(ctx, NULL, 0, "PNG\0\x01\x02\xff\xfe\x80", 9, &out, &name, &conv));
  /* Broken UTF-8 is an error at the bad byte, with its line... */
  const char *broken = "Бир\nИк\xd0ки";
  CHECK_INT(TL_EUTF8, tl__batch_decode(ctx, NULL, 0, broken, strlen(broken), &out, &name, &conv));
  CHECK_INT(11, tl_ctx_error_offset(ctx));
  size_t line = 0, col = 0;
  tl_ctx_error_position(ctx, &line, &col);
  CHECK_INT(2, line);
  CHECK_INT(3, col);
  /* ... unless replacement was asked for: then the converter does it. */
  CHECK_INT(TL_OK, tl__batch_decode(ctx, NULL, 1, broken, strlen(broken), &out, &name, &conv));
  CHECK_INT(0, conv);
  /* A named encoding is used as given. */
  CHECK_INT(TL_OK, tl__batch_decode(ctx, "KOI8-R", 0, "\xf4", 1, &out, &name, &conv));
  CHECK_STR("Т", out.data);
  tl_buf_clear(&out);
  CHECK_INT(TL_EUNSUPPORTED, tl__batch_decode(ctx, "no-such-enc", 0, "a", 1, &out, &name, &conv));
  CHECK_INT(TL_EENCODING, tl__batch_decode(ctx, "UTF-16LE", 0, "a", 1, &out, &name, &conv));
  tl_buf_free(&out);
}

static void test_manifest_line(void) {
  tl__manifest_rec r = {12, 1700000000123456789LL, 0xfeedfacecafebeefull, 15,
                        0x0123456789abcdefull, 'c', "dir with space/a\\b\nc.txt"};
  tl_buf b = TL_BUF_INIT;
  CHECK_INT(TL_OK, tl__manifest_format(&b, &r));
  CHECK_STR("12 1700000000123456789 feedfacecafebeef 15 0123456789abcdef c "
            "dir with space/a\\\\b\\nc.txt\n", b.data);
  tl__manifest_rec q;
  CHECK(tl__manifest_parse(b.data, b.len - 1, &q));
  CHECK_STR(r.path, q.path);
  CHECK(q.src_size == 12 && q.src_mtime_ns == r.src_mtime_ns && q.src_hash == r.src_hash &&
        q.out_size == 15 && q.out_hash == r.out_hash && q.action == 'c');
  free(q.path);
  /* A line cut by a kill, or garbage, is not a record. */
  CHECK(!tl__manifest_parse(b.data, 30, &q));
  CHECK(!tl__manifest_parse("# translit-manifest 1", 21, &q));
  CHECK(!tl__manifest_parse("1 2 3 4 5 x path", 16, &q));
  tl_buf_free(&b);
}

static void test_safe_path(void) {
  char p[64];
  strcpy(p, "./a//b/./c.txt");
  CHECK_INT(1, tl__batch_safe_path(p));
  CHECK_STR("a/b/c.txt", p);
  strcpy(p, "./");
  CHECK_INT(2, tl__batch_safe_path(p));
  const char *bad[] = {"../x", "/etc/passwd", "a/../../x", "a/..", ".."};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    strcpy(p, bad[i]);
    CHECK_INT(0, tl__batch_safe_path(p));
  }
  strcpy(p, "a..b/..c");
  CHECK_INT(1, tl__batch_safe_path(p));
}

static void test_types(void) {
  CHECK_INT(TL_DOC_HTML, tl_doc_type_from_name("2019/a.HTM"));
  CHECK_INT(TL_DOC_MARKDOWN, tl_doc_type_from_name("README.md"));
  CHECK_INT(TL_DOC_JSONL, tl_doc_type_from_name("dump.ndjson"));
  CHECK_INT(TL_DOC_TEXT, tl_doc_type_from_name("a.b/c.txt"));
  CHECK_INT(TL_DOC_OTHER, tl_doc_type_from_name("photo.jpg"));
  CHECK_INT(TL_DOC_OTHER, tl_doc_type_from_name(".txt"));
  CHECK_INT(TL_DOC_OTHER, tl_doc_type_from_name("txt.d/Makefile"));
  tl_doc_type t;
  CHECK_INT(TL_OK, tl_doc_type_parse(&t, "JSON"));
  CHECK_INT(TL_DOC_JSON, t);
  CHECK_INT(TL_EINVAL, tl_doc_type_parse(&t, "pdf"));
  CHECK_STR("md", tl_doc_type_name(TL_DOC_MARKDOWN));
}

/* ------------------------------------------------------------ whole runs */

static char root[256];

static void put(const char *rel, const char *text, size_t len) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", root, rel);
  for (char *s = p + strlen(root) + 1; *s; s++)
    if (*s == '/') {
      *s = '\0';
      mkdir(p, 0755);
      *s = '/';
    }
  FILE *fp = fopen(p, "wb");
  fwrite(text, 1, len, fp);
  fclose(fp);
}

typedef struct seen {
  int n[TL_BATCH_N_ACTIONS];
  char failed[256];
} seen;

static void on_file(void *user, const tl_batch_file *f) {
  seen *s = user;
  s->n[f->action]++;
  if (f->action == TL_BATCH_FAILED)
    snprintf(s->failed, sizeof s->failed, "%s: %s", f->path, f->message);
}

static tl_status run(const char *dst, unsigned flags, unsigned shard, unsigned of,
                     tl_lang to, seen *s, tl_batch_stats *stats) {
  tl_batch_options o;
  tl_batch_options_init(&o);
  o.convert.from = TL_LANG_UNKNOWN;
  o.convert.to = to;
  o.convert.flags = TL_CONVERT_NO_SYSDICT;
  const char *fields[] = {"title"};
  o.fields = fields;
  o.n_fields = 1;
  o.flags = flags;
  o.jobs = 3;
  o.shard_index = shard;
  o.shard_count = of;
  o.on_file = on_file;
  memset(s, 0, sizeof *s);
  o.user = s;
  char src[300], d[300];
  snprintf(src, sizeof src, "%s/src", root);
  snprintf(d, sizeof d, "%s/%s", root, dst);
  return tl_batch_run(ctx, &o, src, d, stats);
}

static char *slurp(const char *rel) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", root, rel);
  return check_read_file(p, NULL);
}

static void test_runs(void) {
  snprintf(root, sizeof root, "/tmp/tl-test-batch-%d", (int)getpid());
  mkdir(root, 0755);
  put("src/a.txt", "Тошкент шаҳри\n", strlen("Тошкент шаҳри\n"));
  put("src/sub/b.html", "<p title=\"Ой\">Ой</p>\n", strlen("<p title=\"Ой\">Ой</p>\n"));
  put("src/sub/c.json", "{\"title\":\"Ой\", \"id\":\"Ой\"}", strlen("{\"title\":\"Ой\", \"id\":\"Ой\"}"));
  put("src/d.bin", "\x89PNG\0\1", 6);
  /* A stray byte in UTF-8 text: not mistaken for CP1251. */
  put("src/bad.txt", "Тошкент \xd0 шаҳри\n", strlen("Тошкент \xd0 шаҳри\n"));
  put("src/deep/er/e.md", "`Ой` Ой\n", strlen("`Ой` Ой\n"));
  seen s;
  tl_batch_stats st;
  CHECK_INT(TL_OK, run("out", 0, 0, 0, TL_LANG_UZ_LATN, &s, &st));
  CHECK_INT(4, s.n[TL_BATCH_CONVERTED]);
  CHECK_INT(1, s.n[TL_BATCH_COPIED]);
  CHECK_INT(1, s.n[TL_BATCH_FAILED]);
  CHECK_INT(1, (int)st.files[TL_BATCH_FAILED]);
  CHECK(strstr(s.failed, "bad.txt: 1:9: invalid UTF-8") == s.failed);
  /* Outputs are what tl_convert writes. */
  tl_convert_options co;
  tl_convert_options_init(&co);
  co.flags = TL_CONVERT_NO_SYSDICT;
  tl_converter *cv;
  tl_converter_new(ctx, &co, &cv);
  tl_buf want = TL_BUF_INIT;
  tl_convert(ctx, cv, "Тошкент шаҳри\n", strlen("Тошкент шаҳри\n"), &want, NULL, NULL);
  char *got = slurp("out/a.txt");
  CHECK_STR(want.data, got);
  free(got);
  tl_buf_clear(&want);
  tl_convert(ctx, cv, "Ой", strlen("Ой"), &want, NULL, NULL);
  char json[128];
  snprintf(json, sizeof json, "{\"title\":\"%s\", \"id\":\"Ой\"}", want.data);
  got = slurp("out/sub/c.json");
  CHECK_STR(json, got);
  free(got);
  got = slurp("out/bad.txt");
  CHECK(got == NULL); /* a failed file leaves no output */
  free(got);
  tl_buf_free(&want);
  tl_converter_free(cv);

  /* A rerun finds everything done; the failure is tried again. */
  CHECK_INT(TL_OK, run("out", 0, 0, 0, TL_LANG_UZ_LATN, &s, &st));
  CHECK_INT(5, s.n[TL_BATCH_UNCHANGED]);
  CHECK_INT(1, s.n[TL_BATCH_FAILED]);
  CHECK_INT(0, st.restarted);
  /* A changed source is redone, alone. */
  put("src/a.txt", "Янги\n", strlen("Янги\n"));
  CHECK_INT(TL_OK, run("out", 0, 0, 0, TL_LANG_UZ_LATN, &s, &st));
  CHECK_INT(1, s.n[TL_BATCH_CONVERTED]);
  CHECK_INT(4, s.n[TL_BATCH_UNCHANGED]);
  /* An output deleted by hand is written again. */
  char p[512];
  snprintf(p, sizeof p, "%s/out/sub/b.html", root);
  unlink(p);
  CHECK_INT(TL_OK, run("out", 0, 0, 0, TL_LANG_UZ_LATN, &s, &st));
  CHECK_INT(1, s.n[TL_BATCH_CONVERTED]);
  /* --force redoes all; other options redo all too. */
  CHECK_INT(TL_OK, run("out", TL_BATCH_FORCE, 0, 0, TL_LANG_UZ_LATN, &s, &st));
  CHECK_INT(4, s.n[TL_BATCH_CONVERTED]);
  CHECK_INT(TL_OK, run("out", TL_BATCH_SKIP_OTHER, 0, 0, TL_LANG_UZ_LATN, &s, &st));
  CHECK_INT(1, st.restarted);
  CHECK_INT(4, s.n[TL_BATCH_CONVERTED]);
  CHECK_INT(1, s.n[TL_BATCH_SKIPPED]);

  /* Shards 1/2 and 2/2 share the work without overlap. */
  seen s1, s2;
  CHECK_INT(TL_OK, run("sh", 0, 1, 2, TL_LANG_UZ_LATN, &s1, &st));
  CHECK_INT(TL_OK, run("sh", 0, 2, 2, TL_LANG_UZ_LATN, &s2, &st));
  CHECK_INT(4, s1.n[TL_BATCH_CONVERTED] + s2.n[TL_BATCH_CONVERTED]);
  CHECK_INT(1, s1.n[TL_BATCH_COPIED] + s2.n[TL_BATCH_COPIED]);
  CHECK_INT(1, s1.n[TL_BATCH_FAILED] + s2.n[TL_BATCH_FAILED]);
  CHECK_INT(TL_EINVAL, run("sh", 0, 3, 2, TL_LANG_UZ_LATN, &s1, &st));

  /* The destination may not be inside the source, nor the source itself. */
  CHECK_INT(TL_EINVAL, run("src/out", 0, 0, 0, TL_LANG_UZ_LATN, &s, &st));
  CHECK(strstr(tl_ctx_message(ctx), "overlap") != NULL);
  CHECK_INT(TL_EINVAL, run("src", 0, 0, 0, TL_LANG_UZ_LATN, &s, &st));
  /* A missing source is named. */
  tl_batch_options o;
  tl_batch_options_init(&o);
  CHECK_INT(TL_ENOTFOUND, tl_batch_run(ctx, &o, "/nonexistent/src", "/tmp/x", NULL));
  CHECK(strstr(tl_ctx_message(ctx), "/nonexistent/src") != NULL);

  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  CHECK_INT(0, system(cmd));
}

/* Many files: outputs reach the disk and the manifest in groups (a
 * checkpoint every 256 files); at the end every file is there, complete,
 * with its record, and no temporary file is left. */
static void test_checkpoints(void) {
  snprintf(root, sizeof root, "/tmp/tl-test-batch-ck-%d", (int)getpid());
  mkdir(root, 0755);
  char rel[64], text[64];
  const int n = 300;
  for (int i = 0; i < n; i++) {
    snprintf(rel, sizeof rel, "src/%d/f%d.txt", i % 3, i);
    int k = snprintf(text, sizeof text, "Мақола %d\n", i);
    put(rel, text, (size_t)k);
  }
  seen s;
  tl_batch_stats st;
  CHECK_INT(TL_OK, run("out", 0, 0, 0, TL_LANG_UZ_LATN, &s, &st));
  CHECK_INT(n, s.n[TL_BATCH_CONVERTED]);
  CHECK_INT(n, (int)st.files[TL_BATCH_CONVERTED]);
  char *man = slurp("out/.translit-manifest");
  CHECK(man != NULL);
  int records = 0, sizes_ok = 0;
  for (char *line = man; man && *line;) {
    char *nl = strchr(line, '\n');
    CHECK(nl != NULL); /* whole lines only */
    if (!nl)
      break;
    tl__manifest_rec r;
    if (*line != '#' && tl__manifest_parse(line, (size_t)(nl - line), &r)) {
      char p[512];
      struct stat sb;
      snprintf(p, sizeof p, "%s/out/%s", root, r.path);
      records++;
      sizes_ok += stat(p, &sb) == 0 && (unsigned long long)sb.st_size == r.out_size;
      free(r.path);
    }
    line = nl + 1;
  }
  free(man);
  CHECK_INT(n, records);
  CHECK_INT(n, sizes_ok);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "test -z \"$(find '%s/out' -name '.translit-tmp-*')\"", root);
  CHECK_INT(0, system(cmd));
  char *got = slurp("out/2/f299.txt");
  CHECK_STR("Maqola 299\n", got);
  free(got);
  CHECK_INT(TL_OK, run("out", 0, 0, 0, TL_LANG_UZ_LATN, &s, &st));
  CHECK_INT(n, s.n[TL_BATCH_UNCHANGED]);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  CHECK_INT(0, system(cmd));
}

int main(void) {
  tl_ctx_new(&ctx);
  test_shard();
  test_hash();
  test_decode();
  test_manifest_line();
  test_safe_path();
  test_types();
  test_runs();
  test_checkpoints();
  tl_ctx_free(ctx);
  return check_done();
}
