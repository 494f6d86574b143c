/* error.h: the per-thread context (tl_ctx) and how internal code reports a
 * failure on it: status, byte offset and a formatted message. */
#ifndef TL_ERROR_H
#define TL_ERROR_H

#include "translit.h"

struct tl_ctx {
  tl_status status;
  size_t offset;
  size_t line, column;
  char message[512];
};

/* Records a failure on ctx (which may be NULL) and returns status, so that
 * callers can write `return tl__fail(ctx, TL_EUTF8, off, "...", ...)`. */
tl_status tl__fail(tl_ctx *ctx, tl_status status, size_t offset,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Same, with the 1-based line and column of the failure (0 = unknown). */
tl_status tl__fail_at(tl_ctx *ctx, tl_status status, size_t offset,
                      size_t line, size_t column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* A stream that failed stays failed: the first call to fail keeps its status
 * st and ctx's message in *failure; every later call (which passes
 * failure->status) gets them back, on ctx too. Returns the kept status. */
tl_status tl__stay_failed(tl_ctx *ctx, tl_ctx *failure, tl_status st);

/* Marks the last call as a success. */
void tl__ok(tl_ctx *ctx);

#endif
