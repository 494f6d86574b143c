/* cmd_convert.c: `translit convert`: Uzbek Cyrillic <-> Latin, Russian to
 * Uzbek or to a romanization scheme, streamed in constant memory. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *fp) {
  fputs("Usage: translit convert [-f FROM] -t TO [OPTIONS] [FILE...]\n"
        "\n"
        "Converts text between scripts; reads the FILEs or standard input.\n"
        "\n"
        "  -f, --from LANG        uz-Cyrl, uz-Latn, ru, ru-Latn or auto (default auto:\n"
        "                         whatever is in the other script is converted)\n"
        "  -t, --to LANG          uz-Latn (default), uz-Cyrl, ru-Latn, ru\n"
        "      --scheme NAME      romanization scheme for ru <-> ru-Latn\n"
        "                         (default gost_779; see `translit list`)\n"
        "      --scheme-file FILE load one more scheme table from FILE\n"
        "      --apostrophe STYLE modern (oʻ U+02BB, ʼ U+02BC; default),\n"
        "                         ascii (o' '), typographic (o‘ ’)\n"
        "      --html             convert text nodes and alt/title only\n"
        "      --markdown         leave code and link targets alone\n"
        "      --dict FILE        add a site's exception lexicon (repeatable)\n"
        "      --system-dict FILE hunspell-uz word list (default\n"
        "                         /usr/share/hunspell/uz_UZ.dic)\n"
        "      --no-system-dict   use only the lexicons and the rules\n"
        "      --review           list on stderr the words whose spelling was a\n"
        "                         guess, as FILE:LINE:COL (exit 1 if any)\n"
        "      --replace          replace invalid UTF-8 by U+FFFD (default: error)\n"
        "      --unbuffered       flush the output after each line\n"
        "  -o, --output FILE      write to FILE (atomically) instead of stdout\n"
        "  -h, --help             this help\n"
        "\n"
        "Examples:\n"
        "  echo 'Тошкент шаҳри' | translit -t uz-Latn      # Toshkent shahri\n"
        "  echo 'Oʻzbekiston' | translit -t uz-Cyrl        # Ўзбекистон\n"
        "  echo 'Щукин' | translit -f ru -t ru-Latn --scheme icao   # Shchukin\n",
        fp);
}

typedef struct review_ctx {
  const char *file;
  size_t count;
} review_ctx;

static void on_note(void *user, const tl_note *n) {
  review_ctx *r = user;
  r->count++;
  fprintf(stderr, "%s:%zu:%zu: %.*s → %s (%s)\n", r->file, n->line, n->column,
          (int)n->len, n->word, n->output, n->reason);
}

static int convert_one(tl_ctx *ctx, const tl_converter *cv, const char *path,
                       cli_out *out, int review, size_t *notes) {
  FILE *fp = cli_in_open(path);
  if (!fp)
    return EXIT_ERROR;
  const char *name = cli_in_name(path);
  review_ctx rc = {name, 0};
  tl_stream *s = NULL;
  tl_status st = tl_stream_new(ctx, cv, review ? on_note : NULL, &rc, &s);
  if (st) {
    if (fp != stdin)
      fclose(fp);
    return cli_lib_error(name, st, ctx);
  }
  tl_buf buf = TL_BUF_INIT;
  char chunk[1 << 16];
  int rc_exit = 0;
  for (;;) {
    size_t k;
    if (out->unbuffered) {
      /* Line at a time, so that each line is flushed as soon as it comes
       * (getc, not fgets: a NUL byte must not end the line). */
      int ch;
      k = 0;
      while (k < sizeof chunk && (ch = getc(fp)) != EOF) {
        chunk[k++] = (char)ch;
        if (ch == '\n')
          break;
      }
    } else {
      k = fread(chunk, 1, sizeof chunk, fp);
    }
    if (k == 0)
      break;
    st = tl_stream_write(s, chunk, k, &buf);
    if (st)
      break;
    if ((rc_exit = cli_out_write(out, buf.data, buf.len)))
      break;
    tl_buf_clear(&buf);
  }
  if (!st && !rc_exit && ferror(fp)) {
    cli_error("%s: read error", name);
    rc_exit = EXIT_ERROR;
  }
  if (!st && !rc_exit) {
    st = tl_stream_finish(s, &buf);
    if (!st)
      rc_exit = cli_out_write(out, buf.data, buf.len);
  }
  if (st)
    rc_exit = cli_lib_error(name, st, ctx);
  tl_buf_free(&buf);
  tl_stream_free(s);
  if (fp != stdin)
    fclose(fp);
  *notes += rc.count;
  return rc_exit;
}

int cmd_convert(int argc, char **argv) {
  enum { O_SCHEME = 256, O_SCHEME_FILE, O_APOS, O_HTML, O_MD, O_DICT, O_SYSDICT,
         O_NOSYSDICT, O_REVIEW, O_REPLACE, O_UNBUF };
  static const struct option longopts[] = {
      {"from", required_argument, 0, 'f'},
      {"to", required_argument, 0, 't'},
      {"scheme", required_argument, 0, O_SCHEME},
      {"scheme-file", required_argument, 0, O_SCHEME_FILE},
      {"apostrophe", required_argument, 0, O_APOS},
      {"html", no_argument, 0, O_HTML},
      {"markdown", no_argument, 0, O_MD},
      {"dict", required_argument, 0, O_DICT},
      {"system-dict", required_argument, 0, O_SYSDICT},
      {"no-system-dict", no_argument, 0, O_NOSYSDICT},
      {"review", no_argument, 0, O_REVIEW},
      {"replace", no_argument, 0, O_REPLACE},
      {"unbuffered", no_argument, 0, O_UNBUF},
      {"output", required_argument, 0, 'o'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  tl_convert_options opts;
  tl_convert_options_init(&opts);
  const char *output = NULL;
  const char **dicts = calloc((size_t)argc + 1, sizeof *dicts);
  size_t n_dicts = 0;
  int review = 0, unbuffered = 0, c;
  int to_set = 0;
  if (!dicts) {
    cli_error("out of memory");
    return EXIT_ERROR;
  }
  optind = 1;
  while ((c = getopt_long(argc, argv, "f:t:o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'f':
    case 't': {
      tl_lang l;
      if (tl_lang_parse(&l, optarg) != TL_OK) {
        cli_error("unknown language '%s' (use uz-Latn, uz-Cyrl, ru, ru-Latn%s)",
                  optarg, c == 'f' ? " or auto" : "");
        free(dicts);
        return EXIT_ERROR;
      }
      if (c == 'f')
        opts.from = l;
      else
        opts.to = l, to_set = 1;
      break;
    }
    case O_SCHEME: opts.scheme = optarg; break;
    case O_SCHEME_FILE: opts.scheme_file = optarg; break;
    case O_APOS:
      if (strcmp(optarg, "modern") == 0)
        opts.apostrophe = TL_APOS_MODERN;
      else if (strcmp(optarg, "ascii") == 0)
        opts.apostrophe = TL_APOS_ASCII;
      else if (strcmp(optarg, "typographic") == 0)
        opts.apostrophe = TL_APOS_TYPOGRAPHIC;
      else {
        cli_error("unknown apostrophe style '%s' (modern, ascii, typographic)", optarg);
        free(dicts);
        return EXIT_ERROR;
      }
      break;
    case O_HTML: opts.flags |= TL_CONVERT_HTML; break;
    case O_MD: opts.flags |= TL_CONVERT_MARKDOWN; break;
    case O_DICT: dicts[n_dicts++] = optarg; break;
    case O_SYSDICT: opts.system_dict = optarg; break;
    case O_NOSYSDICT: opts.flags |= TL_CONVERT_NO_SYSDICT; break;
    case O_REVIEW: review = 1; break;
    case O_REPLACE: opts.flags |= TL_CONVERT_REPLACE; break;
    case O_UNBUF: unbuffered = 1; break;
    case 'o': output = optarg; break;
    case 'h':
      usage(stdout);
      free(dicts);
      return EXIT_OK;
    default:
      fputs("Try 'translit convert --help'.\n", stderr);
      free(dicts);
      return EXIT_ERROR;
    }
  }
  /* A romanization scheme implies Russian -> Latin unless said otherwise. */
  if (!to_set && (opts.scheme || opts.scheme_file))
    opts.to = opts.from == TL_LANG_RU_LATN ? TL_LANG_RU : TL_LANG_RU_LATN;
  opts.dict_files = dicts;
  opts.n_dict_files = n_dicts;

  tl_ctx *ctx = NULL;
  if (tl_ctx_new(&ctx) != TL_OK) {
    cli_error("out of memory");
    free(dicts);
    return EXIT_ERROR;
  }
  tl_converter *cv = NULL;
  tl_status st = tl_converter_new(ctx, &opts, &cv);
  if (st) {
    cli_lib_error(NULL, st, ctx);
    tl_ctx_free(ctx);
    free(dicts);
    return EXIT_ERROR;
  }
  cli_out out;
  int rc = cli_out_open(&out, output);
  size_t notes = 0;
  if (!rc) {
    out.unbuffered = unbuffered;
    if (optind >= argc)
      rc = convert_one(ctx, cv, NULL, &out, review, &notes);
    for (int i = optind; !rc && i < argc; i++)
      rc = convert_one(ctx, cv, argv[i], &out, review, &notes);
    if (rc)
      cli_out_abort(&out);
    else
      rc = cli_out_commit(&out);
  }
  tl_converter_free(cv);
  tl_ctx_free(ctx);
  free(dicts);
  if (!rc && review && notes)
    rc = EXIT_FINDINGS;
  return rc;
}
