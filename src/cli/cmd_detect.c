/* cmd_detect.c: `translit detect`: the language and script of each input,
 * of each paragraph (--paragraphs) or of each line (--lines), as text or
 * JSON. Legacy encodings are decoded first. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *fp) {
  fputs("Usage: translit detect [OPTIONS] [FILE...]\n"
        "\n"
        "Tells the language and script of each FILE (or standard input): uz-Latn,\n"
        "uz-Cyrl, ru, en, mixed or unknown, with a confidence between 0 and 1.\n"
        "Input in CP1251, KOI8-R, CP866, ISO-8859-5, MacCyrillic or UTF-16/32 is\n"
        "recognised and decoded first.\n"
        "\n"
        "  -p, --paragraphs   one result per paragraph (blank-line separated),\n"
        "                     as FILE:LINE, then the whole input\n"
        "  -l, --lines        one result per input line, in order (empty lines\n"
        "                     give unknown): for tools that label sentences\n"
        "  -j, --json         JSON output (one object per input)\n"
        "  -L, --lang-only    print the language code alone (for scripts)\n"
        "  -h, --help         this help\n"
        "\n"
        "Output: LANG<TAB>CONFIDENCE, preceded by FILE<TAB> when there are\n"
        "several files.\n"
        "\n"
        "Examples:\n"
        "  echo 'Тошкент шаҳрида қор ёғди' | translit detect      # uz-Cyrl 0.99\n"
        "  translit detect --paragraphs article.txt\n"
        "  translit detect --json *.txt | jq -r .lang\n",
        fp);
}

/* "LANG<TAB>CONF" or "LANG" with --lang-only. */
static void print_result(int lang_only, tl_lang lang, double conf) {
  if (lang_only)
    printf("%s\n", tl_lang_code(lang));
  else
    printf("%s\t%.2f\n", tl_lang_code(lang), conf);
}

typedef struct det_ctx {
  const char *name;
  int json, first, lang_only;
} det_ctx;

static void json_str(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      printf("\\%c", *s);
    else if ((unsigned char)*s < 0x20)
      printf("\\u%04x", (unsigned char)*s);
    else
      putchar(*s);
  }
  putchar('"');
}

static void on_paragraph(void *user, const tl_detection *d) {
  det_ctx *c = user;
  if (d->line == 0)
    return; /* the whole text: printed by the caller */
  if (c->json) {
    printf("%s{\"line\": %zu, \"offset\": %zu, \"length\": %zu, \"lang\": \"%s\", "
           "\"confidence\": %.2f, \"letters\": %zu}",
           c->first ? "" : ", ", d->line, d->offset, d->len, tl_lang_code(d->lang),
           d->confidence, d->letters);
    c->first = 0;
  } else {
    printf("%s:%zu\t", c->name, d->line);
    print_result(c->lang_only, d->lang, d->confidence);
  }
}

static int detect_one(tl_ctx *ctx, const char *path, int mode, int json, int lang_only,
                      int many) {
  char *raw;
  size_t raw_len;
  if (cli_read_all(path, &raw, &raw_len))
    return EXIT_ERROR;
  const char *name = cli_in_name(path);
  tl_encoding enc;
  tl_encoding_detect(&enc, NULL, raw, raw_len);
  tl_buf text = TL_BUF_INIT;
  size_t replaced = 0;
  /* Detection reads through broken bytes: a few U+FFFD do not matter. */
  tl_status st = tl_decode(ctx, &replaced, enc, raw, raw_len, TL_DECODE_REPLACE, &text);
  free(raw);
  if (st) {
    tl_buf_free(&text);
    return cli_lib_error(name, st, ctx);
  }
  const char *s = text.data ? text.data : "";
  det_ctx dc = {name, json, 1, lang_only};
  if (mode == 'l') {
    size_t i = 0, line = 1;
    if (json) {
      printf("{\"file\": ");
      json_str(name);
      printf(", \"encoding\": \"%s\", \"lines\": [", tl_encoding_name(enc));
    }
    while (i < text.len) {
      const char *nl = memchr(s + i, '\n', text.len - i);
      size_t end = nl ? (size_t)(nl - s) : text.len;
      tl_lang lang;
      double conf;
      tl_detect(ctx, &lang, &conf, s + i, end - i);
      if (json)
        printf("%s{\"line\": %zu, \"lang\": \"%s\", \"confidence\": %.2f}",
               line > 1 ? ", " : "", line, tl_lang_code(lang), conf);
      else {
        if (many)
          printf("%s:%zu\t", name, line);
        print_result(lang_only, lang, conf);
      }
      i = end + 1;
      line++;
    }
    if (json)
      printf("]}\n");
  } else {
    tl_lang lang;
    double conf;
    if (json) {
      printf("{\"file\": ");
      json_str(name);
      printf(", \"encoding\": \"%s\"", tl_encoding_name(enc));
    }
    if (mode == 'p') {
      if (json)
        printf(", \"paragraphs\": [");
      tl_detect_paragraphs(ctx, s, text.len, on_paragraph, &dc);
      if (json)
        printf("]");
    }
    tl_detect(ctx, &lang, &conf, s, text.len);
    if (json)
      printf(", \"lang\": \"%s\", \"confidence\": %.2f}\n", tl_lang_code(lang), conf);
    else {
      if (many || mode == 'p')
        printf("%s\t", name);
      print_result(lang_only, lang, conf);
    }
  }
  tl_buf_free(&text);
  return EXIT_OK;
}

int cmd_detect(int argc, char **argv) {
  static const struct option longopts[] = {
      {"paragraphs", no_argument, 0, 'p'}, {"lines", no_argument, 0, 'l'},
      {"json", no_argument, 0, 'j'},       {"lang-only", no_argument, 0, 'L'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  int mode = 0, json = 0, lang_only = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "pljLh", longopts, NULL)) != -1) {
    switch (c) {
    case 'p':
    case 'l': mode = c; break;
    case 'j': json = 1; break;
    case 'L': lang_only = 1; break;
    case 'h': usage(stdout); return EXIT_OK;
    default: fputs("Try 'translit detect --help'.\n", stderr); return EXIT_ERROR;
    }
  }
  tl_ctx *ctx = NULL;
  if (tl_ctx_new(&ctx) != TL_OK) {
    cli_error("out of memory");
    return EXIT_ERROR;
  }
  int rc = EXIT_OK, many = argc - optind > 1;
  if (optind >= argc)
    rc = detect_one(ctx, NULL, mode, json, lang_only, 0);
  for (int i = optind; i < argc; i++) {
    int r = detect_one(ctx, argv[i], mode, json, lang_only, many);
    if (r > rc)
      rc = r;
  }
  if (fflush(stdout) != 0) {
    cli_error("<stdout>: write error");
    rc = EXIT_ERROR;
  }
  tl_ctx_free(ctx);
  return rc;
}
