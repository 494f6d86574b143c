/* translit.c: the translit command: a table of subcommands over the public
 * API. `translit -t uz-Latn` means `translit convert -t uz-Latn`. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct {
  const char *name;
  cli_cmd_fn run;
  const char *summary;
} commands[] = {
    {"convert", cmd_convert, "convert between scripts and romanize (default)"},
    {"normalize", cmd_normalize, "clean text: NFC, apostrophes, look-alikes, encodings"},
    {"detect", cmd_detect, "tell the language and script of a text"},
    {"spell", cmd_spell, "spell-check each word in its own language"},
    {"align", cmd_align, "align two language versions of an article"},
    {"batch", cmd_batch, "convert whole archives in parallel"},
    {"list", cmd_list, "list the romanization schemes and languages"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp) {
  fprintf(fp,
          "Usage: translit [COMMAND] [OPTIONS] [FILE...]\n"
          "\n"
          "Text engine for multilingual newsrooms: Uzbek Latin/Cyrillic, Russian,\n"
          "English. Reads the FILEs (or standard input), writes UTF-8 to standard\n"
          "output or -o FILE. Without COMMAND, `convert` is meant.\n"
          "\n"
          "Commands:\n");
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(fp,
          "\n"
          "  translit COMMAND --help   options of one command\n"
          "  translit --version        version of the command and library\n"
          "\n"
          "Exit status: 0 ok, 1 findings (misspellings, words to review, ...), 2 error.\n"
          "\n"
          "Examples:\n"
          "  echo 'Ўзбекистон' | translit -t uz-Latn\n"
          "  translit -f uz-Latn -t uz-Cyrl article.txt -o article.cyr.txt\n"
          "  translit -f ru -t ru-Latn --scheme icao passport-names.txt\n");
}

int main(int argc, char **argv) {
  if (argc < 2)
    return cmd_convert(argc, argv);
  const char *a = argv[1];
  if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "help") == 0) {
    if (strcmp(a, "help") == 0 && argc > 2) {
      for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(argv[2], commands[i].name) == 0) {
          char *args[] = {argv[2], "--help", NULL};
          return commands[i].run(2, args);
        }
    }
    usage(stdout);
    return EXIT_OK;
  }
  if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
    printf("translit %s (library %s)\n", TL_VERSION_STRING, tl_version());
    return EXIT_OK;
  }
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (strcmp(a, commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  if (a[0] == '-' || access(a, F_OK) == 0) {
    /* Options or a FILE: the default command. */
    argv[0] = "convert";
    return cmd_convert(argc, argv);
  }
  cli_error("unknown command '%s' (see translit --help)", a);
  return EXIT_ERROR;
}
