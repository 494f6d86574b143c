/* lang.c: language/script codes as users type them ("uz-Latn", "uzl"). */
#include "translit.h"

#include <strings.h>

const char *tl_lang_code(tl_lang lang) {
  switch (lang) {
  case TL_LANG_UZ_LATN: return "uz-Latn";
  case TL_LANG_UZ_CYRL: return "uz-Cyrl";
  case TL_LANG_RU: return "ru";
  case TL_LANG_RU_LATN: return "ru-Latn";
  case TL_LANG_EN: return "en";
  case TL_LANG_MIXED: return "mixed";
  case TL_LANG_UNKNOWN: break;
  }
  return "unknown";
}

tl_status tl_lang_parse(tl_lang *out, const char *code) {
  static const struct { const char *code; tl_lang lang; } names[] = {
      {"auto", TL_LANG_UNKNOWN},   {"uz-Latn", TL_LANG_UZ_LATN},
      {"uz_Latn", TL_LANG_UZ_LATN}, {"uzl", TL_LANG_UZ_LATN},
      {"uz-Latin", TL_LANG_UZ_LATN}, {"latn", TL_LANG_UZ_LATN},
      {"uz-Cyrl", TL_LANG_UZ_CYRL}, {"uz_Cyrl", TL_LANG_UZ_CYRL},
      {"uzc", TL_LANG_UZ_CYRL},    {"uz-Cyrillic", TL_LANG_UZ_CYRL},
      {"cyrl", TL_LANG_UZ_CYRL},   {"ru", TL_LANG_RU},
      {"ru-Cyrl", TL_LANG_RU},     {"rus", TL_LANG_RU},
      {"ru-Latn", TL_LANG_RU_LATN}, {"ru_Latn", TL_LANG_RU_LATN},
      {"en", TL_LANG_EN},          {"eng", TL_LANG_EN},
      {"mixed", TL_LANG_MIXED},
  };
  if (!out || !code)
    return TL_EINVAL;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp(code, names[i].code) == 0) {
      *out = names[i].lang;
      return TL_OK;
    }
  return TL_EINVAL;
}
