/* cli.c: the helpers of cli.h. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("translit: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

void cli_error_at(const char *file, size_t line, size_t col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "translit: %s:", file);
  if (line) {
    fprintf(stderr, "%zu:", line);
    if (col)
      fprintf(stderr, "%zu:", col);
  }
  fputc(' ', stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int cli_lib_error(const char *file, tl_status st, const tl_ctx *ctx) {
  const char *msg = ctx ? tl_ctx_message(ctx) : "";
  if (!*msg)
    msg = tl_strerror(st);
  size_t line = 0, col = 0;
  tl_ctx_error_position(ctx, &line, &col);
  if (file)
    cli_error_at(file, line, col, "%s", msg);
  else
    cli_error("%s", msg);
  return EXIT_ERROR;
}

int cli_out_open(cli_out *o, const char *path) {
  memset(o, 0, sizeof *o);
  if (!path || strcmp(path, "-") == 0) {
    o->fp = stdout;
    return 0;
  }
  o->path = path;
  size_t n = strlen(path);
  o->tmp = malloc(n + 16);
  if (!o->tmp) {
    cli_error("%s: out of memory", path);
    return EXIT_ERROR;
  }
  snprintf(o->tmp, n + 16, "%s.tmp.XXXXXX", path);
  int fd = mkstemp(o->tmp);
  if (fd < 0) {
    cli_error("%s: cannot create output: %s", path, strerror(errno));
    free(o->tmp);
    o->tmp = NULL;
    return EXIT_ERROR;
  }
  o->fp = fdopen(fd, "wb");
  if (!o->fp) {
    cli_error("%s: %s", path, strerror(errno));
    close(fd);
    unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    return EXIT_ERROR;
  }
  return 0;
}

int cli_out_write(cli_out *o, const char *s, size_t n) {
  if (n && fwrite(s, 1, n, o->fp) != n) {
    cli_error("%s: write error: %s", o->path ? o->path : "<stdout>", strerror(errno));
    return EXIT_ERROR;
  }
  if (o->unbuffered && fflush(o->fp) != 0) {
    cli_error("%s: write error: %s", o->path ? o->path : "<stdout>", strerror(errno));
    return EXIT_ERROR;
  }
  return 0;
}

int cli_out_commit(cli_out *o) {
  if (!o->path) {
    if (fflush(stdout) != 0 || ferror(stdout)) {
      cli_error("<stdout>: write error: %s", strerror(errno));
      return EXIT_ERROR;
    }
    return 0;
  }
  int bad = fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0;
  int err = errno;
  if (fclose(o->fp) != 0 && !bad)
    bad = 1, err = errno;
  o->fp = NULL;
  if (!bad && rename(o->tmp, o->path) != 0)
    bad = 1, err = errno;
  if (bad) {
    cli_error("%s: cannot write output: %s", o->path, strerror(err));
    unlink(o->tmp);
  }
  free(o->tmp);
  o->tmp = NULL;
  return bad ? EXIT_ERROR : 0;
}

void cli_out_abort(cli_out *o) {
  if (!o->path)
    return;
  if (o->fp)
    fclose(o->fp);
  o->fp = NULL;
  if (o->tmp) {
    unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
  }
}

const char *cli_in_name(const char *path) {
  return (!path || strcmp(path, "-") == 0) ? "<stdin>" : path;
}

FILE *cli_in_open(const char *path) {
  if (!path || strcmp(path, "-") == 0)
    return stdin;
  FILE *fp = fopen(path, "rb");
  if (!fp)
    cli_error("%s: cannot open: %s", path, strerror(errno));
  return fp;
}

int cli_read_all(const char *path, char **buf, size_t *len) {
  FILE *fp = cli_in_open(path);
  if (!fp)
    return EXIT_ERROR;
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  for (;;) {
    if (!b) {
      cli_error("%s: out of memory", cli_in_name(path));
      if (fp != stdin)
        fclose(fp);
      return EXIT_ERROR;
    }
    size_t k = fread(b + n, 1, cap - n - 1, fp);
    n += k;
    if (n + 1 < cap)
      break;
    cap *= 2;
    char *nb = realloc(b, cap);
    if (!nb)
      free(b);
    b = nb;
  }
  int err = ferror(fp);
  if (fp != stdin)
    fclose(fp);
  if (err) {
    cli_error("%s: read error", cli_in_name(path));
    free(b);
    return EXIT_ERROR;
  }
  b[n] = '\0';
  *buf = b;
  *len = n;
  return 0;
}

int cli_not_yet(const char *cmd, const char *issue) {
  cli_error("'%s' is not available yet (planned in issue %s)", cmd, issue);
  return EXIT_ERROR;
}
