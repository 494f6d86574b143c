"""translit: Python binding of libtranslit (Uzbek Latin/Cyrillic, Russian,
English) over ctypes: str in, str out, errors as TranslitError.

Threads: compiled objects (Converter, Aligner) are immutable and may be
shared by any number of threads; the per-call tl_ctx is kept per thread.
A Speller may be shared too (the library serialises its calls); a Stream
belongs to one thread. ctypes releases the GIL during each C call.

    >>> import translit
    >>> translit.convert("Тошкент шаҳри", "uz-Cyrl", "uz-Latn")
    'Toshkent shahri'
"""

import threading
from collections import namedtuple
from ctypes import (POINTER, byref, c_char_p, c_double, c_int, c_size_t,
                    c_void_p, string_at)

from . import _capi
from ._capi import load as _load

__all__ = [
    "TranslitError", "version", "Converter", "Stream", "convert",
    "normalize", "normalize_report", "detect", "detect_paragraphs",
    "detect_encoding", "decode", "encode", "bom_length", "schemes",
    "find_scheme", "Speller", "Aligner", "Alignment", "json_convert_fields",
    "doc_type", "batch_shard", "batch",
]

_lib = _load()

# ------------------------------------------------------------------ errors


class TranslitError(Exception):
    """A failed library call: .status ("TL_EUTF8"), .code (-3), .message
    (the library's detailed message), .offset (byte offset in the input, or
    None), .line and .column (1-based, or None)."""

    def __init__(self, status, code, message, offset=None, line=None,
                 column=None):
        super().__init__("%s: %s" % (status, message))
        self.status = status
        self.code = code
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column


def _s(p):
    return p.decode("utf-8") if p is not None else None


def _error(code, ctx):
    status = _s(_lib.tl_status_name(code))
    if ctx is None:
        return TranslitError(status, code, _s(_lib.tl_strerror(code)))
    message = _s(_lib.tl_ctx_message(ctx)) or _s(_lib.tl_strerror(code))
    off = _lib.tl_ctx_error_offset(ctx)
    line, col = c_size_t(), c_size_t()
    _lib.tl_ctx_error_position(ctx, byref(line), byref(col))
    return TranslitError(status, code, message,
                         None if off == _capi.TL_NO_OFFSET else off,
                         line.value or None, col.value or None)


class _Ctx:
    """One tl_ctx (the message of the last failure); owned by one thread."""
    __slots__ = ("ptr", "_free")

    def __init__(self):
        self.ptr = None
        p = c_void_p()
        st = _lib.tl_ctx_new(byref(p))
        if st != _capi.TL_OK:
            raise MemoryError("translit: cannot allocate a context")
        self.ptr = p
        self._free = _lib.tl_ctx_free

    def __del__(self):
        # At interpreter exit the module globals may be gone: keep our own
        # reference to the free function.
        if self.ptr:
            self._free(self.ptr)
            self.ptr = None


_tls = threading.local()


def _ctx():
    c = getattr(_tls, "ctx", None)
    if c is None:
        c = _tls.ctx = _Ctx()
    return c.ptr


def _check(st, ctx):
    if st != _capi.TL_OK:
        raise _error(st, ctx)


# ------------------------------------------------------------- text helpers


def _in(text, what="text"):
    """UTF-8 bytes of a str (lone surrogates pass through so that the
    library reports them as invalid UTF-8 with their offset) or of bytes."""
    if isinstance(text, str):
        return text.encode("utf-8", "surrogatepass")
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    raise TypeError("translit: %s must be str or bytes, not %s"
                    % (what, type(text).__name__))


def _path(p):
    if p is None:
        return None
    if isinstance(p, bytes):
        return p
    import os
    return os.fsencode(p)


def _strv(items):
    """A (char **, count, keep-alive) triple for a list of paths/strings."""
    items = [_path(x) if not isinstance(x, str) else x.encode("utf-8")
             for x in (items or ())]
    if not items:
        return None, 0, None
    arr = (c_char_p * len(items))(*items)
    return arr, len(items), (arr, items)


class _Out:
    """A tl_buf for one call: .text() copies the result out and frees it."""
    __slots__ = ("buf",)

    def __init__(self):
        self.buf = _capi.Buf()

    def ref(self):
        return byref(self.buf)

    def raw(self):
        return string_at(self.buf.data, self.buf.len) if self.buf.len else b""

    def text(self):
        return self.raw().decode("utf-8")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _lib.tl_buf_free(byref(self.buf))


class _Chars:
    """Maps byte offsets of data to str indexes, cheaply for offsets that
    come in increasing order (as every callback reports them)."""

    def __init__(self, data):
        self.data = data
        self.byte = 0
        self.char = 0

    def __call__(self, off):
        if off < self.byte:
            self.byte = self.char = 0
        self.char += len(self.data[self.byte:off].decode("utf-8",
                                                         "surrogatepass"))
        self.byte = off
        return self.char


def _lang(code, what="language"):
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    out = c_int()
    if _lib.tl_lang_parse(byref(out), code.encode("utf-8")) != _capi.TL_OK:
        raise TranslitError("TL_EINVAL", _capi.TL_EINVAL,
                            "unknown %s '%s' (uz-Latn, uz-Cyrl, ru, ru-Latn, "
                            "en or auto)" % (what, code))
    return out.value


def _lang_name(v):
    return _s(_lib.tl_lang_code(v))


def _apostrophe(style):
    try:
        return _capi.APOSTROPHES[style]
    except KeyError:
        raise TranslitError("TL_EINVAL", _capi.TL_EINVAL,
                            "unknown apostrophe style '%s' (modern, ascii, "
                            "typographic)" % style) from None


def version():
    """The library's version, e.g. "0.1.0"."""
    return _s(_lib.tl_version())


# -------------------------------------------------------------- conversion

Note = namedtuple("Note", "word output reason start end offset length line "
                  "column")
Note.__doc__ = ("A word whose spelling was a guess: start/end are str "
                "indexes, offset/length bytes of UTF-8, line/column 1-based.")


class _Guard:
    """Wraps a Python callback for C: an exception cannot cross the C
    frames, so the first one is kept (and later calls skipped) and
    re-raised by check() when the C call has returned."""

    def __init__(self, ctype, fn):
        self.error = None

        def call(_user, p):
            if self.error is None:
                try:
                    fn(p.contents)
                except BaseException as e:  # noqa: B902 - re-raised later
                    self.error = e
        self.c = ctype(call)

    def check(self):
        if self.error is not None:
            raise self.error


def _note_collector(data):
    notes = []
    chars = _Chars(data)

    def on_note(n):
        notes.append(Note(string_at(n.word, n.len).decode("utf-8"),
                          _s(n.output), _s(n.reason), chars(n.offset),
                          chars(n.offset + n.len), n.offset, n.len, n.line,
                          n.column))
    return notes, _Guard(_capi.NOTE_FN, on_note)


class Converter:
    """A compiled converter, e.g. Converter("uz-Cyrl", "uz-Latn") or
    Converter("ru", "ru-Latn", scheme="icao"). Immutable: share one between
    threads. Options: scheme, scheme_file, html, markdown, replace (invalid
    UTF-8 -> U+FFFD instead of an error), apostrophe ("modern", "ascii",
    "typographic"), dicts (extra exception lexicon files), system_dict (a
    hunspell-uz .dic), system_dict_enabled."""

    def __init__(self, from_lang="auto", to_lang="uz-Latn", *, scheme=None,
                 scheme_file=None, html=False, markdown=False, replace=False,
                 apostrophe="modern", dicts=(), system_dict=None,
                 system_dict_enabled=True):
        self._ptr = None
        o = _capi.ConvertOptions()
        _lib.tl_convert_options_init(byref(o))
        o.from_ = _lang(from_lang)
        o.to = _lang(to_lang)
        self._keep = []
        if scheme is not None:
            o.scheme = scheme.encode("utf-8")
            self._keep.append(o.scheme)
        if scheme_file is not None:
            o.scheme_file = _path(scheme_file)
            self._keep.append(o.scheme_file)
        o.flags = ((_capi.CONVERT_HTML if html else 0)
                   | (_capi.CONVERT_MARKDOWN if markdown else 0)
                   | (_capi.CONVERT_REPLACE if replace else 0)
                   | (0 if system_dict_enabled else _capi.CONVERT_NO_SYSDICT))
        o.apostrophe = _apostrophe(apostrophe)
        arr, n, keep = _strv(dicts)
        o.dict_files, o.n_dict_files = arr, n
        self._keep.append(keep)
        if system_dict is not None:
            o.system_dict = _path(system_dict)
            self._keep.append(o.system_dict)
        self.from_lang = _lang_name(o.from_)
        self.to_lang = _lang_name(o.to)
        ctx = _ctx()
        p = c_void_p()
        _check(_lib.tl_converter_new(ctx, byref(o), byref(p)), ctx)
        self._ptr = p
        self._free = _lib.tl_converter_free

    def __del__(self):
        if getattr(self, "_ptr", None):
            self._free(self._ptr)
            self._ptr = None

    def __repr__(self):
        return "Converter(%r, %r)" % (self.from_lang, self.to_lang)

    def convert(self, text):
        """Converts a whole text (str or UTF-8 bytes) and returns a str."""
        data = _in(text)
        ctx = _ctx()
        with _Out() as out:
            _check(_lib.tl_convert(ctx, self._ptr, data, len(data), out.ref(),
                                   _capi.NOTE_FN(), None), ctx)
            return out.text()

    __call__ = convert

    def convert_with_notes(self, text):
        """Like convert(), also returning the list of Note for the words
        whose spelling was a guess (what `translit --review` lists)."""
        data = _in(text)
        notes, cb = _note_collector(data)
        ctx = _ctx()
        with _Out() as out:
            st = _lib.tl_convert(ctx, self._ptr, data, len(data), out.ref(),
                                 cb.c, None)
            cb.check()
            _check(st, ctx)
            return out.text(), notes

    def stream(self):
        """A Stream for one long document, converted chunk by chunk in
        constant memory."""
        return Stream(self)


class Stream:
    """Streaming conversion: write() chunks (str or bytes; bytes may split
    a character), each returning the output that is ready; finish() returns
    the rest. One stream per document, used by one thread at a time."""

    def __init__(self, converter):
        self._ptr = None
        self._converter = converter  # the C stream points into it
        self._ctx = _Ctx()           # ... and keeps its context
        p = c_void_p()
        _check(_lib.tl_stream_new(self._ctx.ptr, converter._ptr,
                                  _capi.NOTE_FN(), None, byref(p)),
               self._ctx.ptr)
        self._ptr = p
        self._free = _lib.tl_stream_free
        self._done = False

    def __del__(self):
        if getattr(self, "_ptr", None):
            self._free(self._ptr)
            self._ptr = None

    def write(self, chunk):
        if self._done or not self._ptr:
            raise ValueError("translit: write() after finish() or close")
        data = _in(chunk, "chunk")
        with _Out() as out:
            _check(_lib.tl_stream_write(self._ptr, data, len(data),
                                        out.ref()), self._ctx.ptr)
            return out.text()

    def finish(self):
        if self._done:
            return ""
        if not self._ptr:
            raise ValueError("translit: finish() after close")
        self._done = True
        with _Out() as out:
            _check(_lib.tl_stream_finish(self._ptr, out.ref()), self._ctx.ptr)
            return out.text()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.__del__()


_cache = {}
_cache_lock = threading.Lock()


def convert(text, from_lang="auto", to_lang="uz-Latn", **options):
    """Converts text with a Converter compiled once per set of options and
    kept for reuse (see Converter for the options)."""
    key = (from_lang, to_lang, tuple(sorted(
        (k, tuple(v) if isinstance(v, list) else v)
        for k, v in options.items())))
    cv = _cache.get(key)
    if cv is None:
        cv = Converter(from_lang, to_lang, **options)
        with _cache_lock:
            if len(_cache) >= 64:
                _cache.clear()
            cv = _cache.setdefault(key, cv)
    return cv.convert(text)


# ----------------------------------------------------------------- schemes

Scheme = namedtuple("Scheme", "id aliases name standard year from_lang "
                    "to_lang reversible")


def _scheme(i):
    return Scheme(_s(i.id), [a for a in _s(i.aliases).split(",") if a],
                  _s(i.name), _s(i.standard), i.year or None,
                  _lang_name(i.from_), _lang_name(i.to), bool(i.reversible))


def schemes():
    """The built-in romanization schemes (what `translit list` shows)."""
    out = []
    for i in range(_lib.tl_scheme_count()):
        info = _capi.SchemeInfo()
        _check(_lib.tl_scheme_info_at(byref(info), i), None)
        out.append(_scheme(info))
    return out


def find_scheme(name):
    """A scheme by id or alias (case-insensitive); TranslitError
    TL_ENOTFOUND if there is none."""
    info = _capi.SchemeInfo()
    st = _lib.tl_scheme_find(byref(info), name.encode("utf-8"))
    if st != _capi.TL_OK:
        raise TranslitError(_s(_lib.tl_status_name(st)), st,
                            "unknown scheme '%s' (see translit.schemes())"
                            % name)
    return _scheme(info)


# ------------------------------------------------------------ normalization

Change = namedtuple("Change", "kind before after start offset line column")


def _norm_options(nfkc=False, apostrophes=True, lookalikes=True,
                  spaces=False, quotes=False, dashes=False, ellipsis=False,
                  replace=False, keep_invisible=False, keep_spaces=False,
                  apostrophe="modern", quotes_lang=None):
    o = _capi.NormalizeOptions()
    _lib.tl_normalize_options_init(byref(o))
    o.flags = ((_capi.NORM_NFKC if nfkc else 0)
               | (0 if apostrophes else _capi.NORM_NO_APOSTROPHES)
               | (0 if lookalikes else _capi.NORM_NO_LOOKALIKES)
               | (_capi.NORM_SPACES if spaces else 0)
               | (_capi.NORM_QUOTES if quotes else 0)
               | (_capi.NORM_DASHES if dashes else 0)
               | (_capi.NORM_ELLIPSIS if ellipsis else 0)
               | (_capi.NORM_REPLACE if replace else 0)
               | (_capi.NORM_KEEP_INVISIBLE if keep_invisible else 0)
               | (_capi.NORM_KEEP_SPACES if keep_spaces else 0))
    o.apostrophe = _apostrophe(apostrophe)
    o.quotes = _lang(quotes_lang)
    return o


def normalize(text, **options):
    """Cleans text: NFC, Uzbek apostrophes, Latin/Cyrillic look-alikes,
    invisible characters, runs of spaces, line endings. Keyword options:
    nfkc, apostrophes, lookalikes, spaces, quotes, dashes, ellipsis,
    replace, keep_invisible, keep_spaces, apostrophe, quotes_lang."""
    o = _norm_options(**options)
    data = _in(text)
    ctx = _ctx()
    with _Out() as out:
        _check(_lib.tl_normalize(ctx, byref(o), data, len(data), out.ref(),
                                 _capi.CHANGE_FN(), None), ctx)
        return out.text()


def normalize_report(text, **options):
    """normalize() and the list of Change it made (kind, before, after,
    start as a str index, byte offset, line, column)."""
    o = _norm_options(**options)
    data = _in(text)
    changes = []
    chars = _Chars(data)

    def on_change(c):
        changes.append(Change(_s(c.kind), c.before.decode("utf-8", "replace"),
                              _s(c.after), chars(c.offset), c.offset, c.line,
                              c.column))
    cb = _Guard(_capi.CHANGE_FN, on_change)
    ctx = _ctx()
    with _Out() as out:
        st = _lib.tl_normalize(ctx, byref(o), data, len(data), out.ref(),
                               cb.c, None)
        cb.check()
        _check(st, ctx)
        return out.text(), changes


# ---------------------------------------------------------------- detection

Detection = namedtuple("Detection", "lang confidence")
Paragraph = namedtuple("Paragraph", "lang confidence start end offset length "
                       "line letters")


def detect(text):
    """The language and script of text: Detection(lang, confidence), lang
    one of uz-Latn, uz-Cyrl, ru, en, mixed, unknown."""
    data = _in(text)
    lang, conf = c_int(), c_double()
    ctx = _ctx()
    _check(_lib.tl_detect(ctx, byref(lang), byref(conf), data, len(data)),
           ctx)
    return Detection(_lang_name(lang.value), conf.value)


def detect_paragraphs(text):
    """One Paragraph per blank-line separated paragraph, in order."""
    data = _in(text)
    out = []
    chars = _Chars(data)

    def on_det(d):
        if d.line == 0:  # the final call is for the whole text
            return
        out.append(Paragraph(_lang_name(d.lang), d.confidence,
                             chars(d.offset), chars(d.offset + d.len),
                             d.offset, d.len, d.line, d.letters))
    cb = _Guard(_capi.DETECTION_FN, on_det)
    ctx = _ctx()
    st = _lib.tl_detect_paragraphs(ctx, data, len(data), cb.c, None)
    cb.check()
    _check(st, ctx)
    return out


# ---------------------------------------------------------------- encodings


def _encoding(name):
    if isinstance(name, int):
        return name
    out = c_int()
    if _lib.tl_encoding_parse(byref(out), name.encode("utf-8")) != 0:
        raise TranslitError("TL_EINVAL", _capi.TL_EINVAL,
                            "unknown encoding '%s'" % name)
    return out.value


def detect_encoding(data):
    """Guesses the encoding of bytes: (name, confidence), e.g. ("CP1251",
    0.98). Reads at most the first 64 KiB."""
    data = _in(data, "data")
    enc, conf = c_int(), c_double()
    _lib.tl_encoding_detect(byref(enc), byref(conf), data, len(data))
    return _s(_lib.tl_encoding_name(enc.value)), conf.value


def bom_length(data, encoding):
    """Length of the byte-order mark of encoding at the start of data."""
    data = _in(data, "data")
    return _lib.tl_encoding_bom_len(_encoding(encoding), data, len(data))


def decode(data, encoding="auto", replace=False):
    """Decodes bytes from encoding ("auto": detected) to str; a BOM is
    dropped. Undecodable bytes raise TL_EENCODING with their offset, or
    become U+FFFD with replace=True."""
    data = _in(data, "data")
    enc = _encoding(encoding)
    if enc == 0:
        e, conf = c_int(), c_double()
        _lib.tl_encoding_detect(byref(e), byref(conf), data, len(data))
        enc = e.value
    ctx = _ctx()
    n = c_size_t()
    with _Out() as out:
        _check(_lib.tl_decode(ctx, byref(n), enc, data, len(data),
                              _capi.DECODE_REPLACE if replace else 0,
                              out.ref()), ctx)
        return out.text()


def encode(text, encoding):
    """Encodes str into encoding ("CP1251", "KOI8-R", ...) as bytes; a
    character the encoding lacks raises TL_EENCODING."""
    data = _in(text)
    ctx = _ctx()
    with _Out() as out:
        _check(_lib.tl_encode(ctx, _encoding(encoding), data, len(data),
                              out.ref()), ctx)
        return out.raw()


# ---------------------------------------------------------------- spelling

SpellWord = namedtuple("SpellWord", "word ok lang suggestions reason start "
                       "end offset length u16_offset u16_length line column")
SpellWord.__doc__ = ("One checked word: start/end are str indexes, "
                     "offset/length UTF-8 bytes, u16_* UTF-16 code units "
                     "(for browser editors), line/column 1-based.")


class Speller:
    """A spell checker, each word in its own language (lang=None) or all in
    one ("uz-Latn", "uz-Cyrl", "ru", "en"). Options: html, markdown,
    check_caps, newsroom, suggest, all_words, dict_dir, cache_dir, personal
    (word list files). May be shared by threads; the library serialises its
    calls, so open one per thread for parallel speed."""

    def __init__(self, lang=None, *, html=False, markdown=False,
                 check_caps=False, newsroom=True, suggest=True,
                 all_words=False, dict_dir=None, cache_dir=None,
                 personal=()):
        self._ptr = None
        o = _capi.SpellerOptions()
        _lib.tl_speller_options_init(byref(o))
        o.lang = _lang(lang)
        o.flags = ((_capi.SPELL_HTML if html else 0)
                   | (_capi.SPELL_MARKDOWN if markdown else 0)
                   | (_capi.SPELL_CHECK_CAPS if check_caps else 0)
                   | (0 if newsroom else _capi.SPELL_NO_NEWSROOM)
                   | (0 if suggest else _capi.SPELL_NO_SUGGEST)
                   | (_capi.SPELL_ALL_WORDS if all_words else 0))
        self._keep = [_path(dict_dir), _path(cache_dir)]
        o.dict_dir, o.cache_dir = self._keep
        arr, n, keep = _strv(personal)
        o.personal_files, o.n_personal_files = arr, n
        self._keep.append(keep)
        ctx = _ctx()
        p = c_void_p()
        _check(_lib.tl_speller_new(ctx, byref(o), byref(p)), ctx)
        self._ptr = p
        self._free = _lib.tl_speller_free

    def __del__(self):
        if getattr(self, "_ptr", None):
            self._free(self._ptr)
            self._ptr = None

    def check(self, text):
        """The misspelled words of text (every word with all_words=True) as
        a list of SpellWord, in text order."""
        data = _in(text)
        words = []
        chars = _Chars(data)

        def on_word(w):
            sugg = [w.suggestions[i].decode("utf-8")
                    for i in range(w.n_suggestions)]
            words.append(SpellWord(
                string_at(w.word, w.len).decode("utf-8"), bool(w.ok),
                _lang_name(w.lang), sugg, _s(w.reason), chars(w.offset),
                chars(w.offset + w.len), w.offset, w.len, w.u16_offset,
                w.u16_len, w.line, w.column))
        cb = _Guard(_capi.SPELL_FN, on_word)
        ctx = _ctx()
        st = _lib.tl_speller_check(ctx, self._ptr, data, len(data), cb.c,
                                   None)
        cb.check()
        _check(st, ctx)
        return words

    def add(self, word):
        """Accepts word for the life of this speller."""
        data = _in(word, "word")
        ctx = _ctx()
        _check(_lib.tl_speller_add(ctx, self._ptr, data, len(data)), ctx)


# --------------------------------------------------------------- alignment

Link = namedtuple("Link", "a_first a_count b_first b_count confidence kind "
                  "problem")
Sentence = namedtuple("Sentence", "text paragraph")


class Aligner:
    """A compiled aligner of two versions of one article. lang_a/lang_b:
    None to detect. Options: segmented, html_a, html_b, markdown_a,
    markdown_b, lexicon (use the built-in bilingual lexicons), lexicons
    (more "word<TAB>word" files). Immutable: share one between threads."""

    def __init__(self, lang_a=None, lang_b=None, *, segmented=False,
                 html_a=False, html_b=False, markdown_a=False,
                 markdown_b=False, lexicon=True, lexicons=()):
        self._ptr = None
        o = _capi.AlignOptions()
        _lib.tl_align_options_init(byref(o))
        o.lang_a, o.lang_b = _lang(lang_a), _lang(lang_b)
        o.flags = ((_capi.ALIGN_SEGMENTED if segmented else 0)
                   | (_capi.ALIGN_HTML_A if html_a else 0)
                   | (_capi.ALIGN_HTML_B if html_b else 0)
                   | (_capi.ALIGN_MARKDOWN_A if markdown_a else 0)
                   | (_capi.ALIGN_MARKDOWN_B if markdown_b else 0)
                   | (0 if lexicon else _capi.ALIGN_NO_LEXICON))
        arr, n, self._keep = _strv(lexicons)
        o.lexicon_files, o.n_lexicon_files = arr, n
        ctx = _ctx()
        p = c_void_p()
        _check(_lib.tl_aligner_new(ctx, byref(o), byref(p)), ctx)
        self._ptr = p
        self._free = _lib.tl_aligner_free

    def __del__(self):
        if getattr(self, "_ptr", None):
            self._free(self._ptr)
            self._ptr = None

    def align(self, a, b):
        """Aligns text a with text b: an Alignment."""
        da, db = _in(a, "a"), _in(b, "b")
        ctx = _ctx()
        p = c_void_p()
        _check(_lib.tl_align(ctx, self._ptr, da, len(da), db, len(db),
                             byref(p)), ctx)
        return Alignment(p, self)


class Alignment:
    """The result of Aligner.align: .links (Link list, document order),
    .langs, sentences(side), paragraph_count(side), write(format)."""

    def __init__(self, ptr, aligner):
        self._ptr = ptr
        self._aligner = aligner
        self._free = _lib.tl_alignment_free
        n = c_size_t()
        arr = _lib.tl_alignment_links(ptr, byref(n))
        self.links = [Link(arr[i].a_first, arr[i].a_count, arr[i].b_first,
                           arr[i].b_count, arr[i].confidence,
                           _capi.LINK_KINDS[arr[i].kind],
                           bool(_lib.tl_align_link_is_problem(
                               byref(arr[i]))))
                      for i in range(n.value)]
        self.langs = (_lang_name(_lib.tl_alignment_lang(ptr, 0)),
                      _lang_name(_lib.tl_alignment_lang(ptr, 1)))

    def __del__(self):
        if getattr(self, "_ptr", None):
            self._free(self._ptr)
            self._ptr = None

    @staticmethod
    def _side(side):
        return {"a": 0, "A": 0, 0: 0, "b": 1, "B": 1, 1: 1}[side]

    def paragraph_count(self, side):
        return _lib.tl_alignment_paragraph_count(self._ptr, self._side(side))

    def sentences(self, side):
        """The sentences of side "a" or "b" (0 or 1) as Sentence(text,
        paragraph)."""
        s = self._side(side)
        out = []
        for i in range(_lib.tl_alignment_sentence_count(self._ptr, s)):
            text, n, para = c_void_p(), c_size_t(), c_size_t()
            _check(_lib.tl_alignment_sentence(self._ptr, s, i, byref(text),
                                              byref(n), byref(para)), None)
            out.append(Sentence(string_at(text, n.value).decode("utf-8"),
                                para.value))
        return out

    def write(self, format="tsv", only_problems=False):
        """The alignment as "tsv", "json", "tmx" or "html" text."""
        try:
            fmt = _capi.ALIGN_FORMATS[format]
        except KeyError:
            raise TranslitError("TL_EINVAL", _capi.TL_EINVAL,
                                "unknown format '%s' (tsv, json, tmx, html)"
                                % format) from None
        ctx = _ctx()
        with _Out() as out:
            _check(_lib.tl_alignment_write(
                ctx, self._ptr, fmt,
                _capi.ALIGN_ONLY_PROBLEMS if only_problems else 0,
                out.ref()), ctx)
            return out.text()


# ------------------------------------------------------------------- batch


def json_convert_fields(converter, json_text, fields):
    """Converts the string values at the dotted field paths of one JSON
    document with converter; every other byte is kept as it was."""
    data = _in(json_text, "json_text")
    arr, n, _keep = _strv(fields)
    ctx = _ctx()
    with _Out() as out:
        _check(_lib.tl_json_convert_fields(ctx, converter._ptr, data,
                                           len(data), arr, n, out.ref()), ctx)
        return out.text()


def doc_type(name):
    """The document type of a file name: "txt", "md", "html", "json",
    "jsonl" or "other"."""
    return _s(_lib.tl_doc_type_name(_lib.tl_doc_type_from_name(
        _path(name))))


def batch_shard(path, count):
    """The shard (1..count) a relative path belongs to."""
    data = _in(path, "path")
    return _lib.tl_batch_shard(data, len(data), count)


BatchFile = namedtuple("BatchFile", "path line action type encoding in_bytes "
                       "out_bytes status message")
BatchStats = namedtuple("BatchStats", "converted copied skipped unchanged "
                        "failed in_bytes out_bytes files_total seconds "
                        "restarted jobs")


def _stats(s):
    return BatchStats(*[int(x) for x in s.files], s.in_bytes, s.out_bytes,
                      s.files_total, s.seconds, bool(s.restarted), s.jobs)


def batch(src, dst, from_lang="auto", to_lang="uz-Latn", *, type="auto",
          fields=(), encoding=None, normalize=False, skip_other=False,
          force=False, jobs=0, shard=None, on_file=None, on_progress=None,
          scheme=None, html=False, markdown=False, replace=False,
          apostrophe="modern"):
    """Converts a folder, .tar/.tgz/.zip archive or .jsonl file src into
    dst (see `translit batch --help`). on_file(BatchFile) and
    on_progress(BatchStats) are called one at a time; shard=(index,
    count). Returns BatchStats; files that failed are counted in .failed."""
    o = _capi.BatchOptions()
    _lib.tl_batch_options_init(byref(o))
    c = o.convert
    c.from_, c.to = _lang(from_lang), _lang(to_lang)
    keep = []
    if scheme is not None:
        keep.append(scheme.encode("utf-8"))
        c.scheme = keep[-1]
    c.flags = ((_capi.CONVERT_HTML if html else 0)
               | (_capi.CONVERT_MARKDOWN if markdown else 0)
               | (_capi.CONVERT_REPLACE if replace else 0))
    c.apostrophe = _apostrophe(apostrophe)
    t = c_int()
    _check(_lib.tl_doc_type_parse(byref(t), type.encode("utf-8")), None)
    o.type = t.value
    arr, n, k = _strv(fields)
    o.fields, o.n_fields = arr, n
    keep.append(k)
    if encoding is not None:
        keep.append(encoding.encode("utf-8"))
        o.encoding = keep[-1]
    o.flags = ((_capi.BATCH_NORMALIZE if normalize else 0)
               | (_capi.BATCH_SKIP_OTHER if skip_other else 0)
               | (_capi.BATCH_FORCE if force else 0))
    o.jobs = jobs
    if shard:
        o.shard_index, o.shard_count = shard
    def on_file_py(f):
        on_file(BatchFile(_s(f.path), f.line, _capi.BATCH_ACTIONS[f.action],
                          _capi.DOC_TYPES[f.type], _s(f.encoding),
                          f.in_bytes, f.out_bytes,
                          _s(_lib.tl_status_name(f.status)), _s(f.message)))
    files = _Guard(_capi.BATCH_FILE_FN, on_file_py)
    progress = _Guard(_capi.BATCH_PROGRESS_FN,
                      lambda s: on_progress(_stats(s)))
    o.on_file = files.c if on_file else _capi.BATCH_FILE_FN()
    o.on_progress = progress.c if on_progress else _capi.BATCH_PROGRESS_FN()
    stats = _capi.BatchStats()
    ctx = _ctx()
    st = _lib.tl_batch_run(ctx, byref(o), _path(src), _path(dst),
                           byref(stats))
    files.check()
    progress.check()
    _check(st, ctx)
    return _stats(stats)
