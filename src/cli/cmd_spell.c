/* cmd_spell.c: `translit spell`: spell-checks each word in its own language
 * (Uzbek Latin and Cyrillic, Russian, English), with human, JSON Lines,
 * word-list and ispell pipe (-a) output. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether to free the speller before exit: only where a leak checker looks. */
#if defined(__SANITIZE_ADDRESS__)
#define TL_CLI_FREE_SPELLER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define TL_CLI_FREE_SPELLER 1
#endif
#endif
#ifndef TL_CLI_FREE_SPELLER
#define TL_CLI_FREE_SPELLER 0
#endif

static void usage(FILE *fp) {
  fputs("Usage: translit spell [OPTIONS] [FILE...]\n"
        "\n"
        "Spell-checks the FILEs or standard input, each word with the dictionary\n"
        "of its own language: Uzbek Latin, Uzbek Cyrillic, Russian, English.\n"
        "Prints FILE:LINE:COL: word → suggestions; exit 0 clean, 1 misspellings\n"
        "found, 2 error.\n"
        "\n"
        "  -L, --lang LANG        check every word as uz-Latn, uz-Cyrl, ru or en\n"
        "                         (default auto: each run of text in its language)\n"
        "  -l, --list             print the misspelled words only, one a line\n"
        "      --json             JSON Lines: file, line, column, byte and UTF-16\n"
        "                         offsets, word, lang, suggestions, reason\n"
        "  -a, --pipe             ispell/hunspell pipe protocol on standard input,\n"
        "                         for editors that call `hunspell -a`\n"
        "      --html             skip tags, entities, <code>, <script>, <style>\n"
        "      --markdown         skip code and link targets\n"
        "      --check-caps       check ALL-CAPS words too (skipped as acronyms)\n"
        "      --personal FILE    also accept the words of FILE (one a line;\n"
        "                         repeatable)\n"
        "      --add WORD         append WORD to the (first) --personal FILE,\n"
        "                         atomically (repeatable; no FILE: only add)\n"
        "      --no-suggest       no suggestions (faster; -a then answers '#')\n"
        "      --no-newsroom      leave out the built-in newsroom name lists\n"
        "      --dict-dir DIR     hunspell dictionaries (default /usr/share/hunspell)\n"
        "      --cache-dir DIR    cache of the Uzbek Latin dictionary (default\n"
        "                         $XDG_CACHE_HOME/translit or ~/.cache/translit)\n"
        "  -o, --output FILE      write to FILE (atomically) instead of stdout\n"
        "  -h, --help             this help\n"
        "\n"
        "Skipped: URLs, e-mail addresses, @handles, #hashtags, numbers, 5km, 10%,\n"
        "ALL-CAPS acronyms. Words are checked as `translit normalize` writes them\n"
        "(NFC; o' o` o‘ read as oʻ; look-alike letters put in the word's script,\n"
        "and reported; soft hyphens and zero-width characters dropped), and are\n"
        "reported as written, at their place in the input.\n"
        "\n"
        "Examples:\n"
        "  echo 'Toshkent shahrida yangi maktab ochildi' | translit spell\n"
        "  translit spell --lang ru -l news.txt | sort | uniq -c | sort -rn\n"
        "  translit spell --json --html article.html\n"
        "  translit spell --personal site.txt --add Yangiobod\n"
        "  translit spell -a --lang ru       # in place of `hunspell -d ru_RU -a`\n",
        fp);
}

enum { FMT_HUMAN, FMT_LIST, FMT_JSON };

typedef struct sink {
  cli_out *out;
  const char *file;
  int fmt;
  size_t count;
  int err;
  tl_buf line;
} sink;

static void put(sink *k, const char *s, size_t n) {
  if (!k->err)
    k->err = cli_out_write(k->out, s, n);
}
static void puts_(sink *k, const char *s) { put(k, s, strlen(s)); }

static void json_str(tl_buf *b, const char *s, size_t n);

static void on_word(void *user, const tl_spell_word *w) {
  sink *k = user;
  k->count++;
  char num[160];
  if (k->fmt == FMT_LIST) {
    put(k, w->word, w->len);
    put(k, "\n", 1);
    return;
  }
  if (k->fmt == FMT_HUMAN) {
    snprintf(num, sizeof num, "%s:%zu:%zu: ", k->file, w->line, w->column);
    puts_(k, num);
    put(k, w->word, w->len);
    for (size_t i = 0; i < w->n_suggestions; i++) {
      puts_(k, i ? ", " : " → ");
      puts_(k, w->suggestions[i]);
    }
    if (w->reason) {
      puts_(k, " (");
      puts_(k, w->reason);
      puts_(k, ")");
    }
    put(k, "\n", 1);
    return;
  }
  tl_buf *b = &k->line;
  tl_buf_clear(b);
  char head[256];
  snprintf(head, sizeof head, "{\"file\":");
  puts_(k, head);
  json_str(b, k->file, strlen(k->file));
  put(k, b->data, b->len);
  tl_buf_clear(b);
  snprintf(head, sizeof head,
           ",\"line\":%zu,\"column\":%zu,\"offset\":%zu,\"length\":%zu,"
           "\"utf16_offset\":%zu,\"utf16_length\":%zu,\"word\":",
           w->line, w->column, w->offset, w->len, w->u16_offset, w->u16_len);
  puts_(k, head);
  json_str(b, w->word, w->len);
  put(k, b->data, b->len);
  tl_buf_clear(b);
  snprintf(head, sizeof head, ",\"lang\":\"%s\",\"suggestions\":[", tl_lang_code(w->lang));
  puts_(k, head);
  for (size_t i = 0; i < w->n_suggestions; i++) {
    if (i)
      put(k, ",", 1);
    json_str(b, w->suggestions[i], strlen(w->suggestions[i]));
    put(k, b->data, b->len);
    tl_buf_clear(b);
  }
  put(k, "]", 1);
  if (w->reason) {
    puts_(k, ",\"reason\":");
    json_str(b, w->reason, strlen(w->reason));
    put(k, b->data, b->len);
    tl_buf_clear(b);
  }
  put(k, "}\n", 2);
}

/* Appends s[0..n) as a JSON string to b (the CLI has no access to the
 * library's buffer helpers, so it grows b itself). */
static void json_str(tl_buf *b, const char *s, size_t n) {
  if (!s)
    return;
  size_t need = b->len + 6 * n + 3;
  if (need > b->cap) {
    char *nd = realloc(b->data, need + 64);
    if (!nd)
      return;
    b->data = nd;
    b->cap = need + 64;
  }
  char *o = b->data + b->len;
  *o++ = '"';
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      *o++ = '\\';
      *o++ = (char)c;
    } else if (c < 0x20) {
      o += sprintf(o, "\\u%04x", c);
    } else
      *o++ = (char)c;
  }
  *o++ = '"';
  *o = '\0';
  b->len = (size_t)(o - b->data);
}

/* Appends word to the personal list at path unless it is there already,
 * by writing a new file and renaming it, so the list is never half-written. */
static int personal_add(const char *path, const char *word) {
  size_t wl = strlen(word);
  if (!wl || strchr(word, '\n') || strchr(word, '\r')) {
    cli_error("--add: '%s' is not a word", word);
    return EXIT_ERROR;
  }
  char *old = NULL;
  size_t olen = 0;
  if (access(path, F_OK) == 0) {
    if (cli_read_all(path, &old, &olen))
      return EXIT_ERROR;
  }
  for (size_t i = 0; old && i < olen;) {
    const char *nl = memchr(old + i, '\n', olen - i);
    size_t e = nl ? (size_t)(nl - old) : olen;
    size_t k = e - i;
    if (k && old[i + k - 1] == '\r')
      k--;
    if (k == wl && memcmp(old + i, word, wl) == 0) {
      free(old);
      return 0; /* already there */
    }
    i = e + 1;
  }
  cli_out o;
  int rc = cli_out_open(&o, path);
  if (rc) {
    free(old);
    return rc;
  }
  if (olen)
    rc = cli_out_write(&o, old, olen);
  if (!rc && olen && old[olen - 1] != '\n')
    rc = cli_out_write(&o, "\n", 1);
  if (!rc)
    rc = cli_out_write(&o, word, wl);
  if (!rc)
    rc = cli_out_write(&o, "\n", 1);
  free(old);
  if (rc) {
    cli_out_abort(&o);
    return rc;
  }
  return cli_out_commit(&o);
}

/* ------------------------------------------------------- ispell protocol */

typedef struct pipe_sink {
  cli_out *out;
  int terse;
  size_t shift; /* 1 when the line had a leading '^' */
  int err;
  tl_buf tmp;
} pipe_sink;

static void pput(pipe_sink *p, const char *s, size_t n) {
  if (!p->err)
    p->err = cli_out_write(p->out, s, n);
}

static void on_pipe_word(void *user, const tl_spell_word *w) {
  pipe_sink *p = user;
  if (w->ok) {
    if (!p->terse)
      pput(p, "*\n", 2);
    return;
  }
  char num[64];
  size_t off = w->column - 1 + p->shift;
  if (w->n_suggestions == 0) {
    pput(p, "# ", 2);
    pput(p, w->word, w->len);
    snprintf(num, sizeof num, " %zu\n", off);
    pput(p, num, strlen(num));
    return;
  }
  pput(p, "& ", 2);
  pput(p, w->word, w->len);
  snprintf(num, sizeof num, " %zu %zu:", w->n_suggestions, off);
  pput(p, num, strlen(num));
  for (size_t i = 0; i < w->n_suggestions; i++) {
    pput(p, i ? ", " : " ", i ? 2 : 1);
    pput(p, w->suggestions[i], strlen(w->suggestions[i]));
  }
  pput(p, "\n", 1);
}

static int run_pipe(tl_ctx *ctx, tl_speller *sp, cli_out *out,
                    const char *personal) {
  pipe_sink p = {out, 0, 0, 0, TL_BUF_INIT};
  char banner[128];
  snprintf(banner, sizeof banner,
           "@(#) International Ispell Version 3.2.06 (but really translit %s)\n",
           tl_version());
  pput(&p, banner, strlen(banner));
  char *line = NULL;
  size_t cap = 0, lineno = 0;
  ssize_t n;
  int rc = 0;
  while (!p.err && (n = getline(&line, &cap, stdin)) >= 0) {
    lineno++;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
      line[--n] = '\0';
    const char *text = line;
    size_t len = (size_t)n;
    p.shift = 0;
    switch (n ? line[0] : 0) {
    case '!': p.terse = 1; continue;
    case '%': p.terse = 0; continue;
    case '*': case '&': case '@': {
      /* Accept the word for this session; '*' and '&' also mark it for the
       * personal list ('#' saves it). '&' adds it in lower case as ispell. */
      tl_status st = tl_speller_add(ctx, sp, line + 1, len - 1);
      if (st) {
        rc = cli_lib_error("<stdin>", st, ctx);
        goto done;
      }
      if (line[0] != '@' && personal && n > 1)
        if (!p.tmp.data || !strstr(p.tmp.data, line + 1)) {
          size_t need = p.tmp.len + len + 2;
          char *nd = realloc(p.tmp.data, need);
          if (nd) {
            memcpy(nd + p.tmp.len, line + 1, len - 1);
            p.tmp.len += len - 1;
            nd[p.tmp.len++] = '\n';
            nd[p.tmp.len] = '\0';
            p.tmp.data = nd;
            p.tmp.cap = need;
          }
        }
      continue;
    }
    case '#': {
      /* Save the words added with '*' / '&' to the personal list. */
      for (char *w = p.tmp.data; w && *w;) {
        char *nl = strchr(w, '\n');
        *nl = '\0';
        if ((rc = personal_add(personal, w)))
          goto done;
        w = nl + 1;
      }
      tl_buf_clear(&p.tmp);
      continue;
    }
    case '+': case '-':
      continue; /* TeX / nroff mode switches: nothing to do for plain text */
    case '^':
      text++, len--, p.shift = 1;
      break;
    default:
      break;
    }
    tl_status st = tl_speller_check(ctx, sp, text, len, on_pipe_word, &p);
    if (st) {
      size_t l = 0, c = 0;
      tl_ctx_error_position(ctx, &l, &c);
      cli_error_at("<stdin>", lineno, c + p.shift, "%s", tl_ctx_message(ctx));
      rc = EXIT_ERROR;
      goto done;
    }
    pput(&p, "\n", 1);
    if (!p.err)
      p.err = fflush(out->fp) != 0 ? EXIT_ERROR : 0;
  }
  if (!p.err && ferror(stdin)) {
    cli_error("<stdin>: read error");
    rc = EXIT_ERROR;
  }
done:
  free(line);
  free(p.tmp.data);
  return rc ? rc : p.err;
}

/* --------------------------------------------------------------- command */

int cmd_spell(int argc, char **argv) {
  enum { O_JSON = 256, O_HTML, O_MD, O_CAPS, O_PERSONAL, O_ADD, O_NONEWS,
         O_DICTDIR, O_CACHEDIR, O_NOSUGG };
  static const struct option longopts[] = {
      {"lang", required_argument, 0, 'L'},
      {"list", no_argument, 0, 'l'},
      {"json", no_argument, 0, O_JSON},
      {"pipe", no_argument, 0, 'a'},
      {"html", no_argument, 0, O_HTML},
      {"markdown", no_argument, 0, O_MD},
      {"check-caps", no_argument, 0, O_CAPS},
      {"personal", required_argument, 0, O_PERSONAL},
      {"add", required_argument, 0, O_ADD},
      {"no-newsroom", no_argument, 0, O_NONEWS},
      {"no-suggest", no_argument, 0, O_NOSUGG},
      {"dict-dir", required_argument, 0, O_DICTDIR},
      {"cache-dir", required_argument, 0, O_CACHEDIR},
      {"output", required_argument, 0, 'o'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  tl_speller_options opts;
  tl_speller_options_init(&opts);
  const char **personal = calloc((size_t)argc + 1, sizeof *personal);
  const char **adds = calloc((size_t)argc + 1, sizeof *adds);
  size_t n_personal = 0, n_adds = 0;
  int fmt = FMT_HUMAN, pipe_mode = 0, c, rc = 0;
  const char *output = NULL;
  if (!personal || !adds) {
    cli_error("out of memory");
    free(personal);
    free(adds);
    return EXIT_ERROR;
  }
  optind = 1;
  while ((c = getopt_long(argc, argv, "L:laho:", longopts, NULL)) != -1) {
    switch (c) {
    case 'L':
      if (tl_lang_parse(&opts.lang, optarg) != TL_OK ||
          opts.lang == TL_LANG_RU_LATN || opts.lang == TL_LANG_MIXED) {
        cli_error("no spelling dictionary for '%s' (use uz-Latn, uz-Cyrl, ru, en or auto)",
                  optarg);
        rc = EXIT_ERROR;
      }
      break;
    case 'l': fmt = FMT_LIST; break;
    case O_JSON: fmt = FMT_JSON; break;
    case 'a': pipe_mode = 1; break;
    case O_HTML: opts.flags |= TL_SPELL_HTML; break;
    case O_MD: opts.flags |= TL_SPELL_MARKDOWN; break;
    case O_CAPS: opts.flags |= TL_SPELL_CHECK_CAPS; break;
    case O_PERSONAL: personal[n_personal++] = optarg; break;
    case O_ADD: adds[n_adds++] = optarg; break;
    case O_NONEWS: opts.flags |= TL_SPELL_NO_NEWSROOM; break;
    case O_NOSUGG: opts.flags |= TL_SPELL_NO_SUGGEST; break;
    case O_DICTDIR: opts.dict_dir = optarg; break;
    case O_CACHEDIR: opts.cache_dir = optarg; break;
    case 'o': output = optarg; break;
    case 'h':
      usage(stdout);
      free(personal);
      free(adds);
      return EXIT_OK;
    default:
      rc = EXIT_ERROR;
      fputs("Try 'translit spell --help'.\n", stderr);
      break;
    }
    if (rc) {
      free(personal);
      free(adds);
      return rc;
    }
  }
  if (n_adds && !n_personal) {
    cli_error("--add needs --personal FILE (the list to add the word to)");
    free(personal);
    free(adds);
    return EXIT_ERROR;
  }
  for (size_t i = 0; i < n_adds && !rc; i++)
    rc = personal_add(personal[0], adds[i]);
  if (rc || (n_adds && optind >= argc && !pipe_mode)) {
    free(personal);
    free(adds);
    return rc;
  }
  if (fmt == FMT_LIST && !pipe_mode)
    opts.flags |= TL_SPELL_NO_SUGGEST;
  if (pipe_mode)
    opts.flags |= TL_SPELL_ALL_WORDS;
  opts.personal_files = personal;
  opts.n_personal_files = n_personal;

  tl_ctx *ctx = NULL;
  tl_speller *sp = NULL;
  if (tl_ctx_new(&ctx) != TL_OK) {
    cli_error("out of memory");
    free(personal);
    free(adds);
    return EXIT_ERROR;
  }
  tl_status st = tl_speller_new(ctx, &opts, &sp);
  if (st) {
    /* A bad personal list is named in the message (FILE:LINE:COL). */
    cli_lib_error(NULL, st, ctx);
    tl_ctx_free(ctx);
    free(personal);
    free(adds);
    return EXIT_ERROR;
  }
  cli_out out;
  rc = cli_out_open(&out, output);
  size_t found = 0;
  if (!rc && pipe_mode) {
    rc = run_pipe(ctx, sp, &out, n_personal ? personal[0] : NULL);
  } else if (!rc) {
    sink k = {&out, NULL, fmt, 0, 0, TL_BUF_INIT};
    for (int i = optind >= argc ? argc - 1 : optind; !rc && i < argc; i++) {
      const char *path = optind >= argc ? NULL : argv[i];
      char *text;
      size_t len;
      if ((rc = cli_read_all(path, &text, &len)))
        break;
      k.file = cli_in_name(path);
      st = tl_speller_check(ctx, sp, text, len, on_word, &k);
      free(text);
      if (st)
        rc = cli_lib_error(k.file, st, ctx);
      else if (k.err)
        rc = k.err;
    }
    found = k.count;
    tl_buf_free(&k.line);
  }
  if (!rc)
    rc = cli_out_commit(&out);
  else
    cli_out_abort(&out);
#if TL_CLI_FREE_SPELLER
  tl_speller_free(sp);
#else
  /* The process ends here, and the kernel takes the dictionaries back at
   * once, where hunspell's destructors walk every entry: 40-90 ms of CPU
   * for ru_RU (checking 0.5 MB of Russian news takes 130 ms). (Sanitizer
   * builds free it, so that their leak check still covers everything.) */
  (void)sp;
#endif
  tl_ctx_free(ctx);
  free(personal);
  free(adds);
  if (!rc && found)
    rc = EXIT_FINDINGS;
  return rc;
}
