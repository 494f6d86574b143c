/* error.c: status names and messages from the X-macro table, and the
 * tl_ctx that keeps the detailed message of the last failure. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tl_version(void) { return TL_VERSION_STRING; }

const char *tl_status_name(tl_status status) {
  switch (status) {
#define TL__NAME(name, code, msg)                                              \
  case TL_##name:                                                              \
    return "TL_" #name;
    TL_STATUS_MAP(TL__NAME)
#undef TL__NAME
  }
  return "TL_UNKNOWN";
}

const char *tl_strerror(tl_status status) {
  switch (status) {
#define TL__MSG(name, code, msg)                                               \
  case TL_##name:                                                              \
    return msg;
    TL_STATUS_MAP(TL__MSG)
#undef TL__MSG
  }
  return "unknown status";
}

tl_status tl_ctx_new(tl_ctx **out) {
  if (!out)
    return TL_EINVAL;
  *out = calloc(1, sizeof **out);
  if (!*out)
    return TL_ENOMEM;
  (*out)->offset = TL_NO_OFFSET;
  return TL_OK;
}

void tl_ctx_free(tl_ctx *ctx) { free(ctx); }

const char *tl_ctx_message(const tl_ctx *ctx) {
  return ctx ? ctx->message : "";
}

tl_status tl_ctx_status(const tl_ctx *ctx) { return ctx ? ctx->status : TL_EINVAL; }

size_t tl_ctx_error_offset(const tl_ctx *ctx) {
  return ctx ? ctx->offset : TL_NO_OFFSET;
}

void tl_ctx_error_position(const tl_ctx *ctx, size_t *line, size_t *column) {
  if (line)
    *line = ctx ? ctx->line : 0;
  if (column)
    *column = ctx ? ctx->column : 0;
}

tl_status tl__fail_at(tl_ctx *ctx, tl_status status, size_t offset,
                      size_t line, size_t column, const char *fmt, ...) {
  if (!ctx)
    return status;
  ctx->status = status;
  ctx->offset = offset;
  ctx->line = line;
  ctx->column = column;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
  va_end(ap);
  return status;
}

tl_status tl__fail(tl_ctx *ctx, tl_status status, size_t offset,
                   const char *fmt, ...) {
  if (!ctx)
    return status;
  ctx->status = status;
  ctx->offset = offset;
  ctx->line = ctx->column = 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
  va_end(ap);
  return status;
}

void tl__ok(tl_ctx *ctx) {
  if (!ctx)
    return;
  ctx->status = TL_OK;
  ctx->offset = TL_NO_OFFSET;
  ctx->line = ctx->column = 0;
  ctx->message[0] = '\0';
}

tl_status tl__stay_failed(tl_ctx *ctx, tl_ctx *failure, tl_status st) {
  if (!failure->status) {
    if (ctx)
      *failure = *ctx;
    failure->status = st;
  } else if (ctx) {
    *ctx = *failure;
  }
  return failure->status;
}
