/* cli.h: what the subcommands of the translit command share: the command
 * signature, error printing in the `translit: FILE:LINE:COL: message` form,
 * reading inputs (FILE arguments or stdin) and writing output atomically. */
#ifndef TL_CLI_H
#define TL_CLI_H

#include "translit.h"

#include <stdio.h>

/* Exit codes of every subcommand. */
enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_ERROR = 2 };

/* Each subcommand: argv[0] is its name; returns an exit code. */
typedef int (*cli_cmd_fn)(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_normalize(int argc, char **argv);
int cmd_detect(int argc, char **argv);
int cmd_spell(int argc, char **argv);
int cmd_align(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_list(int argc, char **argv);

/* "translit: message\n" on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* "translit: FILE:LINE:COL: message\n" (LINE/COL left out when 0). */
void cli_error_at(const char *file, size_t line, size_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Reports the library failure kept on ctx, located in file. Returns EXIT_ERROR. */
int cli_lib_error(const char *file, tl_status st, const tl_ctx *ctx);

/* An output: stdout, or FILE written to a temporary file in the same folder
 * and renamed into place by cli_out_commit, so that a failed run never
 * leaves a half-written file under the real name. */
typedef struct cli_out {
  FILE *fp;
  const char *path; /* NULL for stdout */
  char *tmp;
  int unbuffered;
} cli_out;
int cli_out_open(cli_out *o, const char *path); /* 0 ok, else EXIT_ERROR */
int cli_out_write(cli_out *o, const char *s, size_t n);
int cli_out_commit(cli_out *o);  /* flush, fsync, rename; EXIT_* */
void cli_out_abort(cli_out *o);  /* remove the temporary file */

/* Opens input path ("-" or NULL = stdin). Returns NULL with a message printed. */
FILE *cli_in_open(const char *path);
/* Display name of an input for messages. */
const char *cli_in_name(const char *path);

/* Reads a whole input into *buf (owned; free()). Returns 0 or EXIT_ERROR. */
int cli_read_all(const char *path, char **buf, size_t *len);

/* Prints the "not available yet" message of a subcommand. Returns 2. */
int cli_not_yet(const char *cmd, const char *issue);

#endif
