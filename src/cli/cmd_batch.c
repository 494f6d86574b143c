/* cmd_batch.c: `translit batch`: converts a folder tree, a tar/zip archive
 * or a JSON Lines dump with tl_batch_run, showing progress on a terminal,
 * a summary at the end, and a per-file JSON report on request. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *fp) {
  fputs("Usage: translit batch -t TO [OPTIONS] SRC DST\n"
        "\n"
        "Converts a whole archive in parallel. SRC is a folder, a .tar, .tar.gz,\n"
        ".tgz, .tar.bz2, .tar.xz or .zip archive, a .jsonl file, or - (JSON Lines\n"
        "on stdin). DST mirrors it: a folder, an archive (by its extension), a\n"
        ".jsonl file, or - (stdout). .txt and .md files are converted as text,\n"
        ".html/.htm in markup mode, .json/.jsonl only in the --field fields;\n"
        "other files are copied. CP1251, KOI8-R and UTF-16 come out as UTF-8.\n"
        "A manifest in DST makes a rerun convert only what is missing or changed.\n"
        "\n"
        "Conversion (as in `translit convert`):\n"
        "  -f, --from LANG        uz-Cyrl, uz-Latn, ru, ru-Latn or auto (default)\n"
        "  -t, --to LANG          uz-Latn (default), uz-Cyrl, ru-Latn, ru\n"
        "      --scheme NAME      romanization scheme for ru <-> ru-Latn\n"
        "      --scheme-file FILE one more scheme table\n"
        "      --apostrophe STYLE modern (default), ascii, typographic\n"
        "      --html             text files and JSON fields hold HTML\n"
        "      --markdown         text files and JSON fields hold Markdown\n"
        "      --dict FILE        a site's exception lexicon (repeatable)\n"
        "      --system-dict FILE hunspell-uz word list\n"
        "      --no-system-dict   only the lexicons and the rules\n"
        "      --replace          invalid UTF-8 -> U+FFFD instead of a failure\n"
        "Batch:\n"
        "      --field LIST       JSON fields to convert: title,body,lead.text\n"
        "                         (dotted paths; * = any key; arrays traversed)\n"
        "      --type TYPE        treat every file as txt, md, html, json, jsonl\n"
        "                         or other (default: by extension)\n"
        "      --encoding ENC     source encoding (default auto: UTF-8, CP1251,\n"
        "                         KOI8-R, UTF-16 with BOM)\n"
        "      --normalize        normalize each text in the same pass\n"
        "      --skip-other       skip files that are not converted (default: copy)\n"
        "  -j, --jobs N           worker threads (default: one per core)\n"
        "      --shard K/N        only the files of shard K of N (stable hash of\n"
        "                         the relative path), for several hosts\n"
        "      --force            ignore the manifest and redo every file\n"
        "      --report FILE      write a JSON report of every file to FILE\n"
        "  -q, --quiet            no progress line and no summary\n"
        "  -h, --help             this help\n"
        "\n"
        "Exit status: 0 all done, 1 some files failed (see the messages or the\n"
        "report; the others are done), 2 the run stopped (e.g. disk full).\n"
        "\n"
        "Examples:\n"
        "  translit batch -t uz-Latn archive/ archive-latn/\n"
        "  translit batch -t uz-Latn --report r.json site-2009.tar.gz latn-2009.tar.gz\n"
        "  translit batch -t uz-Latn --field title,lead,body dump.jsonl latn.jsonl\n"
        "  parallel --pipe --keep-order translit batch -t uz-Latn --field title,body \\\n"
        "      -q - - < dump.jsonl > latn.jsonl\n",
        fp);
}

/* ------------------------------------------------------------ the report */

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static int utf8_len(const unsigned char *p) {
  int n = p[0] < 0xC2 ? 0 : p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : p[0] < 0xF5 ? 4 : 0;
  for (int i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80)
      return 0;
  if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
      (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
    return 0;
  return n;
}

/* Writes s as a JSON string. A file name in a legacy encoding is not
 * UTF-8: its bad bytes become U+FFFD so that the report stays JSON. */
static void json_str(tl_buf *b, FILE *fp, const char *s) {
  (void)b;
  fputc('"', fp);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p >= 0x80) {
      int n = utf8_len(p);
      if (n) {
        fwrite(p, 1, (size_t)n, fp);
        p += n - 1;
      } else {
        fputs("\\ufffd", fp); /* JSON escape of U+FFFD */
      }
    } else if (*p == '"' || *p == '\\')
      fprintf(fp, "\\%c", *p);
    else if (*p == '\n')
      fputs("\\n", fp);
    else if (*p == '\t')
      fputs("\\t", fp);
    else if (*p < 0x20)
      fprintf(fp, "\\u%04x", *p);
    else
      fputc(*p, fp);
  }
  fputc('"', fp);
}

static const char *action_name(tl_batch_action a) {
  static const char *const n[] = {"converted", "copied", "skipped", "unchanged", "failed"};
  return (unsigned)a < TL_BATCH_N_ACTIONS ? n[a] : "?";
}

typedef struct run_state {
  const char *src;
  int progress;   /* a live line on stderr */
  int line_shown; /* the progress line is on screen */
  FILE *report;   /* a temporary memory stream of report entries */
  char *report_buf;
  size_t report_len;
  size_t report_n;
  struct rep_ent { char *path; size_t line, off, len; } *ents; /* to sort */
  size_t ents_cap;
  int oom;
} run_state;

static int cmp_ent(const void *a, const void *b) {
  const struct rep_ent *x = a, *y = b;
  int c = strcmp(x->path, y->path);
  return c ? c : (x->line > y->line) - (x->line < y->line);
}

static void clear_line(run_state *rs) {
  if (rs->line_shown) {
    fputs("\r\033[K", stderr);
    rs->line_shown = 0;
  }
}

static void on_file(void *user, const tl_batch_file *f) {
  run_state *rs = user;
  if (f->action == TL_BATCH_FAILED) {
    clear_line(rs);
    /* Messages carry "LINE:COL: cause" when the position is known. */
    if (f->line)
      fprintf(stderr, "translit: %s:%zu: %s\n", f->path, f->line, f->message);
    else if (strcmp(rs->src, "-") == 0)
      fprintf(stderr, "translit: %s: %s\n", f->path, f->message);
    else
      fprintf(stderr, "translit: %s/%s:%s%s\n", rs->src, f->path,
              f->message[0] >= '0' && f->message[0] <= '9' ? "" : " ", f->message);
  }
  if (!rs->report)
    return;
  /* A JSONL source lists only its failed records, not every line. */
  if (f->line == 0 && strcmp(f->path, rs->src) == 0 && f->action != TL_BATCH_FAILED)
    return;
  FILE *fp = rs->report;
  if (rs->report_n == rs->ents_cap) {
    size_t cap = rs->ents_cap ? rs->ents_cap * 2 : 256;
    struct rep_ent *e = realloc(rs->ents, cap * sizeof *e);
    if (!e) {
      rs->oom = 1;
      return;
    }
    rs->ents = e, rs->ents_cap = cap;
  }
  struct rep_ent *ent = &rs->ents[rs->report_n];
  fflush(fp);
  ent->off = rs->report_len;
  ent->line = f->line;
  if (!(ent->path = strdup(f->path))) {
    rs->oom = 1;
    return;
  }
  rs->report_n++;
  fputc('{', fp);
  fputs("\"path\": ", fp);
  json_str(NULL, fp, f->path);
  if (f->line)
    fprintf(fp, ", \"line\": %zu", f->line);
  fprintf(fp, ", \"action\": \"%s\", \"type\": \"%s\"", action_name(f->action),
          tl_doc_type_name(f->type));
  if (f->encoding && *f->encoding) {
    fputs(", \"encoding\": ", fp);
    json_str(NULL, fp, f->encoding);
  }
  fprintf(fp, ", \"in_bytes\": %llu, \"out_bytes\": %llu", f->in_bytes, f->out_bytes);
  if (f->action == TL_BATCH_FAILED || (f->message && *f->message)) {
    fputs(", \"error\": ", fp);
    json_str(NULL, fp, f->message);
    if (f->status)
      fprintf(fp, ", \"status\": \"%s\"", tl_status_name(f->status));
  }
  fputc('}', fp);
  fflush(fp);
  ent->len = rs->report_len - ent->off;
}

static void fmt_eta(char *b, size_t n, double s) {
  if (s < 0 || s > 360000)
    snprintf(b, n, "--:--");
  else if (s >= 3600)
    snprintf(b, n, "%d:%02d:%02d", (int)s / 3600, (int)s / 60 % 60, (int)s % 60);
  else
    snprintf(b, n, "%d:%02d", (int)s / 60, (int)s % 60);
}

static void on_progress(void *user, const tl_batch_stats *s) {
  run_state *rs = user;
  if (!rs->progress)
    return;
  unsigned long long files = 0;
  for (int i = 0; i < TL_BATCH_N_ACTIONS; i++)
    files += s->files[i];
  double mb = (double)s->in_bytes / 1e6;
  double rate = s->seconds > 0 ? mb / s->seconds : 0;
  char eta[32];
  fmt_eta(eta, sizeof eta,
          s->fraction > 0.001 ? s->seconds * (1 - s->fraction) / s->fraction : -1);
  char tot[32] = "";
  if (s->files_total)
    snprintf(tot, sizeof tot, "/%llu", s->files_total);
  fprintf(stderr, "\r\033[K%llu%s files  %.1f MB  %.1f MB/s  ", files, tot, mb, rate);
  if (s->fraction >= 0)
    fprintf(stderr, "%3.0f%%  ETA %s", s->fraction * 100, eta);
  rs->line_shown = 1;
}

static int write_report(const char *path, run_state *rs, const char *src,
                        const char *dst, const tl_batch_stats *s, tl_status st,
                        const char *fatal) {
  fclose(rs->report);
  rs->report = NULL;
  if (rs->oom) {
    cli_error("%s: out of memory", path);
    return EXIT_ERROR;
  }
  /* Sorted by path, so that two runs give comparable reports. */
  if (rs->report_n)
    qsort(rs->ents, rs->report_n, sizeof *rs->ents, cmp_ent);
  cli_out out;
  if (cli_out_open(&out, path))
    return EXIT_ERROR;
  FILE *fp = out.fp;
  fputs("{\n  \"source\": ", fp);
  json_str(NULL, fp, src);
  fputs(",\n  \"destination\": ", fp);
  json_str(NULL, fp, dst);
  fprintf(fp, ",\n  \"status\": \"%s\"", st ? "stopped" : s->files[TL_BATCH_FAILED] ? "failures" : "ok");
  if (st) {
    fputs(",\n  \"error\": ", fp);
    json_str(NULL, fp, fatal);
  }
  fprintf(fp, ",\n  \"summary\": {\"converted\": %llu, \"copied\": %llu, \"skipped\": %llu, "
              "\"unchanged\": %llu, \"failed\": %llu, \"in_bytes\": %llu, \"out_bytes\": %llu, "
              "\"seconds\": %.3f, \"jobs\": %u}",
          s->files[TL_BATCH_CONVERTED], s->files[TL_BATCH_COPIED], s->files[TL_BATCH_SKIPPED],
          s->files[TL_BATCH_UNCHANGED], s->files[TL_BATCH_FAILED], s->in_bytes, s->out_bytes,
          s->seconds, s->jobs);
  fputs(",\n  \"files\": [", fp);
  for (size_t i = 0; i < rs->report_n; i++) {
    fputs(i ? ",\n    " : "\n    ", fp);
    fwrite(rs->report_buf + rs->ents[i].off, 1, rs->ents[i].len, fp);
  }
  fputs(rs->report_n ? "\n  ]\n}\n" : "]\n}\n", fp);
  if (ferror(fp)) {
    cli_out_abort(&out);
    cli_error("%s: write error", path);
    return EXIT_ERROR;
  }
  return cli_out_commit(&out);
}

int cmd_batch(int argc, char **argv) {
  enum { O_SCHEME = 256, O_SCHEME_FILE, O_APOS, O_HTML, O_MD, O_DICT, O_SYSDICT,
         O_NOSYSDICT, O_REPLACE, O_NORMALIZE, O_TYPE, O_FIELD, O_ENCODING,
         O_SKIP_OTHER, O_REPORT, O_FORCE, O_SHARD };
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
      {"replace", no_argument, 0, O_REPLACE},
      {"normalize", no_argument, 0, O_NORMALIZE},
      {"type", required_argument, 0, O_TYPE},
      {"field", required_argument, 0, O_FIELD},
      {"fields", required_argument, 0, O_FIELD},
      {"encoding", required_argument, 0, O_ENCODING},
      {"skip-other", no_argument, 0, O_SKIP_OTHER},
      {"jobs", required_argument, 0, 'j'},
      {"quiet", no_argument, 0, 'q'},
      {"report", required_argument, 0, O_REPORT},
      {"force", no_argument, 0, O_FORCE},
      {"shard", required_argument, 0, O_SHARD},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  tl_batch_options bo;
  tl_batch_options_init(&bo);
  tl_convert_options *opts = &bo.convert;
  const char **dicts = calloc((size_t)argc + 1, sizeof *dicts);
  const char **fields = calloc((size_t)argc * 8 + 65, sizeof *fields);
  char *field_copy[64];
  size_t n_field_copy = 0;
  size_t n_dicts = 0, n_fields = 0;
  const char *report = NULL;
  int quiet = 0, to_set = 0, c, rc = EXIT_OK;
  if (!dicts || !fields) {
    cli_error("out of memory");
    free(dicts);
    free(fields);
    return EXIT_ERROR;
  }
  optind = 1;
  while (rc == EXIT_OK && (c = getopt_long(argc, argv, "f:t:j:qh", longopts, NULL)) != -1) {
    switch (c) {
    case 'f':
    case 't': {
      tl_lang l;
      if (tl_lang_parse(&l, optarg) != TL_OK) {
        cli_error("unknown language '%s' (use uz-Latn, uz-Cyrl, ru, ru-Latn%s)", optarg,
                  c == 'f' ? " or auto" : "");
        rc = EXIT_ERROR;
      } else if (c == 'f') {
        opts->from = l;
      } else {
        opts->to = l, to_set = 1;
      }
      break;
    }
    case O_SCHEME: opts->scheme = optarg; break;
    case O_SCHEME_FILE: opts->scheme_file = optarg; break;
    case O_APOS:
      if (strcmp(optarg, "modern") == 0)
        opts->apostrophe = TL_APOS_MODERN;
      else if (strcmp(optarg, "ascii") == 0)
        opts->apostrophe = TL_APOS_ASCII;
      else if (strcmp(optarg, "typographic") == 0)
        opts->apostrophe = TL_APOS_TYPOGRAPHIC;
      else {
        cli_error("unknown apostrophe style '%s' (modern, ascii, typographic)", optarg);
        rc = EXIT_ERROR;
      }
      break;
    case O_HTML: opts->flags |= TL_CONVERT_HTML; break;
    case O_MD: opts->flags |= TL_CONVERT_MARKDOWN; break;
    case O_DICT: dicts[n_dicts++] = optarg; break;
    case O_SYSDICT: opts->system_dict = optarg; break;
    case O_NOSYSDICT: opts->flags |= TL_CONVERT_NO_SYSDICT; break;
    case O_REPLACE: opts->flags |= TL_CONVERT_REPLACE; break;
    case O_NORMALIZE: bo.flags |= TL_BATCH_NORMALIZE; break;
    case O_SKIP_OTHER: bo.flags |= TL_BATCH_SKIP_OTHER; break;
    case O_FORCE: bo.flags |= TL_BATCH_FORCE; break;
    case O_ENCODING: bo.encoding = optarg; break;
    case O_REPORT: report = optarg; break;
    case 'q': quiet = 1; break;
    case O_TYPE:
      if (tl_doc_type_parse(&bo.type, optarg) != TL_OK) {
        cli_error("unknown type '%s' (txt, md, html, json, jsonl, other, auto)", optarg);
        rc = EXIT_ERROR;
      }
      break;
    case O_FIELD: {
      if (n_field_copy == 64) {
        cli_error("too many --field options");
        rc = EXIT_ERROR;
        break;
      }
      char *copy = strdup(optarg);
      if (!copy) {
        cli_error("out of memory");
        rc = EXIT_ERROR;
        break;
      }
      field_copy[n_field_copy++] = copy;
      for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
           tok = strtok_r(NULL, ",", &save))
        if (*tok && n_fields < (size_t)argc * 8 + 64)
          fields[n_fields++] = tok;
      break;
    }
    case 'j': {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end || n < 1 || n > 256) {
        cli_error("-j %s: the number of jobs must be 1..256", optarg);
        rc = EXIT_ERROR;
      } else {
        bo.jobs = (unsigned)n;
      }
      break;
    }
    case O_SHARD: {
      unsigned k, n;
      char extra;
      if (sscanf(optarg, "%u/%u%c", &k, &n, &extra) != 2 || n < 1 || k < 1 || k > n) {
        cli_error("--shard %s: expected K/N with 1 <= K <= N, e.g. --shard 2/8", optarg);
        rc = EXIT_ERROR;
      } else {
        bo.shard_index = k, bo.shard_count = n;
      }
      break;
    }
    case 'h':
      usage(stdout);
      rc = -1;
      break;
    default:
      fputs("Try 'translit batch --help'.\n", stderr);
      rc = EXIT_ERROR;
    }
  }
  if (rc == EXIT_OK && argc - optind != 2) {
    cli_error("batch needs SRC and DST (see translit batch --help)");
    rc = EXIT_ERROR;
  }
  if (rc != EXIT_OK) {
    for (size_t i = 0; i < n_field_copy; i++)
      free(field_copy[i]);
    free(dicts);
    free(fields);
    return rc < 0 ? EXIT_OK : rc;
  }
  if (!to_set && (opts->scheme || opts->scheme_file))
    opts->to = opts->from == TL_LANG_RU_LATN ? TL_LANG_RU : TL_LANG_RU_LATN;
  opts->dict_files = dicts;
  opts->n_dict_files = n_dicts;
  bo.fields = fields;
  bo.n_fields = n_fields;
  const char *src = argv[optind], *dst = argv[optind + 1];

  run_state rs;
  memset(&rs, 0, sizeof rs);
  rs.src = strcmp(src, "-") == 0 ? "<stdin>" : src;
  rs.progress = !quiet && isatty(2);
  if (report && !(rs.report = open_memstream(&rs.report_buf, &rs.report_len))) {
    cli_error("out of memory");
    rc = EXIT_ERROR;
  }
  bo.on_file = on_file;
  bo.on_progress = on_progress;
  bo.user = &rs;
  tl_ctx *ctx = NULL;
  if (!rc && tl_ctx_new(&ctx) != TL_OK) {
    cli_error("out of memory");
    rc = EXIT_ERROR;
  }
  tl_batch_stats s;
  memset(&s, 0, sizeof s);
  tl_status st = TL_OK;
  if (!rc) {
    st = tl_batch_run(ctx, &bo, src, dst, &s);
    clear_line(&rs);
    if (st) {
      cli_lib_error(NULL, st, ctx);
      if (s.files[TL_BATCH_CONVERTED] + s.files[TL_BATCH_COPIED])
        cli_error("the files finished before the error are complete; rerun to go on");
      rc = EXIT_ERROR;
    } else if (s.files[TL_BATCH_FAILED]) {
      rc = EXIT_FINDINGS;
    }
    if (s.restarted && !quiet)
      cli_error("note: %s was made with other options; everything was converted again",
                dst);
    unsigned long long seen = 0;
    for (int i = 0; i < TL_BATCH_N_ACTIONS; i++)
      seen += s.files[i];
    if (!quiet && (!st || seen)) {
      double mb = (double)s.in_bytes / 1e6;
      fprintf(stderr,
              "translit: batch: %llu converted, %llu copied, %llu skipped, %llu unchanged, "
              "%llu failed; %.1f MB in, %.1f MB out; %.2f s (%.1f MB/s, %u jobs)\n",
              s.files[TL_BATCH_CONVERTED], s.files[TL_BATCH_COPIED],
              s.files[TL_BATCH_SKIPPED], s.files[TL_BATCH_UNCHANGED],
              s.files[TL_BATCH_FAILED], mb, (double)s.out_bytes / 1e6, s.seconds,
              s.seconds > 0 ? mb / s.seconds : 0.0, s.jobs);
    }
  }
  if (rs.report) {
    int r2 = rc == EXIT_ERROR && !st ? rc
                                     : write_report(report, &rs, src, dst, &s, st,
                                                    st ? tl_ctx_message(ctx) : "");
    if (r2 && !rc)
      rc = r2;
    if (rs.report)
      fclose(rs.report);
  }
  free(rs.report_buf);
  for (size_t i = 0; i < rs.report_n; i++)
    free(rs.ents[i].path);
  free(rs.ents);
  tl_ctx_free(ctx);
  for (size_t i = 0; i < n_field_copy; i++)
    free(field_copy[i]);
  free(dicts);
  free(fields);
  return rc;
}
