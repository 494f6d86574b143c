/* spell.c: the speller (tl_speller). The text is first cleaned by the
 * normalizer (normalize.c: NFC, apostrophe variants, look-alike letters,
 * invisible characters); each word that ICU's word break iterator finds in
 * the result is checked with the hunspell dictionary of its own language,
 * and reported at its place in the text as given. The Uzbek Latin
 * dictionary is made from hunspell-uz by our own Cyrillic -> Latin
 * conversion and cached on disk. */
#include "spell.h"
#include "buf.h"
#include "detect.h"
#include "embedded.h"
#include "error.h"
#include "markup.h"
#include "normalize.h"
#include "utf8.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>

#ifdef TL_HAVE_HUNSPELL
#include <hunspell/hunspell.h>
#endif

#define DEFAULT_DICT_DIR "/usr/share/hunspell"
/* Above this many cached word forms a cache is emptied, so that a long batch
 * run over an archive stays in bounded memory. */
#define CACHE_MAX (1u << 20)
#define MAX_WORD_U16 256 /* longer "words" are not words: not checked */

enum { DI_UZL, DI_UZC, DI_RU, DI_EN, DI_N };
enum { SC_LATN, SC_CYRL, SC_N };

static const struct {
  tl_lang lang;
  int script;
  const char *base;    /* hunspell file name */
  const char *name;    /* for messages */
  const char *package; /* Debian package */
} dict_info[DI_N] = {
    {TL_LANG_UZ_LATN, SC_LATN, "uz_UZ", "Uzbek Latin (made from Uzbek)", "hunspell-uz"},
    {TL_LANG_UZ_CYRL, SC_CYRL, "uz_UZ", "Uzbek", "hunspell-uz"},
    {TL_LANG_RU, SC_CYRL, "ru_RU", "Russian", "hunspell-ru"},
    {TL_LANG_EN, SC_LATN, "en_US", "English", "hunspell-en-us"},
};

static int lang_di(tl_lang l) {
  switch (l) {
  case TL_LANG_UZ_LATN: return DI_UZL;
  case TL_LANG_UZ_CYRL: return DI_UZC;
  case TL_LANG_RU: return DI_RU;
  case TL_LANG_EN: return DI_EN;
  default: return -1;
  }
}

/* ------------------------------------------------------------ word cache */

typedef struct centry {
  char *key; /* NULL = empty slot */
  uint32_t klen, hash;
  unsigned char ok, sugg_done;
  char **sugg;
  size_t nsugg;
} centry;

typedef struct cmap {
  centry *e;
  size_t cap, n;
} cmap;

static uint32_t hash_bytes(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static void centry_free(centry *e) {
  free(e->key);
  for (size_t i = 0; i < e->nsugg; i++)
    free(e->sugg[i]);
  free(e->sugg);
}

static void cmap_free(cmap *m) {
  for (size_t i = 0; i < m->cap; i++)
    if (m->e[i].key)
      centry_free(&m->e[i]);
  free(m->e);
  m->e = NULL;
  m->cap = m->n = 0;
}

/* Finds key; with create, inserts an empty entry (ok = 2: not judged yet).
 * NULL only when out of memory. */
static centry *cmap_get(cmap *m, const char *key, size_t klen) {
  if (m->n >= CACHE_MAX)
    cmap_free(m);
  if (2 * (m->n + 1) > m->cap) {
    size_t ncap = m->cap ? 2 * m->cap : 1024;
    centry *ne = calloc(ncap, sizeof *ne);
    if (!ne)
      return NULL;
    for (size_t i = 0; i < m->cap; i++) {
      if (!m->e[i].key)
        continue;
      size_t j = m->e[i].hash & (ncap - 1);
      while (ne[j].key)
        j = (j + 1) & (ncap - 1);
      ne[j] = m->e[i];
    }
    free(m->e);
    m->e = ne;
    m->cap = ncap;
  }
  uint32_t h = hash_bytes(key, klen);
  size_t j = h & (m->cap - 1);
  while (m->e[j].key) {
    if (m->e[j].hash == h && m->e[j].klen == klen &&
        memcmp(m->e[j].key, key, klen) == 0)
      return &m->e[j];
    j = (j + 1) & (m->cap - 1);
  }
  char *k = malloc(klen + 1);
  if (!k)
    return NULL;
  memcpy(k, key, klen);
  k[klen] = '\0';
  centry *e = &m->e[j];
  memset(e, 0, sizeof *e);
  e->key = k;
  e->klen = (uint32_t)klen;
  e->hash = h;
  e->ok = 2;
  m->n++;
  return e;
}

/* ------------------------------------------------------------ word lists */

typedef struct wlist {
  char **w;
  char **ex; /* the model word of w[i] for its endings (Word/Example), or NULL */
  size_t n, cap;
} wlist;

static tl_status wlist_add(wlist *l, const char *s, size_t n) {
  if (l->n == l->cap) {
    size_t ncap = l->cap ? 2 * l->cap : 256;
    char **nw = realloc(l->w, ncap * sizeof *nw);
    if (!nw)
      return TL_ENOMEM;
    l->w = nw;
    char **ne = realloc(l->ex, ncap * sizeof *ne);
    if (!ne)
      return TL_ENOMEM;
    l->ex = ne;
    l->cap = ncap;
  }
  char *c = malloc(n + 1);
  if (!c)
    return TL_ENOMEM;
  memcpy(c, s, n);
  c[n] = '\0';
  l->ex[l->n] = NULL;
  l->w[l->n++] = c;
  return TL_OK;
}

static void wlist_free(wlist *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->w[i]);
    free(l->ex[i]);
  }
  free(l->w);
  free(l->ex);
  memset(l, 0, sizeof *l);
}

/* ---------------------------------------------------------------- speller */

typedef struct dict {
#ifdef TL_HAVE_HUNSPELL
  Hunhandle *h;
#endif
  int state; /* 0 not loaded yet, 1 loaded, -1 failed */
  tl_status err;
  char msg[512];
  cmap cache;
} dict;

typedef struct tok {
  int32_t u0, u1; /* UTF-16 range in the line buffer */
  size_t a, b;    /* its bytes in the text as given */
  int seg;        /* segment (sentence or quotation) of the line */
  int script;     /* SC_LATN, SC_CYRL, or -1 */
  int score;      /* > 0 Uzbek, < 0 the other language of the script */
  int dict_vote;  /* the same from the two dictionaries */
} tok;

struct tl_speller {
  pthread_mutex_t mu;
  tl_lang lang;
  unsigned flags;
  char *dict_dir, *cache_dir;
  dict d[DI_N];
  wlist words[SC_N]; /* newsroom, personal and session words by script */
  UBreakIterator *bi;
  /* per-call scratch, reused: the normalized text, the map back to the
   * text as given, and the words the normalizer put in one script */
  tl_buf norm;
  tl__norm_map map;
  struct lookfix {
    size_t a, b; /* the word's bytes in the text as given (b: about) */
    char reason[96];
  } *fixes;
  size_t nfixes, fcap;
  /* per-line scratch, reused */
  UChar *u;
  size_t *nbyte; /* offset in norm of each UTF-16 unit, and the end */
  size_t ucap;
  tok *toks;
  size_t tcap;
  size_t *skips; /* pairs [start, end) of bytes not to check */
  size_t scap, nskips;
  int last_lang[SC_N]; /* last decision per script, the default for a tie */
  cmap suffixes[SC_N];  /* Uzbek suffix chains (Latin, Cyrillic) */
  int suffixes_loaded;
};

void tl_speller_options_init(tl_speller_options *opts) {
  if (opts)
    memset(opts, 0, sizeof *opts);
}

/* ------------------------------------------------ characters and scripts */

static int script_of(UChar32 c) {
  if (c < 0x80)
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? SC_LATN : -1;
  if (c >= 0x400 && c <= 0x52F) /* the Cyrillic blocks: every word here */
    return SC_CYRL;
  UErrorCode e = U_ZERO_ERROR;
  UScriptCode s = uscript_getScript(c, &e);
  if (s == USCRIPT_LATIN)
    return SC_LATN;
  if (s == USCRIPT_CYRILLIC)
    return SC_CYRL;
  return -1;
}

/* 1 for an upper- or title-case letter, -1 for a lower-case one, else 0;
 * ASCII and Russian letters without a call into ICU (most of any text). */
static int letter_case(UChar32 c) {
  if (c < 0x80)
    return (c >= 'A' && c <= 'Z') ? 1 : (c >= 'a' && c <= 'z') ? -1 : 0;
  if (c >= 0x400 && c <= 0x45F)
    return c < 0x430 ? 1 : -1; /* Ѐ..Я upper, а..џ lower */
  if (u_isupper(c) || u_istitle(c))
    return 1;
  return u_islower(c) ? -1 : 0;
}

/* u_isdigit, with ASCII and the Cyrillic blocks (no digits there) inline. */
static int is_digit(UChar32 c) {
  if (c < 0x80)
    return c >= '0' && c <= '9';
  if (c >= 0x400 && c <= 0x52F)
    return 0;
  return u_isdigit(c) != 0;
}

/* tl__norm_is_apostrophe, with letters of ASCII and Cyrillic (never one)
 * answered inline. */
static int is_apostrophe_u(UChar c) {
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
    return 0;
  if (c >= 0x400 && c <= 0x52F)
    return 0;
  return tl__norm_is_apostrophe(c);
}

/* --------------------------------------------------- language of a run */

static int in_list(const char *w, size_t n, const char *const *list) {
  for (; *list; list++)
    if (strlen(*list) == n && memcmp(*list, w, n) == 0)
      return 1;
  return 0;
}

static int has(const char *w, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(w + i, needle, k) == 0)
      return 1;
  return 0;
}

static int ends(const char *w, size_t n, const char *suffix) {
  size_t k = strlen(suffix);
  return n > k + 1 && memcmp(w + n - k, suffix, k) == 0;
}

/* The evidence of one lower-case word for its run's language: the letters
 * only one of the two languages of a script has, the commonest function
 * words and endings. Added to the language detector's vote (detect.c) and
 * the dictionaries' own, so that a short quotation is judged too. */
int tl__spell_uz_score(const char *w, size_t n, int cyrillic) {
  static const char *const uz_cyr[] = {
      "ва", "билан", "учун", "бу", "ҳам", "бир", "эди", "деб", "ҳамда", "эса",
      "мазкур", "бўйича", "лекин", "аммо", "шу", "ушбу", "керак", "жуда",
      "яна", "энг", "ҳақида", "қилди", "бўлди", "йил", "йилда", "бор", "йўқ",
      "ўз", "унинг", "мумкин", "кўра", "томонидан", "этди", "этилди", "айтди",
      "республикаси", "вазирлиги", "ҳокими", "бўлиб", "бўлган", "орқали", NULL};
  static const char *const ru_cyr[] = {
      "и", "в", "на", "не", "что", "с", "по", "это", "как", "для", "из", "от",
      "к", "о", "за", "же", "но", "или", "при", "был", "была", "были", "который",
      "которые", "также", "только", "его", "ее", "её", "он", "она", "они", "мы",
      "вы", "я", "уже", "быть", "года", "году", "лет", "после", "может", "будет",
      "этом", "этого", "того", "так", "все", "всё", "чем", "где", "если", NULL};
  static const char *const uz_lat[] = {
      "va", "bilan", "uchun", "bu", "ham", "bir", "edi", "deb", "hamda", "esa",
      "mazkur", "boʻyicha", "lekin", "ammo", "shu", "ushbu", "kerak", "juda",
      "yana", "eng", "haqida", "qildi", "boʻldi", "yil", "yilda", "bor", "yoʻq",
      "oʻz", "uning", "mumkin", "koʻra", "tomonidan", "etdi", "etildi", "aytdi",
      "respublikasi", "vazirligi", "hokimi", "boʻlib", "boʻlgan", "orqali", NULL};
  static const char *const en_lat[] = {
      "the", "and", "of", "to", "in", "is", "that", "for", "on", "with", "as",
      "was", "by", "are", "it", "at", "from", "this", "be", "has", "have", "an",
      "not", "or", "said", "will", "were", "which", "its", "his", "their", "he",
      "she", "they", "we", "you", "i", "would", "been", "who", "after", "but",
      "about", "more", "also", "than", "there", "had", "all", "our", NULL};
  int s = 0;
  if (cyrillic) {
    if (in_list(w, n, uz_cyr))
      s += 3;
    if (in_list(w, n, ru_cyr))
      s -= 3;
    /* ў қ ғ ҳ are Uzbek only; ы щ are Russian (rare in Uzbek loans). */
    if (has(w, n, "ў") || has(w, n, "қ") || has(w, n, "ғ") || has(w, n, "ҳ"))
      s += 3;
    if (has(w, n, "ы") || has(w, n, "щ"))
      s -= 2;
    if (ends(w, n, "лар") || ends(w, n, "нинг") || ends(w, n, "даги") ||
        ends(w, n, "ган"))
      s += 1;
    if (ends(w, n, "ого") || ends(w, n, "ого") || ends(w, n, "ться") ||
        ends(w, n, "ать") || ends(w, n, "ить") || ends(w, n, "ция"))
      s -= 1;
  } else {
    if (in_list(w, n, uz_lat))
      s += 3;
    if (in_list(w, n, en_lat))
      s -= 3;
    if (has(w, n, "oʻ") || has(w, n, "gʻ"))
      s += 3;
    for (size_t i = 0; i < n; i++) {
      if (w[i] == 'q' && (i + 1 == n || w[i + 1] != 'u'))
        s += 1;
      if (w[i] == 'w')
        s -= 1;
      if (w[i] == 'c' && (i + 1 == n || w[i + 1] != 'h'))
        s -= 1;
    }
    if (has(w, n, "th"))
      s -= 1;
    if (ends(w, n, "lar") || ends(w, n, "ning") || ends(w, n, "dagi") ||
        ends(w, n, "gan") || ends(w, n, "lik"))
      s += 1;
    if (ends(w, n, "tion") || ends(w, n, "ing") || ends(w, n, "ed") ||
        ends(w, n, "ly"))
      s -= 1;
  }
  return s;
}

/* ------------------------------------------------------------ file help */

static tl_status read_file(tl_ctx *ctx, const char *path, char **out,
                           size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot open: %s", path,
                    strerror(errno));
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  while (b) {
    size_t k = fread(b + n, 1, cap - n - 1, fp);
    n += k;
    if (n + 1 < cap)
      break;
    cap *= 2;
    char *nb = realloc(b, cap);
    if (!nb)
      free(b);
    b = nb;
  }
  int bad = ferror(fp);
  fclose(fp);
  if (!b)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  if (bad) {
    free(b);
    return tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: read error", path);
  }
  b[n] = '\0';
  *out = b;
  *len = n;
  return TL_OK;
}

/* Writes data to path through a temporary file and a rename, so that a
 * reader (another process filling the same cache) never sees half a file. */
static int write_atomic(const char *path, const char *data, size_t len) {
  size_t n = strlen(path);
  char *tmp = malloc(n + 16);
  if (!tmp)
    return -1;
  snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    free(tmp);
    return -1;
  }
  /* A cache others may share: readable like any file the user writes. */
  mode_t mask = umask(0);
  umask(mask);
  int bad = fchmod(fd, 0666 & ~mask) != 0;
  size_t off = 0;
  while (off < len) {
    ssize_t k = write(fd, data + off, len - off);
    if (k < 0) {
      if (errno == EINTR)
        continue;
      bad = 1;
      break;
    }
    off += (size_t)k;
  }
  if (fsync(fd) != 0)
    bad = 1;
  if (close(fd) != 0)
    bad = 1;
  if (!bad && rename(tmp, path) != 0)
    bad = 1;
  if (bad)
    unlink(tmp);
  free(tmp);
  return bad ? -1 : 0;
}

static int mkdir_p(const char *dir) {
  char buf[PATH_MAX];
  size_t n = strlen(dir);
  if (n == 0 || n >= sizeof buf)
    return -1;
  memcpy(buf, dir, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] == '/' || buf[i] == '\0') {
      char c = buf[i];
      buf[i] = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return -1;
      buf[i] = c;
    }
  }
  return 0;
}

static void default_cache_dir(char *out, size_t cap) {
  const char *x = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  if (x && *x == '/')
    snprintf(out, cap, "%s/translit", x);
  else if (home && *home)
    snprintf(out, cap, "%s/.cache/translit", home);
  else
    out[0] = '\0';
}

/* ------------------------------------------- the Uzbek Latin dictionary */

/* Words whose Latin spelling exercises the conversion rules that matter for
 * spelling (oʻ gʻ, tutuq, ts/s, e/ye, yo/yu/ya): if the engine changes what
 * it writes for them, the cached dictionary is stale. The key also covers
 * the engine's lexicons (dictionaries/uz/) and the library version. */
static const char probe_words[] =
    "Ўзбекистон ғалаба шаҳар цех Қўқон маъно мўъжиза ёмғир юлдуз яхши "
    "эълон Европа съезд ҳаёт концерт Фарғона секция";

/* The speller's own hunspell affix files: hunspell-uz ships none (its .aff
 * only sets the encoding), and suggestions need TRY and REP to be useful. */
static const char aff_latn[] =
    "# translit: affix file of the Uzbek Latin word list made from hunspell-uz\n"
    "SET UTF-8\n"
    "TRY aiuoelnrmsdtkbyhgqzxʻpjvfcʼAIUOELNRMSDTKBYHGQZXPJVFC\n"
    "WORDCHARS ʻʼ\n"
    "REP 10\nREP x h\nREP h x\nREP o oʻ\nREP oʻ o\nREP g gʻ\nREP gʻ g\n"
    "REP i y\nREP e ye\nREP ts s\nREP ʼ _\n";
static const char aff_cyrl[] =
    "# translit: affix file for the hunspell-uz Uzbek Cyrillic word list\n"
    "SET UTF-8\n"
    "TRY аиуоелнрмсдтксбйҳгқзхўпжвфғчшяюёэцъьАИУОЕЛНРМСДТКБЙҲГҚЗХЎПЖВФҒЧШЯЮЁЭЦ\n"
    "REP 8\nREP х ҳ\nREP ҳ х\nREP у ў\nREP ў у\nREP к қ\nREP қ к\nREP г ғ\n"
    "REP ғ г\n";

tl_status tl__spell_latin_key(tl_ctx *ctx, const char *dic_path,
                              const void *converter, char key[17]) {
  struct stat st;
  if (stat(dic_path, &st) != 0)
    return tl__fail(ctx, TL_ENODICT, TL_NO_OFFSET,
                    "Uzbek dictionary not found: %s (Debian package hunspell-uz)",
                    dic_path);
  tl_buf probe = TL_BUF_INIT;
  tl_status s = tl_convert(ctx, (const tl_converter *)converter, probe_words,
                           sizeof probe_words - 1, &probe, NULL, NULL);
  if (s)
    return s;
  uint64_t h = 1469598103934665603ull;
#define MIX(p, n)                                                              \
  for (size_t i_ = 0; i_ < (n); i_++)                                          \
    h = (h ^ ((const unsigned char *)(p))[i_]) * 1099511628211ull;
  long long sz = (long long)st.st_size, mt = (long long)st.st_mtime;
  MIX(&sz, sizeof sz);
  MIX(&mt, sizeof mt);
  MIX(TL_VERSION_STRING, strlen(TL_VERSION_STRING));
  MIX(aff_latn, sizeof aff_latn - 1);
  MIX(probe.data, probe.len);
  /* The engine's lexicons: a new exception or suffix changes the list. */
  size_t nb;
  const tl__blob *t = tl__embedded_table(&nb);
  for (size_t i = 0; i < nb; i++)
    if (strncmp(t[i].name, "uz/", 3) == 0) {
      MIX(t[i].name, strlen(t[i].name));
      MIX(t[i].data, t[i].len);
    }
#undef MIX
  tl_buf_free(&probe);
  snprintf(key, 17, "%016llx", (unsigned long long)h);
  return TL_OK;
}

/* Converts the hunspell-uz list to Latin into dic_out (a .dic file). */
static tl_status build_latin(tl_ctx *ctx, const tl_converter *cv,
                             const char *src, const char *dst) {
  char *text;
  size_t len;
  tl_status s = read_file(ctx, src, &text, &len);
  if (s)
    return s;
  /* Drop the count line and any /FLAGS, keep one word a line. */
  size_t w = 0;
  char *p = strchr(text, '\n');
  p = p ? p + 1 : text + len;
  while (p < text + len) {
    char *nl = memchr(p, '\n', (size_t)(text + len - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
    char *slash = memchr(p, '/', n);
    size_t k = slash ? (size_t)(slash - p) : n;
    while (k && (p[k - 1] == '\r' || p[k - 1] == ' ' || p[k - 1] == '\t'))
      k--;
    if (k) {
      memmove(text + w, p, k);
      w += k;
      text[w++] = '\n';
    }
    p += n + 1;
  }
  tl_buf out = TL_BUF_INIT;
  s = tl_convert(ctx, cv, text, w, &out, NULL, NULL);
  free(text);
  if (s) {
    tl_buf_free(&out);
    return s;
  }
  size_t lines = 0;
  for (size_t i = 0; i < out.len; i++)
    lines += out.data[i] == '\n';
  tl_buf file = TL_BUF_INIT;
  s = tl__buf_printf(&file, "%zu\n", lines);
  if (!s)
    s = tl__buf_append(&file, out.data, out.len);
  tl_buf_free(&out);
  if (s) {
    tl_buf_free(&file);
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  }
  int bad = write_atomic(dst, file.data, file.len);
  tl_buf_free(&file);
  if (bad)
    return tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot write: %s", dst,
                    strerror(errno));
  return TL_OK;
}

/* Ensures dir/name exists with the given content. */
static int ensure_file(const char *dir, const char *name, const char *data,
                       char *path, size_t cap) {
  if ((size_t)snprintf(path, cap, "%s/%s", dir, name) >= cap)
    return -1;
  struct stat st;
  if (stat(path, &st) == 0 && (size_t)st.st_size == strlen(data))
    return 0;
  return write_atomic(path, data, strlen(data));
}

/* Removes the Latin lists of other keys from the cache dir: they were made
 * from an older hunspell-uz or by an older conversion engine. */
static void remove_stale(const char *dir, const char *keep) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (strncmp(e->d_name, "uz-Latn-", 8) == 0 && n > 12 &&
        strcmp(e->d_name + n - 4, ".dic") == 0 && strcmp(e->d_name, keep) != 0) {
      char path[PATH_MAX];
      if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path)
        unlink(path);
    }
  }
  closedir(d);
}

tl_status tl__spell_latin_dict(tl_ctx *ctx, const char *dic_path,
                               const char *cache_dir, char *aff_out,
                               char *dic_out, size_t cap, char *tmpdir_out) {
  tmpdir_out[0] = '\0';
  tl_convert_options o;
  tl_convert_options_init(&o);
  o.from = TL_LANG_UZ_CYRL;
  o.to = TL_LANG_UZ_LATN;
  o.apostrophe = TL_APOS_MODERN;
  tl_converter *cv = NULL;
  tl_status s = tl_converter_new(ctx, &o, &cv);
  if (s)
    return s;
  char key[17];
  s = tl__spell_latin_key(ctx, dic_path, cv, key);
  if (s) {
    tl_converter_free(cv);
    return s;
  }
  char dir[PATH_MAX], name[64];
  if (cache_dir)
    snprintf(dir, sizeof dir, "%s", cache_dir);
  else
    default_cache_dir(dir, sizeof dir);
  snprintf(name, sizeof name, "uz-Latn-%s.dic", key);
  int cached = 0;
  if (dir[0] && mkdir_p(dir) == 0 &&
      (size_t)snprintf(dic_out, cap, "%s/%s", dir, name) < cap &&
      ensure_file(dir, "uz-Latn.aff", aff_latn, aff_out, cap) == 0) {
    struct stat st;
    if (stat(dic_out, &st) == 0)
      cached = 1;
    else if ((s = build_latin(ctx, cv, dic_path, dic_out)) == TL_OK) {
      cached = 1;
      remove_stale(dir, name);
    } else if (s != TL_EIO) {
      tl_converter_free(cv);
      return s;
    }
  }
  if (!cached) {
    /* No usable cache (read-only home, no HOME): make the list in a private
     * temporary folder, which the caller removes once hunspell has read it. */
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir_out, PATH_MAX, "%s/translit-spell-XXXXXX", t && *t == '/' ? t : "/tmp");
    if (!mkdtemp(tmpdir_out)) {
      s = tl__fail(ctx, TL_EIO, TL_NO_OFFSET,
                   "cannot write the Uzbek Latin dictionary: no cache directory "
                   "('%s') and no temporary folder: %s", dir, strerror(errno));
      tmpdir_out[0] = '\0';
    } else {
      snprintf(dic_out, cap, "%s/%s", tmpdir_out, name);
      s = build_latin(ctx, cv, dic_path, dic_out);
      if (!s && ensure_file(tmpdir_out, "uz-Latn.aff", aff_latn, aff_out, cap) != 0)
        s = tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot write: %s", aff_out,
                     strerror(errno));
    }
  }
  tl_converter_free(cv);
  return s;
}

/* ---------------------------------------------------------- dictionaries */

#ifdef TL_HAVE_HUNSPELL
/* Adds words [from, l->n) of the list of di's script to di. English
 * writes every apostrophe as ' (its ICONV maps ’ only). */
static void add_words(tl_speller *sp, int di, size_t from) {
  const wlist *l = &sp->words[dict_info[di].script];
  for (size_t i = from; i < l->n; i++) {
    const char *w = l->w[i];
    char tmp[512];
    if (di == DI_EN && (strstr(w, "ʻ") || strstr(w, "ʼ")) && strlen(w) < sizeof tmp) {
      size_t k = 0;
      for (const char *p = w; *p;) {
        if (strncmp(p, "ʻ", 2) == 0 || strncmp(p, "ʼ", 2) == 0)
          tmp[k++] = '\'', p += 2;
        else
          tmp[k++] = *p++;
      }
      tmp[k] = '\0';
      w = tmp;
    }
    if (l->ex[i] && di == DI_RU)
      Hunspell_add_with_affix(sp->d[di].h, w, l->ex[i]);
    else
      Hunspell_add(sp->d[di].h, w);
  }
}
#endif

static tl_status dict_load(tl_ctx *ctx, tl_speller *sp, int di) {
  dict *d = &sp->d[di];
  if (d->state == 1)
    return TL_OK;
  if (d->state < 0)
    return tl__fail(ctx, d->err, TL_NO_OFFSET, "%s", d->msg);
#ifndef TL_HAVE_HUNSPELL
  d->state = -1;
  d->err = TL_EUNSUPPORTED;
  snprintf(d->msg, sizeof d->msg,
           "spell-checking is not available: translit was built without hunspell");
  return tl__fail(ctx, d->err, TL_NO_OFFSET, "%s", d->msg);
#else
  char aff[PATH_MAX], dic[PATH_MAX], tmpdir[PATH_MAX] = "";
  snprintf(dic, sizeof dic, "%s/%s.dic", sp->dict_dir, dict_info[di].base);
  snprintf(aff, sizeof aff, "%s/%s.aff", sp->dict_dir, dict_info[di].base);
  tl_status s = TL_OK;
  if (access(dic, R_OK) != 0 || access(aff, R_OK) != 0) {
    s = tl__fail(ctx, TL_ENODICT, TL_NO_OFFSET,
                 "%s dictionary not found: %s (install the Debian package %s)",
                 dict_info[di].name, access(dic, R_OK) ? dic : aff,
                 dict_info[di].package);
  } else if (di == DI_UZL) {
    char src[PATH_MAX];
    snprintf(src, sizeof src, "%s", dic);
    s = tl__spell_latin_dict(ctx, src, sp->cache_dir, aff, dic, sizeof dic, tmpdir);
  } else if (di == DI_UZC) {
    char dir[PATH_MAX];
    if (sp->cache_dir)
      snprintf(dir, sizeof dir, "%s", sp->cache_dir);
    else
      default_cache_dir(dir, sizeof dir);
    /* Our affix file only improves suggestions: without a cache, use theirs. */
    char a2[PATH_MAX];
    if (dir[0] && mkdir_p(dir) == 0 &&
        ensure_file(dir, "uz-Cyrl.aff", aff_cyrl, a2, sizeof a2) == 0)
      snprintf(aff, sizeof aff, "%s", a2);
  }
  if (!s) {
    d->h = Hunspell_create(aff, dic);
    if (!d->h)
      s = tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "cannot load %s", dic);
  }
  if (tmpdir[0]) {
    /* hunspell has read the files: the temporary copy goes. */
    unlink(dic);
    unlink(aff);
    rmdir(tmpdir);
  }
  if (s) {
    /* Remember the failure: every later word would fail the same way. */
    d->state = -1;
    d->err = s;
    snprintf(d->msg, sizeof d->msg, "%s", ctx ? ctx->message : tl_strerror(s));
    return s;
  }
  add_words(sp, di, 0);
  d->state = 1;
  return TL_OK;
#endif
}

/* Splits a list (newsroom or personal file) into words and adds each to the
 * list of its script. Lines: one word or name a line, '#' starts a comment. */
static tl_status parse_list(tl_ctx *ctx, tl_speller *sp, const char *text,
                            size_t len) {
  size_t i = 0;
  while (i < len) {
    size_t e = i;
    while (e < len && text[e] != '\n')
      e++;
    size_t end = e;
    if (i < end && text[i] == '#')
      end = i;
    /* Words: runs of letters, marks and apostrophes (joined by '-' in
     * Russian-style double names, split there, as the word breaker does). */
    size_t p = i;
    while (p < end) {
      uint32_t cp;
      size_t k = tl__utf8_decode(text + p, end - p, &cp);
      int wordch = u_isalpha((UChar32)cp) || u_getIntPropertyValue((UChar32)cp, UCHAR_GENERAL_CATEGORY) == U_NON_SPACING_MARK ||
                   (p > i && tl__norm_is_apostrophe(cp));
      if (!wordch) {
        p += k;
        continue;
      }
      size_t ws = p;
      int sc = -1;
      while (p < end) {
        k = tl__utf8_decode(text + p, end - p, &cp);
        if (!(u_isalpha((UChar32)cp) || tl__norm_is_apostrophe(cp) ||
              u_getIntPropertyValue((UChar32)cp, UCHAR_GENERAL_CATEGORY) == U_NON_SPACING_MARK))
          break;
        if (sc < 0)
          sc = script_of((UChar32)cp);
        p += k;
      }
      if (sc >= 0) {
        /* Apostrophes as the checker writes them: oʻ gʻ and ʼ. */
        tl_buf norm = TL_BUF_INIT;
        uint32_t prev = 0;
        tl_status s = TL_OK;
        for (size_t q = ws; q < p && !s; q += k) {
          k = tl__utf8_decode(text + q, p - q, &cp);
          if (tl__norm_is_apostrophe(cp) && sc == SC_LATN)
            cp = (prev == 'o' || prev == 'O' || prev == 'g' || prev == 'G') ? 0x2BB : 0x2BC;
          s = tl__buf_put_cp(&norm, cp);
          prev = cp;
        }
        if (!s)
          s = wlist_add(&sp->words[sc], norm.data, norm.len);
        tl_buf_free(&norm);
        if (!s && p + 1 < end && text[p] == '/') {
          /* Word/Example: the endings of Example (a dictionary word). */
          size_t xs = ++p;
          while (p < end && text[p] != ' ' && text[p] != '\t' && text[p] != '\r')
            p++;
          wlist *l = &sp->words[sc];
          if (p > xs && !(l->ex[l->n - 1] = strndup(text + xs, p - xs)))
            s = TL_ENOMEM;
        }
        if (s)
          return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
      }
    }
    i = e + 1;
  }
  return TL_OK;
}

/* A word list as the text to check is read: NFC and without invisible
 * characters (a list saved in NFD, as some editors do, or with soft
 * hyphens, still matches), by the normalizer. Apostrophes are left to
 * parse_list, which writes them as each dictionary does. */
static tl_status load_list(tl_ctx *ctx, tl_speller *sp, const char *name,
                           const char *text, size_t len) {
  size_t bad;
  if (!tl__utf8_valid(text, len, &bad)) {
    size_t line = 1, col = 1;
    tl__utf8_advance(&line, &col, text, bad);
    return tl__fail_at(ctx, TL_EUTF8, bad, line, col,
                       "%s:%zu:%zu: invalid UTF-8 in a word list", name, line,
                       col);
  }
  tl_normalize_options no;
  tl_normalize_options_init(&no);
  no.flags = TL_NORM_KEEP_SPACES | TL_NORM_NO_APOSTROPHES | TL_NORM_NO_LOOKALIKES;
  tl_buf nfc = TL_BUF_INIT;
  tl_status s = tl_normalize(ctx, &no, text, len, &nfc, NULL, NULL);
  if (!s)
    s = parse_list(ctx, sp, nfc.data ? nfc.data : "", nfc.len);
  tl_buf_free(&nfc);
  return s;
}

tl_status tl_speller_new(tl_ctx *ctx, const tl_speller_options *opts,
                         tl_speller **out) {
  if (!out)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  *out = NULL;
  tl_speller_options defaults;
  if (!opts) {
    tl_speller_options_init(&defaults);
    opts = &defaults;
  }
  if (opts->lang != TL_LANG_UNKNOWN && lang_di(opts->lang) < 0)
    return tl__fail(ctx, TL_EUNSUPPORTED, TL_NO_OFFSET,
                    "no spelling dictionary for %s (use uz-Latn, uz-Cyrl, ru or en)",
                    tl_lang_code(opts->lang));
  tl_speller *sp = calloc(1, sizeof *sp);
  if (!sp)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  pthread_mutex_init(&sp->mu, NULL);
  sp->lang = opts->lang;
  sp->flags = opts->flags;
  sp->last_lang[SC_LATN] = DI_UZL;
  sp->last_lang[SC_CYRL] = DI_UZC;
  sp->dict_dir = strdup(opts->dict_dir ? opts->dict_dir : DEFAULT_DICT_DIR);
  sp->cache_dir = opts->cache_dir ? strdup(opts->cache_dir) : NULL;
  tl_status s = TL_OK;
  if (!sp->dict_dir || (opts->cache_dir && !sp->cache_dir))
    s = tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  UErrorCode ue = U_ZERO_ERROR;
  if (!s) {
    sp->bi = ubrk_open(UBRK_WORD, "", NULL, 0, &ue);
    if (U_FAILURE(ue))
      s = tl__fail(ctx, TL_EINTERNAL, TL_NO_OFFSET, "ICU: %s", u_errorName(ue));
  }
  if (!s && !(opts->flags & TL_SPELL_NO_NEWSROOM)) {
    size_t n;
    const tl__blob *t = tl__embedded_table(&n);
    for (size_t i = 0; i < n && !s; i++)
      if (strncmp(t[i].name, "newsroom/", 9) == 0)
        s = load_list(ctx, sp, t[i].name, (const char *)t[i].data, t[i].len);
  }
  for (size_t i = 0; i < opts->n_personal_files && !s; i++) {
    char *text;
    size_t len;
    s = read_file(ctx, opts->personal_files[i], &text, &len);
    if (!s) {
      s = load_list(ctx, sp, opts->personal_files[i], text, len);
      free(text);
    }
  }
  if (!s && opts->lang != TL_LANG_UNKNOWN)
    s = dict_load(ctx, sp, lang_di(opts->lang));
  if (s) {
    tl_speller_free(sp);
    return s;
  }
  tl__ok(ctx);
  *out = sp;
  return TL_OK;
}

void tl_speller_free(tl_speller *sp) {
  if (!sp)
    return;
  for (int i = 0; i < DI_N; i++) {
#ifdef TL_HAVE_HUNSPELL
    if (sp->d[i].h)
      Hunspell_destroy(sp->d[i].h);
#endif
    cmap_free(&sp->d[i].cache);
  }
  for (int i = 0; i < SC_N; i++) {
    wlist_free(&sp->words[i]);
    cmap_free(&sp->suffixes[i]);
  }
  if (sp->bi)
    ubrk_close(sp->bi);
  free(sp->u);
  free(sp->nbyte);
  tl_buf_free(&sp->norm);
  tl__norm_map_free(&sp->map);
  free(sp->fixes);
  free(sp->toks);
  free(sp->skips);
  free(sp->dict_dir);
  free(sp->cache_dir);
  pthread_mutex_destroy(&sp->mu);
  free(sp);
}

/* -------------------------------------------------------------- verdicts */

/* The cache entry of word (UTF-8, normalised) in dictionary di, judged. */
static tl_status judge(tl_ctx *ctx, tl_speller *sp, int di, const char *w,
                       size_t n, centry **out) {
  tl_status s = dict_load(ctx, sp, di);
  if (s)
    return s;
  centry *e = cmap_get(&sp->d[di].cache, w, n);
  if (!e)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  if (e->ok == 2) {
#ifdef TL_HAVE_HUNSPELL
    e->ok = Hunspell_spell(sp->d[di].h, e->key) != 0;
#else
    e->ok = 0;
#endif
  }
  *out = e;
  return TL_OK;
}

static tl_status suggest(tl_ctx *ctx, tl_speller *sp, int di, centry *e) {
  if (e->sugg_done)
    return TL_OK;
  e->sugg_done = 1;
#ifdef TL_HAVE_HUNSPELL
  char **list = NULL;
  int n = Hunspell_suggest(sp->d[di].h, &list, e->key);
  if (n > 0) {
    e->sugg = calloc((size_t)n, sizeof *e->sugg);
    if (!e->sugg) {
      Hunspell_free_list(sp->d[di].h, &list, n);
      return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    }
    for (int i = 0; i < n; i++)
      if ((e->sugg[e->nsugg] = strdup(list[i])))
        e->nsugg++;
  }
  if (list)
    Hunspell_free_list(sp->d[di].h, &list, n);
#else
  (void)ctx;
  (void)sp;
  (void)di;
#endif
  return TL_OK;
}

/* ------------------------------------------------------------ checking */

typedef struct line_ctx {
  tl_speller *sp;
  size_t line_off;
} line_ctx;

static tl_status add_skip(tl_speller *sp, size_t a, size_t b) {
  if (sp->nskips + 2 > sp->scap) {
    size_t ncap = sp->scap ? 2 * sp->scap : 64;
    size_t *n = realloc(sp->skips, ncap * sizeof *n);
    if (!n)
      return TL_ENOMEM;
    sp->skips = n;
    sp->scap = ncap;
  }
  sp->skips[sp->nskips++] = a;
  sp->skips[sp->nskips++] = b;
  return TL_OK;
}

static tl_status on_span(void *user, const char *s, size_t n, int convert) {
  line_ctx *lc = user;
  (void)s;
  size_t a = lc->line_off;
  lc->line_off += n;
  return convert ? TL_OK : add_skip(lc->sp, a, a + n);
}

static int url_char(unsigned char c) {
  return c > ' ' && c != '<' && c != '>' && c != '"' && c != '\'' && c != ')' &&
         c != '(' && c != ']' && c != '[';
}
static int local_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}

/* URLs, e-mail addresses, @handles and #hashtags of line s[0..n) (at byte
 * off of the text): skipped
 * whatever the markup mode, as the markup scanner does in plain text. */
static tl_status find_skips(tl_speller *sp, const char *s, size_t n,
                            size_t off) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c != 'h' && c != 'H' && c != 'f' && c != 'F' && c != 'w' && c != 'W' &&
        c != '@' && c != '#')
      continue;
    int at_start = i == 0 || !local_char((unsigned char)s[i - 1]);
    size_t e = i;
    /* The line is not NUL-terminated: compare only what is left of it. */
    size_t left = n - i;
    if (at_start && ((left >= 7 && strncasecmp(s + i, "http://", 7) == 0) ||
                     (left >= 8 && strncasecmp(s + i, "https://", 8) == 0) ||
                     (left >= 6 && strncasecmp(s + i, "ftp://", 6) == 0) ||
                     (left >= 4 && strncasecmp(s + i, "www.", 4) == 0))) {
      while (e < n && url_char((unsigned char)s[e]))
        e++;
    } else if (c == '@' || (c == '#' && at_start)) {
      size_t b = i;
      while (b > 0 && local_char((unsigned char)s[b - 1]))
        b--;
      e = i + 1;
      /* Handles and tags may be in any script: up to the next space. */
      while (e < n && (unsigned char)s[e] > ' ' && !strchr(",;:!?()[]<>\"«»", s[e]))
        e++;
      while (e > i + 1 && s[e - 1] == '.')
        e--;
      if (e > i + 1) {
        tl_status st = add_skip(sp, off + b, off + e);
        if (st)
          return st;
      }
      i = e;
      continue;
    } else
      continue;
    if (e > i) {
      tl_status st = add_skip(sp, off + i, off + e);
      if (st)
        return st;
      i = e;
    }
  }
  return TL_OK;
}

static int skipped(const tl_speller *sp, size_t a, size_t b) {
  for (size_t i = 0; i < sp->nskips; i += 2)
    if (a < sp->skips[i + 1] && b > sp->skips[i])
      return 1;
  return 0;
}

typedef struct checker {
  tl_ctx *ctx;
  tl_speller *sp;
  const char *text; /* as given: what the words and offsets refer to */
  size_t text_len;
  tl_spell_fn fn;
  void *user;
  tl__markup markup;
  size_t line;
  size_t u16_base; /* UTF-16 offset of the current line */
  /* a cursor in the current line of text, moved to each word in turn */
  size_t cur, cur_u16, cur_col;
  char reason[160];
} checker;

/* Word w[0..n) (UTF-16, normalized) as dictionary di spells it, in UTF-8:
 * its apostrophes as that dictionary writes them (oʻ gʻ ʼ in our Latin
 * list, ' in English, ъ in Cyrillic). Returns the length or -1. */
static int32_t word_utf8(int di, const UChar *w, int32_t n, char *out, int32_t cap) {
  UChar tmp[MAX_WORD_U16 + 8];
  int32_t k = 0;
  if (n > MAX_WORD_U16) /* (lower-casing may have lengthened a word) */
    return -1;
  for (int32_t i = 0; i < n; i++) {
    UChar c = w[i];
    if (i > 0 && tl__norm_is_apostrophe(c)) {
      UChar p = tmp[k - 1];
      if (di == DI_UZL && p == 0x2BB)
        continue; /* Noʻʼmon: our conversion writes ўъ as oʻ alone */
      if (di == DI_UZL)
        c = (p == 'o' || p == 'O' || p == 'g' || p == 'G') ? 0x2BB : 0x2BC;
      else if (di == DI_EN)
        c = '\'';
      else if (di == DI_UZC)
        c = (u_isupper(p) && i + 1 < n && u_isupper(w[i + 1])) ? 0x42A : 0x44A;
    }
    tmp[k++] = c;
  }
  UErrorCode ue = U_ZERO_ERROR;
  int32_t len = 0;
  u_strToUTF8(out, cap, &len, tmp, k, &ue);
  return U_FAILURE(ue) || ue == U_STRING_NOT_TERMINATED_WARNING ? -1 : len;
}

/* The key of token t in dictionary di: its normalized bytes as they are
 * (no copy) unless an apostrophe needs the dictionary's spelling. */
static int32_t word_key(const tl_speller *sp, int di, const tok *t, char *buf,
                        int32_t cap, const char **key) {
  for (int32_t i = t->u0 + 1; i < t->u1; i++)
    if (is_apostrophe_u(sp->u[i])) {
      *key = buf;
      return word_utf8(di, sp->u + t->u0, t->u1 - t->u0, buf, cap);
    }
  *key = sp->norm.data + sp->nbyte[t->u0];
  return (int32_t)(sp->nbyte[t->u1] - sp->nbyte[t->u0]);
}

/* Moves the line cursor to byte `to` of the text (not before it). */
static void cursor_to(checker *ck, size_t to) {
  for (; ck->cur < to; ck->cur++) {
    unsigned char c = (unsigned char)ck->text[ck->cur];
    if ((c & 0xC0) != 0x80) {
      ck->cur_u16 += c >= 0xF0 ? 2 : 1;
      ck->cur_col++;
    }
  }
}

static tl_status emit(checker *ck, const tok *t, int di, int ok,
                      const centry *e, const char *const *sugg, size_t nsugg,
                      const char *reason) {
  tl_speller *sp = ck->sp;
  if (ok && !(sp->flags & TL_SPELL_ALL_WORDS))
    return TL_OK;
  tl_spell_word w;
  cursor_to(ck, t->a);
  w.offset = t->a;
  w.len = t->b - t->a;
  w.u16_offset = ck->cur_u16;
  w.u16_len = 0;
  for (size_t i = t->a; i < t->b; i++) {
    unsigned char c = (unsigned char)ck->text[i];
    if ((c & 0xC0) != 0x80)
      w.u16_len += c >= 0xF0 ? 2 : 1;
  }
  w.line = ck->line;
  w.column = ck->cur_col;
  w.word = ck->text + w.offset;
  w.lang = dict_info[di].lang;
  w.ok = ok;
  if (e) {
    w.suggestions = (const char *const *)e->sugg;
    w.n_suggestions = e->nsugg;
  } else {
    w.suggestions = sugg;
    w.n_suggestions = nsugg;
  }
  w.reason = reason;
  ck->fn(ck->user, &w);
  return TL_OK;
}

/* A Latin suffix chain of dictionaries/uz/suffixes.txt (ASCII letters) in
 * Uzbek Cyrillic. Suffixes never start a word, so e is е and the only
 * digraphs are sh ch ng yo yu ya ye and oʻ gʻ. */
static void suffix_to_cyrillic(const char *s, tl_buf *out) {
  static const char *const one[26] = {
      "а", "б", "ц", "д", "е", "ф", "г", "ҳ", "и", "ж", "к", "л", "м",
      "н", "о", "п", "қ", "р", "с", "т", "у", "в", "в", "х", "й", "з"};
  for (; *s; s++) {
    char c = *s, d = s[1];
    if (c == 's' && d == 'h')
      tl__buf_puts(out, "ш"), s++;
    else if (c == 'c' && d == 'h')
      tl__buf_puts(out, "ч"), s++;
    else if (c == 'y' && (d == 'o' || d == 'u' || d == 'a' || d == 'e') &&
             strncmp(s + 2, "ʻ", 2) != 0)
      tl__buf_puts(out, d == 'o' ? "ё" : d == 'u' ? "ю" : d == 'a' ? "я" : "е"), s++;
    else if ((c == 'o' || c == 'g') && strncmp(s + 1, "ʻ", 2) == 0)
      tl__buf_puts(out, c == 'o' ? "ў" : "ғ"), s += 2;
    else if (c >= 'a' && c <= 'z')
      tl__buf_puts(out, one[c - 'a']);
  }
}

/* The suffix chains of the Uzbek engine's lexicon, in both scripts: a word
 * the flat hunspell-uz list lacks is accepted as a known stem plus one of
 * them (Toshkentdagilarning), since the list holds only common forms. */
static void load_suffixes(tl_speller *sp) {
  sp->suffixes_loaded = 1;
  const tl__blob *b = tl__embedded_find("uz/suffixes.txt");
  if (!b)
    return;
  const char *t = (const char *)b->data, *end = t + b->len;
  tl_buf cyr = TL_BUF_INIT;
  while (t < end) {
    const char *nl = memchr(t, '\n', (size_t)(end - t));
    size_t n = nl ? (size_t)(nl - t) : (size_t)(end - t);
    while (n && (t[n - 1] == '\r' || t[n - 1] == ' '))
      n--;
    if (n && t[0] != '#' && n < 64) {
      char lat[64];
      memcpy(lat, t, n);
      lat[n] = '\0';
      cmap_get(&sp->suffixes[SC_LATN], lat, n);
      tl_buf_clear(&cyr);
      suffix_to_cyrillic(lat, &cyr);
      if (cyr.len)
        cmap_get(&sp->suffixes[SC_CYRL], cyr.data, cyr.len);
    }
    t += n + 1;
    while (t < end && t[-1] != '\n')
      t++;
  }
  tl_buf_free(&cyr);
}

static int is_suffix(tl_speller *sp, int script, const char *s, size_t n) {
  if (!sp->suffixes_loaded)
    load_suffixes(sp);
  cmap *m = &sp->suffixes[script];
  if (!m->cap)
    return 0;
  uint32_t h = hash_bytes(s, n);
  for (size_t j = h & (m->cap - 1); m->e[j].key; j = (j + 1) & (m->cap - 1))
    if (m->e[j].hash == h && m->e[j].klen == n && memcmp(m->e[j].key, s, n) == 0)
      return 1;
  return 0;
}

/* Particles written onto a word (haliyam, kitobmi, senchi, oʻshagina). */
static const char *const particles[SC_N][9] = {
    {"yam", "mi", "chi", "ku", "gina", "dir", "oq", NULL, NULL},
    {"ям", "ми", "чи", "ку", "гина", "дир", "оқ", NULL, NULL}};

/* Whether w[0..n) ends with an Uzbek vowel (Latin or Cyrillic; oʻ counts). */
static int ends_vowel(const char *w, size_t n) {
  static const char *const vowels[] = {"a", "e", "i", "o", "u", "oʻ", "а", "е",
                                       "и", "о", "у", "э", "ў", NULL};
  for (const char *const *v = vowels; *v; v++) {
    size_t k = strlen(*v);
    if (n >= k && memcmp(w + n - k, *v, k) == 0)
      return 1;
  }
  return 0;
}

/* Length in bytes of the first code point of s[0..n). */
static size_t first_len(const char *s, size_t n) {
  size_t k = 1;
  while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
    k++;
  return n ? k : 0;
}

/* Word w (UTF-8, n bytes) of an Uzbek dictionary as stem + suffixes: the
 * stem a word of di (at least two letters), the rest a chain of the units
 * of dictionaries/uz/suffixes.txt (the engine's list: -lar, -imiz, -dan...)
 * and particles, as kitob|lar|imiz|dan. */
static int stem_suffix_ok(checker *ck, int di, const char *w, size_t n) {
  tl_speller *sp = ck->sp;
  int script = dict_info[di].script;
  if (n >= 4 * MAX_WORD_U16)
    return 0;
  /* chain[i]: w[i..n) is a chain of units (chain[n] = the empty chain). */
  unsigned char chain[4 * MAX_WORD_U16 + 1];
  memset(chain, 0, n + 1);
  chain[n] = 1;
  for (size_t i = n; i-- > 0;) {
    if (((unsigned char)w[i] & 0xC0) == 0x80)
      continue;
    for (size_t e = i + 1; e <= n && e - i <= 24; e++) {
      if (!chain[e] || (e < n && ((unsigned char)w[e] & 0xC0) == 0x80))
        continue;
      if (is_suffix(sp, script, w + i, e - i) ||
          in_list(w + i, e - i, particles[script])) {
        chain[i] = 1;
        break;
      }
    }
  }
  size_t first = 0; /* the stem keeps at least two code points */
  for (int k = 0; k < 2 && first < n; k++)
    do
      first++;
    while (first < n && ((unsigned char)w[first] & 0xC0) == 0x80);
  for (size_t i = first; i < n; i++) {
    if (!chain[i] || ((unsigned char)w[i] & 0xC0) == 0x80)
      continue;
    /* A suffix that starts with a vowel follows a consonant (kitob-im, but
     * mashina-m): shahri + i is not shahrii. */
    if (ends_vowel(w, i) && ends_vowel(w + i, first_len(w + i, n - i)))
      continue;
    centry *e = NULL;
    if (judge(ck->ctx, sp, di, w, i, &e) == TL_OK && e->ok == 1)
      return 1;
  }
  return 0;
}

/* Verdict on a plain word in dictionary di: accepted there, or (when the
 * language is not forced) in the other dictionary of the same script, as a
 * word quoted in the neighbour language. *okdi gets the judging dictionary. */
static tl_status verdict(checker *ck, int di, const tok *t, int *ok, int *okdi,
                         centry **bad) {
  tl_speller *sp = ck->sp;
  char buf[4 * MAX_WORD_U16 + 16];
  const char *u8;
  int32_t k = word_key(sp, di, t, buf, sizeof buf, &u8);
  *bad = NULL;
  *okdi = di;
  if (k < 0) {
    *ok = 1; /* cannot happen for a valid word; never flag what we can't read */
    return TL_OK;
  }
  centry *e = NULL;
  tl_status s = judge(ck->ctx, sp, di, u8, (size_t)k, &e);
  if (s)
    return s;
  if (e->ok == 1 || e->ok == 3) {
    *ok = 1;
    return TL_OK;
  }
  if (sp->lang == TL_LANG_UNKNOWN) {
    int other = di == DI_UZL ? DI_EN : di == DI_EN ? DI_UZL : di == DI_UZC ? DI_RU : DI_UZC;
    char obuf[4 * MAX_WORD_U16 + 16];
    const char *o8;
    int32_t ko = word_key(sp, other, t, obuf, sizeof obuf, &o8);
    centry *eo = NULL;
    if (ko >= 0) {
      s = judge(ck->ctx, sp, other, o8, (size_t)ko, &eo);
      if (s)
        return s;
      if (eo->ok == 1 || eo->ok == 3) {
        *ok = 1;
        *okdi = other;
        return TL_OK;
      }
    }
    /* judge() may have grown the other cache only; e is still valid. */
  }
  if (e->ok == 0 && (di == DI_UZL || di == DI_UZC)) {
    /* Remembered as ok = 3: accepted as stem + suffixes. */
    char key[4 * MAX_WORD_U16 + 16];
    memcpy(key, e->key, e->klen + 1);
    size_t kl = e->klen;
    int sok = stem_suffix_ok(ck, di, key, kl);
    /* The stem lookups may have moved the cache: find the entry again. */
    e = cmap_get(&sp->d[di].cache, key, kl);
    if (!e)
      return tl__fail(ck->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    e->ok = sok ? 3 : 4;
  }
  if (e->ok == 3) {
    *ok = 1;
    return TL_OK;
  }
  *ok = 0;
  if (!(sp->flags & TL_SPELL_NO_SUGGEST)) {
    s = suggest(ck->ctx, sp, di, e);
    if (s)
      return s;
  }
  *bad = e;
  return TL_OK;
}

/* The dictionary of a run: the forced language, else the segment's
 * decision (-1 when it had no evidence), else the line's. */
static int run_dict(const tl_speller *sp, int seg_lang, int line_lang) {
  if (sp->lang != TL_LANG_UNKNOWN)
    return lang_di(sp->lang);
  return seg_lang >= 0 ? seg_lang : line_lang;
}

/* Uzbek writes enclitic particles after a hyphen (keldim-da, kecha-yu,
 * bor-ku) and case endings after a quotation, a number or an acronym
 * («Kun.uz»ning, 2024-yilda, BMTning) or a number (30 dan ortiq, 5 ta):
 * such a piece is not a word alone. */
static int attached_ok(checker *ck, const tok *t, int script) {
  static const char *const enclitics[SC_N][20] = {
      {"da", "ku", "yu", "u", "chi", "mi", "a", "ya", "e", "ey", "gina", "dek",
       "day", "ki", "oq", "yoq", "ov", "tagin", NULL},
      {"да", "ку", "ю", "у", "чи", "ми", "а", "я", "э", "эй", "гина", "дек",
       "дай", "ки", "оқ", "ёқ", "ов", NULL}};
  tl_speller *sp = ck->sp;
  UChar p = sp->u[t->u0 - 1], pp = sp->u[t->u0 - 2];
  char w8[4 * MAX_WORD_U16 + 16];
  UChar low[MAX_WORD_U16 * 2];
  UErrorCode ue = U_ZERO_ERROR;
  int32_t ln = u_strToLower(low, MAX_WORD_U16 * 2, sp->u + t->u0, t->u1 - t->u0, "", &ue);
  if (U_FAILURE(ue))
    return 0;
  int32_t k = word_utf8(script == SC_LATN ? DI_UZL : DI_UZC, low, ln, w8, sizeof w8);
  if (k < 0)
    return 0;
  if (p == '-' && u_isalpha(pp))
    return in_list(w8, (size_t)k, enclitics[script]);
  if (p == ' ' && u_isdigit(pp)) /* 30 dan ortiq, 5 ta kitob */
    return is_suffix(sp, script, w8, (size_t)k) || (k == 2 && memcmp(w8, "ta", 2) == 0) ||
           (k == 4 && memcmp(w8, "та", 4) == 0);
  int after = p == 0xBB || p == '"' || p == 0x201D || p == 0x201C || p == ')' ||
              p == 0x2019 || p == '\'' || u_isdigit(p) ||
              (p == '-' && u_isdigit(pp)) || (u_isupper(p) && u_isupper(pp));
  return after && is_suffix(sp, script, w8, (size_t)k);
}

/* The normalizer's look-alike fix inside token t, or NULL. */
static const struct lookfix *find_fix(const tl_speller *sp, const tok *t) {
  size_t lo = 0, hi = sp->nfixes; /* the first fix starting at or after t->b */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (sp->fixes[mid].a < t->b)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo && sp->fixes[lo - 1].b > t->a ? &sp->fixes[lo - 1] : NULL;
}

/* Checks one word; lang decisions are made by the caller. */
static tl_status check_tok(checker *ck, const tok *t, const int di_by_script[SC_N]) {
  tl_speller *sp = ck->sp;
  const UChar *w = sp->u + t->u0;
  int32_t n = t->u1 - t->u0;
  int nl = 0, nc = 0, upper = 0, lower = 0;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U16_NEXT(w, i, n, c);
    int sc = script_of(c);
    nl += sc == SC_LATN;
    nc += sc == SC_CYRL;
    int lc = letter_case(c);
    upper += lc > 0;
    lower += lc < 0;
  }
  if (upper >= 2 && lower == 0 && !(sp->flags & TL_SPELL_CHECK_CAPS))
    return TL_OK; /* an acronym */
  const struct lookfix *fx = sp->nfixes ? find_fix(sp, t) : NULL;
  if (nl && nc) {
    /* Letters of both scripts that the normalizer left (a brand with a
     * suffix, iPhoneлар): no dictionary has the word. */
    int di = di_by_script[nc >= nl ? SC_CYRL : SC_LATN];
    return emit(ck, t, di, 0, NULL, NULL, 0,
                fx ? fx->reason : "mixes Latin and Cyrillic letters");
  }
  int script = nc ? SC_CYRL : SC_LATN;
  int di = di_by_script[script];
  if (!fx && (di == DI_UZL || di == DI_UZC) && t->u0 >= 2 && attached_ok(ck, t, script))
    return emit(ck, t, di, 1, NULL, NULL, 0, NULL);
  int ok = 0, okdi = di;
  centry *bad;
  tl_status s = verdict(ck, di, t, &ok, &okdi, &bad);
  if (s)
    return s;
  if (!fx)
    return emit(ck, t, ok ? okdi : di, ok, bad, NULL, 0, NULL);
  /* Wrong only by its look-alike letters (the commonest real error): the
   * word as the normalizer put it is the suggestion. */
  if (!ok)
    return emit(ck, t, di, 0, bad, NULL, 0, fx->reason);
  char u8[4 * MAX_WORD_U16 + 16];
  size_t k = sp->nbyte[t->u1] - sp->nbyte[t->u0];
  if (k >= sizeof u8)
    return TL_OK;
  memcpy(u8, sp->norm.data + sp->nbyte[t->u0], k);
  u8[k] = '\0';
  const char *one[1] = {u8};
  return emit(ck, t, okdi, 0, NULL, one, 1, fx->reason);
}

static int is_boundary(UChar c, UChar next) {
  switch (c) {
  case 0xAB: case 0xBB: case 0x201C: case 0x201D: case 0x201E: case '"':
  case 0x2039: case 0x203A:
    return 1;
  case '.': case '!': case '?': case 0x2026: case ';':
    return next == ' ' || next == 0 || next == 0xA0;
  default:
    return 0;
  }
}

/* The detector's vote on the words of one segment of one script, bytes
 * span[0..1) of norm: +/- up to DETECT_VOTE for Uzbek / the other language. */
#define DETECT_VOTE 6
static int detect_vote(const tl_speller *sp, const size_t span[2], int scr) {
  tl_lang dl;
  double conf; /* in [0, 1] */
  size_t letters;
  tl__detect_span(sp->norm.data + span[0], span[1] - span[0], &dl, &conf, &letters);
  int vote = (int)(conf * DETECT_VOTE + 0.5);
  if (dl == (scr == SC_LATN ? TL_LANG_UZ_LATN : TL_LANG_UZ_CYRL))
    return vote;
  if (dl == (scr == SC_LATN ? TL_LANG_EN : TL_LANG_RU))
    return -vote;
  return 0;
}

/* Checks line text[off..off+n) (no line end), whose normalized form is
 * norm[noff..noff+nn). */
static tl_status check_line(checker *ck, size_t off, size_t n, size_t noff, size_t nn) {
  tl_speller *sp = ck->sp;
  const char *s = ck->text + off;
  const char *ns = sp->norm.data + noff;
  /* 1. The normalized line in UTF-16, with the offset in norm of each unit. */
  if (nn + 2 > sp->ucap) {
    size_t ncap = nn + 64;
    UChar *u = realloc(sp->u, ncap * sizeof *u);
    if (u)
      sp->u = u;
    size_t *b = realloc(sp->nbyte, ncap * sizeof *b);
    if (b)
      sp->nbyte = b;
    if (!u || !b)
      return tl__fail(ck->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    sp->ucap = ncap;
  }
  int32_t un = 0;
  for (size_t i = 0; i < nn;) {
    unsigned char c0 = (unsigned char)ns[i];
    if (c0 < 0x80) { /* most of any line */
      sp->nbyte[un] = noff + i;
      sp->u[un++] = c0;
      i++;
      continue;
    }
    uint32_t cp;
    size_t k = tl__utf8_decode(ns + i, nn - i, &cp);
    if (cp > 0x10FFFF)
      cp = 0xFFFD; /* cannot happen: the normalizer writes valid UTF-8 */
    if (cp >= 0x10000) {
      sp->u[un] = (UChar)(0xD800 + ((cp - 0x10000) >> 10));
      sp->nbyte[un++] = noff + i;
      sp->u[un] = (UChar)(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      sp->u[un] = (UChar)cp;
    }
    sp->nbyte[un++] = noff + i;
    i += k;
  }
  sp->nbyte[un] = noff + nn;
  sp->u[un] = 0;

  /* 2. What not to check, in the text as given: markup, URLs, e-mail
   * addresses, handles. */
  sp->nskips = 0;
  line_ctx lc = {sp, off};
  int has_nl = ck->text_len > off + n && ck->text[off + n] == '\n';
  tl_status st = tl__markup_scan(&ck->markup, s, n + (size_t)has_nl, on_span, &lc);
  if (!st)
    st = find_skips(sp, s, n, off);
  if (st)
    return tl__fail(ck->ctx, st, TL_NO_OFFSET, "out of memory");
  if (!nn)
    return TL_OK;

  /* 3. Words. */
  UErrorCode ue = U_ZERO_ERROR;
  ubrk_setText(sp->bi, sp->u, un, &ue);
  if (U_FAILURE(ue))
    return tl__fail(ck->ctx, TL_EINTERNAL, TL_NO_OFFSET, "ICU: %s", u_errorName(ue));
  size_t nt = 0;
  int seg = 0;
  int32_t prev = ubrk_first(sp->bi), segpos = 0;
  for (int32_t b = ubrk_next(sp->bi); b != UBRK_DONE; prev = b, b = ubrk_next(sp->bi)) {
    for (; segpos < prev; segpos++)
      if (is_boundary(sp->u[segpos], sp->u[segpos + 1]))
        seg++;
    int32_t rs = ubrk_getRuleStatus(sp->bi);
    if (rs < UBRK_WORD_LETTER || rs >= UBRK_WORD_KANA)
      continue; /* spaces, punctuation, numbers, ideographs */
    if (b - prev > MAX_WORD_U16)
      continue;
    int digit = 0, dot = 0, sc = -1;
    for (int32_t i = prev; i < b; i++) {
      if (is_digit(sp->u[i]))
        digit = 1;
      else if (sp->u[i] == '.' || sp->u[i] == ':' || sp->u[i] == '_')
        dot = 1;
      else if (sc < 0 && !U16_IS_SURROGATE(sp->u[i]))
        sc = script_of(sp->u[i]);
    }
    if (digit || dot || sc < 0)
      continue; /* 5km, COVID19, kun.uz, other scripts */
    /* Where the word is in the text as given (the normalizer may have
     * removed, joined or replaced characters). */
    size_t wa = tl__norm_map_in(&sp->map, sp->nbyte[prev]);
    size_t wb = tl__norm_map_in(&sp->map, sp->nbyte[b]);
    if (wb <= wa || wb > off + n)
      continue; /* cannot happen: a word starts and ends at a character */
    if (skipped(sp, wa, wb))
      continue;
    /* A short ending after "<number>-" (5-yil, 2025-го, 3-chi): part of a
     * number+unit token, not a word of its own. */
    if (prev >= 2 && sp->u[prev - 1] == '-' && u_isdigit(sp->u[prev - 2]) &&
        b - prev <= 4)
      continue;
    if (nt == sp->tcap) {
      size_t ncap = sp->tcap ? 2 * sp->tcap : 64;
      tok *nt2 = realloc(sp->toks, ncap * sizeof *nt2);
      if (!nt2)
        return tl__fail(ck->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
      sp->toks = nt2;
      sp->tcap = ncap;
    }
    tok *t = &sp->toks[nt++];
    t->u0 = prev;
    t->u1 = b;
    t->a = wa;
    t->b = wb;
    t->seg = seg;
    t->script = sc;
    t->score = 0;
    t->dict_vote = 0;
  }
  if (!nt)
    return TL_OK;

  /* 4. The language of each run: per segment (sentence or quotation) and
   * script, from the evidence of its words; a segment without evidence
   * takes the line's, a line without evidence the previous decision. */
  int nseg = seg + 1;
  int line_lang[SC_N] = {sp->last_lang[SC_LATN], sp->last_lang[SC_CYRL]};
  int *seg_score = NULL;
  if (sp->lang == TL_LANG_UNKNOWN) {
    seg_score = calloc((size_t)nseg * SC_N, sizeof *seg_score);
    size_t *seg_span = malloc((size_t)nseg * SC_N * 2 * sizeof *seg_span);
    if (!seg_score || !seg_span) {
      free(seg_score);
      free(seg_span);
      return tl__fail(ck->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    }
    memset(seg_span, 0xFF, (size_t)nseg * SC_N * 2 * sizeof *seg_span);
    int line_score[SC_N] = {0, 0};
    for (size_t i = 0; i < nt; i++) {
      tok *t = &sp->toks[i];
      UChar low[MAX_WORD_U16 * 2];
      UErrorCode e2 = U_ZERO_ERROR;
      int32_t ln = u_strToLower(low, MAX_WORD_U16 * 2, sp->u + t->u0, t->u1 - t->u0, "", &e2);
      char u8[MAX_WORD_U16 * 8];
      if (U_FAILURE(e2))
        continue;
      int32_t k = word_utf8(t->script == SC_LATN ? DI_UZL : DI_UZC, low, ln, u8, sizeof u8);
      if (k < 0)
        continue;
      t->score = tl__spell_uz_score(u8, (size_t)k, t->script == SC_CYRL);
      seg_score[t->seg * SC_N + t->script] += t->score;
      line_score[t->script] += t->score;
    }
    /* The language detector (detect.c) on each segment's words of each
     * script, weighted by its confidence: a vote of at most DETECT_VOTE.
     * Where the words' own evidence outweighs any vote (a sentence of
     * function words), the vote cannot change the segment's decision, nor
     * call for the dictionaries' evidence below (|score| > 6 either way), so
     * it is left pending: asked only if the line's total then needs it. */
    for (size_t i = 0; i < nt; i++) {
      const tok *t = &sp->toks[i];
      size_t *sb = &seg_span[2 * (t->seg * SC_N + t->script)];
      if (sb[0] == (size_t)-1)
        sb[0] = sp->nbyte[t->u0];
      sb[1] = sp->nbyte[t->u1];
    }
    int pending[SC_N] = {0, 0};
    for (int g = 0; g < nseg; g++) {
      for (int scr = 0; scr < SC_N; scr++) {
        int idx = g * SC_N + scr;
        if (seg_span[2 * idx] == (size_t)-1)
          continue;
        if (seg_score[idx] > 6 + DETECT_VOTE || seg_score[idx] < -6 - DETECT_VOTE) {
          pending[scr]++;
          continue;
        }
        int v = detect_vote(sp, seg_span + 2 * idx, scr);
        seg_span[2 * idx] = (size_t)-1; /* done */
        seg_score[idx] += v;
        line_score[scr] += v;
      }
    }
    /* Where letters, words and the detector leave a segment in doubt, the
     * dictionaries' own evidence: which of the two knows each word. (Only
     * there: it costs a second dictionary lookup a word.) A dictionary that
     * cannot load gives none; the check itself reports it. */
    for (size_t i = 0; i < nt; i++) {
      tok *t = &sp->toks[i];
      int v = seg_score[t->seg * SC_N + t->script];
      if (v >= 6 || v <= -6)
        continue;
      int uz = t->script == SC_LATN ? DI_UZL : DI_UZC;
      int other = t->script == SC_LATN ? DI_EN : DI_RU;
      int okv[2] = {0, 0};
      int dis[2] = {uz, other};
      for (int q = 0; q < 2; q++) {
        char wbuf[MAX_WORD_U16 * 8];
        const char *w8;
        int32_t kk = word_key(sp, dis[q], t, wbuf, sizeof wbuf, &w8);
        centry *e = NULL;
        if (kk >= 0 && judge(ck->ctx, sp, dis[q], w8, (size_t)kk, &e) == TL_OK)
          okv[q] = e->ok == 1;
      }
      t->dict_vote = 2 * (okv[0] - okv[1]);
    }
    for (size_t i = 0; i < nt; i++) {
      tok *t = &sp->toks[i];
      seg_score[t->seg * SC_N + t->script] += t->dict_vote;
      line_score[t->script] += t->dict_vote;
      t->dict_vote = 0;
    }
    /* The pending votes, where they could change the sign of the line's
     * total (which decides the segments without evidence and the next line
     * without any). */
    for (int scr = 0; scr < SC_N; scr++) {
      if (!pending[scr] || line_score[scr] > DETECT_VOTE * pending[scr] ||
          line_score[scr] < -DETECT_VOTE * pending[scr])
        continue;
      for (int g = 0; g < nseg; g++) {
        int idx = g * SC_N + scr;
        if (seg_span[2 * idx] == (size_t)-1)
          continue;
        int v = detect_vote(sp, seg_span + 2 * idx, scr);
        seg_score[idx] += v;
        line_score[scr] += v;
      }
    }
    for (int scr = 0; scr < SC_N; scr++) {
      int uz = scr == SC_LATN ? DI_UZL : DI_UZC, other = scr == SC_LATN ? DI_EN : DI_RU;
      if (line_score[scr] > 0)
        line_lang[scr] = uz;
      else if (line_score[scr] < 0)
        line_lang[scr] = other;
      sp->last_lang[scr] = line_lang[scr];
    }
    free(seg_span);
  }
  for (size_t i = 0; i < nt && !st; i++) {
    const tok *t = &sp->toks[i];
    int di_by_script[SC_N];
    for (int scr = 0; scr < SC_N; scr++) {
      int sl = -1;
      if (seg_score) {
        int v = seg_score[t->seg * SC_N + scr];
        if (v > 0)
          sl = scr == SC_LATN ? DI_UZL : DI_UZC;
        else if (v < 0)
          sl = scr == SC_LATN ? DI_EN : DI_RU;
      }
      di_by_script[scr] = run_dict(sp, sl, line_lang[scr]);
    }
    st = check_tok(ck, t, di_by_script);
  }
  free(seg_score);
  return st;
}

/* Script of a letter for the look-alike reasons: "Latin", "Cyrillic" or NULL. */
static const char *script_name(uint32_t c) {
  int sc = script_of((UChar32)c);
  return sc == SC_LATN ? "Latin" : sc == SC_CYRL ? "Cyrillic" : NULL;
}

/* The normalizer's report of a change: the look-alike letters it put in
 * the script of their word are kept, with the reason the word is wrong. */
static void on_change(void *user, const tl_change *c) {
  tl_speller *sp = user;
  if (strcmp(c->kind, "lookalike") != 0 || sp->nfixes == (size_t)-1)
    return;
  if (sp->nfixes == sp->fcap) {
    size_t ncap = sp->fcap ? 2 * sp->fcap : 16;
    struct lookfix *f = realloc(sp->fixes, ncap * sizeof *f);
    if (!f) {
      sp->nfixes = (size_t)-1; /* out of memory: told by the caller */
      return;
    }
    sp->fixes = f;
    sp->fcap = ncap;
  }
  struct lookfix *f = &sp->fixes[sp->nfixes++];
  f->a = c->offset;
  f->b = c->offset + strlen(c->before);
  /* "Latin e, o inside a Cyrillic word": the letters that changed. */
  char letters[48] = "";
  size_t ll = 0, letter_n = 0, changed = 0;
  const char *from = NULL, *to = NULL;
  const char *p = c->before, *q = c->after;
  size_t pn = strlen(p), qn = strlen(q);
  while (pn && qn) {
    uint32_t x, y;
    size_t kx = tl__utf8_decode(p, pn, &x), ky = tl__utf8_decode(q, qn, &y);
    letter_n++;
    if (x != y) {
      changed++;
      from = script_name(x);
      to = script_name(y);
      if (ll + kx + 3 < sizeof letters && !memmem(letters, ll, p, kx)) {
        ll += (size_t)snprintf(letters + ll, sizeof letters - ll, "%s%.*s",
                               ll ? ", " : "", (int)kx, p);
      }
    }
    p += kx, pn -= kx, q += ky, qn -= ky;
  }
  if (!from || !to)
    from = "Latin", to = "Cyrillic"; /* cannot happen: twins are letters */
  if (changed == letter_n) /* the whole word: Russian "a" typed in Latin */
    snprintf(f->reason, sizeof f->reason, "%s %s in %s text", from, letters, to);
  else
    snprintf(f->reason, sizeof f->reason, "%s %s inside a %s word", from, letters, to);
}

static int fix_cmp(const void *x, const void *y) {
  const struct lookfix *a = x, *b = y;
  return a->a < b->a ? -1 : a->a > b->a;
}

tl_status tl_speller_check(tl_ctx *ctx, tl_speller *sp, const char *text,
                           size_t len, tl_spell_fn fn, void *user) {
  if (!sp || (!text && len) || !fn)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  size_t bad;
  if (!tl__utf8_valid(text, len, &bad)) {
    size_t line = 1, col = 1;
    tl__utf8_advance(&line, &col, text, bad);
    return tl__fail_at(ctx, TL_EUTF8, bad, line, col,
                       "invalid UTF-8 (byte 0x%02X) at byte %zu",
                       (unsigned char)text[bad], bad);
  }
  pthread_mutex_lock(&sp->mu);
  /* A line with no evidence of its language takes the last decision, but
   * only within this call: a speller shared by threads gives each call the
   * result it would give alone. */
  sp->last_lang[SC_LATN] = DI_UZL;
  sp->last_lang[SC_CYRL] = DI_UZC;
  /* Normalize first: NFC, apostrophes, look-alikes, invisible characters,
   * by the normalizer's rules. Spaces and CR stay (they do not matter to
   * words), so lines of norm are the lines of text. */
  tl_normalize_options no;
  tl_normalize_options_init(&no);
  no.flags = TL_NORM_KEEP_SPACES;
  tl_buf_clear(&sp->norm);
  sp->nfixes = 0;
  tl_status st = tl__normalize_mapped(ctx, &no, text, len, &sp->norm, on_change, sp, &sp->map);
  if (!st && sp->nfixes == (size_t)-1)
    st = tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  if (st) {
    sp->nfixes = 0;
    pthread_mutex_unlock(&sp->mu);
    return st;
  }
  if (sp->nfixes > 1)
    qsort(sp->fixes, sp->nfixes, sizeof *sp->fixes, fix_cmp);
  checker ck;
  memset(&ck, 0, sizeof ck);
  ck.ctx = ctx;
  ck.sp = sp;
  ck.text = text;
  ck.text_len = len;
  ck.fn = fn;
  ck.user = user;
  ck.line = 1;
  tl__markup_init(&ck.markup, (sp->flags & TL_SPELL_HTML)       ? TL__MARKUP_HTML
                              : (sp->flags & TL_SPELL_MARKDOWN) ? TL__MARKUP_MARKDOWN
                                                                : TL__MARKUP_PLAIN);
  const char *nt = sp->norm.data ? sp->norm.data : "";
  size_t nlen = sp->norm.len;
  size_t i = 0, ni = 0;
  while (i < len && !st) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - text) : len;
    const char *nnl = ni < nlen ? memchr(nt + ni, '\n', nlen - ni) : NULL;
    size_t ne = nnl ? (size_t)(nnl - nt) : nlen;
    ck.cur = i;
    ck.cur_u16 = ck.u16_base;
    ck.cur_col = 1;
    st = check_line(&ck, i, e - i, ni, ne - ni);
    /* UTF-16 length of the line and its line end. */
    for (size_t j = i; j < e; j++) {
      unsigned char c = (unsigned char)text[j];
      if ((c & 0xC0) != 0x80)
        ck.u16_base += c >= 0xF0 ? 2 : 1;
    }
    ck.u16_base += nl ? 1 : 0;
    ck.line++;
    i = e + 1;
    ni = ne + 1;
  }
  pthread_mutex_unlock(&sp->mu);
  if (!st)
    tl__ok(ctx);
  return st;
}

tl_status tl_speller_add(tl_ctx *ctx, tl_speller *sp, const char *word,
                         size_t len) {
  if (!sp || !word)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  pthread_mutex_lock(&sp->mu);
  size_t before[SC_N] = {sp->words[SC_LATN].n, sp->words[SC_CYRL].n};
  tl_status s = load_list(ctx, sp, "word", word, len);
  if (!s) {
    for (int di = 0; di < DI_N; di++) {
      int sc = dict_info[di].script;
      if (sp->d[di].state != 1 || sp->words[sc].n == before[sc])
        continue;
#ifdef TL_HAVE_HUNSPELL
      add_words(sp, di, before[sc]);
#endif
      /* Earlier verdicts may have changed. */
      cmap_free(&sp->d[di].cache);
    }
    tl__ok(ctx);
  }
  pthread_mutex_unlock(&sp->mu);
  return s;
}
