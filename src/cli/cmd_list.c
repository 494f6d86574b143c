/* cmd_list.c: the `translit list` subcommand (not available yet). */
#include "cli.h"

int cmd_list(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return cli_not_yet("list", "4");
}
