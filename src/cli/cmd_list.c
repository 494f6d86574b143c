/* cmd_list.c: `translit list`: the romanization schemes built into the
 * library (id, aliases, direction, standard, year, reversibility), as a
 * table for people or as JSON for tools. */
#include "cli.h"

#include <getopt.h>
#include <string.h>

static void usage(FILE *fp) {
  fputs("Usage: translit list [--json] [SCHEME...]\n"
        "\n"
        "Lists the romanization schemes for `translit convert --scheme NAME`\n"
        "(Russian -> Latin; the reversible ones also Latin -> Russian with\n"
        "-f ru-Latn -t ru). With SCHEME names or aliases, only those.\n"
        "\n"
        "      --json       one JSON object: {\"schemes\": [{\"id\": ...}, ...]}\n"
        "  -h, --help       this help\n"
        "\n"
        "Examples:\n"
        "  translit list\n"
        "  translit list --json icao iso9\n",
        fp);
}

static void json_str(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

static const char *direction(const tl_scheme_info *s) {
  return s->reversible ? "ru <-> ru-Latn" : "ru -> ru-Latn";
}

static void print_json(const tl_scheme_info *s, int first) {
  printf("%s\n    {\"id\": ", first ? "" : ",");
  json_str(s->id);
  printf(", \"aliases\": [");
  /* "a,b" -> ["a", "b"] */
  const char *a = s->aliases;
  int n = 0;
  while (*a) {
    size_t k = strcspn(a, ",");
    if (k) {
      char name[128];
      snprintf(name, sizeof name, "%.*s", (int)k, a);
      printf("%s", n++ ? ", " : "");
      json_str(name);
    }
    a += k + (a[k] == ',');
  }
  printf("], \"name\": ");
  json_str(s->name);
  printf(", \"standard\": ");
  json_str(s->standard);
  printf(", \"year\": ");
  if (s->year)
    printf("%d", s->year);
  else
    printf("null");
  printf(", \"from\": \"%s\", \"to\": \"%s\", \"reversible\": %s}", tl_lang_code(s->from),
         tl_lang_code(s->to), s->reversible ? "true" : "false");
}

static void print_row(const tl_scheme_info *s) {
  char year[8] = "-";
  if (s->year)
    snprintf(year, sizeof year, "%d", s->year);
  printf("%-16s %-24s %-15s %-4s %-4s %s\n", s->id, *s->aliases ? s->aliases : "-",
         direction(s), s->reversible ? "yes" : "no", year, s->standard);
}

int cmd_list(int argc, char **argv) {
  static const struct option longopts[] = {
      {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  int json = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case 'j':
      json = 1;
      break;
    case 'h':
      usage(stdout);
      return EXIT_OK;
    default:
      usage(stderr);
      return EXIT_ERROR;
    }
  }
  /* Names given: check them all before printing anything. */
  for (int i = optind; i < argc; i++) {
    tl_scheme_info s;
    if (tl_scheme_find(&s, argv[i]) != TL_OK) {
      cli_error("unknown scheme '%s' (see translit list)", argv[i]);
      return EXIT_ERROR;
    }
  }
  size_t n = optind < argc ? (size_t)(argc - optind) : tl_scheme_count();
  if (json)
    printf("{\"schemes\": [");
  else
    printf("%-16s %-24s %-15s %-4s %-4s %s\n", "ID", "ALIASES", "DIRECTION", "REV",
           "YEAR", "STANDARD");
  for (size_t i = 0; i < n; i++) {
    tl_scheme_info s;
    tl_status st = optind < argc ? tl_scheme_find(&s, argv[optind + (int)i])
                                 : tl_scheme_info_at(&s, i);
    if (st != TL_OK) {
      cli_error("scheme %zu: %s", i, tl_strerror(st));
      return EXIT_ERROR;
    }
    if (json)
      print_json(&s, i == 0);
    else
      print_row(&s);
  }
  if (json)
    printf("\n]}\n");
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("cannot write the list");
    return EXIT_ERROR;
  }
  return EXIT_OK;
}
