/* check.h: the few assertions the unit tests use. A failed check prints
 * the file, line, expression and both operands, and the test goes on; the
 * program's exit status is the number of failures (capped). */
#ifndef TL_CHECK_H
#define TL_CHECK_H

#include <stddef.h>
#include <string.h>

extern int check_failures;
extern int check_count;

void check_fail(const char *file, int line, const char *what, const char *expected,
                const char *actual);
int check_done(void); /* prints a summary; returns the exit status */
/* Reads a whole file into a malloc'd NUL-terminated buffer, or NULL. */
char *check_read_file(const char *path, size_t *len);
/* Path of a file under the source dir ($TL_SOURCE_DIR) or shared data. */
const char *check_src_path(const char *rel);
const char *check_shared_path(const char *rel);

#define CHECK(cond)                                                            \
  do {                                                                         \
    check_count++;                                                             \
    if (!(cond))                                                               \
      check_fail(__FILE__, __LINE__, #cond, "true", "false");                  \
  } while (0)

#define CHECK_STR(expected, actual)                                            \
  do {                                                                         \
    const char *e_ = (expected), *a_ = (actual);                               \
    check_count++;                                                             \
    if (!a_ || strcmp(e_, a_) != 0)                                            \
      check_fail(__FILE__, __LINE__, #actual, e_, a_ ? a_ : "(null)");         \
  } while (0)

#define CHECK_INT(expected, actual)                                            \
  do {                                                                         \
    long long e_ = (long long)(expected), a_ = (long long)(actual);            \
    check_count++;                                                             \
    if (e_ != a_) {                                                            \
      char eb_[32], ab_[32];                                                   \
      snprintf(eb_, sizeof eb_, "%lld", e_);                                   \
      snprintf(ab_, sizeof ab_, "%lld", a_);                                   \
      check_fail(__FILE__, __LINE__, #actual, eb_, ab_);                       \
    }                                                                          \
  } while (0)

#include <stdio.h>

#endif
