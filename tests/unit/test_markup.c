/* test_markup.c: the markup scanner's exact spans (what is converted, what is
 * kept) for plain text, HTML and Markdown, broken input included; the same
 * spans whether a document arrives whole or cut at line ends (or spaces);
 * and the property that every tag is copied byte for byte. */
#include "check.h"
#include "markup.h"

#include <stdlib.h>
#include <string.h>

/* Spans rendered as one string: converted text as is, kept text in {{ }};
 * adjacent spans of one kind are merged, since how text is split into
 * calls does not matter, only which bytes are kept. */
typedef struct collect {
  char *out;
  size_t len, cap;
  int last; /* -1 none, 0 keep, 1 convert */
  size_t covered;
} collect;

static void add(collect *c, const char *s, size_t n) {
  if (c->len + n + 1 > c->cap) {
    c->cap = (c->len + n + 1) * 2;
    c->out = realloc(c->out, c->cap);
  }
  memcpy(c->out + c->len, s, n);
  c->len += n;
  c->out[c->len] = '\0';
}

static tl_status on_span(void *user, const char *s, size_t n, int convert) {
  collect *c = user;
  if (n == 0)
    return TL_OK;
  if (c->last == 0 && convert)
    add(c, "}}", 2);
  if (c->last != 0 && !convert)
    add(c, "{{", 2);
  add(c, s, n);
  c->last = convert;
  c->covered += n;
  return TL_OK;
}

/* Scans in as pieces: whole (cut = 0), cut after every line end (cut = 1),
 * or after every line end, space and tab (cut = 2), as the driver may.
 * Returns the rendering (malloc'd); checks that the spans cover the input. */
static char *render_n(tl__markup_mode mode, const char *in, size_t n, int cut) {
  tl__markup m;
  tl__markup_init(&m, mode);
  collect c = {NULL, 0, 0, -1, 0};
  add(&c, "", 0);
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    int at = cut && (in[i] == '\n' || (cut == 2 && (in[i] == ' ' || in[i] == '\t')));
    if (at) {
      tl__markup_scan(&m, in + start, i + 1 - start, on_span, &c);
      start = i + 1;
    }
  }
  if (start < n)
    tl__markup_scan(&m, in + start, n - start, on_span, &c);
  if (c.last == 0)
    add(&c, "}}", 2);
  CHECK_INT(n, c.covered);
  return c.out;
}

static int g_line;

/* Checks the spans of in against want, whole and cut at every line end
 * (and, for plain text and HTML, at every space too). */
static void span_case(int line, tl__markup_mode mode, const char *in,
                      const char *want) {
  g_line = line;
  int cuts = mode == TL__MARKUP_MARKDOWN ? 1 : 2;
  for (int cut = 0; cut <= cuts; cut++) {
    char *got = render_n(mode, in, strlen(in), cut);
    if (strcmp(got, want) != 0) {
      char what[64];
      snprintf(what, sizeof what, "case at line %d, cut mode %d", line, cut);
      check_fail(__FILE__, line, what, want, got);
    }
    check_count++;
    free(got);
  }
}

#define PLAIN(in, want) span_case(__LINE__, TL__MARKUP_PLAIN, in, want)
#define HTML(in, want) span_case(__LINE__, TL__MARKUP_HTML, in, want)
#define MD(in, want) span_case(__LINE__, TL__MARKUP_MARKDOWN, in, want)

static void test_plain(void) {
  PLAIN("Тошкент шаҳри", "Тошкент шаҳри");
  PLAIN("", "");
  PLAIN("Манба: https://kun.uz/news/2024/01/02/test?id=5&x=1 шаҳар",
        "Манба: {{https://kun.uz/news/2024/01/02/test?id=5&x=1}} шаҳар");
  PLAIN("Sayt: kun.uz.", "Sayt: {{kun.uz}}.");
  PLAIN("Kun.uz xabar berdi", "{{Kun.uz}} xabar berdi");
  PLAIN("(www.gazeta.uz/ru/)", "({{www.gazeta.uz/ru/}})");
  PLAIN("«kun.uz» ва «daryo.uz»", "«{{kun.uz}}» ва «{{daryo.uz}}»");
  PLAIN("KUN.UZ ХАБАРИ", "{{KUN.UZ}} ХАБАРИ");
  PLAIN("t.me/kunuzofficial ва youtu.be/abc",
        "{{t.me/kunuzofficial}} ва {{youtu.be/abc}}");
  PLAIN("ftp://files.gov.uz/a.zip, mailto:info@kun.uz",
        "{{ftp://files.gov.uz/a.zip}}, {{mailto:info@kun.uz}}");
  PLAIN("Почта: info.desk@kun.uz; тел.", "Почта: {{info.desk@kun.uz}}; тел.");
  PLAIN("@kun_uz ва @Daryo.news хабари", "{{@kun_uz}} ва {{@Daryo.news}} хабари");
  PLAIN("#Тошкент #Oʻzbekiston #O'zbekiston #a_b1.",
        "{{#Тошкент}} {{#Oʻzbekiston}} {{#O'zbekiston}} {{#a_b1}}.");
  PLAIN("https://uz.wikipedia.org/wiki/Тошкент.",
        "{{https://uz.wikipedia.org/wiki/Тошкент}}.");
  PLAIN("(https://x.uz/a_(b)) [https://x.uz/c]",
        "({{https://x.uz/a_(b)}}) [{{https://x.uz/c}}]");
  PLAIN("президент.рф сайти", "{{президент.рф}} сайти");
  PLAIN("Kun.uzga, Daryo.uzning, KUN.UZDA, Kun.uzдан, kun.uzbek, kun.uzgalar",
        "{{Kun.uz}}ga, {{Daryo.uz}}ning, {{KUN.UZ}}DA, {{Kun.uz}}дан, kun.uzbek, kun.uzgalar");
  /* Not addresses: a missing space after a full stop, file names, numbers,
   * words with @ or # inside, a lone @ or #. */
  PLAIN("keldi.Uzoq yo'l", "keldi.Uzoq yo'l");
  PLAIN("keldi.Uz", "keldi.Uz");
  PLAIN("hisobot.pdf 3.14 1.5.2024", "hisobot.pdf 3.14 1.5.2024");
  PLAIN("kun.uzbek C# a@b @ # x#y", "kun.uzbek C# a@b @ # x#y");
  PLAIN("5 < 6 & <b>Тошкент</b> &amp; &#1234 &#x4E2D; AT&T",
        "5 < 6 & <b>Тошкент</b> {{&amp;}} &{{#1234}} {{&#x4E2D;}} AT&T");
  PLAIN("a\tkun.uz\nb", "a\t{{kun.uz}}\nb");
}

static void test_html(void) {
  HTML("<p class=\"lead\">Тошкент</p>", "{{<p class=\"lead\">}}Тошкент{{</p>}}");
  HTML("<img src=\"a.jpg\" alt=\"Тошкент шаҳри\" title='Шаҳар' data-alt=\"Т\">",
       "{{<img src=\"a.jpg\" alt=\"}}Тошкент шаҳри{{\" title='}}Шаҳар{{' "
       "data-alt=\"Т\">}}");
  HTML("<IMG ALT=Тошкент TITLE = \"Шаҳар\">",
       "{{<IMG ALT=}}Тошкент{{ TITLE = \"}}Шаҳар{{\">}}");
  HTML("<a title=\"a>b\" href=\"x>y\">Т</a>",
       "{{<a title=\"}}a>b{{\" href=\"x>y\">}}Т{{</a>}}");
  HTML("<img alt=\"kun.uz &amp; Тошкент\">",
       "{{<img alt=\"kun.uz}} {{&amp;}} Тошкент{{\">}}");
  HTML("Тошкент&nbsp;&mdash; шаҳар &#1234; &#x4E2D; AT&T &",
       "Тошкент{{&nbsp;&mdash;}} шаҳар {{&#1234;}} {{&#x4E2D;}} AT&T &");
  HTML("<!-- Тошкент --><!DOCTYPE html><?xml v?><![CDATA[ a > b ]]>Шаҳар",
       "{{<!-- Тошкент --><!DOCTYPE html><?xml v?><![CDATA[ a > b ]]>}}Шаҳар");
  HTML("<!-->Т<!--->Т<!-- a --!>Т", "{{<!-->}}Т{{<!--->}}Т{{<!-- a --!>}}Т");
  HTML("<script>var s = \"<b>Тошкент</b>\";</script>Шаҳар",
       "{{<script>var s = \"<b>Тошкент</b>\";</script>}}Шаҳар");
  HTML("<style>p{x:1}</STYLE >Т<script src=x />Т</script>Ш",
       "{{<style>p{x:1}</STYLE >}}Т{{<script src=x />Т</script>}}Ш");
  HTML("<pre><code>x <b>Тошкент</b></code></pre>Шаҳар",
       "{{<pre><code>x <b>Тошкент</b></code></pre>}}Шаҳар");
  HTML("<code>a<code>b</code>c</code>d<kbd>Ctrl</kbd>",
       "{{<code>a<code>b</code>c</code>}}d{{<kbd>Ctrl</kbd>}}");
  HTML("<p><code>Тошкент</p><p>Шаҳар</p>", "{{<p><code>Тошкент</p><p>}}Шаҳар{{</p>}}");
  HTML("<code/>Т<br/>Ш<img alt=\"А\"/>", "{{<code/>}}Т{{<br/>}}Ш{{<img alt=\"}}А{{\"/>}}");
  HTML("<span translate=\"no\">Toshkent <span>x</span> y</span> shahar",
       "{{<span translate=\"no\">Toshkent <span>x</span> y</span>}} shahar");
  HTML("<i class=\"x notranslate\" title=\"Т\">Т<i>Ш</i></i>Ш<b class=\"notranslated no\">Т</b>",
       "{{<i class=\"x notranslate\" title=\"Т\">Т<i>Ш</i></i>}}Ш{{<b class=\"notranslated no\">}}Т{{</b>}}");
  HTML("<span class=notranslate>Т</span>Ш<div translate=No title=\"Т\"><p>Т</p></div>Ш",
       "{{<span class=notranslate>Т</span>}}Ш{{<div translate=No title=\"Т\"><p>Т</p></div>}}Ш");
  HTML("<img translate=\"no\" alt=\"Т\">Ш<p translate=\"yes\">Т</p>",
       "{{<img translate=\"no\" alt=\"Т\">}}Ш{{<p translate=\"yes\">}}Т{{</p>}}");
  HTML("<title>Тошкент <b></title><textarea>Ш&amp;</textarea>",
       "{{<title>}}Тошкент <b>{{</title><textarea>}}Ш{{&amp;</textarea>}}");
  HTML("<p>Visit kun.uz or https://x.uz/?a=1&amp;b=2</p>",
       "{{<p>}}Visit {{kun.uz}} or {{https://x.uz/?a=1&amp;b=2</p>}}");
  HTML("#Тошкент @kun_uz", "{{#Тошкент}} {{@kun_uz}}");
  /* Broken HTML: a less-than sign, a tag left open, an end tag with
   * attributes, an unquoted value, a stray "</ ...>". */
  HTML("5 < 6 ва <Тошкент> <5", "5 < 6 ва <Тошкент> <5");
  HTML("</p class=x>a</ 3>b</>c", "{{</p class=x>}}a{{</ 3>}}b{{</>}}c");
  HTML("Тошкент <a href=\"x", "Тошкент {{<a href=\"x}}");
  HTML("<a href=x\ntitle=\"Т\nШ\">\nА", "{{<a href=x\ntitle=\"}}Т\nШ{{\">}}\nА");
  HTML("<!-- a\nб\n-->в", "{{<!-- a\nб\n-->}}в");
  HTML("<pre>\nline 1\n  Тошкент\n</pre>\nШаҳар",
       "{{<pre>\nline 1\n  Тошкент\n</pre>}}\nШаҳар");
  HTML("<script>\nif (a < b) x = '</scr' + 'ipt>';\n</script>\nТ",
       "{{<script>\nif (a < b) x = '</scr' + 'ipt>';\n</script>}}\nТ");
}

static void test_markdown(void) {
  MD("Тошкент `code` шаҳар", "Тошкент {{`code`}} шаҳар");
  MD("``a ` b`` and ```x``", "{{``a ` b``}} and ```x``");
  MD("o`zbek va g`alaba, `kod` ma`no", "o`zbek va g`alaba, {{`kod`}} ma`no");
  MD("a ` b", "a ` b");
  MD("\\`not code\\` a", "\\`not code\\` a");
  MD("Т\n```js\nx = \"Тошкент\";\n```\nШаҳар",
     "Т\n{{```js\nx = \"Тошкент\";\n```\n}}Шаҳар");
  MD("~~~~\n~~~\nТ\n~~~~~\nШ", "{{~~~~\n~~~\nТ\n~~~~~\n}}Ш");
  MD("```\nТошкент", "{{```\nТошкент}}");
  MD("``` a`b\nТ", "``` a`b\nТ"); /* no backtick in a backtick info string */
  MD("Т\n\n    code line\n\tтаб\n\n    more\nШ",
     "Т\n\n{{    code line\n\tтаб\n\n    more\n}}Ш");
  MD("Paragraph\n    lazy continuation", "Paragraph\n    lazy continuation");
  MD("- item\n\n    continued item text\n", "- item\n\n    continued item text\n");
  MD("1. item\n\n       code in item\n", "1. item\n\n{{       code in item\n}}");
  MD("[Тошкент](https://kun.uz \"Шаҳар\") ва ![Расм](a.png)",
     "{{[}}Тошкент{{](https://kun.uz \"}}Шаҳар{{\")}} ва !{{[}}Расм{{](a.png)}}");
  MD("[a](<b c> 'Т') [d](e_(f)) [g]( h )",
     "{{[}}a{{](<b c> '}}Т{{')}} {{[}}d{{](e_(f))}} {{[}}g{{]( h )}}");
  MD("[Т][ид] ва [Ш]", "{{[}}Т{{][}}ид{{]}} ва {{[}}Ш{{]}}");
  MD("[ид]: https://kun.uz \"Сарлавҳа\"\n[x]: <a b>\n",
     "{{[}}ид{{]: https://kun.uz \"}}Сарлавҳа{{\"}}\n{{[}}x{{]: <a b>}}\n");
  MD("[not a def]: \nТ", "{{[}}not a def{{]}}: \nТ");
  MD("<https://kun.uz/a> ва <info@kun.uz>", "{{<https://kun.uz/a>}} ва {{<info@kun.uz>}}");
  MD("a <b>Тошкент</b> <code>x</code> c", "a {{<b>}}Тошкент{{</b>}} {{<code>x</code>}} c");
  MD("a < b, a <b c", "a < b, a <b c");
  MD("# Тошкент\n#Тошкент\n## Ш ##", "# Тошкент\n{{#Тошкент}}\n## Ш ##");
  MD("<pre>\nТ\n\nШ\n</pre>\nА", "{{<pre>\nТ\n\nШ\n</pre>}}\nА");
  MD("<!--\nТ\n-->\nА", "{{<!--\nТ\n-->}}\nА");
  MD("a <code>Т\n\nШ", "a {{<code>Т\n}}\nШ");
  MD("> quote `x`\n> ```\n> Т\n> ```\nШ", "> quote {{`x`}}\n{{> ```\n> Т\n> ```\n}}Ш");
  MD("Sayt: kun.uz va https://daryo.uz/x_(y).", "Sayt: {{kun.uz}} va {{https://daryo.uz/x_(y)}}.");
  MD("[https://kun.uz](https://kun.uz)", "{{[https://kun.uz](https://kun.uz)}}");
  MD("Т &amp; Ш", "Т {{&amp;}} Ш");
  /* Windows line ends */
  MD("Т\r\n```\r\nШ\r\n```\r\n\r\n    код\r\n\r\n[a]: /u \"Т\"\r\nА",
     "Т\r\n{{```\r\nШ\r\n```\r\n}}\r\n{{    код\r\n\r\n[}}a{{]: /u \"}}Т{{\"}}\r\nА");
}

/* ------------------------------------------------------------ properties */

static unsigned long long g_seed = 88172645463325252ull;
static unsigned rnd(unsigned n) {
  g_seed ^= g_seed << 13;
  g_seed ^= g_seed >> 7;
  g_seed ^= g_seed << 17;
  return (unsigned)(g_seed % n);
}

/* Fragments of HTML documents. Tags are well formed; text may be anything
 * that does not open a construct (a bare '<' is followed by a space). In a
 * tag, '|' marks the part a reader sees (alt/title), which may change. */
static const char *const tags[] = {
    "<p>", "</p>", "<div class=\"a b\" id=x>", "</div>", "<br>", "<br/>",
    "<img src=\"/i/a.jpg\" alt=\"|Тошкент шаҳри|\" width=10>",
    "<a href=\"https://kun.uz/?a=1&amp;b=2\" title='|Шаҳар|'>", "</a>",
    "<span data-x='\"q\"'>", "</span>", "<!-- Тошкент -->", "<!DOCTYPE html>",
    "<b>", "</b>", "<IMG ALT=|Т|>", "<input value=\"Тошкент\" disabled>",
    "<td\ncolspan=2\n>", "<a\nhref=x\ntitle=\"|a\nb|\">", "<h1 >", "</h1\n>",
    "<meta content=\"Тошкент, шаҳар\">", "<!---->", "<![CDATA[x]]>",
    "<pre>", "</pre>", "<code>", "</code>", "<script>a<b</script>",
    "<style>p>a{}</style>", "<title>|Т|</title>", "<textarea>|a|</textarea>",
};
static const char *const texts[] = {
    "Тошкент", " ", "\n", "шаҳар ", "5 < 6", "a & b", "&amp;", "&laquo;",
    "&#1234;", "-->", "]]>", "\"", "'", "`", ">", "kun.uz", "https://x.uz/a ",
    "info@kun.uz", "@kun_uz", "#Тошкент", "Oʻzbekiston", "\t", "  ", "x=1",
};

/* Builds a random document; mask[i] is 1 where the byte must be kept. */
static size_t random_doc(char *doc, char *mask, size_t cap) {
  size_t n = 0;
  int pieces = 1 + (int)rnd(40);
  for (int k = 0; k < pieces; k++) {
    int is_tag = rnd(2);
    const char *f = is_tag ? tags[rnd(sizeof tags / sizeof *tags)]
                           : texts[rnd(sizeof texts / sizeof *texts)];
    int seen = 0;
    for (const char *p = f; *p; p++) {
      if (is_tag && *p == '|') {
        seen = !seen;
        continue;
      }
      if (n + 1 >= cap)
        return n;
      doc[n] = *p;
      mask[n] = (char)(is_tag && !seen);
      n++;
    }
  }
  doc[n] = '\0';
  return n;
}

typedef struct keepmap {
  char *kept;
  size_t pos;
} keepmap;

static tl_status on_keep(void *user, const char *s, size_t n, int convert) {
  keepmap *k = user;
  (void)s;
  memset(k->kept + k->pos, !convert, n);
  k->pos += n;
  return TL_OK;
}

/* Every byte of every tag is kept (but alt/title values), in random
 * documents, and the spans are the same whole and cut at line ends. */
static void test_tag_property(void) {
  enum { CAP = 4096 };
  static char doc[CAP], mask[CAP], kept[CAP];
  int bad = 0;
  for (int iter = 0; iter < 3000 && bad < 5; iter++) {
    size_t n = random_doc(doc, mask, CAP);
    for (int mode = TL__MARKUP_HTML; mode <= TL__MARKUP_MARKDOWN; mode++) {
      tl__markup m;
      tl__markup_init(&m, (tl__markup_mode)mode);
      keepmap km = {kept, 0};
      tl__markup_scan(&m, doc, n, on_keep, &km);
      check_count++;
      if (km.pos != n) {
        check_fail(__FILE__, __LINE__, "spans cover the document", doc, "no");
        bad++;
        continue;
      }
      /* Markdown keeps HTML tags only where they are inline HTML, so the
       * byte-for-byte property is for HTML mode. */
      for (size_t i = 0; mode == TL__MARKUP_HTML && i < n; i++)
        if (mask[i] && !kept[i]) {
          char where[128];
          snprintf(where, sizeof where, "tag byte %zu kept: %.30s", i, doc + (i > 15 ? i - 15 : 0));
          check_fail(__FILE__, __LINE__, where, "kept", doc);
          bad++;
          break;
        }
      char *whole = render_n((tl__markup_mode)mode, doc, n, 0);
      char *lines = render_n((tl__markup_mode)mode, doc, n, 1);
      CHECK_STR(whole, lines);
      if (mode == TL__MARKUP_HTML) {
        char *spaces = render_n((tl__markup_mode)mode, doc, n, 2);
        CHECK_STR(whole, spaces);
        free(spaces);
      }
      if (strcmp(whole, lines) != 0)
        bad++;
      free(whole);
      free(lines);
    }
  }
}

/* Random strings over the characters that matter to the scanner: in every
 * mode the spans cover the input and do not depend on where the driver
 * cuts it (line ends; spaces too outside Markdown). */
static void test_random_cuts(void) {
  static const char *const atoms[] = {
      "<", ">", "/", "!", "-", "?", "=", "\"", "'", "&", "#", ";", "@", ".",
      ":", "`", "~", "[", "]", "(", ")", "\\", "*", " ", "  ", "    ", "\t",
      "\n", "\n\n", "a", "b", "p", "x", "uz", "com", "www", "http", "https",
      "script", "pre", "code", "title", "alt", "amp", "CDATA[", "--", "```",
      "~~~", "Т", "ш", "ʻ", "1", "2", "-", "> ", "- ", "1. ", "notranslate",
      "translate", "no", "class", "\xc2\xab", "\xe2\x80\x99"};
  enum { CAP = 400 };
  char doc[CAP + 16];
  for (int iter = 0; iter < 20000; iter++) {
    size_t n = 0;
    int k = 1 + (int)rnd(60);
    for (int j = 0; j < k; j++) {
      const char *a = atoms[rnd(sizeof atoms / sizeof *atoms)];
      size_t l = strlen(a);
      if (n + l > CAP)
        break;
      memcpy(doc + n, a, l);
      n += l;
    }
    doc[n] = '\0';
    for (int mode = 0; mode < 3; mode++) {
      char *whole = render_n((tl__markup_mode)mode, doc, n, 0);
      for (int cut = 1; cut <= (mode == TL__MARKUP_MARKDOWN ? 1 : 2); cut++) {
        char *got = render_n((tl__markup_mode)mode, doc, n, cut);
        check_count++;
        if (strcmp(whole, got) != 0) {
          char what[128];
          snprintf(what, sizeof what, "mode %d cut %d of: %.40s", mode, cut, doc);
          check_fail(__FILE__, __LINE__, what, whole, got);
          iter = 1 << 30; /* one report is enough */
        }
        free(got);
      }
      free(whole);
    }
  }
}

/* Deeply nested and unclosed elements: no recursion, no growth, and the
 * text after them is still converted. */
static void test_deep(void) {
  size_t reps = 200000, n = 0;
  char *doc = malloc(reps * 5 + 64);
  for (size_t i = 0; i < reps; i++)
    memcpy(doc + n, "<div>", 5), n += 5;
  memcpy(doc + n, "Т", 2), n += 2;
  char *got = render_n(TL__MARKUP_HTML, doc, n, 0);
  CHECK(strlen(got) == n + 4 && strcmp(got + strlen(got) - 2, "Т") == 0);
  free(got);
  /* 100000 nested <code> elements, all closed: kept, then text again. */
  n = 0;
  reps = 100000;
  doc = realloc(doc, reps * 13 + 64);
  for (size_t i = 0; i < reps; i++)
    memcpy(doc + n, "<code>", 6), n += 6;
  for (size_t i = 0; i < reps; i++)
    memcpy(doc + n, "</code>", 7), n += 7;
  memcpy(doc + n, "Т", 2), n += 2;
  got = render_n(TL__MARKUP_HTML, doc, n, 0);
  CHECK_STR("}}Т", got + strlen(got) - 4);
  free(got);
  /* A long run of dots and letters (a.a.a...) is scanned in linear time. */
  n = 0;
  for (size_t i = 0; i < 400000; i++)
    doc = i == 0 ? realloc(doc, 800064) : doc, doc[n++] = i % 2 ? '.' : 'a';
  got = render_n(TL__MARKUP_PLAIN, doc, n, 0);
  CHECK_INT(n, strlen(got));
  free(got);
  free(doc);
}

/* A failing callback stops the scan with its status. */
static tl_status fail_span(void *user, const char *s, size_t n, int convert) {
  (void)user, (void)s, (void)n, (void)convert;
  return TL_ENOMEM;
}

static void test_callback_status(void) {
  tl__markup m;
  tl__markup_init(&m, TL__MARKUP_HTML);
  CHECK_INT(TL_ENOMEM, tl__markup_scan(&m, "<p>a</p>", 8, fail_span, NULL));
  CHECK_INT(TL_OK, tl__markup_scan(&m, "", 0, fail_span, NULL));
}

int main(void) {
  test_plain();
  test_html();
  test_markdown();
  test_tag_property();
  test_random_cuts();
  test_deep();
  test_callback_status();
  return check_done();
}
