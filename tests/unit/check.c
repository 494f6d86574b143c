/* check.c: see check.h. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>

int check_failures = 0;
int check_count = 0;

void check_fail(const char *file, int line, const char *what, const char *expected,
                const char *actual) {
  check_failures++;
  fprintf(stderr, "%s:%d: FAILED %s\n  expected: %s\n  actual:   %s\n", file, line,
          what, expected, actual);
}

int check_done(void) {
  printf("%d checks, %d failed\n", check_count, check_failures);
  return check_failures > 100 ? 100 : check_failures;
}

char *check_read_file(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(fp);
  if (b) {
    b[n] = '\0';
    if (len)
      *len = (size_t)n;
  }
  return b;
}

static const char *join(char *buf, size_t size, const char *env, const char *dflt,
                        const char *rel) {
  const char *root = getenv(env);
  snprintf(buf, size, "%s/%s", root ? root : dflt, rel);
  return buf;
}

const char *check_src_path(const char *rel) {
  static char buf[4096]; /* test programs are single-threaded */
  return join(buf, sizeof buf, "TL_SOURCE_DIR", ".", rel);
}

const char *check_shared_path(const char *rel) {
  static char buf[4096];
  return join(buf, sizeof buf, "TL_SHARED_DATA", "../shared/data", rel);
}
