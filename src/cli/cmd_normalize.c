/* cmd_normalize.c: `translit normalize`: cleans text (NFC, Uzbek
 * apostrophes, look-alike letters, invisible characters, spaces, line ends,
 * optional typography), reading legacy encodings and writing them on
 * request; --report lists every change for an editor to audit. Streamed:
 * constant memory, output as the input comes, the result of the whole. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *fp) {
  fputs("Usage: translit normalize [OPTIONS] [FILE...]\n"
        "\n"
        "Cleans text for search, spell-checking and conversion; reads the FILEs\n"
        "or standard input, writes UTF-8 (or --to-encoding) to standard output.\n"
        "By default: Unicode NFC; Uzbek oʻ/gʻ written with ' ‘ ’ ` ʼ become U+02BB\n"
        "and the tutuq U+02BC (English don't, quotes and Cyrillic text are left);\n"
        "Latin/Cyrillic look-alike letters inside a word are put in the word's\n"
        "script (Тошкeнт); zero-width characters, soft hyphens, stray BOMs and\n"
        "control characters are removed; runs of spaces inside a line are folded;\n"
        "CRLF and CR become LF. The input encoding is detected (UTF-8, UTF-16/32\n"
        "with BOM, CP1251, KOI8-R, CP866, ISO-8859-5, MacCyrillic).\n"
        "\n"
        "      --nfkc               NFKC instead of NFC (ﬁ -> fi, ² -> 2)\n"
        "      --apostrophe STYLE   modern (oʻ U+02BB, ʼ U+02BC; default),\n"
        "                           ascii (o' '), typographic (o‘ ’)\n"
        "      --no-apostrophes     leave apostrophes as they are\n"
        "      --no-lookalikes      leave look-alike letters as they are\n"
        "      --keep-invisible     keep zero-width and control characters\n"
        "      --keep-spaces        keep runs of spaces and CR line ends\n"
        "      --spaces             NBSP and other Unicode spaces -> plain space\n"
        "      --quotes LANG        \"...\" -> «...» (ru, uz-Cyrl) or “...” (en,\n"
        "                           uz-Latn); auto = by each paragraph's language\n"
        "      --dashes             ' - ', ' – ' and '--' -> '—'\n"
        "      --ellipsis           '...' -> '…'\n"
        "      --from-encoding ENC  input encoding (default auto)\n"
        "      --to-encoding ENC    write ENC instead of UTF-8 (cp1251, koi8-r, ...)\n"
        "      --replace            invalid bytes -> U+FFFD (default: an error that\n"
        "                           names the byte)\n"
        "      --report             list each change on stderr as\n"
        "                           FILE:LINE:COL: kind: before → after, then counts\n"
        "      --check              write nothing; exit 1 if anything would change\n"
        "  -o, --output FILE        write to FILE (atomically) instead of stdout\n"
        "  -h, --help               this help\n"
        "\n"
        "Examples:\n"
        "  echo \"O'zbekiston ma'lumotlari\" | translit normalize   # Oʻzbekiston maʼlumotlari\n"
        "  translit normalize --report old-archive.txt -o clean.txt\n"
        "  translit normalize --to-encoding cp1251 --apostrophe=typographic a.txt\n",
        fp);
}

enum { N_KINDS = 16 };
/* One printed change, held until the library has worked its line (or the
 * 64 KB piece of a long line) so that the changes of a line come out in
 * column order (the library reports them rule by rule). */
typedef struct held {
  size_t col;
  char *text;
} held;
typedef struct report_ctx {
  const char *file;
  int print;
  size_t total;
  const char *kinds[N_KINDS];
  size_t counts[N_KINDS];
  size_t line;
  held *v;
  size_t n, cap;
} report_ctx;

static int by_column(const void *a, const void *b) {
  const held *x = a, *y = b;
  return x->col < y->col ? -1 : x->col > y->col;
}

static void flush_held(report_ctx *r) {
  if (!r->n)
    return;
  qsort(r->v, r->n, sizeof *r->v, by_column);
  for (size_t i = 0; i < r->n; i++) {
    fputs(r->v[i].text, stderr);
    free(r->v[i].text);
  }
  r->n = 0;
}

/* Shows characters that are invisible or move the cursor as <U+XXXX>. */
static void show(FILE *fp, const char *s) {
  if (!*s) {
    fputs("(nothing)", fp);
    return;
  }
  const unsigned char *p = (const unsigned char *)s;
  if (strspn(s, " ") == strlen(s)) { /* a run of spaces: make it countable */
    for (; *p; p++)
      fputs("␣", fp);
    return;
  }
  while (*p) {
    unsigned cp = *p, k = 1;
    if (cp >= 0xF0)
      cp = ((cp & 7u) << 18) | ((p[1] & 63u) << 12) | ((p[2] & 63u) << 6) | (p[3] & 63u), k = 4;
    else if (cp >= 0xE0)
      cp = ((cp & 15u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u), k = 3;
    else if (cp >= 0xC0)
      cp = ((cp & 31u) << 6) | (p[1] & 63u), k = 2;
    int hidden = cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD ||
                 cp == 0x180E || cp == 0x061C || (cp >= 0x2000 && cp <= 0x200F) ||
                 (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) ||
                 cp == 0xFEFF || cp == 0x3000;
    if (hidden)
      fprintf(fp, "<U+%04X>", cp);
    else
      fwrite(p, 1, k, fp);
    p += k;
  }
}

static void on_change(void *user, const tl_change *c) {
  report_ctx *r = user;
  r->total++;
  size_t i = 0;
  while (i < N_KINDS && r->kinds[i] && strcmp(r->kinds[i], c->kind) != 0)
    i++;
  if (i < N_KINDS) {
    r->kinds[i] = c->kind;
    r->counts[i]++;
  }
  if (!r->print)
    return;
  if (c->line != r->line)
    flush_held(r);
  r->line = c->line;
  char *text = NULL;
  size_t tlen = 0;
  FILE *mem = open_memstream(&text, &tlen);
  if (!mem)
    return;
  fprintf(mem, "%s:%zu:%zu: %s: ", r->file, c->line, c->column, c->kind);
  show(mem, c->before);
  fputs(" → ", mem);
  show(mem, c->after);
  fputc('\n', mem);
  fclose(mem);
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 16;
    held *v = realloc(r->v, cap * sizeof *v);
    if (!v) {
      fputs(text, stderr); /* no room to sort: print as it comes */
      free(text);
      return;
    }
    r->v = v;
    r->cap = cap;
  }
  r->v[r->n++] = (held){c->column, text};
}

typedef struct run_opts {
  tl_normalize_options norm;
  tl_encoding from, to;
  int replace, report, check;
} run_opts;

/* Reads what is there (up to n bytes) without waiting for a full buffer,
 * so that output follows a slow pipe. 0 at the end; -1 on error. */
static ssize_t read_some(FILE *fp, char *buf, size_t n) {
  for (;;) {
    ssize_t k = read(fileno(fp), buf, n);
    if (k >= 0 || errno != EINTR)
      return k;
  }
}

/* The three streams of one input and their output buffers. */
typedef struct pipeline {
  tl_decoder *dec;
  tl_normalize_stream *norm;
  tl_encoder *enc; /* NULL: UTF-8 out */
  tl_buf decoded, clean, encoded;
  int write_out;   /* 0 with --check */
  const char *name;
} pipeline;

/* Passes what the decoder gave on through the normalizer (and the
 * encoder) to out; final: finish the normalizer (and encoder). */
static int pipe_on(tl_ctx *ctx, pipeline *p, const char *text, size_t len, cli_out *out,
                   int final, report_ctx *rep) {
  tl_status st = tl_normalize_stream_write(p->norm, text, len, &p->clean);
  tl_buf_clear(&p->decoded);
  if (!st && final)
    st = tl_normalize_stream_finish(p->norm, &p->clean);
  if (st) {
    flush_held(rep);
    return cli_lib_error(p->name, st, ctx);
  }
  /* A write works whole lines, or whole 64 KB pieces of a long line, whose
   * columns all come before those of the rest of the line: printing what
   * is held keeps the column order and bounds the memory on a huge line. */
  flush_held(rep);
  if (!p->write_out) {
    tl_buf_clear(&p->clean);
    return 0;
  }
  const tl_buf *w = &p->clean;
  if (p->enc) {
    st = tl_encoder_write(p->enc, p->clean.data, p->clean.len, &p->encoded);
    if (!st && final)
      st = tl_encoder_finish(p->enc, &p->encoded);
    if (st) {
      flush_held(rep);
      int rc = cli_lib_error(p->name, st, ctx);
      const char *m = tl_ctx_message(ctx);
      if (strstr(m, "U+02BB") || strstr(m, "U+02BC"))
        cli_error("hint: legacy code pages lack ʻ and ʼ; add --apostrophe=typographic "
                  "(CP1251) or --apostrophe=ascii");
      return rc;
    }
    w = &p->encoded;
  }
  int rc = cli_out_write(out, w->data, w->len);
  tl_buf_clear(&p->clean);
  tl_buf_clear(&p->encoded);
  return rc;
}

/* Normalizes one input as a stream: read, decode, normalize, encode and
 * write chunk by chunk, so that memory stays constant and output starts
 * before the input ends. The result is that of the whole input at once. */
static int normalize_one(tl_ctx *ctx, const run_opts *ro, const char *path,
                         cli_out *out, size_t *changes) {
  enum { CHUNK = 1 << 18 };
  FILE *fp = cli_in_open(path);
  if (!fp)
    return EXIT_ERROR;
  pipeline p;
  memset(&p, 0, sizeof p);
  p.name = cli_in_name(path);
  p.write_out = !ro->check;
  report_ctx rep;
  memset(&rep, 0, sizeof rep);
  rep.file = p.name;
  rep.print = ro->report;
  tl_normalize_options no = ro->norm;
  if (ro->replace)
    no.flags |= TL_NORM_REPLACE;
  char *chunk = malloc(CHUNK);
  int rc = EXIT_OK;
  /* UTF-8 goes straight to the normalizer, which locates (or replaces and
   * reports) each invalid byte by line and column. */
  tl_status st = tl_decoder_new(ctx, ro->from,
                                TL_DECODE_UTF8_AS_IS | (ro->replace ? TL_DECODE_REPLACE : 0),
                                &p.dec);
  if (!st)
    st = tl_normalize_stream_new(ctx, &no, on_change, &rep, &p.norm);
  if (!st && p.write_out && ro->to != TL_ENC_UNKNOWN && ro->to != TL_ENC_UTF8)
    st = tl_encoder_new(ctx, ro->to, &p.enc);
  if (st) {
    rc = cli_lib_error(p.name, st, ctx);
    goto done;
  }
  if (!chunk) {
    cli_error("%s: out of memory", p.name);
    rc = EXIT_ERROR;
    goto done;
  }
  int direct = 0;
  for (;;) {
    ssize_t k = read_some(fp, chunk, CHUNK);
    if (k < 0) {
      flush_held(&rep);
      cli_error("%s: read error: %s", p.name, strerror(errno));
      rc = EXIT_ERROR;
      goto done;
    }
    if (k == 0)
      break;
    if (direct) { /* UTF-8 known: no copy through the decoder */
      if ((rc = pipe_on(ctx, &p, chunk, (size_t)k, out, 0, &rep)))
        goto done;
      continue;
    }
    if ((st = tl_decoder_write(p.dec, chunk, (size_t)k, &p.decoded))) {
      flush_held(&rep);
      rc = cli_lib_error(p.name, st, ctx);
      goto done;
    }
    if ((rc = pipe_on(ctx, &p, p.decoded.data, p.decoded.len, out, 0, &rep)))
      goto done;
    tl_encoding known;
    tl_decoder_info(p.dec, &known, NULL, NULL);
    direct = known == TL_ENC_UTF8 && !tl_decoder_held(p.dec);
  }
  if ((st = tl_decoder_finish(p.dec, &p.decoded))) {
    flush_held(&rep);
    rc = cli_lib_error(p.name, st, ctx);
    goto done;
  }
  if ((rc = pipe_on(ctx, &p, p.decoded.data, p.decoded.len, out, 1, &rep)))
    goto done;
  flush_held(&rep);
  tl_encoding enc;
  double conf;
  size_t replaced;
  tl_decoder_info(p.dec, &enc, &conf, &replaced);
  int detected = ro->from == TL_ENC_UNKNOWN;
  *changes += rep.total + replaced;
  if (ro->report) {
    fprintf(stderr, "%s: encoding %s (%s", p.name, tl_encoding_name(enc),
            detected ? "detected" : "given");
    if (detected)
      fprintf(stderr, ", confidence %.2f", conf);
    fprintf(stderr, ")");
    if (replaced)
      fprintf(stderr, ", %zu undecodable byte%s replaced by U+FFFD", replaced,
              replaced == 1 ? "" : "s");
    fprintf(stderr, "; %zu change%s", rep.total, rep.total == 1 ? "" : "s");
    for (size_t i = 0; i < N_KINDS && rep.kinds[i]; i++)
      fprintf(stderr, "%s %s %zu", i ? "," : ":", rep.kinds[i], rep.counts[i]);
    fputc('\n', stderr);
  } else if (replaced || (ro->replace && rep.total)) {
    size_t n = replaced;
    for (size_t i = 0; i < N_KINDS && rep.kinds[i]; i++)
      if (strcmp(rep.kinds[i], "invalid-utf8") == 0)
        n += rep.counts[i];
    if (n)
      fprintf(stderr, "translit: %s: %zu invalid byte sequence%s replaced by U+FFFD\n",
              p.name, n, n == 1 ? "" : "s");
  }
done:
  for (size_t i = 0; i < rep.n; i++)
    free(rep.v[i].text);
  free(rep.v);
  free(chunk);
  tl_decoder_free(p.dec);
  tl_normalize_stream_free(p.norm);
  tl_encoder_free(p.enc);
  tl_buf_free(&p.decoded);
  tl_buf_free(&p.clean);
  tl_buf_free(&p.encoded);
  if (fp != stdin)
    fclose(fp);
  return rc;
}

int cmd_normalize(int argc, char **argv) {
  enum { O_NFKC = 256, O_APOS, O_NOAPOS, O_NOLOOK, O_SPACES, O_QUOTES, O_DASHES,
         O_ELLIPSIS, O_FROM, O_TO, O_REPLACE, O_REPORT, O_CHECK, O_KEEPINV, O_KEEPSP };
  static const struct option longopts[] = {
      {"nfkc", no_argument, 0, O_NFKC},
      {"apostrophe", required_argument, 0, O_APOS},
      {"no-apostrophes", no_argument, 0, O_NOAPOS},
      {"no-lookalikes", no_argument, 0, O_NOLOOK},
      {"keep-invisible", no_argument, 0, O_KEEPINV},
      {"keep-spaces", no_argument, 0, O_KEEPSP},
      {"spaces", no_argument, 0, O_SPACES},
      {"quotes", required_argument, 0, O_QUOTES},
      {"dashes", no_argument, 0, O_DASHES},
      {"ellipsis", no_argument, 0, O_ELLIPSIS},
      {"from-encoding", required_argument, 0, O_FROM},
      {"to-encoding", required_argument, 0, O_TO},
      {"replace", no_argument, 0, O_REPLACE},
      {"report", no_argument, 0, O_REPORT},
      {"check", no_argument, 0, O_CHECK},
      {"output", required_argument, 0, 'o'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  run_opts ro;
  memset(&ro, 0, sizeof ro);
  tl_normalize_options_init(&ro.norm);
  const char *output = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    switch (c) {
    case O_NFKC: ro.norm.flags |= TL_NORM_NFKC; break;
    case O_APOS:
      if (strcmp(optarg, "modern") == 0)
        ro.norm.apostrophe = TL_APOS_MODERN;
      else if (strcmp(optarg, "ascii") == 0)
        ro.norm.apostrophe = TL_APOS_ASCII;
      else if (strcmp(optarg, "typographic") == 0)
        ro.norm.apostrophe = TL_APOS_TYPOGRAPHIC;
      else {
        cli_error("unknown apostrophe style '%s' (modern, ascii, typographic)", optarg);
        return EXIT_ERROR;
      }
      break;
    case O_NOAPOS: ro.norm.flags |= TL_NORM_NO_APOSTROPHES; break;
    case O_NOLOOK: ro.norm.flags |= TL_NORM_NO_LOOKALIKES; break;
    case O_KEEPINV: ro.norm.flags |= TL_NORM_KEEP_INVISIBLE; break;
    case O_KEEPSP: ro.norm.flags |= TL_NORM_KEEP_SPACES; break;
    case O_SPACES: ro.norm.flags |= TL_NORM_SPACES; break;
    case O_QUOTES: {
      tl_lang l;
      if (tl_lang_parse(&l, optarg) != TL_OK || l == TL_LANG_MIXED || l == TL_LANG_RU_LATN) {
        cli_error("unknown quote language '%s' (ru, uz-Cyrl, uz-Latn, en or auto)", optarg);
        return EXIT_ERROR;
      }
      ro.norm.flags |= TL_NORM_QUOTES;
      ro.norm.quotes = l;
      break;
    }
    case O_DASHES: ro.norm.flags |= TL_NORM_DASHES; break;
    case O_ELLIPSIS: ro.norm.flags |= TL_NORM_ELLIPSIS; break;
    case O_FROM:
    case O_TO: {
      tl_encoding e;
      if (tl_encoding_parse(&e, optarg) != TL_OK || (c == O_TO && e == TL_ENC_UNKNOWN)) {
        cli_error("unknown encoding '%s' (utf-8, utf-16le, utf-16be, utf-32le, utf-32be, "
                  "cp1251, koi8-r, cp866, iso-8859-5, maccyrillic%s)",
                  optarg, c == O_FROM ? ", auto" : "");
        return EXIT_ERROR;
      }
      if (c == O_FROM)
        ro.from = e;
      else
        ro.to = e;
      break;
    }
    case O_REPLACE: ro.replace = 1; break;
    case O_REPORT: ro.report = 1; break;
    case O_CHECK: ro.check = 1; break;
    case 'o': output = optarg; break;
    case 'h': usage(stdout); return EXIT_OK;
    default: fputs("Try 'translit normalize --help'.\n", stderr); return EXIT_ERROR;
    }
  }
  tl_ctx *ctx = NULL;
  if (tl_ctx_new(&ctx) != TL_OK) {
    cli_error("out of memory");
    return EXIT_ERROR;
  }
  cli_out out;
  size_t changes = 0;
  int rc = ro.check ? 0 : cli_out_open(&out, output);
  if (!rc) {
    if (optind >= argc)
      rc = normalize_one(ctx, &ro, NULL, &out, &changes);
    for (int i = optind; !rc && i < argc; i++)
      rc = normalize_one(ctx, &ro, argv[i], &out, &changes);
    if (!ro.check) {
      if (rc)
        cli_out_abort(&out);
      else
        rc = cli_out_commit(&out);
    }
  }
  tl_ctx_free(ctx);
  if (!rc && ro.check && changes)
    rc = EXIT_FINDINGS;
  return rc;
}
