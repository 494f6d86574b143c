/* cmd_align.c: the `translit align` subcommand (not available yet). */
#include "cli.h"

int cmd_align(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return cli_not_yet("align", "7");
}
