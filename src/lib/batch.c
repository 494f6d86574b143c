/* batch.c: tl_batch_run, the conversion of whole archives: a folder tree,
 * a tar/zip archive (libarchive) or a JSON Lines dump, by a pool of worker
 * threads sharing one immutable converter. Nothing is lost: outputs go to a
 * temporary file, reach the disk and are renamed (in groups: "durability");
 * a manifest makes reruns resume; archives are built from a staging
 * folder, so that they resume too. */
#include "batch.h"

#include "buf.h"
#include "error.h"
#include "json.h"
#include "utf8.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef TL_HAVE_LIBARCHIVE
#include <archive.h>
#include <archive_entry.h>
#endif
#ifdef TL_HAVE_ZLIB
#include <zlib.h>
#endif

#define MANIFEST_NAME ".translit-manifest"
#define TMP_PREFIX ".translit-tmp-"
#define STAGING_SUFFIX ".translit-staging"
#define JSONL_CHUNK (64u << 10)         /* records are cut in ~64 KB chunks */
#define QUEUE_BYTES (256u << 20)        /* data read ahead of the workers */

/* ------------------------------------------------------------- doc types */

static const char *const type_names[] = {"auto", "txt", "md", "html",
                                         "json", "jsonl", "other"};

const char *tl_doc_type_name(tl_doc_type t) {
  return (unsigned)t <= TL_DOC_OTHER ? type_names[t] : "other";
}

tl_status tl_doc_type_parse(tl_doc_type *out, const char *name) {
  static const struct { const char *n; tl_doc_type t; } names[] = {
      {"auto", TL_DOC_AUTO}, {"txt", TL_DOC_TEXT}, {"text", TL_DOC_TEXT},
      {"md", TL_DOC_MARKDOWN}, {"markdown", TL_DOC_MARKDOWN},
      {"html", TL_DOC_HTML}, {"htm", TL_DOC_HTML}, {"json", TL_DOC_JSON},
      {"jsonl", TL_DOC_JSONL}, {"ndjson", TL_DOC_JSONL}, {"other", TL_DOC_OTHER}};
  if (!out || !name)
    return TL_EINVAL;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp(name, names[i].n) == 0)
      return *out = names[i].t, TL_OK;
  return TL_EINVAL;
}

tl_doc_type tl_doc_type_from_name(const char *name) {
  if (!name)
    return TL_DOC_OTHER;
  const char *slash = strrchr(name, '/');
  const char *base = slash ? slash + 1 : name;
  const char *dot = strrchr(base, '.');
  if (!dot || dot == base)
    return TL_DOC_OTHER;
  static const struct { const char *ext; tl_doc_type t; } exts[] = {
      {"txt", TL_DOC_TEXT}, {"text", TL_DOC_TEXT}, {"md", TL_DOC_MARKDOWN},
      {"markdown", TL_DOC_MARKDOWN}, {"html", TL_DOC_HTML}, {"htm", TL_DOC_HTML},
      {"xhtml", TL_DOC_HTML}, {"json", TL_DOC_JSON}, {"jsonl", TL_DOC_JSONL},
      {"ndjson", TL_DOC_JSONL}};
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
    if (strcasecmp(dot + 1, exts[i].ext) == 0)
      return exts[i].t;
  return TL_DOC_OTHER;
}

void tl_batch_options_init(tl_batch_options *opts) {
  if (!opts)
    return;
  memset(opts, 0, sizeof *opts);
  tl_convert_options_init(&opts->convert);
}

/* ------------------------------------------------------------ checksums */

static uint64_t mix64(uint64_t x) { /* the splitmix64 finalizer */
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t tl__hash64(const void *data, size_t len, uint64_t seed) {
  const unsigned char *p = data;
  uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ull);
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    h = (h ^ mix64(w + 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
    h = h << 29 | h >> 35;
  }
  uint64_t w = 0;
  memcpy(&w, p + i, len - i);
  h ^= mix64(w ^ ((uint64_t)(len - i) << 56));
  return mix64(h);
}

/* Checksum of a stream fed in pieces: blocks of 64 KiB hashed and chained,
 * so that a copy can be checksummed while it is written. */
typedef struct hasher {
  uint64_t h;
  unsigned char blk[65536];
  size_t n;
} hasher;

static void hasher_init(hasher *hs) { hs->h = 0, hs->n = 0; }
static void hasher_add(hasher *hs, const char *p, size_t n) {
  while (n) {
    size_t k = sizeof hs->blk - hs->n < n ? sizeof hs->blk - hs->n : n;
    memcpy(hs->blk + hs->n, p, k);
    hs->n += k, p += k, n -= k;
    if (hs->n == sizeof hs->blk)
      hs->h = tl__hash64(hs->blk, hs->n, hs->h), hs->n = 0;
  }
}
static uint64_t hasher_end(hasher *hs) {
  return hs->n ? tl__hash64(hs->blk, hs->n, hs->h) : hs->h;
}
/* The same chained checksum of a buffer in memory. */
static uint64_t hash_mem(const char *p, size_t n) {
  uint64_t h = 0;
  size_t i = 0;
  for (; i + 65536 <= n; i += 65536)
    h = tl__hash64(p + i, 65536, h);
  return i < n ? tl__hash64(p + i, n - i, h) : h;
}

unsigned tl_batch_shard(const char *path, size_t len, unsigned count) {
  if (count <= 1)
    return 1;
  uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 */
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)path[i]) * 0x100000001b3ull;
  /* FNV's low bits follow the last bytes' low bits: "article-00001.txt"
   * and its neighbours would fill every other shard. Mix before modulo. */
  return (unsigned)(mix64(h) % count) + 1;
}

/* ------------------------------------------------------------- encodings */

static void position_of(const unsigned char *u, size_t off, size_t *line, size_t *col) {
  *line = 1, *col = 1;
  for (size_t i = 0; i < off; i++)
    if (u[i] == '\n')
      ++*line, *col = 1;
    else if ((u[i] & 0xC0) != 0x80)
      ++*col;
}

/* Detection and decoding are tl_encoding_detect and tl_decode (issue 5);
 * this adds what a batch needs on top: UTF-8 stays in place (no copy, BOM
 * kept like `translit convert` keeps it), and binary files are refused
 * rather than decoded as some Cyrillic code page. */
tl_status tl__batch_decode(tl_ctx *ctx, const char *encoding, int replace,
                           const char *data, size_t len, tl_buf *out,
                           const char **name, int *converted) {
  *converted = 0;
  *name = "UTF-8";
  const unsigned char *u = (const unsigned char *)data;
  tl_encoding enc = TL_ENC_UNKNOWN;
  if (encoding && *encoding && tl_encoding_parse(&enc, encoding) != TL_OK)
    return tl__fail(ctx, TL_EUNSUPPORTED, TL_NO_OFFSET, "unknown encoding '%s'",
                    encoding);
  size_t bad = 0;
  if (enc == TL_ENC_UNKNOWN && tl__utf8_valid(data, len, &bad) && !memchr(data, 0, len))
    return TL_OK; /* the common case, without the cost of a statistical guess */
  if (enc == TL_ENC_UNKNOWN) {
    tl_encoding_detect(&enc, NULL, data, len);
    if (enc != TL_ENC_UTF16LE && enc != TL_ENC_UTF16BE && enc != TL_ENC_UTF32LE &&
        enc != TL_ENC_UTF32BE) {
      /* Text never holds NUL or many control bytes: a Word file or a
       * picture named .txt is reported, not "converted". */
      size_t ctrl = 0;
      const char *nul = memchr(data, 0, len);
      if (nul)
        return tl__fail(ctx, TL_EENCODING, (size_t)(nul - data),
                        "binary data, not text (NUL byte at byte offset %zu)",
                        (size_t)(nul - data));
      for (size_t i = 0; i < len; i++)
        ctrl += (u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' && u[i] != '\r' &&
                 u[i] != '\f') || u[i] == 0x7F;
      if (ctrl * 100 > len + 100)
        return tl__fail(ctx, TL_EENCODING, TL_NO_OFFSET,
                        "binary data, not text (%zu control bytes)", ctrl);
    }
  }
  if (!encoding || !*encoding || strcasecmp(encoding, "auto") == 0) {
    if (tl__utf8_valid(data, len, &bad)) {
      enc = TL_ENC_UTF8;
    } else if (enc != TL_ENC_UTF8 && bad >= 2 && u[0] != 0xFF && u[0] != 0xFE) {
      /* A cut or damaged UTF-8 file is nearly all valid sequences; in
       * CP1251 text a capital before ё, ў or a quote mark forms one only
       * now and then. Short texts fool a statistical guess: count. */
      size_t high = 0, in_utf8 = 0;
      for (size_t i = 0; i < len;) {
        uint32_t cp;
        if (u[i] < 0x80) {
          i++;
          continue;
        }
        size_t k = tl__utf8_decode(data + i, len - i, &cp);
        if (cp == TL__UTF8_INVALID || cp == TL__UTF8_TRUNCATED)
          high++, i++;
        else
          high += k, in_utf8 += k, i += k;
      }
      if (in_utf8 * 10 >= high * 8)
        enc = TL_ENC_UTF8;
    }
  }
  *name = tl_encoding_name(enc);
  if (enc == TL_ENC_UTF8) {
    if (replace || tl__utf8_valid(data, len, &bad))
      return TL_OK; /* the converter checks or replaces */
    size_t line, col;
    position_of(u, bad, &line, &col);
    return tl__fail_at(ctx, TL_EUTF8, bad, line, col,
                       "invalid UTF-8 at byte offset %zu (byte 0x%02X)", bad, u[bad]);
  }
  *converted = 1;
  size_t mark = out->len;
  tl_status st = tl_decode(ctx, NULL, enc, data, len, 0, out);
  if (st) {
    tl__buf_truncate(out, mark);
  }
  return st;
}

/* -------------------------------------------------------------- manifest */

tl_status tl__manifest_format(tl_buf *out, const tl__manifest_rec *r) {
  if (tl__buf_printf(out, "%llu %lld %016llx %llu %016llx %c ", r->src_size,
                     r->src_mtime_ns, (unsigned long long)r->src_hash,
                     r->out_size, (unsigned long long)r->out_hash, r->action))
    return TL_ENOMEM;
  for (const char *p = r->path; *p; p++) {
    const char *e = *p == '\\' ? "\\\\" : *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : NULL;
    if (e ? tl__buf_puts(out, e) : tl__buf_putc(out, *p))
      return TL_ENOMEM;
  }
  return tl__buf_putc(out, '\n');
}

int tl__manifest_parse(const char *line, size_t len, tl__manifest_rec *r) {
  char tmp[160];
  memset(r, 0, sizeof *r);
  /* The six fixed fields fit in 160 bytes; the path is the rest. */
  size_t k = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
  memcpy(tmp, line, k);
  tmp[k] = '\0';
  unsigned long long sh, oh;
  int used = 0;
  if (sscanf(tmp, "%llu %lld %16llx %llu %16llx %c %n", &r->src_size,
             &r->src_mtime_ns, &sh, &r->out_size, &oh, &r->action, &used) < 6 ||
      used <= 0 || (size_t)used >= len || (r->action != 'c' && r->action != 'p'))
    return 0;
  r->src_hash = sh, r->out_hash = oh;
  const char *p = line + used, *end = line + len;
  char *path = malloc((size_t)(end - p) + 1), *q = path;
  if (!path)
    return 0;
  for (; p < end; p++) {
    if (*p == '\\' && p + 1 < end) {
      p++;
      *q++ = *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
    } else {
      *q++ = *p;
    }
  }
  *q = '\0';
  r->path = path;
  return 1;
}

int tl__batch_safe_path(char *path) {
  if (path[0] == '/')
    return 0;
  char *w = path;
  const char *r = path;
  while (*r) {
    const char *e = strchr(r, '/');
    size_t n = e ? (size_t)(e - r) : strlen(r);
    if (n == 2 && r[0] == '.' && r[1] == '.')
      return 0;
    if (n && !(n == 1 && r[0] == '.')) {
      if (w != path)
        *w++ = '/';
      memmove(w, r, n);
      w += n;
    }
    r += n + (e ? 1 : 0);
    if (!e)
      break;
  }
  *w = '\0';
  return w != path ? 1 : 2;
}

/* The manifest in memory: records by path (open addressing). */
typedef struct manifest {
  tl__manifest_rec *recs;
  size_t cap, n;
  int fd; /* open for appending, or -1 */
} manifest;

static size_t path_hash(const char *p) {
  return (size_t)tl__hash64(p, strlen(p), 7);
}

static int manifest_put(manifest *m, tl__manifest_rec *r) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 1024;
    tl__manifest_rec *nr = calloc(cap, sizeof *nr);
    if (!nr)
      return -1;
    for (size_t i = 0; i < m->cap; i++) {
      if (!m->recs[i].path)
        continue;
      size_t h = path_hash(m->recs[i].path) & (cap - 1);
      while (nr[h].path)
        h = (h + 1) & (cap - 1);
      nr[h] = m->recs[i];
    }
    free(m->recs);
    m->recs = nr, m->cap = cap;
  }
  size_t h = path_hash(r->path) & (m->cap - 1);
  while (m->recs[h].path && strcmp(m->recs[h].path, r->path) != 0)
    h = (h + 1) & (m->cap - 1);
  if (m->recs[h].path) {
    free(m->recs[h].path); /* a later line wins */
  } else {
    m->n++;
  }
  m->recs[h] = *r;
  return 0;
}

static const tl__manifest_rec *manifest_get(const manifest *m, const char *path) {
  if (!m->cap)
    return NULL;
  size_t h = path_hash(path) & (m->cap - 1);
  while (m->recs[h].path) {
    if (strcmp(m->recs[h].path, path) == 0)
      return &m->recs[h];
    h = (h + 1) & (m->cap - 1);
  }
  return NULL;
}

static void manifest_free(manifest *m) {
  for (size_t i = 0; i < m->cap; i++)
    free(m->recs[i].path);
  free(m->recs);
  if (m->fd >= 0)
    close(m->fd);
  memset(m, 0, sizeof *m);
  m->fd = -1;
}

/* ---------------------------------------------------------------- engine */

typedef enum job_kind { JOB_FILE, JOB_CHUNK } job_kind;

/* What an archive or folder entry is, kept in source order for packing. */
typedef struct entry {
  char *rel;
  char kind;  /* 'f' file, 'd' folder, 'l' symlink */
  unsigned mode;
  long long mtime, mtime_ns; /* seconds, and full nanoseconds */
  long long uid, gid;
  unsigned long long size; /* of a file found by the folder walk */
  char *uname, *gname, *link;
  int include; /* the output is in the staging folder */
  int written; /* this run renamed its output into place */
} entry;

typedef struct job {
  job_kind kind;
  entry *e;           /* JOB_FILE */
  unsigned long long size;
  char *data;         /* in memory (archive, JSONL chunk), or NULL: read rel */
  size_t len;
  unsigned long long seq; /* JOB_CHUNK: order of the chunk */
  size_t first_line;
  int fd, has_fd; /* JOB_FILE from a folder: the source, opened ahead */
} job;

/* A finished output waiting for a checkpoint (see "durability"). */
typedef struct staged {
  char *tmp, *dst;
  entry *e;
  tl__manifest_rec rec; /* rec.path is e->rel */
  tl_batch_action a;
  tl_doc_type t;
  const char *enc; /* a static string */
  unsigned long long in, outn, work;
  int renamed;
} staged;

typedef struct staged_list {
  staged *v;
  size_t n, cap;
  unsigned long long bytes;
} staged_list;

typedef struct batch {
  tl_ctx *ctx; /* the caller's: only the calling thread touches it */
  const tl_batch_options *o;
  tl_convert_options copts[3]; /* text, markdown, html */
  _Atomic(tl_converter *) cv[3]; /* compiled on first use (get_cv) */
  pthread_mutex_t cv_mu;
  tl__json_paths *paths;
  tl_normalize_options norm;
  const tl_normalize_options *norm_fields; /* NULL without --normalize */
  char *src, *out_root; /* out_root: dst folder or staging folder */
  int staging;          /* the outputs are packed into an archive */
  char tmp_prefix[64];
  uint64_t fingerprint;
  char options_text[1024];
  manifest man;

  pthread_mutex_t mu; /* queue and stop */
  pthread_cond_t has_work, has_space, done_cond;
  job **q;
  size_t qhead, qtail, qcap, qbytes, qmax;
  int closed, stop;
  unsigned workers_done, nworkers;
  size_t pf_next, pf_ahead; /* read-ahead (folders): next queue position */
  int pf_waiting;

  pthread_mutex_t rmu; /* results: stats, manifest, callbacks, errors */
  tl_batch_stats stats;
  unsigned long long work_done, work_total; /* bytes, for the fraction */
  tl_status fatal;
  char fatal_msg[600];
  struct timespec t0, last_progress;
  double (*position)(struct batch *); /* archive/JSONL progress, or NULL */
  void *reader;
  unsigned long long src_file_size;

  /* JSONL: ordered output */
  int out_fd;
  const char *out_name;
  const char *src_name;
  unsigned long long next_seq;
  pthread_cond_t turn;
  unsigned long long records_failed;

  /* Outputs waiting for a checkpoint (see "durability" below). */
  pthread_mutex_t smu;
  pthread_cond_t s_more, s_room;
  staged_list pending; /* written and closed, not yet on disk */
  staged_list renamed; /* renamed, not yet in the manifest (committer only) */
  int s_closing, s_stop, sync_failed, committer_on;
  pthread_t committer;
  int root_fd; /* out_root, for syncfs */
  dev_t root_dev;
  int src_damaged; /* the archive source cannot be read to its end */
  char *man_path;
} batch;

static double now_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void stop_all(batch *b);

/* Stops the run: the first fatal error wins. */
static void set_fatal(batch *b, tl_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void set_fatal(batch *b, tl_status st, const char *fmt, ...) {
  pthread_mutex_lock(&b->rmu);
  if (!b->fatal) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->fatal_msg, sizeof b->fatal_msg, fmt, ap);
    va_end(ap);
    b->fatal = st;
  }
  pthread_mutex_unlock(&b->rmu);
  stop_all(b);
}

static int stopped(batch *b) {
  pthread_mutex_lock(&b->mu);
  int s = b->stop;
  pthread_mutex_unlock(&b->mu);
  return s;
}

static char *path_join(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  char *p = malloc(na + nb + 2);
  if (!p)
    return NULL;
  memcpy(p, a, na);
  p[na] = '/';
  memcpy(p + na + 1, b, nb + 1);
  return p;
}

/* mkdir -p of the folder that holds path (path itself excluded). */
static int make_parents(char *path) {
  for (char *p = path + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    int r = mkdir(path, 0777);
    int e = errno;
    *p = '/';
    if (r != 0 && e != EEXIST)
      return errno = e, -1;
  }
  return 0;
}

/* A converter for a document type, compiled once on first use. */
static const tl_converter *get_cv(batch *b, tl_doc_type t, tl_ctx *ctx) {
  int i = t == TL_DOC_MARKDOWN ? 1 : t == TL_DOC_HTML ? 2 : 0;
  /* Read without the lock once compiled: a lock per document made the
   * workers queue behind a holder that the scheduler had preempted. */
  tl_converter *cv = atomic_load_explicit(&b->cv[i], memory_order_acquire);
  if (cv)
    return cv;
  pthread_mutex_lock(&b->cv_mu);
  cv = atomic_load_explicit(&b->cv[i], memory_order_relaxed);
  if (!cv && tl_converter_new(ctx, &b->copts[i], &cv) == TL_OK)
    atomic_store_explicit(&b->cv[i], cv, memory_order_release);
  else if (!atomic_load_explicit(&b->cv[i], memory_order_relaxed))
    cv = NULL;
  pthread_mutex_unlock(&b->cv_mu);
  return cv;
}

/* --normalize: tl_normalize (issue 5) before conversion. Markup keeps its
 * spaces: indentation is code in Markdown, and <pre> is verbatim. */
static tl_status normalize_text(batch *b, tl_ctx *ctx, tl_doc_type t, const char *s,
                                size_t n, tl_buf *out) {
  tl_normalize_options no = b->norm;
  if (t == TL_DOC_HTML || t == TL_DOC_MARKDOWN)
    no.flags |= TL_NORM_KEEP_SPACES;
  return tl_normalize(ctx, &no, s, n, out, NULL, NULL);
}

/* Converts one JSON Lines text (whole lines) into out. A record that fails
 * is copied as it was when keep_bad is set (and reported through bad_fn);
 * otherwise the first failure fails the whole text. */
typedef void (*bad_record_fn)(batch *b, size_t line, tl_status st,
                              const char *msg, const char *enc, void *user);

static tl_status convert_jsonl(batch *b, tl_ctx *ctx, const char *s, size_t n,
                               size_t first_line, tl_buf *out, tl_buf *scratch,
                               int keep_bad, bad_record_fn bad, void *user,
                               size_t *records, const char **enc_out) {
  const tl_converter *cv = get_cv(b, TL_DOC_TEXT, ctx);
  if (!cv)
    return TL_EINTERNAL;
  int replace = (b->o->convert.flags & TL_CONVERT_REPLACE) != 0;
  size_t line = first_line;
  for (size_t i = 0; i < n; line++) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t end = nl ? (size_t)(nl - s) : n;
    const char *rec = s + i;
    size_t rlen = end - i;
    size_t k = 0;
    while (k < rlen && (rec[k] == ' ' || rec[k] == '\t' || rec[k] == '\r'))
      k++;
    tl_status st = TL_OK;
    if (k < rlen) {
      const char *enc = "UTF-8";
      int conv = 0;
      tl_buf_clear(scratch);
      st = tl__batch_decode(ctx, b->o->encoding, replace, rec, rlen, scratch, &enc, &conv);
      if (!st && strcmp(enc, "UTF-8") != 0 && enc_out)
        *enc_out = enc;
      const char *t = conv ? scratch->data : rec;
      size_t tn = conv ? scratch->len : rlen;
      if (!st)
        st = tl__json_convert(ctx, cv, b->paths, b->norm_fields, t, tn, out);
      if (records)
        ++*records;
      if (st) {
        if (!keep_bad)
          return st;
        bad(b, line, st, tl_ctx_message(ctx), enc, user);
        if (tl__buf_append(out, rec, rlen))
          return TL_ENOMEM;
      }
    } else if (tl__buf_append(out, rec, rlen)) {
      return TL_ENOMEM;
    }
    if (nl && tl__buf_putc(out, '\n'))
      return TL_ENOMEM;
    i = nl ? end + 1 : n;
  }
  return TL_OK;
}

/* Converts one document by its type; out receives the result. */
static tl_status convert_doc(batch *b, tl_ctx *ctx, tl_doc_type t, const char *data,
                             size_t len, tl_buf *out, tl_buf *scratch,
                             tl_buf *scratch2, const char **enc) {
  int replace = (b->o->convert.flags & TL_CONVERT_REPLACE) != 0;
  if (t == TL_DOC_JSONL)
    return convert_jsonl(b, ctx, data, len, 1, out, scratch, 0, NULL, NULL, NULL, enc);
  int conv = 0;
  tl_buf_clear(scratch);
  tl_status st = tl__batch_decode(ctx, b->o->encoding, replace, data, len, scratch, enc, &conv);
  if (st)
    return st;
  const char *s = conv ? scratch->data : data;
  size_t n = conv ? scratch->len : len;
  if ((b->o->flags & TL_BATCH_NORMALIZE) && t != TL_DOC_JSON) {
    tl_buf_clear(scratch2);
    if ((st = normalize_text(b, ctx, t, s, n, scratch2)))
      return st;
    s = scratch2->data ? scratch2->data : "", n = scratch2->len;
  }
  const tl_converter *cv = get_cv(b, t == TL_DOC_JSON ? TL_DOC_TEXT : t, ctx);
  if (!cv)
    return TL_EINTERNAL;
  if (t == TL_DOC_JSON)
    return tl__json_convert(ctx, cv, b->paths, b->norm_fields, s ? s : "", n, out);
  return tl_convert(ctx, cv, s, n, out, NULL, NULL);
}

/* ---------------------------------------------------------------- output */

/* Every output goes to a temporary file beside its real name and is renamed
 * into place only once its bytes are on disk: a crash or a kill never
 * leaves a half-written file under a real name. A single output (a packed
 * archive, a .jsonl, the manifest's head) is fsync'd and renamed at once by
 * out_commit; the many outputs of a tree are staged (see "durability"). */
typedef struct tmpfile_ {
  int fd;
  char *tmp, *dst;
} tmpfile_;

/* Opens a new temporary file beside dst_path (making its folders). */
static int out_open(batch *b, tmpfile_ *t, const char *dst_path) {
  t->fd = -1;
  t->tmp = NULL;
  t->dst = strdup(dst_path);
  if (!t->dst)
    return errno = ENOMEM, -1;
  const char *slash = strrchr(t->dst, '/');
  size_t dn = slash ? (size_t)(slash - t->dst) + 1 : 0;
  t->tmp = malloc(dn + strlen(b->tmp_prefix) + 8);
  if (!t->tmp)
    return errno = ENOMEM, -1;
  memcpy(t->tmp, t->dst, dn);
  sprintf(t->tmp + dn, "%sXXXXXX", b->tmp_prefix);
  t->fd = mkstemp(t->tmp);
  if (t->fd < 0 && errno == ENOENT && make_parents(t->dst) == 0) {
    sprintf(t->tmp + dn, "%sXXXXXX", b->tmp_prefix); /* mkstemp spoilt it */
    t->fd = mkstemp(t->tmp);
  }
  return t->fd < 0 ? -1 : 0;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t k = write(fd, p, n);
    if (k < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += k, n -= (size_t)k;
  }
  return 0;
}

static void out_forget(tmpfile_ *t) {
  free(t->tmp);
  free(t->dst);
  t->fd = -1;
  t->tmp = t->dst = NULL;
}

/* Sets the mode and closes the file, fsync'd first when sync is set; on
 * failure the temporary file is removed (errno kept). */
static int out_close(tmpfile_ *t, unsigned mode, int sync) {
  int r = fchmod(t->fd, mode & 07777);
  if (r == 0 && sync)
    r = fsync(t->fd);
  int e = errno;
  if (close(t->fd) != 0 && r == 0)
    r = -1, e = errno;
  t->fd = -1;
  if (r != 0)
    unlink(t->tmp);
  errno = e;
  return r;
}

/* fsync, close, rename into place: the file is whole under its name. */
static int out_commit(tmpfile_ *t, unsigned mode) {
  int r = out_close(t, mode, 1);
  int e = errno;
  if (r == 0 && rename(t->tmp, t->dst) != 0) {
    r = -1, e = errno;
    unlink(t->tmp);
  }
  out_forget(t);
  errno = e;
  return r;
}

static void out_abort(tmpfile_ *t) {
  int e = errno;
  if (t->fd >= 0) {
    close(t->fd);
    unlink(t->tmp);
  }
  out_forget(t);
  errno = e;
}

/* A whole small file written safely in one call (the manifest's head, the
 * record of a finished archive). */
static int write_atomic(batch *b, const char *path, const char *data, size_t n,
                        unsigned mode) {
  tmpfile_ t;
  if (out_open(b, &t, path) != 0 || write_all(t.fd, data, n) != 0) {
    out_abort(&t);
    return -1;
  }
  return out_commit(&t, mode);
}

/* Removes our temporary files left by a killed run under dir. */
static void clean_stale(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    char *p = path_join(dir, de->d_name);
    if (!p)
      break;
    struct stat st;
    if (lstat(p, &st) == 0) {
      if (S_ISDIR(st.st_mode))
        clean_stale(p, prefix);
      else if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
        unlink(p);
    }
    free(p);
  }
  closedir(d);
}

/* Removes our temporary files in the folder that holds path (not below). */
static void clean_stale_beside(const char *path, const char *prefix) {
  const char *slash = strrchr(path, '/');
  char *dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
  DIR *d = dir ? opendir(dir) : NULL;
  struct dirent *de;
  while (d && (de = readdir(d))) {
    if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
      continue;
    char *p = path_join(dir, de->d_name);
    struct stat st;
    if (p && lstat(p, &st) == 0 && S_ISREG(st.st_mode))
      unlink(p);
    free(p);
  }
  if (d)
    closedir(d);
  free(dir);
}

static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *de;
    while ((de = readdir(d))) {
      if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
        continue;
      char *p = path_join(dir, de->d_name);
      if (!p)
        break;
      struct stat st;
      if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
        remove_tree(p);
      else
        unlink(p);
      free(p);
    }
    closedir(d);
  }
  rmdir(dir);
}

/* --------------------------------------------------------------- results */

/* Counts one outcome and tells on_file; the caller holds rmu. */
static void account(batch *b, const entry *e, const char *path, size_t line,
                    tl_batch_action a, tl_doc_type t, const char *enc,
                    unsigned long long in, unsigned long long outn,
                    unsigned long long work, tl_status st, const char *msg) {
  if (e && (a == TL_BATCH_CONVERTED || a == TL_BATCH_COPIED || a == TL_BATCH_UNCHANGED))
    ((entry *)e)->include = 1;
  b->stats.files[a]++;
  if (a == TL_BATCH_CONVERTED || a == TL_BATCH_COPIED) {
    b->stats.in_bytes += in;
    b->stats.out_bytes += outn;
  }
  b->work_done += work;
  if (b->o->on_file) {
    tl_batch_file f = {path, line, a, t, enc ? enc : "", in, outn, st, msg ? msg : ""};
    b->o->on_file(b->o->user, &f);
  }
}

/* A manifest that cannot be written stops the run; the caller holds rmu. */
static void manifest_fail(batch *b, int err) {
  if (!b->fatal) {
    snprintf(b->fatal_msg, sizeof b->fatal_msg, "%s/%s: cannot write: %s", b->out_root,
             MANIFEST_NAME, strerror(err));
    b->fatal = err == ENOMEM ? TL_ENOMEM : TL_EIO;
  }
}

/* Appends manifest lines; the caller holds rmu. */
static void manifest_write(batch *b, const tl_buf *lines) {
  if (b->man.fd >= 0 && lines->len && write_all(b->man.fd, lines->data, lines->len) != 0)
    manifest_fail(b, errno);
}

static void stop_all(batch *b) {
  pthread_mutex_lock(&b->mu);
  b->stop = 1;
  pthread_cond_broadcast(&b->has_work);
  pthread_cond_broadcast(&b->has_space);
  pthread_cond_broadcast(&b->turn);
  pthread_mutex_unlock(&b->mu);
  pthread_mutex_lock(&b->smu);
  b->s_stop = 1;
  pthread_cond_broadcast(&b->s_room);
  pthread_mutex_unlock(&b->smu);
}

/* One file's outcome, with its manifest record when rec is set (a file
 * that needs no new output: unchanged, or its mtime updated). */
static void report(batch *b, const entry *e, const char *path, size_t line,
                   tl_batch_action a, tl_doc_type t, const char *enc,
                   unsigned long long in, unsigned long long outn,
                   unsigned long long work, tl_status st, const char *msg,
                   const tl__manifest_rec *rec) {
  pthread_mutex_lock(&b->rmu);
  if (rec) {
    tl_buf l = TL_BUF_INIT;
    if (tl__manifest_format(&l, rec) != TL_OK)
      manifest_fail(b, ENOMEM);
    else
      manifest_write(b, &l);
    tl_buf_free(&l);
  }
  account(b, e, path, line, a, t, enc, in, outn, work, st, msg);
  int fatal = b->fatal != TL_OK;
  pthread_mutex_unlock(&b->rmu);
  if (fatal)
    stop_all(b);
}

static void progress(batch *b, int force) {
  if (!b->o->on_progress)
    return;
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  double since = (double)(t.tv_sec - b->last_progress.tv_sec) +
                 (double)(t.tv_nsec - b->last_progress.tv_nsec) / 1e9;
  if (!force && since < 0.1)
    return;
  b->last_progress = t;
  pthread_mutex_lock(&b->rmu);
  tl_batch_stats s = b->stats;
  if (b->position)
    s.fraction = b->position(b);
  else
    s.fraction = b->work_total ? (double)b->work_done / (double)b->work_total : -1;
  pthread_mutex_unlock(&b->rmu);
  s.seconds = now_since(&b->t0);
  b->o->on_progress(b->o->user, &s);
}

/* ------------------------------------------------------------ durability */

/* An fsync per output made the run wait for the disk: on ext4 (and XFS)
 * the fsync of a new file commits the journal, since its size and blocks
 * are metadata (fdatasync does the same), and 20,000 commits of ~3 ms each
 * serialised the workers (measured: 60% of the wall time in fsync and in
 * file creations stalled behind it; -j2 1.0-1.6x over -j1). So the workers
 * only write and close their temporary files, and a committer thread makes
 * them durable in groups. At each checkpoint (CK_FILES files, CK_BYTES
 * bytes or CK_NSEC since the last) it
 *   1. syncs DST's filesystem once (syncfs): the data of every staged file
 *      in one journal commit, and the renames of the last checkpoint;
 *   2. appends the manifest records of the files renamed at the last
 *      checkpoint, whose names step 1 has just made durable;
 *   3. renames this checkpoint's files into place: each is whole on disk.
 * Hence a file under a real name is always complete, even after a power
 * cut, and the manifest records only files whose content and name are on
 * disk, whatever order the filesystem writes metadata in. A kill -9 or a
 * crash loses at most two checkpoints of records; the rerun converts those
 * files again (same bytes) and removes the orphan temporary files. A
 * temporary file on another filesystem mounted inside DST is fsync'd by its
 * worker, since syncfs covers one filesystem. syncfs reports write-back
 * errors since Linux 5.8; without syncfs each file is fsync'd at the
 * checkpoint, and each renamed file's folder. Outputs written but not yet
 * renamed when the run stops (Ctrl-C excepted) are committed the same way:
 * they are complete. */
#define CK_FILES 256
#define CK_BYTES (32ull << 20)
#define CK_NSEC 500000000L
#define STAGED_MAX_FILES (8 * CK_FILES)  /* then the workers wait */
#define STAGED_MAX_BYTES (8 * CK_BYTES)

/* Hands a written output (t, still open) to the committer; waits while too
 * much is pending. Returns 0, or -1 with errno (the file is removed). */
static int stage(batch *b, tmpfile_ *t, unsigned mode, const staged *what) {
  struct stat sb;
  int other_fs = fstat(t->fd, &sb) == 0 && sb.st_dev != b->root_dev;
  if (out_close(t, mode, other_fs) != 0) {
    int e = errno;
    out_forget(t);
    errno = e;
    return -1;
  }
  pthread_mutex_lock(&b->smu);
  while (!b->s_stop &&
         (b->pending.n >= STAGED_MAX_FILES || b->pending.bytes >= STAGED_MAX_BYTES))
    pthread_cond_wait(&b->s_room, &b->smu);
  staged_list *l = &b->pending;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : CK_FILES;
    staged *v = realloc(l->v, cap * sizeof *v);
    if (!v) {
      pthread_mutex_unlock(&b->smu);
      unlink(t->tmp);
      out_forget(t);
      errno = ENOMEM;
      return -1;
    }
    l->v = v, l->cap = cap;
  }
  staged *s = &l->v[l->n++];
  *s = *what;
  s->tmp = t->tmp, s->dst = t->dst, s->renamed = 0;
  t->tmp = t->dst = NULL;
  l->bytes += s->outn;
  if (l->n >= CK_FILES || l->bytes >= CK_BYTES)
    pthread_cond_signal(&b->s_more);
  pthread_mutex_unlock(&b->smu);
  return 0;
}

static int fsync_path(const char *path, int flags) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | flags);
  if (fd < 0)
    return -1;
  int r = fsync(fd);
  int e = errno;
  close(fd);
  errno = e;
  return r;
}

/* Step 1: the data of take and the names of b->renamed on disk. */
static int sync_outputs(batch *b, const staged_list *take) {
#ifdef __linux__
  if (syncfs(b->root_fd) == 0)
    return 0;
  if (errno != ENOSYS)
    return -1;
#endif
  for (size_t i = 0; i < take->n; i++)
    if (fsync_path(take->v[i].tmp, 0) != 0)
      return -1;
  for (size_t i = 0; i < b->renamed.n; i++) {
    if (!b->renamed.v[i].renamed)
      continue;
    char *dir = strdup(b->renamed.v[i].dst), *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash)
      *slash = '\0';
    int r = dir ? fsync_path(slash ? dir : ".", O_DIRECTORY) : (errno = ENOMEM, -1);
    free(dir);
    if (r != 0)
      return -1;
  }
  return 0;
}

static void staged_free(staged_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->v[i].tmp);
    free(l->v[i].dst);
  }
  free(l->v);
  memset(l, 0, sizeof *l);
}

/* One checkpoint (steps above) of the outputs in take, which it consumes. */
static void checkpoint(batch *b, staged_list *take) {
  if (!take->n && !b->renamed.n) {
    staged_free(take);
    return;
  }
  int ok = !b->sync_failed;
  if (ok && sync_outputs(b, take) != 0) {
    int e = errno;
    b->sync_failed = 1, ok = 0;
    set_fatal(b, TL_EIO, "%s: cannot write: %s", b->out_root, strerror(e));
  }
  if (ok) {
    tl_buf lines = TL_BUF_INIT;
    int oom = 0;
    for (size_t i = 0; i < b->renamed.n; i++)
      if (b->renamed.v[i].renamed)
        oom |= tl__manifest_format(&lines, &b->renamed.v[i].rec) != TL_OK;
    pthread_mutex_lock(&b->rmu);
    if (oom)
      manifest_fail(b, ENOMEM);
    else
      manifest_write(b, &lines);
    for (size_t i = 0; i < b->renamed.n; i++) {
      const staged *s = &b->renamed.v[i];
      if (s->renamed)
        account(b, s->e, s->e->rel, 0, s->a, s->t, s->enc, s->in, s->outn, s->work,
                TL_OK, NULL);
    }
    int fatal = b->fatal != TL_OK;
    pthread_mutex_unlock(&b->rmu);
    tl_buf_free(&lines);
    if (fatal)
      stop_all(b);
  }
  staged_free(&b->renamed);
  for (size_t i = 0; i < take->n; i++) {
    staged *s = &take->v[i];
    if (ok && rename(s->tmp, s->dst) == 0) {
      s->renamed = 1;
      s->e->written = 1;
      continue;
    }
    int e = errno;
    unlink(s->tmp);
    if (ok)
      set_fatal(b, TL_EIO, "%s: cannot rename into place: %s", s->dst, strerror(e));
  }
  b->renamed = *take;
  memset(take, 0, sizeof *take);
}

static void *committer_main(void *arg) {
  batch *b = arg;
  pthread_mutex_lock(&b->smu);
  for (;;) {
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_nsec += CK_NSEC;
    if (dl.tv_nsec >= 1000000000L)
      dl.tv_sec++, dl.tv_nsec -= 1000000000L;
    while (!b->s_closing && b->pending.n < CK_FILES && b->pending.bytes < CK_BYTES &&
           pthread_cond_timedwait(&b->s_more, &b->smu, &dl) != ETIMEDOUT) {
    }
    staged_list take = b->pending;
    memset(&b->pending, 0, sizeof b->pending);
    int closing = b->s_closing;
    pthread_cond_broadcast(&b->s_room);
    pthread_mutex_unlock(&b->smu);
    checkpoint(b, &take);
    if (closing) {
      checkpoint(b, &take); /* empty: records the last renames */
      return NULL;
    }
    pthread_mutex_lock(&b->smu);
  }
}

/* Opens out_root for syncfs and starts the committer. */
static tl_status committer_start(batch *b) {
  struct stat sb;
  b->root_fd = open(b->out_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (b->root_fd < 0 || fstat(b->root_fd, &sb) != 0)
    return tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot open: %s", b->out_root,
                    strerror(errno));
  b->root_dev = sb.st_dev;
  if (pthread_create(&b->committer, NULL, committer_main, b) != 0)
    return tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "cannot start a thread");
  b->committer_on = 1;
  return TL_OK;
}

/* After the last output was staged: the final checkpoints, then stop. */
static void committer_finish(batch *b) {
  if (b->committer_on) {
    pthread_mutex_lock(&b->smu);
    b->s_closing = 1;
    pthread_cond_signal(&b->s_more);
    pthread_mutex_unlock(&b->smu);
    pthread_join(b->committer, NULL);
    b->committer_on = 0;
  }
  for (size_t i = 0; i < b->pending.n; i++) /* only if the committer never ran */
    unlink(b->pending.v[i].tmp);
  staged_free(&b->pending);
  staged_free(&b->renamed);
  if (b->root_fd >= 0)
    close(b->root_fd);
  b->root_fd = -1;
}

/* ---------------------------------------------------------------- worker */

typedef struct worker {
  batch *b;
  pthread_t th;
  tl_ctx *ctx;
  tl_buf in, out, s1, s2;
} worker;

/* Reads the whole file fd from its start into b (size: a hint). */
static int read_fd(int fd, tl_buf *b, unsigned long long size) {
  tl_buf_clear(b);
  if (tl__buf_reserve(b, (size_t)size + 1))
    return errno = ENOMEM, -1;
  for (off_t at = 0;;) {
    if (b->cap - b->len < 65536 + 1 && tl__buf_reserve(b, 65536))
      return errno = ENOMEM, -1;
    ssize_t k = pread(fd, b->data + b->len, b->cap - b->len - 1, at);
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0)
      return -1;
    if (k == 0)
      break;
    b->len += (size_t)k, at += k;
  }
  b->data[b->len] = '\0';
  return 0;
}

static int read_file(const char *path, tl_buf *b, unsigned long long size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int r = read_fd(fd, b, size);
  int e = errno;
  close(fd);
  errno = e;
  return r;
}

/* Does the manifest say this file is done, with its output still there? */
static const tl__manifest_rec *already_done(batch *b, const entry *e,
                                            unsigned long long size,
                                            const char *data, size_t len,
                                            int have_data, const char *dst_path) {
  if ((b->o->flags & TL_BATCH_FORCE))
    return NULL;
  const tl__manifest_rec *r = manifest_get(&b->man, e->rel);
  if (!r || r->src_size != size)
    return NULL;
  struct stat st;
  if (stat(dst_path, &st) != 0 || (unsigned long long)st.st_size != r->out_size)
    return NULL;
  if (!have_data && r->src_mtime_ns == e->mtime_ns)
    return r;
  if (have_data && hash_mem(data, len) == r->src_hash)
    return r;
  return NULL;
}

static void process_file(worker *w, job *j) {
  batch *b = w->b;
  entry *e = j->e;
  tl_doc_type t = b->o->type != TL_DOC_AUTO ? b->o->type : tl_doc_type_from_name(e->rel);
  char *src_path = j->data ? NULL : path_join(b->src, e->rel);
  char *dst_path = path_join(b->out_root, e->rel);
  tl__manifest_rec rec = {j->size, e->mtime_ns, 0, 0, 0, 'c', e->rel};
  int in = j->has_fd ? j->fd : -1; /* the source, opened once */
  j->has_fd = 0;
  if (!dst_path || (!src_path && !j->data)) {
    set_fatal(b, TL_ENOMEM, "out of memory");
    goto done;
  }
  if (t == TL_DOC_OTHER && (b->o->flags & TL_BATCH_SKIP_OTHER)) {
    report(b, e, e->rel, 0, TL_BATCH_SKIPPED, t, NULL, 0, 0, j->size, TL_OK,
           "not a text type (--skip-other)", NULL);
    goto done;
  }
  const tl__manifest_rec *prev = NULL;
  if (!j->data) {
    prev = already_done(b, e, j->size, NULL, 0, 0, dst_path);
    if (!prev && manifest_get(&b->man, e->rel) && !(b->o->flags & TL_BATCH_FORCE)) {
      /* Same size, new mtime (a copied tree): the checksum decides. */
      const tl__manifest_rec *r = manifest_get(&b->man, e->rel);
      if (r->src_size == j->size &&
          (in >= 0 || (in = open(src_path, O_RDONLY | O_CLOEXEC)) >= 0) &&
          read_fd(in, &w->in, j->size) == 0 &&
          hash_mem(w->in.data, w->in.len) == r->src_hash) {
        struct stat st;
        if (stat(dst_path, &st) == 0 && (unsigned long long)st.st_size == r->out_size) {
          tl__manifest_rec upd = *r;
          upd.src_mtime_ns = e->mtime_ns;
          upd.path = e->rel;
          report(b, e, e->rel, 0, TL_BATCH_UNCHANGED, t, NULL, j->size, r->out_size,
                 j->size, TL_OK, NULL, &upd);
          goto done;
        }
      }
    }
  } else {
    prev = already_done(b, e, j->size, j->data, j->len, 1, dst_path);
  }
  if (prev) {
    report(b, e, e->rel, 0, TL_BATCH_UNCHANGED, t, NULL, j->size, prev->out_size,
           j->size, TL_OK, NULL, NULL);
    goto done;
  }
  tmpfile_ tf;
  if (t == TL_DOC_OTHER && !j->data) {
    /* Copied in pieces: a big picture or video never sits in memory. */
    if (in < 0)
      in = open(src_path, O_RDONLY | O_CLOEXEC);
    if (in < 0 || lseek(in, 0, SEEK_SET) != 0) {
      report(b, e, e->rel, 0, TL_BATCH_FAILED, t, NULL, j->size, 0, j->size, TL_EIO,
             strerror(errno), NULL);
      goto done;
    }
    if (out_open(b, &tf, dst_path) != 0) {
      set_fatal(b, TL_EIO, "%s: cannot create: %s", dst_path, strerror(errno));
      out_abort(&tf);
      goto done;
    }
    hasher *hs = malloc(sizeof *hs);
    char *buf = malloc(1 << 16);
    unsigned long long total = 0;
    int rerr = 0, werr = 0;
    if (!hs || !buf)
      rerr = ENOMEM;
    else
      hasher_init(hs);
    while (!rerr && !werr) {
      ssize_t k = read(in, buf, 1 << 16);
      if (k < 0 && errno == EINTR)
        continue;
      if (k < 0) {
        rerr = errno;
        break;
      }
      if (k == 0)
        break;
      hasher_add(hs, buf, (size_t)k);
      total += (unsigned long long)k;
      if (write_all(tf.fd, buf, (size_t)k) != 0)
        werr = errno;
    }
    rec.src_hash = rec.out_hash = hs ? hasher_end(hs) : 0;
    free(hs);
    free(buf);
    if (rerr) {
      out_abort(&tf);
      report(b, e, e->rel, 0, TL_BATCH_FAILED, t, NULL, j->size, 0, j->size, TL_EIO,
             strerror(rerr), NULL);
      goto done;
    }
    if (werr) {
      out_abort(&tf);
      set_fatal(b, TL_EIO, "%s: cannot write: %s", dst_path, strerror(werr));
      goto done;
    }
    rec.src_size = rec.out_size = total;
    rec.action = 'p';
    staged s = {NULL, NULL, e, rec, TL_BATCH_COPIED, t, NULL, total, total, j->size, 0};
    if (stage(b, &tf, e->mode, &s) != 0)
      set_fatal(b, TL_EIO, "%s: cannot write: %s", dst_path, strerror(errno));
    goto done;
  }
  const char *data = j->data;
  size_t len = j->len;
  if (!data) {
    if ((in < 0 && (in = open(src_path, O_RDONLY | O_CLOEXEC)) < 0) ||
        read_fd(in, &w->in, j->size) != 0) {
      report(b, e, e->rel, 0, TL_BATCH_FAILED, t, NULL, j->size, 0, j->size, TL_EIO,
             strerror(errno), NULL);
      goto done;
    }
    data = w->in.data ? w->in.data : "";
    len = w->in.len;
  }
  rec.src_size = len;
  rec.src_hash = hash_mem(data, len);
  const char *enc = t == TL_DOC_OTHER ? NULL : "UTF-8";
  const char *out = data;
  size_t outn = len;
  tl_batch_action a = TL_BATCH_COPIED;
  if (t != TL_DOC_OTHER) {
    tl_buf_clear(&w->out);
    tl_status st = convert_doc(b, w->ctx, t, data, len, &w->out, &w->s1, &w->s2, &enc);
    if (st) {
      char msg[600];
      size_t line = 0, col = 0;
      tl_ctx_error_position(w->ctx, &line, &col);
      if (line)
        snprintf(msg, sizeof msg, "%zu:%zu: %s", line, col, tl_ctx_message(w->ctx));
      else
        snprintf(msg, sizeof msg, "%s", *tl_ctx_message(w->ctx) ? tl_ctx_message(w->ctx)
                                                                : tl_strerror(st));
      if (st == TL_EINTERNAL || st == TL_EUNSUPPORTED) {
        set_fatal(b, st, "%s: %s", e->rel, msg);
        goto done;
      }
      report(b, e, e->rel, 0, TL_BATCH_FAILED, t,
             st == TL_EENCODING || st == TL_EUTF8 ? NULL : enc, len, 0, j->size, st, msg,
             NULL);
      goto done;
    }
    out = w->out.data ? w->out.data : "";
    outn = w->out.len;
    a = TL_BATCH_CONVERTED;
  }
  rec.action = a == TL_BATCH_CONVERTED ? 'c' : 'p';
  rec.out_size = outn;
  rec.out_hash = hash_mem(out, outn);
  if (out_open(b, &tf, dst_path) != 0 || write_all(tf.fd, out, outn) != 0) {
    int er = errno;
    out_abort(&tf);
    set_fatal(b, TL_EIO, "%s: cannot write: %s", dst_path, strerror(er));
    goto done;
  }
  staged s = {NULL, NULL, e, rec, a, t, enc, len, outn, j->size, 0};
  if (stage(b, &tf, e->mode, &s) != 0)
    set_fatal(b, TL_EIO, "%s: cannot write: %s", dst_path, strerror(errno));
done:
  if (in >= 0)
    close(in);
  free(src_path);
  free(dst_path);
}

typedef struct bad_ctx {
  const char *name;
} bad_ctx;

static void on_bad_record(batch *b, size_t line, tl_status st, const char *msg,
                          const char *enc, void *user) {
  /* Reported in order by the writer: collect into the job's list. */
  tl_buf *list = user;
  (void)b;
  tl__buf_printf(list, "%zu\t%d\t%s\t%s\n", line, (int)st, enc, msg);
}

static void process_chunk(worker *w, job *j) {
  batch *b = w->b;
  tl_buf_clear(&w->out);
  tl_buf errs = TL_BUF_INIT;
  size_t records = 0;
  const char *enc = "UTF-8";
  tl_status st = convert_jsonl(b, w->ctx, j->data, j->len, j->first_line, &w->out,
                               &w->s1, 1, on_bad_record, &errs, &records, &enc);
  if (st) {
    tl_buf_free(&errs);
    set_fatal(b, st, "%s: %s", b->src_name, tl_ctx_message(w->ctx));
    return;
  }
  /* Wait for this chunk's turn, so that the output keeps the input order. */
  pthread_mutex_lock(&b->mu);
  while (!b->stop && b->next_seq != j->seq)
    pthread_cond_wait(&b->turn, &b->mu);
  int stop = b->stop;
  pthread_mutex_unlock(&b->mu);
  if (!stop) {
    if (write_all(b->out_fd, w->out.data ? w->out.data : "", w->out.len) != 0) {
      set_fatal(b, TL_EIO, "%s: cannot write: %s", b->out_name, strerror(errno));
    } else {
      size_t nbad = 0;
      for (char *p = errs.data; p && *p;) {
        char *nl = strchr(p, '\n');
        *nl = '\0';
        size_t line = strtoul(p, &p, 10);
        int code = (int)strtol(p + 1, &p, 10);
        char *encs = p + 1, *tab = strchr(encs, '\t');
        *tab = '\0';
        report(b, NULL, b->src_name, line, TL_BATCH_FAILED, TL_DOC_JSONL, encs, 0, 0, 0,
               (tl_status)code, tab + 1, NULL);
        nbad++;
        p = nl + 1;
      }
      pthread_mutex_lock(&b->rmu);
      b->stats.files[TL_BATCH_CONVERTED] += records - nbad;
      b->stats.in_bytes += j->len;
      b->stats.out_bytes += w->out.len;
      b->records_failed += nbad;
      pthread_mutex_unlock(&b->rmu);
    }
    pthread_mutex_lock(&b->mu);
    b->next_seq++;
    pthread_cond_broadcast(&b->turn);
    pthread_cond_broadcast(&b->has_space);
    pthread_mutex_unlock(&b->mu);
  }
  tl_buf_free(&errs);
}

static void *worker_main(void *arg) {
  worker *w = arg;
  batch *b = w->b;
  for (;;) {
    pthread_mutex_lock(&b->mu);
    while (!b->stop && b->qhead == b->qtail && !b->closed)
      pthread_cond_wait(&b->has_work, &b->mu);
    if (b->stop || b->qhead == b->qtail) {
      pthread_mutex_unlock(&b->mu);
      break;
    }
    job *j = b->q[b->qhead++ % b->qcap];
    b->qbytes -= j->len;
    /* push() waits for room; the read-ahead only needs waking when half of
     * what it read ahead is taken. */
    int wake = !b->pf_waiting || b->pf_next <= b->qhead + b->pf_ahead / 2;
    pthread_mutex_unlock(&b->mu);
    if (wake)
      pthread_cond_signal(&b->has_space);
    if (j->kind == JOB_FILE)
      process_file(w, j);
    else
      process_chunk(w, j);
    free(j->data);
    free(j);
  }
  pthread_mutex_lock(&b->mu);
  b->workers_done++;
  pthread_cond_broadcast(&b->done_cond);
  pthread_mutex_unlock(&b->mu);
  return NULL;
}

/* Queues a job; waits (reporting progress) while the queue is full. Returns
 * 0, or -1 when the run is stopping (the job is freed). */
static int push(batch *b, job *j) {
  pthread_mutex_lock(&b->mu);
  for (;;) {
    int full = b->qtail - b->qhead >= b->qcap ||
               (b->qbytes + j->len > b->qmax && b->qtail > b->qhead);
    if (j->kind == JOB_CHUNK && j->seq >= b->next_seq + 4 * (unsigned long long)b->nworkers)
      full = 1;
    if (b->stop || !full)
      break;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 100000000;
    if (ts.tv_nsec >= 1000000000)
      ts.tv_sec++, ts.tv_nsec -= 1000000000;
    pthread_cond_timedwait(&b->has_space, &b->mu, &ts);
    pthread_mutex_unlock(&b->mu);
    progress(b, 0);
    pthread_mutex_lock(&b->mu);
  }
  if (b->stop) {
    pthread_mutex_unlock(&b->mu);
    free(j->data);
    free(j);
    return -1;
  }
  b->q[b->qtail++ % b->qcap] = j;
  b->qbytes += j->len;
  pthread_cond_signal(&b->has_work);
  pthread_mutex_unlock(&b->mu);
  progress(b, 0);
  return 0;
}

/* Folder sources: while the workers convert, the calling thread opens the
 * next files of the queue and asks the kernel to read them ahead
 * (POSIX_FADV_WILLNEED); a worker then finds its input in memory instead of
 * waiting for the disk. Measured on an archive that was not in the page
 * cache: without it the workers spent 35-65% of the run blocked in read(),
 * so that one worker could not keep a core busy. Files that the manifest
 * says are done, or that are skipped, are not read. */
#define PREFETCH_MAX (8ull << 20) /* of one file: a video is streamed */

static void prefetch_folder(batch *b) {
  size_t ahead = 2 * (size_t)b->nworkers + 2, n = 0;
  struct pf { size_t pos; job *j; const entry *e; int fd; } *v = calloc(ahead, sizeof *v);
  if (!v)
    return; /* no read-ahead: the workers read for themselves */
  pthread_mutex_lock(&b->mu);
  b->pf_ahead = ahead;
  b->pf_next = b->qhead;
  while (!b->stop && b->qhead < b->qtail) {
    if (b->pf_next < b->qhead)
      b->pf_next = b->qhead;
    /* The next files up to `ahead` beyond the workers, in one go. */
    for (n = 0; b->pf_next < b->qtail && b->pf_next < b->qhead + ahead; n++) {
      v[n].pos = b->pf_next;
      v[n].j = b->q[b->pf_next++ % b->qcap];
      v[n].e = v[n].j->e; /* the job may be freed once unlocked; its entry not */
    }
    if (!n) {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_nsec += 100000000;
      if (ts.tv_nsec >= 1000000000)
        ts.tv_sec++, ts.tv_nsec -= 1000000000;
      b->pf_waiting = 1; /* woken when half the read-ahead is used */
      pthread_cond_timedwait(&b->has_space, &b->mu, &ts);
      b->pf_waiting = 0;
      pthread_mutex_unlock(&b->mu);
      progress(b, 0);
      pthread_mutex_lock(&b->mu);
      continue;
    }
    pthread_mutex_unlock(&b->mu);
    for (size_t i = 0; i < n; i++) {
      const entry *e = v[i].e;
      unsigned long long size = e->size;
      const tl__manifest_rec *r =
          (b->o->flags & TL_BATCH_FORCE) ? NULL : manifest_get(&b->man, e->rel);
      int skip = (r && r->src_size == size && r->src_mtime_ns == e->mtime_ns) ||
                 ((b->o->flags & TL_BATCH_SKIP_OTHER) && b->o->type == TL_DOC_AUTO &&
                  tl_doc_type_from_name(e->rel) == TL_DOC_OTHER);
      char *path = skip ? NULL : path_join(b->src, e->rel);
      v[i].fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
      if (v[i].fd >= 0)
        posix_fadvise(v[i].fd, 0, (off_t)(size < PREFETCH_MAX ? size : PREFETCH_MAX),
                      POSIX_FADV_WILLNEED);
      free(path);
    }
    pthread_mutex_lock(&b->mu);
    for (size_t i = 0; i < n; i++) {
      if (v[i].fd >= 0 && v[i].pos >= b->qhead) /* not taken: still ours to touch */
        v[i].j->fd = v[i].fd, v[i].j->has_fd = 1;
      else if (v[i].fd >= 0)
        close(v[i].fd);
    }
  }
  pthread_mutex_unlock(&b->mu);
  free(v);
}

static void close_queue(batch *b) {
  pthread_mutex_lock(&b->mu);
  b->closed = 1;
  pthread_cond_broadcast(&b->has_work);
  pthread_mutex_unlock(&b->mu);
}

static unsigned ncores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1;
}

static tl_status start_workers(batch *b, worker **out, size_t min_cap) {
  unsigned n = b->o->jobs ? b->o->jobs : ncores();
  if (n > 256)
    n = 256;
  b->nworkers = n;
  b->stats.jobs = n;
  b->qcap = 4 * n + 16 > min_cap ? 4 * n + 16 : min_cap;
  b->q = calloc(b->qcap, sizeof *b->q);
  worker *w = calloc(n, sizeof *w);
  if (!w || !b->q) {
    free(w);
    return tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  }
  for (unsigned i = 0; i < n; i++) {
    w[i].b = b;
    if (tl_ctx_new(&w[i].ctx) != TL_OK) {
      b->nworkers = i;
      break;
    }
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 8u << 20); /* deep JSON recursion */
    if (pthread_create(&w[i].th, &at, worker_main, &w[i]) != 0) {
      tl_ctx_free(w[i].ctx);
      w[i].ctx = NULL;
      b->nworkers = i;
      pthread_attr_destroy(&at);
      break;
    }
    pthread_attr_destroy(&at);
  }
  *out = w;
  if (!b->nworkers) {
    free(w);
    *out = NULL;
    return tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "cannot start worker threads");
  }
  return TL_OK;
}

static void join_workers(batch *b, worker *w) {
  close_queue(b);
  pthread_mutex_lock(&b->mu);
  while (b->workers_done < b->nworkers) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 100000000;
    if (ts.tv_nsec >= 1000000000)
      ts.tv_sec++, ts.tv_nsec -= 1000000000;
    pthread_cond_timedwait(&b->done_cond, &b->mu, &ts);
    pthread_mutex_unlock(&b->mu);
    progress(b, 0);
    pthread_mutex_lock(&b->mu);
  }
  pthread_mutex_unlock(&b->mu);
  for (unsigned i = 0; i < b->nworkers; i++) {
    pthread_join(w[i].th, NULL);
    tl_ctx_free(w[i].ctx);
    tl_buf_free(&w[i].in);
    tl_buf_free(&w[i].out);
    tl_buf_free(&w[i].s1);
    tl_buf_free(&w[i].s2);
  }
  free(w);
  /* Jobs left by a stopped run. */
  while (b->qhead < b->qtail) {
    job *j = b->q[b->qhead++ % b->qcap];
    if (j->has_fd)
      close(j->fd);
    free(j->data);
    free(j);
  }
}

/* -------------------------------------------------------- the manifest */

static void fingerprint(batch *b) {
  const tl_batch_options *o = b->o;
  const tl_convert_options *c = &o->convert;
  tl_buf t = TL_BUF_INIT;
  tl__buf_printf(&t, "translit %s; from %s; to %s; scheme %s; apostrophe %d; "
                 "flags %u; type %s; encoding %s; batch flags %u; fields",
                 tl_version(), tl_lang_code(c->from), tl_lang_code(c->to),
                 c->scheme ? c->scheme : "-", (int)c->apostrophe,
                 c->flags, tl_doc_type_name(o->type),
                 o->encoding ? o->encoding : "auto",
                 o->flags & (TL_BATCH_NORMALIZE | TL_BATCH_SKIP_OTHER));
  for (size_t i = 0; i < o->n_fields; i++)
    tl__buf_printf(&t, "%s%s", i ? "," : " ", o->fields[i]);
  /* Lexicons and scheme files: their content changes the output. */
  const char *files[66];
  size_t nf = 0;
  if (c->scheme_file)
    files[nf++] = c->scheme_file;
  if (c->system_dict)
    files[nf++] = c->system_dict;
  for (size_t i = 0; i < c->n_dict_files && nf < 66; i++)
    files[nf++] = c->dict_files[i];
  uint64_t h = tl__hash64(t.data, t.len, 0);
  for (size_t i = 0; i < nf; i++) {
    struct stat st;
    tl__buf_printf(&t, "; file %s", files[i]);
    if (stat(files[i], &st) == 0) {
      long long v[2] = {(long long)st.st_size, (long long)st.st_mtime};
      h = tl__hash64(v, sizeof v, h);
    }
    h = tl__hash64(files[i], strlen(files[i]), h);
  }
  snprintf(b->options_text, sizeof b->options_text, "%s", t.data ? t.data : "");
  b->fingerprint = h;
  tl_buf_free(&t);
}

/* Loads dir/MANIFEST_NAME (unless --force or other options) and opens it
 * for appending. */
static tl_status manifest_open(batch *b, const char *dir) {
  char name[64];
  if (b->o->shard_count > 1)
    snprintf(name, sizeof name, "%s-%u-of-%u", MANIFEST_NAME, b->o->shard_index,
             b->o->shard_count);
  else
    snprintf(name, sizeof name, "%s", MANIFEST_NAME);
  char *path = path_join(dir, name);
  if (!path)
    return tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  char head[1200];
  snprintf(head, sizeof head, "# translit-manifest 1: finished files; delete to redo all\n"
           "# options %016llx %s\n", (unsigned long long)b->fingerprint, b->options_text);
  int fresh = (b->o->flags & TL_BATCH_FORCE) != 0;
  tl_buf cur = TL_BUF_INIT;
  if (!fresh && read_file(path, &cur, 0) == 0) {
    const char *nl = cur.data ? memchr(cur.data, '\n', cur.len) : NULL;
    const char *nl2 = nl ? memchr(nl + 1, '\n', cur.len - (size_t)(nl + 1 - cur.data)) : NULL;
    char want[32];
    snprintf(want, sizeof want, "# options %016llx", (unsigned long long)b->fingerprint);
    if (!nl2 || strncmp(nl + 1, want, strlen(want)) != 0) {
      fresh = 1;
      b->stats.restarted = 1;
    } else {
      size_t end = cur.len;
      while (end && cur.data[end - 1] != '\n')
        end--; /* a line cut by a kill is dropped */
      for (const char *p = nl2 + 1; p < cur.data + end;) {
        const char *e = memchr(p, '\n', (size_t)(cur.data + end - p));
        tl__manifest_rec r;
        if (tl__manifest_parse(p, (size_t)(e - p), &r) && manifest_put(&b->man, &r) != 0) {
          free(r.path);
          tl_buf_free(&cur);
          free(path);
          return tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
        }
        p = e + 1;
      }
      if (end < cur.len && truncate(path, (off_t)end) != 0) {
        tl_buf_free(&cur);
        tl_status st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot write: %s",
                                path, strerror(errno));
        free(path);
        return st;
      }
    }
  } else {
    fresh = 1;
  }
  tl_buf_free(&cur);
  if (fresh) {
    /* A new manifest replaces the old one atomically. */
    if (write_atomic(b, path, head, strlen(head), 0644) != 0) {
      int e = errno;
      tl_status st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot write: %s",
                              path, strerror(e));
      free(path);
      return st;
    }
  }
  b->man.fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (b->man.fd < 0) {
    tl_status st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot write: %s",
                            path, strerror(errno));
    free(path);
    return st;
  }
  b->man_path = path;
  return TL_OK;
}

/* ------------------------------------------------------------- entries */

typedef struct entry_list {
  entry **v;
  size_t n, cap;
} entry_list;

static entry *entry_add(entry_list *l, const char *rel) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 256;
    entry **v = realloc(l->v, cap * sizeof *v);
    if (!v)
      return NULL;
    l->v = v, l->cap = cap;
  }
  entry *e = calloc(1, sizeof *e);
  if (!e || !(e->rel = strdup(rel))) {
    free(e);
    return NULL;
  }
  l->v[l->n++] = e;
  return e;
}

static void entries_free(entry_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->v[i]->rel);
    free(l->v[i]->uname);
    free(l->v[i]->gname);
    free(l->v[i]->link);
    free(l->v[i]);
  }
  free(l->v);
  memset(l, 0, sizeof *l);
}

static int own_name(const char *name) {
  return strncmp(name, MANIFEST_NAME, strlen(MANIFEST_NAME)) == 0 ||
         strncmp(name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0;
}

static int in_shard(batch *b, const char *rel) {
  return b->o->shard_count <= 1 ||
         tl_batch_shard(rel, strlen(rel), b->o->shard_count) == b->o->shard_index;
}

/* Lists the regular files under src (and what is skipped) into l. */
static tl_status walk(batch *b, const char *root, const char *rel, entry_list *l,
                      entry_list *skipped) {
  char *dir = *rel ? path_join(root, rel) : strdup(root);
  if (!dir)
    return tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  DIR *d = opendir(dir);
  if (!d) {
    tl_status st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot read: %s", dir,
                            strerror(errno));
    free(dir);
    return st;
  }
  tl_status st = TL_OK;
  struct dirent *de;
  while (!st && (de = readdir(d))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
        own_name(de->d_name))
      continue;
    char *r = *rel ? path_join(rel, de->d_name) : strdup(de->d_name);
    char *full = r ? path_join(root, r) : NULL;
    struct stat sb;
    if (!r || !full) {
      st = tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    } else if (lstat(full, &sb) != 0) {
      st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: %s", full, strerror(errno));
    } else if (S_ISDIR(sb.st_mode)) {
      st = walk(b, root, r, l, skipped);
    } else if (in_shard(b, r)) {
      entry *e = entry_add(S_ISREG(sb.st_mode) ? l : skipped, r);
      if (!e)
        st = tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
      else {
        e->kind = S_ISREG(sb.st_mode) ? 'f' : S_ISLNK(sb.st_mode) ? 'l' : '?';
        e->mode = sb.st_mode & 07777;
        e->mtime = sb.st_mtim.tv_sec;
        e->mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
        e->size = (unsigned long long)sb.st_size;
      }
    }
    free(r);
    free(full);
  }
  closedir(d);
  free(dir);
  return st;
}

static int cmp_entry(const void *a, const void *b) {
  return strcmp((*(entry *const *)a)->rel, (*(entry *const *)b)->rel);
}

/* -------------------------------------------------------------- archives */

typedef enum dst_kind { DST_DIR, DST_TAR, DST_TGZ, DST_TBZ, DST_TXZ, DST_ZIP,
                        DST_JSONL, DST_STDOUT } dst_kind;

static int ends_with(const char *s, const char *suf) {
  size_t n = strlen(s), k = strlen(suf);
  return n >= k && strcasecmp(s + n - k, suf) == 0;
}

static dst_kind kind_of_name(const char *p) {
  if (strcmp(p, "-") == 0)
    return DST_STDOUT;
  if (ends_with(p, ".tar"))
    return DST_TAR;
  if (ends_with(p, ".tar.gz") || ends_with(p, ".tgz"))
    return DST_TGZ;
  if (ends_with(p, ".tar.bz2") || ends_with(p, ".tbz2"))
    return DST_TBZ;
  if (ends_with(p, ".tar.xz") || ends_with(p, ".txz"))
    return DST_TXZ;
  if (ends_with(p, ".zip"))
    return DST_ZIP;
  if (ends_with(p, ".jsonl") || ends_with(p, ".ndjson"))
    return DST_JSONL;
  return DST_DIR;
}

#ifdef TL_HAVE_LIBARCHIVE
/* The archive file as libarchive reads it: through these callbacks, so
 * that progress and errors know how far the file was read, even when the
 * open itself fails (libarchive's own counter is gone then). */
typedef struct arc_src {
  int fd;
  unsigned long long pos; /* the file offset reached */
  char buf[1 << 16];
} arc_src;

static la_ssize_t arc_read(struct archive *a, void *u, const void **out) {
  arc_src *s = u;
  for (;;) {
    ssize_t k = read(s->fd, s->buf, sizeof s->buf);
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0) {
      archive_set_error(a, errno, "%s", strerror(errno));
      return -1;
    }
    s->pos += (unsigned long long)k;
    *out = s->buf;
    return k;
  }
}

/* Lets libarchive skip data (a video entry) and read a zip's directory. */
static la_int64_t arc_seek(struct archive *a, void *u, la_int64_t off, int whence) {
  arc_src *s = u;
  off_t r = lseek(s->fd, (off_t)off, whence);
  if (r < 0) {
    archive_set_error(a, errno, "%s", strerror(errno));
    return ARCHIVE_FATAL;
  }
  s->pos = (unsigned long long)r;
  return r;
}

static double archive_position(batch *b) {
  const arc_src *s = b->reader;
  if (!s || !b->src_file_size)
    return -1;
  double f = (double)s->pos / (double)b->src_file_size;
  return f > 1 ? 1 : f;
}

/* Copies the data of an entry that is not converted (a picture, a video)
 * from the archive to its output in pieces, in the reader thread: it never
 * sits in memory whole. Returns 0, -1 when the archive cannot be read, or
 * 1 when the destination failed (the run is stopping). */
static int copy_entry(batch *b, struct archive *a, entry *e, la_int64_t size) {
  if (b->o->flags & TL_BATCH_SKIP_OTHER) {
    report(b, e, e->rel, 0, TL_BATCH_SKIPPED, TL_DOC_OTHER, NULL, 0, 0, 0, TL_OK,
           "not a text type (--skip-other)", NULL);
    return archive_read_data_skip(a) == ARCHIVE_OK ? 0 : -1;
  }
  char *dst_path = path_join(b->out_root, e->rel);
  if (!dst_path) {
    set_fatal(b, TL_ENOMEM, "out of memory");
    return 1;
  }
  const tl__manifest_rec *r =
      (b->o->flags & TL_BATCH_FORCE) ? NULL : manifest_get(&b->man, e->rel);
  struct stat sb;
  if (r && size >= 0 && r->src_size == (unsigned long long)size &&
      r->src_mtime_ns == e->mtime_ns && stat(dst_path, &sb) == 0 &&
      (unsigned long long)sb.st_size == r->out_size) {
    free(dst_path);
    report(b, e, e->rel, 0, TL_BATCH_UNCHANGED, TL_DOC_OTHER, NULL, r->src_size,
           r->out_size, 0, TL_OK, NULL, NULL);
    return archive_read_data_skip(a) == ARCHIVE_OK ? 0 : -1;
  }
  tmpfile_ tf;
  if (out_open(b, &tf, dst_path) != 0) {
    set_fatal(b, TL_EIO, "%s: cannot create: %s", dst_path, strerror(errno));
    out_abort(&tf);
    free(dst_path);
    return 1;
  }
  hasher *hs = malloc(sizeof *hs);
  char *buf = malloc(1 << 16);
  unsigned long long total = 0;
  int rc = 0;
  if (!hs || !buf) {
    set_fatal(b, TL_ENOMEM, "out of memory");
    rc = 1;
  } else {
    hasher_init(hs);
  }
  while (!rc) {
    la_ssize_t k = archive_read_data(a, buf, 1 << 16);
    if (k < 0)
      rc = -1;
    if (k <= 0)
      break;
    hasher_add(hs, buf, (size_t)k);
    total += (unsigned long long)k;
    if (write_all(tf.fd, buf, (size_t)k) != 0) {
      set_fatal(b, TL_EIO, "%s: cannot write: %s", dst_path, strerror(errno));
      rc = 1;
    }
  }
  tl__manifest_rec rec = {total, e->mtime_ns, hs ? hasher_end(hs) : 0, total, 0, 'p', e->rel};
  rec.out_hash = rec.src_hash;
  free(hs);
  free(buf);
  staged s = {NULL, NULL, e, rec, TL_BATCH_COPIED, TL_DOC_OTHER, NULL, total, total, 0, 0};
  if (rc) {
    out_abort(&tf);
  } else if (stage(b, &tf, e->mode, &s) != 0) {
    set_fatal(b, TL_EIO, "%s: cannot write: %s", dst_path, strerror(errno));
    rc = 1;
  }
  free(dst_path);
  return rc;
}

/* The source archive cannot be read on: the error names it, how far it
 * was read (64 KB at a time) and the entry. */
static tl_status damaged(batch *b, struct archive *a, const arc_src *in,
                         const char *entry_name) {
  long long at = (long long)in->pos;
  char what[300] = "";
  if (entry_name)
    snprintf(what, sizeof what, ", entry %s", entry_name);
  b->src_damaged = 1;
  return tl__fail(b->ctx, TL_EIO, at > 0 ? (size_t)at : 0,
                  "%s: damaged archive at byte offset %lld%s%s: %s", b->src, at,
                  b->src_file_size && (unsigned long long)at >= b->src_file_size
                      ? " (the end of the file)" : "",
                  what, archive_error_string(a) ? archive_error_string(a) : "read error");
}

/* Reads every entry of the archive src and feeds the workers; keeps the
 * entries in order in l for packing. */
static tl_status read_archive(batch *b, entry_list *l) {
  struct archive *a = archive_read_new();
  arc_src *in = malloc(sizeof *in);
  if (!a || !in) {
    archive_read_free(a);
    free(in);
    return tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  }
  in->pos = 0;
  in->fd = open(b->src, O_RDONLY | O_CLOEXEC);
  if (in->fd < 0) {
    tl_status st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot open: %s", b->src,
                            strerror(errno));
    b->src_damaged = 1;
    archive_read_free(a);
    free(in);
    return st;
  }
  /* The formats archives of articles come in; not "all": mtree, for one,
   * takes any text file for a list of files on this machine, and reads
   * them. Compressed by any of the usual filters. */
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  archive_read_support_format_zip(a);
  archive_read_support_format_7zip(a);
  archive_read_support_format_cpio(a);
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  archive_read_support_filter_lzma(a);
  archive_read_support_filter_zstd(a);
  archive_read_support_filter_compress(a);
  archive_read_set_read_callback(a, arc_read);
  archive_read_set_seek_callback(a, arc_seek);
  archive_read_set_callback_data(a, in);
  if (archive_read_open1(a) != ARCHIVE_OK) {
    tl_status st = damaged(b, a, in, NULL);
    archive_read_free(a);
    close(in->fd);
    free(in);
    return st;
  }
  pthread_mutex_lock(&b->rmu);
  b->reader = in;
  b->position = archive_position;
  pthread_mutex_unlock(&b->rmu);
  tl_status st = TL_OK;
  struct archive_entry *ae;
  int r;
  while (!stopped(b) && (r = archive_read_next_header(a, &ae)) != ARCHIVE_EOF) {
    if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
      st = damaged(b, a, in, NULL);
      break;
    }
    const char *name = archive_entry_pathname_utf8(ae);
    if (!name)
      name = archive_entry_pathname(ae);
    char *rel = strdup(name ? name : "");
    if (!rel) {
      st = tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
      break;
    }
    mode_t ft = archive_entry_filetype(ae);
    int safe = tl__batch_safe_path(rel);
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    if (safe != 1 || own_name(base) || !in_shard(b, rel)) { /* 2: "./" itself */
      if (!safe && b->o->on_file) {
        tl_batch_file f = {name ? name : "", 0, TL_BATCH_SKIPPED, TL_DOC_OTHER, "", 0, 0,
                           TL_OK, "unsafe path (absolute or with ..): not extracted"};
        pthread_mutex_lock(&b->rmu);
        b->stats.files[TL_BATCH_SKIPPED]++;
        b->o->on_file(b->o->user, &f);
        pthread_mutex_unlock(&b->rmu);
      }
      free(rel);
      archive_read_data_skip(a);
      continue;
    }
    pthread_mutex_lock(&b->rmu);
    entry *e = entry_add(l, rel);
    pthread_mutex_unlock(&b->rmu);
    free(rel);
    if (!e) {
      st = tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
      break;
    }
    e->kind = ft == AE_IFREG ? 'f' : ft == AE_IFDIR ? 'd' : ft == AE_IFLNK ? 'l' : '?';
    e->mode = archive_entry_perm(ae);
    e->mtime = archive_entry_mtime(ae);
    e->mtime_ns = e->mtime * 1000000000LL + archive_entry_mtime_nsec(ae);
    e->uid = archive_entry_uid(ae);
    e->gid = archive_entry_gid(ae);
    if (archive_entry_uname(ae))
      e->uname = strdup(archive_entry_uname(ae));
    if (archive_entry_gname(ae))
      e->gname = strdup(archive_entry_gname(ae));
    if (e->kind == 'l' && archive_entry_symlink(ae))
      e->link = strdup(archive_entry_symlink(ae));
    const char *hard = archive_entry_hardlink(ae);
    if (hard) {
      /* A tar hard link has no data of its own: it names an earlier entry. */
      e->kind = 'h';
      e->link = strdup(hard);
      if (!e->link || tl__batch_safe_path(e->link) != 1) {
        e->kind = '?';
      } else {
        e->include = 1;
        continue;
      }
    }
    if (e->kind == 'l' && !b->staging) {
      /* Not created in a folder: a link could point anywhere. */
      pthread_mutex_lock(&b->rmu);
      b->stats.files[TL_BATCH_SKIPPED]++;
      if (b->o->on_file) {
        tl_batch_file f = {e->rel, 0, TL_BATCH_SKIPPED, TL_DOC_OTHER, "", 0, 0, TL_OK,
                           "symbolic link (kept in archives only)"};
        b->o->on_file(b->o->user, &f);
      }
      pthread_mutex_unlock(&b->rmu);
      continue;
    }
    if (e->kind == 'd' || e->kind == 'l') {
      e->include = 1;
      continue;
    }
    if (e->kind != 'f') {
      pthread_mutex_lock(&b->rmu);
      b->stats.files[TL_BATCH_SKIPPED]++;
      if (b->o->on_file) {
        tl_batch_file f = {e->rel, 0, TL_BATCH_SKIPPED, TL_DOC_OTHER, "", 0, 0, TL_OK,
                           "not a regular file"};
        b->o->on_file(b->o->user, &f);
      }
      pthread_mutex_unlock(&b->rmu);
      continue;
    }
    tl_doc_type t = b->o->type != TL_DOC_AUTO ? b->o->type : tl_doc_type_from_name(e->rel);
    if (t == TL_DOC_OTHER) {
      int r2 = copy_entry(b, a, e, archive_entry_size(ae));
      if (r2 < 0) {
        st = damaged(b, a, in, e->rel);
        break;
      }
      if (r2 > 0)
        break; /* the destination failed: set_fatal said why */
      continue;
    }
    job *j = calloc(1, sizeof *j);
    tl_buf data = TL_BUF_INIT;
    if (!j) {
      st = tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
      break;
    }
    j->kind = JOB_FILE;
    j->e = e;
    la_int64_t size = archive_entry_size(ae);
    if (size > 0 && tl__buf_reserve(&data, (size_t)size)) {
      free(j);
      st = tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "%s: out of memory", e->rel);
      break;
    }
    for (;;) {
      if (data.cap - data.len < 65537 && tl__buf_reserve(&data, 65536)) {
        st = tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "%s: out of memory", e->rel);
        break;
      }
      la_ssize_t k = archive_read_data(a, data.data + data.len, data.cap - data.len - 1);
      if (k < 0) {
        st = damaged(b, a, in, e->rel);
        break;
      }
      if (k == 0)
        break;
      data.len += (size_t)k;
    }
    if (st) {
      tl_buf_free(&data);
      free(j);
      break;
    }
    j->data = data.data ? data.data : strdup("");
    j->len = data.len;
    j->size = data.len;
    if (push(b, j) != 0)
      break;
  }
  pthread_mutex_lock(&b->rmu);
  b->position = NULL;
  b->reader = NULL;
  b->work_total = b->work_done = 1;
  pthread_mutex_unlock(&b->rmu);
  archive_read_free(a);
  close(in->fd);
  free(in);
  return st;
}

#ifdef TL_HAVE_ZLIB
/* A .tar.gz is compressed by several threads: gzip at level 6 is 4-5 times
 * slower than the conversion itself, so that one compressing thread made
 * every .tar.gz output as slow as -j1 (measured: 0.55 s of gzip for 0.12 s
 * of conversion). The tar stream is cut into 1 MB blocks, each compressed
 * as a gzip member of its own by a pool of threads, and the members are
 * written in order. A gzip file may hold several members (RFC 1952 2.2):
 * gunzip, GNU tar, libarchive and Python read it as one stream; the ratio
 * loses ~0.1% (the window restarts every MB). The bytes depend only on the
 * input, not on the number of threads: a rerun gives the same file. */
#define PGZ_BLOCK (1u << 20)

typedef struct pgz_slot {
  unsigned char *in, *out;
  size_t n_in, n_out, cap_out;
  int state; /* PGZ_FREE, _FILLING, _FILLED, _BUSY, _DONE */
  int failed;
} pgz_slot;
enum { PGZ_FREE, PGZ_FILLING, PGZ_FILLED, PGZ_BUSY, PGZ_DONE };

typedef struct pgz {
  int fd;
  unsigned nth, nslot;
  pthread_t th[64];
  pthread_mutex_t mu;
  pthread_cond_t cv;
  pgz_slot *slot;
  unsigned long long fill, compress, write; /* sequence numbers */
  int closing, err; /* err: an errno */
} pgz;

static void *pgz_main(void *arg) {
  pgz *z = arg;
  pthread_mutex_lock(&z->mu);
  for (;;) {
    pgz_slot *s = &z->slot[z->compress % z->nslot];
    if (s->state != PGZ_FILLED) {
      if (z->closing)
        break;
      pthread_cond_wait(&z->cv, &z->mu);
      continue;
    }
    z->compress++;
    s->state = PGZ_BUSY;
    pthread_mutex_unlock(&z->mu);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    int ok = deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    if (ok) {
      size_t need = deflateBound(&zs, (uLong)s->n_in);
      if (need > s->cap_out) {
        unsigned char *o = realloc(s->out, need);
        ok = o != NULL;
        if (ok)
          s->out = o, s->cap_out = need;
      }
      if (ok) {
        zs.next_in = s->in, zs.avail_in = (uInt)s->n_in;
        zs.next_out = s->out, zs.avail_out = (uInt)s->cap_out;
        ok = deflate(&zs, Z_FINISH) == Z_STREAM_END;
        s->n_out = s->cap_out - zs.avail_out;
      }
      deflateEnd(&zs);
    }
    pthread_mutex_lock(&z->mu);
    s->failed = !ok;
    s->state = PGZ_DONE;
    pthread_cond_broadcast(&z->cv);
  }
  pthread_mutex_unlock(&z->mu);
  return NULL;
}

/* Writes the compressed blocks that are next in order; with wait, until
 * every filled block is written. Called by the producer, mu held. */
static void pgz_drain(pgz *z, int wait) {
  for (;;) {
    pgz_slot *s = &z->slot[z->write % z->nslot];
    if (s->state != PGZ_DONE) {
      if (!wait || z->write == z->fill || z->err)
        return;
      pthread_cond_wait(&z->cv, &z->mu);
      continue;
    }
    pthread_mutex_unlock(&z->mu);
    int e = s->failed ? ENOMEM : write_all(z->fd, (char *)s->out, s->n_out) ? errno : 0;
    pthread_mutex_lock(&z->mu);
    if (e && !z->err)
      z->err = e;
    s->state = PGZ_FREE, s->n_in = 0;
    z->write++;
    pthread_cond_broadcast(&z->cv);
  }
}

static void pgz_submit(pgz *z, pgz_slot *s) {
  pthread_mutex_lock(&z->mu);
  s->state = PGZ_FILLED;
  z->fill++;
  pthread_cond_broadcast(&z->cv);
  pgz_drain(z, 0);
  pthread_mutex_unlock(&z->mu);
}

static la_ssize_t pgz_write(struct archive *a, void *u, const void *buf, size_t n) {
  pgz *z = u;
  const unsigned char *p = buf;
  size_t left = n;
  while (left) {
    pgz_slot *s = &z->slot[z->fill % z->nslot];
    pthread_mutex_lock(&z->mu);
    while (!z->err && s->state != PGZ_FREE && s->state != PGZ_FILLING) {
      pgz_drain(z, 0);
      if (s->state != PGZ_FREE)
        pthread_cond_wait(&z->cv, &z->mu);
    }
    int err = z->err;
    s->state = PGZ_FILLING;
    pthread_mutex_unlock(&z->mu);
    if (err) {
      archive_set_error(a, err, "%s", strerror(err));
      return -1;
    }
    if (!s->in && !(s->in = malloc(PGZ_BLOCK))) {
      archive_set_error(a, ENOMEM, "out of memory");
      return -1;
    }
    size_t k = PGZ_BLOCK - s->n_in < left ? PGZ_BLOCK - s->n_in : left;
    memcpy(s->in + s->n_in, p, k);
    s->n_in += k, p += k, left -= k;
    if (s->n_in == PGZ_BLOCK)
      pgz_submit(z, s);
  }
  return (la_ssize_t)n;
}

/* The last block, then every member in place; stops the threads. */
static int pgz_close(struct archive *a, void *u) {
  pgz *z = u;
  pgz_slot *s = &z->slot[z->fill % z->nslot];
  if (s->state == PGZ_FILLING && s->n_in)
    pgz_submit(z, s);
  pthread_mutex_lock(&z->mu);
  pgz_drain(z, 1);
  int err = z->err;
  pthread_mutex_unlock(&z->mu);
  if (err) {
    archive_set_error(a, err, "%s", strerror(err));
    return ARCHIVE_FATAL;
  }
  return ARCHIVE_OK;
}

static pgz *pgz_new(int fd, unsigned nth) {
  pgz *z = calloc(1, sizeof *z);
  if (!z)
    return NULL;
  z->fd = fd;
  z->nth = nth < 1 ? 1 : nth > 64 ? 64 : nth;
  z->nslot = 2 * z->nth + 1;
  z->slot = calloc(z->nslot, sizeof *z->slot);
  pthread_mutex_init(&z->mu, NULL);
  pthread_cond_init(&z->cv, NULL);
  unsigned started = 0;
  while (z->slot && started < z->nth &&
         pthread_create(&z->th[started], NULL, pgz_main, z) == 0)
    started++;
  z->nth = started;
  return z;
}

/* Stops the threads (after pgz_close, or on an error) and frees z. */
static void pgz_free(pgz *z) {
  if (!z)
    return;
  pthread_mutex_lock(&z->mu);
  z->closing = 1;
  pthread_cond_broadcast(&z->cv);
  pthread_mutex_unlock(&z->mu);
  for (unsigned i = 0; i < z->nth; i++)
    pthread_join(z->th[i], NULL);
  for (unsigned i = 0; z->slot && i < z->nslot; i++) {
    free(z->slot[i].in);
    free(z->slot[i].out);
  }
  free(z->slot);
  pthread_mutex_destroy(&z->mu);
  pthread_cond_destroy(&z->cv);
  free(z);
}

#endif

/* Packs the staged outputs into the archive dst, in the order of l. */
static tl_status pack_archive(batch *b, dst_kind kind, const char *dst,
                              const entry_list *l) {
  tmpfile_ tf;
  if (out_open(b, &tf, dst) != 0) {
    int e = errno;
    out_abort(&tf);
    return tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot create: %s", dst,
                    strerror(e));
  }
  struct archive *a = archive_write_new();
  tl_status st = TL_OK;
  if (!a) {
    out_abort(&tf);
    return tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  }
#ifdef TL_HAVE_ZLIB
  pgz *z = kind == DST_TGZ ? pgz_new(tf.fd, b->nworkers ? b->nworkers : ncores()) : NULL;
  if (z && !z->nth) {
    pgz_free(z);
    z = NULL;
  }
#else
  void *z = NULL;
#endif
  if (kind == DST_ZIP) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    if (kind == DST_TGZ && z) {
      /* compressed by pgz */
    } else if (kind == DST_TGZ) {
      archive_write_add_filter_gzip(a);
      /* No build time in the header: a rerun gives the same bytes. */
      archive_write_set_filter_option(a, "gzip", "timestamp", NULL);
    } else if (kind == DST_TBZ) {
      archive_write_add_filter_bzip2(a);
    } else if (kind == DST_TXZ) {
      archive_write_add_filter_xz(a);
    }
  }
  archive_write_set_bytes_in_last_block(a, 1);
#ifdef TL_HAVE_ZLIB
  if (z ? archive_write_open(a, z, NULL, pgz_write, pgz_close) != ARCHIVE_OK
        : archive_write_open_fd(a, tf.fd) != ARCHIVE_OK)
#else
  if (archive_write_open_fd(a, tf.fd) != ARCHIVE_OK)
#endif
    st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: %s", dst, archive_error_string(a));
  char *buf = malloc(1 << 16);
  if (!buf && !st)
    st = tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  for (size_t i = 0; !st && i < l->n; i++) {
    const entry *e = l->v[i];
    if (!e->include)
      continue;
    struct archive_entry *ae = archive_entry_new();
    int fd = -1;
    archive_entry_set_pathname_utf8(ae, e->rel);
    archive_entry_set_perm(ae, e->mode);
    archive_entry_set_mtime(ae, e->mtime, (long)(e->mtime_ns % 1000000000LL));
    archive_entry_set_uid(ae, e->uid);
    archive_entry_set_gid(ae, e->gid);
    if (e->uname)
      archive_entry_set_uname(ae, e->uname);
    if (e->gname)
      archive_entry_set_gname(ae, e->gname);
    if (e->kind == 'd') {
      archive_entry_set_filetype(ae, AE_IFDIR);
    } else if (e->kind == 'h') {
      archive_entry_set_filetype(ae, AE_IFREG);
      archive_entry_set_hardlink(ae, e->link);
      archive_entry_set_size(ae, 0);
    } else if (e->kind == 'l') {
      archive_entry_set_filetype(ae, AE_IFLNK);
      archive_entry_set_symlink(ae, e->link ? e->link : "");
    } else {
      char *p = path_join(b->out_root, e->rel);
      struct stat sb;
      fd = p ? open(p, O_RDONLY | O_CLOEXEC) : -1;
      if (fd < 0 || fstat(fd, &sb) != 0) {
        st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot read: %s",
                      p ? p : e->rel, strerror(errno));
        free(p);
        archive_entry_free(ae);
        if (fd >= 0)
          close(fd);
        break;
      }
      free(p);
      archive_entry_set_filetype(ae, AE_IFREG);
      archive_entry_set_size(ae, sb.st_size);
    }
    if (archive_write_header(a, ae) < ARCHIVE_WARN)
      st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: %s", dst, archive_error_string(a));
    while (!st && fd >= 0) {
      ssize_t k = read(fd, buf, 1 << 16);
      if (k < 0 && errno == EINTR)
        continue;
      if (k < 0)
        st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: %s", e->rel, strerror(errno));
      if (k <= 0)
        break;
      if (archive_write_data(a, buf, (size_t)k) != k)
        st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot write: %s", dst,
                      archive_error_string(a));
    }
    if (fd >= 0)
      close(fd);
    archive_entry_free(ae);
    if (i % 64 == 0)
      progress(b, 0);
  }
  free(buf);
  if (!st && archive_write_close(a) != ARCHIVE_OK)
    st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot write: %s", dst,
                  archive_error_string(a));
  archive_write_free(a);
#ifdef TL_HAVE_ZLIB
  pgz_free(z);
#endif
  if (!st && out_commit(&tf, 0644) != 0)
    st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot write: %s", dst,
                  strerror(errno));
  if (st && tf.tmp)
    out_abort(&tf);
  return st;
}
#endif

/* ------------------------------------------------------------- JSON Lines */

static double jsonl_position(batch *b) {
  return b->src_file_size ? (double)b->work_done / (double)b->src_file_size : -1;
}

/* Reads JSON Lines from fd in chunks cut at line ends and feeds them to the
 * workers, which write them in order to b->out_fd. */
static tl_status run_jsonl(batch *b, int in_fd) {
  tl_status st = TL_OK;
  unsigned long long seq = 0;
  size_t line = 1;
  tl_buf carry = TL_BUF_INIT;
  int eof = 0;
  b->position = jsonl_position;
  while (!eof && !stopped(b)) {
    if (tl__buf_reserve(&carry, JSONL_CHUNK)) {
      st = tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
      break;
    }
    ssize_t k = read(in_fd, carry.data + carry.len, carry.cap - carry.len - 1);
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0) {
      st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot read: %s", b->src_name,
                    strerror(errno));
      break;
    }
    if (k == 0)
      eof = 1;
    carry.len += (size_t)k;
    if (!eof && carry.len < JSONL_CHUNK)
      continue;
    size_t cut = carry.len;
    if (!eof) {
      while (cut && carry.data[cut - 1] != '\n')
        cut--;
      if (!cut)
        continue; /* one line longer than a chunk: read on */
    }
    if (!cut)
      break;
    job *j = calloc(1, sizeof *j);
    char *data = malloc(cut + 1);
    if (!j || !data) {
      free(j);
      free(data);
      st = tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
      break;
    }
    memcpy(data, carry.data, cut);
    data[cut] = '\0';
    j->kind = JOB_CHUNK;
    j->data = data;
    j->len = cut;
    j->seq = seq++;
    j->first_line = line;
    for (size_t i = 0; i < cut; i++)
      line += data[i] == '\n';
    memmove(carry.data, carry.data + cut, carry.len - cut);
    carry.len -= cut;
    pthread_mutex_lock(&b->rmu);
    b->work_done += cut;
    pthread_mutex_unlock(&b->rmu);
    if (push(b, j) != 0)
      break;
  }
  tl_buf_free(&carry);
  return st;
}

/* ------------------------------------------------------------------- run */

static int is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Refuses a destination inside the source or the reverse: the source is
 * never written. */
static tl_status check_overlap(tl_ctx *ctx, const char *src, const char *dst) {
  char rs[PATH_MAX], rd[PATH_MAX];
  if (!realpath(src, rs))
    return tl__fail(ctx, TL_ENOTFOUND, TL_NO_OFFSET, "%s: %s", src, strerror(errno));
  /* dst may not exist yet: resolve its nearest existing ancestor. */
  char *d = strdup(dst);
  if (!d)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  char tail[PATH_MAX] = "";
  while (!realpath(d, rd)) {
    char *slash = strrchr(d, '/');
    char t2[PATH_MAX];
    int k = snprintf(t2, sizeof t2, "/%s%s", slash ? slash + 1 : d, tail);
    if (k < 0 || (size_t)k >= sizeof t2) {
      free(d);
      return tl__fail(ctx, TL_ELIMIT, TL_NO_OFFSET, "%s: path too long", dst);
    }
    memcpy(tail, t2, (size_t)k + 1);
    if (!slash) {
      if (!getcwd(rd, sizeof rd))
        rd[0] = '\0';
      break;
    }
    if (slash == d) {
      strcpy(rd, "");
      break;
    }
    *slash = '\0';
  }
  free(d);
  size_t k = strlen(rd);
  snprintf(rd + k, sizeof rd - k, "%s", tail);
  size_t ns = strlen(rs), nd = strlen(rd);
  int overlap = strcmp(rs, rd) == 0 ||
                (nd > ns && strncmp(rd, rs, ns) == 0 && rd[ns] == '/') ||
                (ns > nd && strncmp(rs, rd, nd) == 0 && rs[nd] == '/');
  if (overlap)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET,
                    "%s and %s overlap: the destination must be outside the source",
                    src, dst);
  return TL_OK;
}

/* A single-file output (a .jsonl, or an archive made from an archive)
 * has no per-file manifest once finished: a hidden record beside it,
 * ".NAME.translit-manifest", says from which source and with which options
 * it was made, so that a rerun on an unchanged source does nothing. */
static char *done_path(const char *dst) {
  const char *slash = strrchr(dst, '/');
  size_t dn = slash ? (size_t)(slash - dst) + 1 : 0;
  char *p = malloc(strlen(dst) + sizeof MANIFEST_NAME + 2);
  if (p)
    sprintf(p, "%.*s.%s%s", (int)dn, dst, dst + dn, MANIFEST_NAME);
  return p;
}

static void done_line(batch *b, const struct stat *src, unsigned long long out_size,
                      char *line, size_t n) {
  snprintf(line, n, "%llu %lld %016llx %llu\n", (unsigned long long)src->st_size,
           (long long)src->st_mtim.tv_sec * 1000000000LL + src->st_mtim.tv_nsec,
           (unsigned long long)b->fingerprint, out_size);
}

static int done_before(batch *b, const char *dst, const struct stat *src) {
  struct stat ds;
  if ((b->o->flags & TL_BATCH_FORCE) || stat(dst, &ds) != 0)
    return 0;
  char *p = done_path(dst);
  tl_buf cur = TL_BUF_INIT;
  char want[128];
  done_line(b, src, (unsigned long long)ds.st_size, want, sizeof want);
  int same = p && read_file(p, &cur, 0) == 0 && cur.data && strstr(cur.data, want) != NULL;
  tl_buf_free(&cur);
  free(p);
  return same;
}

static void mark_done(batch *b, const char *dst, const struct stat *src) {
  struct stat ds;
  char *p = done_path(dst);
  if (!p || stat(dst, &ds) != 0) {
    free(p);
    return;
  }
  char line[1300];
  int k = snprintf(line, sizeof line, "# translit: %s was made from a source of this "
                   "size, mtime and options\n", dst);
  done_line(b, src, (unsigned long long)ds.st_size, line + k, sizeof line - (size_t)k);
  /* It only saves time later: a failure is harmless. */
  (void)write_atomic(b, p, line, strlen(line), 0644);
  free(p);
}

/* The highest folder of path that does not exist yet (malloc'd), or NULL
 * when path exists. */
static char *first_missing(const char *path) {
  struct stat sb;
  if (lstat(path, &sb) == 0)
    return NULL;
  char *p = strdup(path);
  for (char *slash; p && (slash = strrchr(p, '/')) && slash != p;) {
    *slash = '\0';
    if (lstat(p, &sb) == 0) {
      *slash = '/';
      break;
    }
  }
  return p;
}

/* rmdir of dir and of the folders below it that are empty. */
static void prune_empty(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *de;
  while (d && (de = readdir(d))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    char *p = path_join(dir, de->d_name);
    struct stat sb;
    if (p && lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
      prune_empty(p);
    free(p);
  }
  if (d)
    closedir(d);
  rmdir(dir);
}

/* An archive source that cannot be read to its end (truncated, damaged)
 * leaves nothing when this run created DST (or its staging folder): the
 * outputs it renamed, its manifest and the folders it made are removed,
 * and only empty folders, so that nothing of another run (a shard) writing
 * to the same new DST is touched. A DST that existed before keeps what it
 * had, and what this run added: complete files, in its manifest. */
static void undo_run(batch *b, const entry_list *l, const char *created) {
  for (size_t i = 0; i < l->n; i++) {
    if (!l->v[i]->written)
      continue;
    char *p = path_join(b->out_root, l->v[i]->rel);
    if (p)
      unlink(p);
    free(p);
  }
  if (b->man_path)
    unlink(b->man_path);
  prune_empty(created);
}

static tl_status run_tree(batch *b, const char *dst, dst_kind dk, int src_is_dir) {
  tl_status st = TL_OK;
  char *staging = NULL;
  if (dk == DST_DIR) {
    b->out_root = strdup(dst);
  } else {
#ifndef TL_HAVE_LIBARCHIVE
    return tl__fail(b->ctx, TL_EUNSUPPORTED, TL_NO_OFFSET,
                    "%s: this build has no archive support (libarchive)", dst);
#else
    size_t n = strlen(dst);
    staging = malloc(n + sizeof STAGING_SUFFIX);
    if (staging)
      memcpy(staging, dst, n), memcpy(staging + n, STAGING_SUFFIX, sizeof STAGING_SUFFIX);
    b->out_root = staging ? strdup(staging) : NULL;
#endif
  }
  b->staging = staging != NULL;
  if (staging)
    clean_stale_beside(dst, b->tmp_prefix); /* a pack cut by a kill */
  if (!b->out_root) {
    free(staging);
    return tl__fail(b->ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  }
  char *created = first_missing(b->out_root); /* what this run makes, if any */
  {
    char *probe = path_join(b->out_root, "x");
    int r = probe ? make_parents(probe) : -1;
    int e = errno;
    free(probe);
    if (r != 0) {
      free(staging);
      free(created);
      return tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot create: %s",
                      b->out_root, strerror(e));
    }
  }
  clean_stale(b->out_root, b->tmp_prefix);
  entry_list l = {0}, skipped = {0};
  worker *w = NULL;
  st = manifest_open(b, b->out_root);
  if (!st)
    st = committer_start(b);
  if (!st && src_is_dir) {
    st = walk(b, b->src, "", &l, &skipped);
    if (!st) {
      if (l.n > 1)
        qsort(l.v, l.n, sizeof *l.v, cmp_entry);
      if (skipped.n > 1)
        qsort(skipped.v, skipped.n, sizeof *skipped.v, cmp_entry);
      for (size_t i = 0; i < l.n; i++)
        b->work_total += l.v[i]->size;
      b->stats.files_total = l.n + skipped.n;
      for (size_t i = 0; i < skipped.n; i++)
        report(b, NULL, skipped.v[i]->rel, 0, TL_BATCH_SKIPPED, TL_DOC_OTHER, NULL, 0,
               0, 0, TL_OK,
               skipped.v[i]->kind == 'l' ? "symbolic link (not followed)"
                                         : "not a regular file", NULL);
    }
  }
  if (!st)
    st = start_workers(b, &w, src_is_dir ? l.n + 1 : 0);
  if (!st) {
    if (src_is_dir) {
      /* The queue holds the whole list: no back-pressure needed. */
      for (size_t i = 0; i < l.n; i++) {
        job *j = calloc(1, sizeof *j);
        if (!j)
          break;
        j->kind = JOB_FILE;
        j->e = l.v[i];
        j->size = l.v[i]->size;
        if (push(b, j) != 0)
          break;
      }
      prefetch_folder(b);
    } else {
#ifdef TL_HAVE_LIBARCHIVE
      st = read_archive(b, &l);
      if (st)
        set_fatal(b, st, "%s", tl_ctx_message(b->ctx));
#endif
    }
    join_workers(b, w);
  }
  committer_finish(b);
  if (!st && b->fatal)
    st = tl__fail(b->ctx, b->fatal, TL_NO_OFFSET, "%s", b->fatal_msg);
  if (st && b->src_damaged && created) {
    undo_run(b, &l, created);
    memset(b->stats.files, 0, sizeof b->stats.files);
    b->stats.in_bytes = b->stats.out_bytes = 0;
  }
  free(created);
  /* Hard links of an archive unpacked into a folder: linked to the output
   * of their target, inside DST. */
  for (size_t i = 0; !st && !staging && i < l.n; i++) {
    entry *e = l.v[i];
    if (e->kind != 'h')
      continue;
    char *to = path_join(b->out_root, e->rel), *from = path_join(b->out_root, e->link);
    if (to && from && make_parents(to) == 0) {
      unlink(to);
      if (link(from, to) != 0 && errno != ENOENT) /* ENOENT: target failed */
        st = tl__fail(b->ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot link: %s", to,
                      strerror(errno));
    }
    free(to);
    free(from);
  }
  if (b->man.fd >= 0) {
    fsync(b->man.fd);
    close(b->man.fd);
    b->man.fd = -1;
  }
#ifdef TL_HAVE_LIBARCHIVE
  if (!st && staging) {
    st = pack_archive(b, dk, dst, &l);
    if (!st)
      remove_tree(staging);
    struct stat sst;
    if (!st && !src_is_dir && !b->stats.files[TL_BATCH_FAILED] && stat(b->src, &sst) == 0)
      mark_done(b, dst, &sst);
  }
#endif
  entries_free(&l);
  entries_free(&skipped);
  free(staging);
  return st;
}

tl_status tl_batch_run(tl_ctx *ctx, const tl_batch_options *opts, const char *src,
                       const char *dst, tl_batch_stats *stats) {
  if (!opts || !src || !dst)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  if (opts->shard_count > 1 &&
      (opts->shard_index < 1 || opts->shard_index > opts->shard_count))
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "shard %u/%u: K must be 1..%u",
                    opts->shard_index, opts->shard_count, opts->shard_count);
  batch *b = calloc(1, sizeof *b);
  if (!b)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  b->ctx = ctx;
  b->o = opts;
  b->man.fd = -1;
  b->out_fd = -1;
  b->root_fd = -1;
  b->qmax = QUEUE_BYTES;
  clock_gettime(CLOCK_MONOTONIC, &b->t0);
  b->stats.fraction = -1;
  pthread_mutex_init(&b->mu, NULL);
  pthread_mutex_init(&b->rmu, NULL);
  pthread_mutex_init(&b->cv_mu, NULL);
  pthread_cond_init(&b->has_work, NULL);
  pthread_cond_init(&b->has_space, NULL);
  pthread_cond_init(&b->done_cond, NULL);
  pthread_cond_init(&b->turn, NULL);
  pthread_mutex_init(&b->smu, NULL);
  pthread_cond_init(&b->s_more, NULL);
  pthread_cond_init(&b->s_room, NULL);
  if (opts->shard_count > 1)
    snprintf(b->tmp_prefix, sizeof b->tmp_prefix, "%s%u-%u-", TMP_PREFIX,
             opts->shard_index, opts->shard_count);
  else
    snprintf(b->tmp_prefix, sizeof b->tmp_prefix, "%s", TMP_PREFIX);
  for (int i = 0; i < 3; i++) {
    b->copts[i] = opts->convert;
    if (i == 1)
      b->copts[i].flags = (b->copts[i].flags & ~TL_CONVERT_HTML) | TL_CONVERT_MARKDOWN;
    if (i == 2)
      b->copts[i].flags = (b->copts[i].flags & ~TL_CONVERT_MARKDOWN) | TL_CONVERT_HTML;
  }
  b->src = strdup(src);
  tl_status st = b->src ? TL_OK : tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  /* The text converter first: it checks the options before any work. */
  if (!st) {
    tl_converter *cv0 = NULL;
    st = tl_converter_new(ctx, &b->copts[0], &cv0);
    atomic_store(&b->cv[0], st ? NULL : cv0);
  }
  if (!st)
    st = tl__json_paths_new(ctx, opts->fields, opts->n_fields, &b->paths);
  tl_normalize_options_init(&b->norm);
  b->norm.apostrophe = opts->convert.apostrophe;
  if (opts->convert.flags & TL_CONVERT_REPLACE)
    b->norm.flags |= TL_NORM_REPLACE;
  if (opts->flags & TL_BATCH_NORMALIZE)
    b->norm_fields = &b->norm;
  if (!st && opts->encoding && *opts->encoding) {
    tl_encoding e;
    if (tl_encoding_parse(&e, opts->encoding) != TL_OK)
      st = tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET,
                    "unknown encoding '%s' (auto, UTF-8, CP1251, KOI8-R, CP866, "
                    "ISO-8859-5, MacCyrillic, UTF-16LE, ...)", opts->encoding);
  }
  fingerprint(b);
  int src_stdin = strcmp(src, "-") == 0;
  dst_kind dk = kind_of_name(dst);
  struct stat sst;
  if (!st && !src_stdin && stat(src, &sst) != 0)
    st = tl__fail(ctx, TL_ENOTFOUND, TL_NO_OFFSET, "%s: %s", src, strerror(errno));
  if (!st && !src_stdin && dk != DST_STDOUT)
    st = check_overlap(ctx, src, dst);
  if (!st && !src_stdin && S_ISREG(sst.st_mode) && kind_of_name(src) == DST_DIR &&
      tl_doc_type_from_name(src) != TL_DOC_OTHER && tl_doc_type_from_name(src) != TL_DOC_JSONL)
    st = tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET,
                  "%s is one file: convert it with `translit convert FILE -o OUT`; "
                  "batch takes a folder, an archive (.tar, .tar.gz, .tgz, .tar.bz2, "
                  ".tar.xz, .zip) or a .jsonl file", src);
  if (!st && dk == DST_DIR && !is_dir(dst) && access(dst, F_OK) == 0)
    st = tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET,
                  "%s exists and is not a folder (an archive destination must end "
                  "in .tar, .tar.gz, .tgz, .tar.bz2, .tar.xz or .zip)", dst);
  int src_jsonl = src_stdin || (!st && S_ISREG(sst.st_mode) &&
                                (ends_with(src, ".jsonl") || ends_with(src, ".ndjson")));
  if (!st && src_jsonl) {
    if (dk != DST_JSONL && dk != DST_STDOUT)
      st = tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET,
                    "%s: a JSON Lines source needs a .jsonl destination or -", dst);
    else if (opts->shard_count > 1)
      st = tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET,
                    "--shard splits folders and archives; split a JSON Lines file "
                    "with GNU parallel --pipe (see the README)");
    else if (!opts->n_fields)
      st = tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET,
                    "a JSON Lines source needs --field: the fields to convert");
  } else if (!st && dk == DST_STDOUT) {
    st = tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET,
                  "only a JSON Lines source (- or .jsonl) can be written to -");
  } else if (!st && dk == DST_JSONL) {
    st = tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET,
                  "%s: a .jsonl destination needs a .jsonl source", dst);
  }
  if (!st && (src_jsonl || (dk != DST_DIR && !S_ISDIR(sst.st_mode))) && !src_stdin &&
      dk != DST_STDOUT && done_before(b, dst, &sst)) {
    b->stats.files[TL_BATCH_UNCHANGED] = 1;
    if (opts->on_file) {
      tl_batch_file f = {src, 0, TL_BATCH_UNCHANGED, src_jsonl ? TL_DOC_JSONL : TL_DOC_OTHER,
                         "", (unsigned long long)sst.st_size, 0, TL_OK,
                         "made by an earlier run from the same source and options"};
      opts->on_file(opts->user, &f);
    }
  } else if (!st && src_jsonl) {
    int in_fd = src_stdin ? 0 : open(src, O_RDONLY | O_CLOEXEC);
    b->src_name = src_stdin ? "<stdin>" : src;
    b->out_name = dk == DST_STDOUT ? "<stdout>" : dst;
    b->src_file_size = src_stdin ? 0 : (unsigned long long)sst.st_size;
    tmpfile_ tf = {-1, NULL, NULL};
    worker *w = NULL;
    if (in_fd < 0)
      st = tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: %s", src, strerror(errno));
    else if (dk == DST_STDOUT)
      b->out_fd = 1;
    else if (clean_stale_beside(dst, b->tmp_prefix), out_open(b, &tf, dst) != 0) {
      st = tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot create: %s", dst,
                    strerror(errno));
      out_abort(&tf);
    } else
      b->out_fd = tf.fd;
    if (!st)
      st = start_workers(b, &w, 0);
    if (!st) {
      st = run_jsonl(b, in_fd);
      if (st)
        set_fatal(b, st, "%s", tl_ctx_message(ctx));
      join_workers(b, w);
      if (b->fatal)
        st = tl__fail(ctx, b->fatal, TL_NO_OFFSET, "%s", b->fatal_msg);
    }
    if (tf.tmp) {
      if (!st && out_commit(&tf, sst.st_mode & 0777) != 0)
        st = tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot write: %s", dst,
                      strerror(errno));
      else if (st)
        out_abort(&tf);
    }
    if (in_fd > 0)
      close(in_fd);
    b->stats.files[TL_BATCH_FAILED] = b->records_failed;
    if (!st && !src_stdin && !b->records_failed)
      mark_done(b, dst, &sst);
  } else if (!st) {
    int src_dir = S_ISDIR(sst.st_mode);
#ifndef TL_HAVE_LIBARCHIVE
    if (!src_dir)
      st = tl__fail(ctx, TL_EUNSUPPORTED, TL_NO_OFFSET,
                    "%s: this build has no archive support (libarchive)", src);
#endif
    if (!st) {
      if (!src_dir)
        b->src_file_size = (unsigned long long)sst.st_size;
      st = run_tree(b, dst, dk, src_dir);
    }
  }
  b->stats.seconds = now_since(&b->t0);
  b->stats.fraction = st ? b->stats.fraction : 1;
  if (!st)
    progress(b, 1);
  if (stats)
    *stats = b->stats;
  for (int i = 0; i < 3; i++)
    tl_converter_free(atomic_load(&b->cv[i]));
  tl__json_paths_free(b->paths);
  manifest_free(&b->man);
  free(b->q);
  free(b->src);
  free(b->out_root);
  free(b->man_path);
  pthread_mutex_destroy(&b->mu);
  pthread_mutex_destroy(&b->rmu);
  pthread_mutex_destroy(&b->cv_mu);
  pthread_cond_destroy(&b->has_work);
  pthread_cond_destroy(&b->has_space);
  pthread_cond_destroy(&b->done_cond);
  pthread_cond_destroy(&b->turn);
  pthread_mutex_destroy(&b->smu);
  pthread_cond_destroy(&b->s_more);
  pthread_cond_destroy(&b->s_room);
  free(b);
  if (!st)
    tl__ok(ctx);
  return st;
}
