<?php
/* Translit.php: a small PHP class over libtranslit through PHP's FFI (php-cli
 * with ffi.enable=1): convert, normalize, detect and spell-check, strings in
 * and out, failures as TranslitException carrying the library's message. */

declare(strict_types=1);

/**
 * A failed library call: $status ("TL_EUTF8"), getMessage() "STATUS: message",
 * getCode() the tl_status, and where in the input: $offset (bytes),
 * $inputLine and $inputColumn (1-based), each null when unknown.
 * (Exception's own $line/$file say where in PHP it was thrown.)
 */
final class TranslitException extends RuntimeException
{
    public function __construct(
        public readonly string $status,
        string $message,
        int $code,
        public readonly ?int $offset = null,
        public readonly ?int $inputLine = null,
        public readonly ?int $inputColumn = null
    ) {
        parent::__construct("$status: $message", $code);
    }
}

/**
 * One instance per request (PHP runs a request in one thread): it holds a
 * tl_ctx, the converters compiled so far and the spellers, freed on destruct.
 *
 *   $tl = new Translit();
 *   echo $tl->convert("Тошкент шаҳри", "uz-Cyrl", "uz-Latn"); // Toshkent shahri
 */
final class Translit
{
    /* The part of translit.h this class uses; enums are ints. Keep in sync
     * with the header (tests/test_translit.php compiles nothing, but every
     * call below is exercised there). */
    private const CDEF = <<<'C'
typedef struct tl_buf { char *data; size_t len; size_t cap; } tl_buf;
typedef struct tl_ctx tl_ctx;
typedef struct tl_converter tl_converter;
typedef struct tl_speller tl_speller;
const char *tl_version(void);
const char *tl_status_name(int status);
void tl_buf_free(tl_buf *buf);
int tl_ctx_new(tl_ctx **out);
void tl_ctx_free(tl_ctx *ctx);
const char *tl_ctx_message(const tl_ctx *ctx);
size_t tl_ctx_error_offset(const tl_ctx *ctx);
void tl_ctx_error_position(const tl_ctx *ctx, size_t *line, size_t *column);
int tl_lang_parse(int *out, const char *code);
const char *tl_lang_code(int lang);
typedef struct tl_convert_options {
  int from; int to; const char *scheme; const char *scheme_file;
  unsigned flags; int apostrophe; const char *const *dict_files;
  size_t n_dict_files; const char *system_dict; void *reserved[4];
} tl_convert_options;
void tl_convert_options_init(tl_convert_options *opts);
int tl_converter_new(tl_ctx *ctx, const tl_convert_options *opts,
                     tl_converter **out);
void tl_converter_free(tl_converter *cv);
typedef struct tl_note tl_note;
typedef void (*tl_note_fn)(void *user, const tl_note *note);
int tl_convert(tl_ctx *ctx, const tl_converter *cv, const char *text,
               size_t len, tl_buf *out, tl_note_fn notes, void *user);
typedef struct tl_normalize_options {
  unsigned flags; int apostrophe; int quotes; void *reserved[4];
} tl_normalize_options;
void tl_normalize_options_init(tl_normalize_options *opts);
typedef struct tl_change tl_change;
typedef void (*tl_change_fn)(void *user, const tl_change *change);
int tl_normalize(tl_ctx *ctx, const tl_normalize_options *opts,
                 const char *text, size_t len, tl_buf *out,
                 tl_change_fn report, void *user);
int tl_detect(tl_ctx *ctx, int *lang, double *confidence, const char *text,
              size_t len);
typedef struct tl_speller_options {
  int lang; unsigned flags; const char *dict_dir; const char *cache_dir;
  const char *const *personal_files; size_t n_personal_files;
  void *reserved[4];
} tl_speller_options;
void tl_speller_options_init(tl_speller_options *opts);
int tl_speller_new(tl_ctx *ctx, const tl_speller_options *opts,
                   tl_speller **out);
void tl_speller_free(tl_speller *sp);
typedef struct tl_spell_word {
  size_t offset, len; size_t u16_offset, u16_len; size_t line, column;
  const char *word; int lang; int ok; const char *const *suggestions;
  size_t n_suggestions; const char *reason;
} tl_spell_word;
typedef void (*tl_spell_fn)(void *user, const tl_spell_word *w);
int tl_speller_check(tl_ctx *ctx, tl_speller *sp, const char *text,
                     size_t len, tl_spell_fn fn, void *user);
C;

    private const CONVERT_HTML = 0x1;
    private const CONVERT_MARKDOWN = 0x2;
    private const CONVERT_REPLACE = 0x4;
    private const APOSTROPHES = ['modern' => 0, 'ascii' => 1, 'typographic' => 2];
    private const SPELL_HTML = 0x1;
    private const SPELL_NO_SUGGEST = 0x10;

    private FFI $ffi;
    private FFI\CData $ctx;
    /** @var array<string, FFI\CData> compiled converters by options */
    private array $converters = [];
    /** @var array<string, FFI\CData> spellers by options */
    private array $spellers = [];

    /**
     * $lib: path of libtranslit.so; default: $TRANSLIT_LIB, then the build
     * tree (build/ at the project root), then the system's libtranslit.so.0.
     */
    public function __construct(?string $lib = null)
    {
        if (!class_exists('FFI')) {
            throw new RuntimeException('translit: PHP FFI is not available (php-cli with ffi.enable=1)');
        }
        $tried = [];
        foreach (self::candidates($lib) as $path) {
            try {
                $this->ffi = FFI::cdef(self::CDEF, $path);
                break;
            } catch (FFI\Exception $e) {
                $tried[] = "$path ({$e->getMessage()})";
            }
        }
        if (!isset($this->ffi)) {
            throw new RuntimeException('translit: cannot load libtranslit; set TRANSLIT_LIB; tried: '
                . implode('; ', $tried));
        }
        $ctx = $this->ffi->new('tl_ctx*');
        if ($this->ffi->tl_ctx_new(FFI::addr($ctx)) !== 0) {
            throw new RuntimeException('translit: out of memory');
        }
        $this->ctx = $ctx;
    }

    /** @return list<string> */
    private static function candidates(?string $lib): array
    {
        if ($lib !== null) {
            return [$lib];
        }
        $env = getenv('TRANSLIT_LIB');
        if ($env !== false && $env !== '') {
            return [$env]; // an explicit choice gets no fallback
        }
        $out = [];
        $build = dirname(__DIR__, 3) . '/build/libtranslit.so.0';
        if (is_file($build)) {
            $out[] = $build;
        }
        $out[] = 'libtranslit.so.0';
        return $out;
    }

    public function __destruct()
    {
        if (!isset($this->ffi)) {
            return;
        }
        foreach ($this->converters as $cv) {
            $this->ffi->tl_converter_free($cv);
        }
        foreach ($this->spellers as $sp) {
            $this->ffi->tl_speller_free($sp);
        }
        $this->converters = $this->spellers = [];
        if (isset($this->ctx)) {
            $this->ffi->tl_ctx_free($this->ctx);
            unset($this->ctx);
        }
    }

    public function version(): string
    {
        return self::str($this->ffi->tl_version());
    }

    /**
     * Converts UTF-8 $text from $from ("uz-Cyrl", "uz-Latn", "ru", "ru-Latn",
     * "auto") to $to. Options: html, markdown, replace (bool), scheme
     * (string), apostrophe ("modern", "ascii", "typographic"). The converter
     * is compiled once per set of options and kept by this object.
     */
    public function convert(string $text, string $from, string $to, array $options = []): string
    {
        $cv = $this->converter($from, $to, $options);
        return $this->output(fn ($out) => $this->ffi->tl_convert(
            $this->ctx, $cv, $text, strlen($text), $out, null, null));
    }

    /** Normalizes text with the defaults of `translit normalize`. */
    public function normalize(string $text): string
    {
        $opts = $this->ffi->new('tl_normalize_options');
        $this->ffi->tl_normalize_options_init(FFI::addr($opts));
        return $this->output(fn ($out) => $this->ffi->tl_normalize(
            $this->ctx, FFI::addr($opts), $text, strlen($text), $out, null, null));
    }

    /** @return array{lang: string, confidence: float} */
    public function detect(string $text): array
    {
        $lang = $this->ffi->new('int');
        $conf = $this->ffi->new('double');
        $this->check($this->ffi->tl_detect($this->ctx, FFI::addr($lang), FFI::addr($conf),
            $text, strlen($text)));
        return ['lang' => self::str($this->ffi->tl_lang_code($lang->cdata)),
                'confidence' => $conf->cdata];
    }

    /**
     * The misspelled words of $text, each word checked in its own language
     * ($lang null) or in $lang. Options: html, suggest (bool), cache_dir,
     * dict_dir (string). Each word: word, line, column, offset, length (bytes),
     * utf16_offset, utf16_length, lang, suggestions, reason.
     *
     * @return list<array<string, mixed>>
     */
    public function spell(string $text, ?string $lang = null, array $options = []): array
    {
        $sp = $this->speller($lang, $options);
        $words = [];
        $ffi = $this->ffi;
        $error = null;
        $cb = function ($user, $w) use (&$words, &$error, $ffi) {
            try {
                $sugg = [];
                for ($i = 0; $i < $w->n_suggestions; $i++) {
                    $sugg[] = self::str($w->suggestions[$i]);
                }
                $words[] = [
                    'word' => FFI::string($w->word, $w->len),
                    'line' => $w->line, 'column' => $w->column,
                    'offset' => $w->offset, 'length' => $w->len,
                    'utf16_offset' => $w->u16_offset, 'utf16_length' => $w->u16_len,
                    'lang' => self::str($ffi->tl_lang_code($w->lang)),
                    'suggestions' => $sugg,
                    'reason' => $w->reason === null ? null : self::str($w->reason),
                ];
            } catch (Throwable $e) {
                $error ??= $e; // cannot cross the C frames: rethrown below
            }
        };
        $st = $this->ffi->tl_speller_check($this->ctx, $sp, $text, strlen($text), $cb, null);
        if ($error !== null) {
            throw $error;
        }
        $this->check($st);
        return $words;
    }

    private function converter(string $from, string $to, array $options): FFI\CData
    {
        ksort($options);
        $key = $from . '|' . $to . '|' . serialize($options);
        if (isset($this->converters[$key])) {
            return $this->converters[$key];
        }
        $o = $this->ffi->new('tl_convert_options');
        $this->ffi->tl_convert_options_init(FFI::addr($o));
        $o->from = $this->lang($from);
        $o->to = $this->lang($to);
        $flags = 0;
        foreach (['html' => self::CONVERT_HTML, 'markdown' => self::CONVERT_MARKDOWN,
                  'replace' => self::CONVERT_REPLACE] as $name => $bit) {
            if (!empty($options[$name])) {
                $flags |= $bit;
            }
        }
        $o->flags = $flags;
        $apos = $options['apostrophe'] ?? 'modern';
        if (!isset(self::APOSTROPHES[$apos])) {
            throw new TranslitException('TL_EINVAL', "unknown apostrophe style '$apos'", -2);
        }
        $o->apostrophe = self::APOSTROPHES[$apos];
        $scheme = null;
        if (isset($options['scheme'])) {
            $scheme = self::cstring($options['scheme']);
            $o->scheme = FFI::cast('char*', $scheme);
        }
        $cv = $this->ffi->new('tl_converter*');
        $this->check($this->ffi->tl_converter_new($this->ctx, FFI::addr($o), FFI::addr($cv)));
        return $this->converters[$key] = $cv;
    }

    private function speller(?string $lang, array $options): FFI\CData
    {
        ksort($options);
        $key = ($lang ?? 'auto') . '|' . serialize($options);
        if (isset($this->spellers[$key])) {
            return $this->spellers[$key];
        }
        $o = $this->ffi->new('tl_speller_options');
        $this->ffi->tl_speller_options_init(FFI::addr($o));
        $o->lang = $lang === null ? 0 : $this->lang($lang);
        $o->flags = (!empty($options['html']) ? self::SPELL_HTML : 0)
            | (($options['suggest'] ?? true) ? 0 : self::SPELL_NO_SUGGEST);
        $keep = [];
        foreach (['cache_dir', 'dict_dir'] as $field) {
            if (isset($options[$field])) {
                $keep[] = self::cstring($options[$field]);
                $o->$field = FFI::cast('char*', end($keep));
            }
        }
        $sp = $this->ffi->new('tl_speller*');
        $this->check($this->ffi->tl_speller_new($this->ctx, FFI::addr($o), FFI::addr($sp)));
        return $this->spellers[$key] = $sp;
    }

    /** A C string as PHP sees it: FFI returns const char * results as
     *  strings already, struct fields as CData. */
    private static function str($p): string
    {
        return is_string($p) ? $p : FFI::string($p);
    }

    /** A NUL-terminated C copy of $s, freed with the returned CData. */
    private static function cstring(string $s): FFI\CData
    {
        $c = FFI::new('char[' . (strlen($s) + 1) . ']');
        FFI::memcpy($c, $s, strlen($s));
        $c[strlen($s)] = "\0";
        return $c;
    }

    private function lang(string $code): int
    {
        $out = $this->ffi->new('int');
        if ($this->ffi->tl_lang_parse(FFI::addr($out), $code) !== 0) {
            throw new TranslitException('TL_EINVAL',
                "unknown language '$code' (uz-Latn, uz-Cyrl, ru, ru-Latn, en or auto)", -2);
        }
        return $out->cdata;
    }

    /** Runs $call with a fresh tl_buf and returns its text, freeing it. */
    private function output(callable $call): string
    {
        $buf = $this->ffi->new('tl_buf');
        try {
            $this->check($call(FFI::addr($buf)));
            return $buf->len > 0 ? FFI::string($buf->data, $buf->len) : '';
        } finally {
            $this->ffi->tl_buf_free(FFI::addr($buf));
        }
    }

    private function check(int $status): void
    {
        if ($status === 0) {
            return;
        }
        $off = $this->ffi->tl_ctx_error_offset($this->ctx);
        $line = $this->ffi->new('size_t');
        $col = $this->ffi->new('size_t');
        $this->ffi->tl_ctx_error_position($this->ctx, FFI::addr($line), FFI::addr($col));
        // TL_NO_OFFSET is SIZE_MAX, which PHP reads as -1.
        throw new TranslitException(
            self::str($this->ffi->tl_status_name($status)),
            self::str($this->ffi->tl_ctx_message($this->ctx)),
            $status,
            $off < 0 ? null : $off,
            $line->cdata ?: null,
            $col->cdata ?: null
        );
    }
}
