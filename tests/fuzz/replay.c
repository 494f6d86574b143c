/* replay.c: a plain main() for the fuzz targets, so that each also builds
 * with gcc (without libFuzzer) and CTest replays its corpus on every run:
 * every regular file under the given files or folders is fed to
 * LLVMFuzzerTestOneInput once, in name order. Exit 0 when all ran. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

/* Targets that need no setup do not define LLVMFuzzerInitialize. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int run_file(const char *path, size_t *count) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *data = malloc(cap);
  size_t got;
  while (data && (got = fread(data + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) {
      uint8_t *bigger = realloc(data, cap *= 2);
      if (!bigger) { free(data); data = NULL; }
      else data = bigger;
    }
  }
  int err = ferror(f);
  fclose(f);
  if (!data || err) {
    fprintf(stderr, "replay: %s: cannot read\n", path);
    free(data);
    return -1;
  }
  /* A copy of exactly len bytes, so that ASan sees reads past the end. */
  uint8_t *exact = malloc(len ? len : 1);
  if (!exact) { free(data); return -1; }
  memcpy(exact, data, len);
  free(data);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  (*count)++;
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, size_t *count) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode))
    return run_file(path, count);
  DIR *d = opendir(path);
  if (!d) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      char **bigger = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
      if (!bigger) { rc = -1; break; }
      names = bigger;
    }
    size_t pl = strlen(path) + strlen(e->d_name) + 2;
    if (!(names[n] = malloc(pl))) { rc = -1; break; }
    snprintf(names[n++], pl, "%s/%s", path, e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    if (rc == 0 && run_path(names[i], count) != 0) rc = -1;
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  size_t count = 0;
  for (int i = 1; i < argc; i++)
    if (run_path(argv[i], &count) != 0) return 2;
  if (count == 0) {
    /* An empty corpus would make the test pass without testing anything. */
    fprintf(stderr, "replay: no input files in the corpus\n");
    return 2;
  }
  printf("replay: %zu inputs, no property violated\n", count);
  return 0;
}
