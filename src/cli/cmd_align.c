/* cmd_align.c: `translit align A B`: finds what drifted between two versions
 * of one article (missing, extra, changed and uncertain parts) and writes the
 * sentence alignment as TSV, JSON, TMX or an HTML review page. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void usage(FILE *fp) {
  fputs("Usage: translit align [OPTIONS] A B\n"
        "\n"
        "Aligns two versions of one article (uz-Latn, uz-Cyrl, ru, en; plain text,\n"
        "Markdown or HTML): paragraphs first, then sentences; links are 1-1, 1-0,\n"
        "0-1, 1-2, 2-1 or 2-2, each with a confidence. A or B may be - (stdin).\n"
        "\n"
        "  -l, --langs A,B        languages of A and B (default: detected), e.g.\n"
        "                         ru,uz-Latn; either may be auto\n"
        "  -f, --format FMT       tsv (default): SRC_IDS TAB TGT_IDS TAB CONFIDENCE\n"
        "                         TAB SRC_TEXT TAB TGT_TEXT, one link a line;\n"
        "                         json; tmx (TMX 1.4b translation memory of the\n"
        "                         matched pairs); html (side-by-side review page)\n"
        "  -p, --only-problems    only missing, extra, changed and low-confidence\n"
        "                         links (confidence < 0.50)\n"
        "      --segmented        inputs have one sentence per line and a blank\n"
        "                         line between paragraphs; ids count those lines\n"
        "      --html             both inputs are HTML (default: by extension,\n"
        "                         .html/.htm)\n"
        "      --markdown         both inputs are Markdown (default: .md)\n"
        "      --lexicon FILE     more word pairs, 'A-word<TAB>B-word' (repeatable)\n"
        "      --no-lexicon       do not use the built-in bilingual lexicons\n"
        "  -o, --output FILE      write to FILE (atomically) instead of stdout\n"
        "  -h, --help             this help\n"
        "\n"
        "Exit status: 0 if the versions match, 1 if there are problems (as listed\n"
        "by --only-problems), 2 on error.\n"
        "\n"
        "Examples:\n"
        "  translit align article.ru.txt article.uz-Latn.txt\n"
        "  translit align -p --langs en,ru en.md ru.md          # what to fix\n"
        "  translit align -f html -o review.html ru.html uz.html\n"
        "  translit align -f tmx ru.txt en.txt > memory.tmx\n"
        "  translit align uz-Cyrl.txt uz-Latn.txt -f json   # word diffs of edits\n",
        fp);
}

static int ends_with(const char *s, const char *suf) {
  size_t n = strlen(s), k = strlen(suf);
  return n >= k && strcasecmp(s + n - k, suf) == 0;
}

int cmd_align(int argc, char **argv) {
  enum { O_SEG = 256, O_HTML, O_MD, O_LEX, O_NOLEX };
  static const struct option longopts[] = {
      {"langs", required_argument, 0, 'l'},
      {"format", required_argument, 0, 'f'},
      {"only-problems", no_argument, 0, 'p'},
      {"segmented", no_argument, 0, O_SEG},
      {"html", no_argument, 0, O_HTML},
      {"markdown", no_argument, 0, O_MD},
      {"lexicon", required_argument, 0, O_LEX},
      {"no-lexicon", no_argument, 0, O_NOLEX},
      {"output", required_argument, 0, 'o'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  tl_align_options opts;
  tl_align_options_init(&opts);
  tl_align_format fmt = TL_ALIGN_TSV;
  unsigned wflags = 0;
  int html = 0, md = 0, c;
  const char *output = NULL;
  const char **lex = calloc((size_t)argc + 1, sizeof *lex);
  if (!lex) {
    cli_error("out of memory");
    return EXIT_ERROR;
  }
  optind = 1;
  while ((c = getopt_long(argc, argv, "l:f:po:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'l': {
      char buf[64];
      const char *comma = strchr(optarg, ',');
      size_t k = comma ? (size_t)(comma - optarg) : 0;
      if (!comma || k >= sizeof buf) {
        cli_error("--langs wants two languages, e.g. ru,uz-Latn (got '%s')", optarg);
        free(lex);
        return EXIT_ERROR;
      }
      memcpy(buf, optarg, k);
      buf[k] = '\0';
      if (tl_lang_parse(&opts.lang_a, buf) || tl_lang_parse(&opts.lang_b, comma + 1) ||
          opts.lang_a == TL_LANG_RU_LATN || opts.lang_b == TL_LANG_RU_LATN ||
          opts.lang_a == TL_LANG_MIXED || opts.lang_b == TL_LANG_MIXED) {
        cli_error("unknown language in '%s' (use uz-Latn, uz-Cyrl, ru, en or auto)",
                  optarg);
        free(lex);
        return EXIT_ERROR;
      }
      break;
    }
    case 'f':
      if (strcmp(optarg, "tsv") == 0)
        fmt = TL_ALIGN_TSV;
      else if (strcmp(optarg, "json") == 0)
        fmt = TL_ALIGN_JSON;
      else if (strcmp(optarg, "tmx") == 0)
        fmt = TL_ALIGN_TMX;
      else if (strcmp(optarg, "html") == 0)
        fmt = TL_ALIGN_HTML;
      else {
        cli_error("unknown format '%s' (tsv, json, tmx, html)", optarg);
        free(lex);
        return EXIT_ERROR;
      }
      break;
    case 'p': wflags |= TL_ALIGN_ONLY_PROBLEMS; break;
    case O_SEG: opts.flags |= TL_ALIGN_SEGMENTED; break;
    case O_HTML: html = 1; break;
    case O_MD: md = 1; break;
    case O_LEX: lex[opts.n_lexicon_files++] = optarg; break;
    case O_NOLEX: opts.flags |= TL_ALIGN_NO_LEXICON; break;
    case 'o': output = optarg; break;
    case 'h':
      usage(stdout);
      free(lex);
      return EXIT_OK;
    default:
      fputs("Try 'translit align --help'.\n", stderr);
      free(lex);
      return EXIT_ERROR;
    }
  }
  if (argc - optind != 2) {
    cli_error("align needs two files, A and B (got %d); try 'translit align --help'",
              argc - optind);
    free(lex);
    return EXIT_ERROR;
  }
  const char *path[2] = {argv[optind], argv[optind + 1]};
  if (strcmp(path[0], "-") == 0 && strcmp(path[1], "-") == 0) {
    cli_error("only one of A and B can be standard input");
    free(lex);
    return EXIT_ERROR;
  }
  for (int s = 0; s < 2; s++) {
    if (html || ends_with(path[s], ".html") || ends_with(path[s], ".htm"))
      opts.flags |= s ? TL_ALIGN_HTML_B : TL_ALIGN_HTML_A;
    else if (md || ends_with(path[s], ".md") || ends_with(path[s], ".markdown"))
      opts.flags |= s ? TL_ALIGN_MARKDOWN_B : TL_ALIGN_MARKDOWN_A;
  }
  opts.lexicon_files = lex;
  char *text[2] = {NULL, NULL};
  size_t len[2] = {0, 0};
  for (int s = 0; s < 2; s++)
    if (cli_read_all(strcmp(path[s], "-") ? path[s] : NULL, &text[s], &len[s])) {
      free(text[0]);
      free(lex);
      return EXIT_ERROR;
    }
  tl_ctx *ctx = NULL;
  tl_aligner *al = NULL;
  tl_alignment *aln = NULL;
  tl_buf buf = TL_BUF_INIT;
  int rc = EXIT_OK;
  tl_status st = tl_ctx_new(&ctx);
  if (st) {
    cli_error("out of memory");
    rc = EXIT_ERROR;
    goto done;
  }
  st = tl_aligner_new(ctx, &opts, &al);
  if (st) {
    rc = cli_lib_error(NULL, st, ctx);
    goto done;
  }
  st = tl_align(ctx, al, text[0], len[0], text[1], len[1], &aln);
  if (st) {
    /* The message starts with the side, "A: ..."; name the file instead. */
    const char *msg = tl_ctx_message(ctx);
    int side = msg[0] == 'B' && msg[1] == ':' ? 1 : 0;
    if (st == TL_EUTF8 && (msg[0] == 'A' || msg[0] == 'B') && msg[1] == ':') {
      size_t line, col;
      tl_ctx_error_position(ctx, &line, &col);
      cli_error_at(cli_in_name(strcmp(path[side], "-") ? path[side] : NULL), line, col,
                   "%s", msg + 3);
      rc = EXIT_ERROR;
    } else {
      rc = cli_lib_error(NULL, st, ctx);
    }
    goto done;
  }
  st = tl_alignment_write(ctx, aln, fmt, wflags, &buf);
  if (st) {
    rc = cli_lib_error(NULL, st, ctx);
    goto done;
  }
  cli_out out;
  rc = cli_out_open(&out, output);
  if (!rc) {
    rc = cli_out_write(&out, buf.data ? buf.data : "", buf.len);
    if (rc)
      cli_out_abort(&out);
    else
      rc = cli_out_commit(&out);
  }
  if (!rc) {
    size_t n;
    const tl_align_link *links = tl_alignment_links(aln, &n);
    for (size_t k = 0; k < n; k++)
      if (tl_align_link_is_problem(&links[k])) {
        rc = EXIT_FINDINGS;
        break;
      }
  }
done:
  tl_buf_free(&buf);
  tl_alignment_free(aln);
  tl_aligner_free(al);
  tl_ctx_free(ctx);
  free(text[0]);
  free(text[1]);
  free(lex);
  return rc;
}
