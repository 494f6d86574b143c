/* golden.c: runs the golden cases of one tests/data/ TSV file file through the
 * real translit command and compares the output. A case is a row
 *   id <TAB> options <TAB> input <TAB> expected [<TAB> exit status]
 * with \t \n \\ escapes in input and expected. Consecutive one-line cases
 * with the same options and exit status 0 run in one process, one case per
 * line, so that thousands of cases stay fast. Adding a case adds no code.
 * Usage: golden TRANSLIT FILE.tsv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct gcase {
  char *id, *opts, *input, *expected;
  int status;
  int lineno;
} gcase;

static const char *g_translit;
static const char *g_file;
static int g_failed, g_passed;

static char *unescape(const char *s) {
  char *o = malloc(strlen(s) + 1), *p = o;
  for (; *s; s++) {
    if (*s == '\\' && s[1]) {
      s++;
      *p++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'r' ? '\r' : *s;
    } else
      *p++ = *s;
  }
  *p = '\0';
  return o;
}

/* Replaces @SRC@ by $TL_SOURCE_DIR and @SHARED@ by $TL_SHARED_DATA. */
static char *expand(const char *s) {
  const char *src = getenv("TL_SOURCE_DIR"), *shared = getenv("TL_SHARED_DATA");
  if (!src)
    src = ".";
  if (!shared)
    shared = "../shared/data";
  size_t cap = strlen(s) + 1 + 4 * (strlen(src) + strlen(shared));
  char *o = malloc(cap), *p = o;
  while (*s) {
    if (strncmp(s, "@SRC@", 5) == 0)
      p += sprintf(p, "%s", src), s += 5;
    else if (strncmp(s, "@SHARED@", 8) == 0)
      p += sprintf(p, "%s", shared), s += 8;
    else
      *p++ = *s++;
  }
  *p = '\0';
  return o;
}

/* Runs translit with the options (split at spaces) on input; returns its
 * exit status and its stdout in *out (malloc'd). */
static int run(const char *opts, const char *input, size_t in_len, char **out) {
  char in_path[] = "/tmp/tl-golden-in-XXXXXX";
  char out_path[] = "/tmp/tl-golden-out-XXXXXX";
  int in_fd = mkstemp(in_path), out_fd = mkstemp(out_path);
  if (in_fd < 0 || out_fd < 0 || write(in_fd, input, in_len) != (ssize_t)in_len) {
    perror("golden: temp file");
    exit(2);
  }
  char *copy = expand(opts);
  char *argv[128];
  int argc = 0;
  argv[argc++] = (char *)g_translit;
  for (char *tok = strtok(copy, " "); tok && argc < 126; tok = strtok(NULL, " "))
    argv[argc++] = tok;
  argv[argc] = NULL;
  pid_t pid = fork();
  if (pid == 0) {
    lseek(in_fd, 0, SEEK_SET);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    execv(g_translit, argv);
    _exit(127);
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  free(copy);
  off_t n = lseek(out_fd, 0, SEEK_END);
  *out = malloc((size_t)n + 1);
  lseek(out_fd, 0, SEEK_SET);
  ssize_t got = read(out_fd, *out, (size_t)n);
  (*out)[got < 0 ? 0 : got] = '\0';
  close(in_fd);
  close(out_fd);
  unlink(in_path);
  unlink(out_path);
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128;
}

static void report(const gcase *c, const char *actual, int status) {
  if (strcmp(c->expected, actual) == 0 && status == c->status) {
    g_passed++;
    return;
  }
  g_failed++;
  fprintf(stderr,
          "%s:%d: case %s FAILED (translit %s)\n  input:    %s\n  expected: %s\n"
          "  actual:   %s\n",
          g_file, c->lineno, c->id, c->opts, c->input, c->expected, actual);
  if (status != c->status)
    fprintf(stderr, "  exit status: expected %d, got %d\n", c->status, status);
}

static int one_line(const gcase *c) {
  return !strchr(c->input, '\n') && !strchr(c->expected, '\n') && c->status == 0;
}

/* Runs cases[0..n), all one-line with the same options, in one process. */
static void run_group(gcase *cases, size_t n) {
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    len += strlen(cases[i].input) + 1;
  char *input = malloc(len + 1), *p = input;
  for (size_t i = 0; i < n; i++)
    p += sprintf(p, "%s\n", cases[i].input);
  char *out;
  int status = run(cases[0].opts, input, len, &out);
  char *line = out;
  for (size_t i = 0; i < n; i++) {
    char *nl = line ? strchr(line, '\n') : NULL;
    if (nl)
      *nl = '\0';
    report(&cases[i], line ? line : "(no output line)", status);
    line = nl ? nl + 1 : NULL;
  }
  free(out);
  free(input);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: golden TRANSLIT FILE.tsv\n");
    return 2;
  }
  g_translit = argv[1];
  g_file = argv[2];
  FILE *fp = fopen(g_file, "r");
  if (!fp) {
    perror(g_file);
    return 2;
  }
  gcase *cases = NULL;
  size_t n = 0, cap = 0;
  char *line = NULL;
  size_t lcap = 0;
  ssize_t k;
  int lineno = 0;
  while ((k = getline(&line, &lcap, fp)) >= 0) {
    lineno++;
    while (k > 0 && (line[k - 1] == '\n' || line[k - 1] == '\r'))
      line[--k] = '\0';
    if (k == 0 || line[0] == '#' || strncmp(line, "id\t", 3) == 0)
      continue;
    char *f[5] = {0};
    int nf = 0;
    char *s = line;
    while (nf < 5) {
      f[nf++] = s;
      char *t = strchr(s, '\t');
      if (!t)
        break;
      *t = '\0';
      s = t + 1;
    }
    if (nf < 4) {
      fprintf(stderr, "%s:%d: expected id, options, input, expected\n", g_file, lineno);
      return 2;
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      cases = realloc(cases, cap * sizeof *cases);
    }
    cases[n++] = (gcase){strdup(f[0]), strdup(f[1]), unescape(f[2]), unescape(f[3]),
                         nf == 5 ? atoi(f[4]) : 0, lineno};
  }
  free(line);
  fclose(fp);
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    if (one_line(&cases[i]))
      while (j < n && one_line(&cases[j]) && strcmp(cases[j].opts, cases[i].opts) == 0)
        j++;
    if (j - i > 1 || one_line(&cases[i])) {
      run_group(cases + i, j - i);
    } else {
      char *out;
      int status = run(cases[i].opts, cases[i].input, strlen(cases[i].input), &out);
      report(&cases[i], out, status);
      free(out);
    }
    i = j;
  }
  for (size_t i = 0; i < n; i++) {
    free(cases[i].id);
    free(cases[i].opts);
    free(cases[i].input);
    free(cases[i].expected);
  }
  free(cases);
  printf("%s: %d passed, %d failed\n", g_file, g_passed, g_failed);
  return g_failed ? 1 : (g_passed ? 0 : 1);
}
