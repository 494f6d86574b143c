/* cmd_spell.c: the `translit spell` subcommand (not available yet). */
#include "cli.h"

int cmd_spell(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return cli_not_yet("spell", "6");
}
