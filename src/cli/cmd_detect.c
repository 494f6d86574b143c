/* cmd_detect.c: the `translit detect` subcommand (not available yet). */
#include "cli.h"

int cmd_detect(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return cli_not_yet("detect", "5");
}
