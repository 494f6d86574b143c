/* cmd_normalize.c: the `translit normalize` subcommand (not available yet). */
#include "cli.h"

int cmd_normalize(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return cli_not_yet("normalize", "5");
}
