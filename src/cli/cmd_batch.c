/* cmd_batch.c: the `translit batch` subcommand (not available yet). */
#include "cli.h"

int cmd_batch(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return cli_not_yet("batch", "8");
}
