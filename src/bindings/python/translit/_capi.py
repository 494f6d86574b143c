"""_capi.py: the ctypes mirror of src/include/translit.h (structs, flags and
signatures) and the loading of libtranslit; the Pythonic API is in __init__."""

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_double, c_int,
                    c_size_t, c_uint, c_ulonglong, c_void_p)

# The ABI this module was written for: the SONAME's number. A library with
# another SONAME may lay its structs out differently, so it is refused.
SOVERSION = 0

# Enums are C ints; these mirror translit.h and are checked against the
# header by tests/test_translit.py::test_layout_matches_header.
LANGS = ["unknown", "uz-Latn", "uz-Cyrl", "ru", "ru-Latn", "en", "mixed"]
APOSTROPHES = {"modern": 0, "ascii": 1, "typographic": 2}
ENCODINGS = ["unknown", "UTF-8", "UTF-16LE", "UTF-16BE", "UTF-32LE",
             "UTF-32BE", "CP1251", "KOI8-R", "CP866", "ISO-8859-5",
             "MacCyrillic"]
LINK_KINDS = ["match", "missing", "extra", "changed"]
ALIGN_FORMATS = {"tsv": 0, "json": 1, "tmx": 2, "html": 3}
DOC_TYPES = ["auto", "txt", "md", "html", "json", "jsonl", "other"]
BATCH_ACTIONS = ["converted", "copied", "skipped", "unchanged", "failed"]

TL_OK = 0
TL_EINVAL = -2
TL_NO_OFFSET = ctypes.c_size_t(-1).value

CONVERT_HTML = 0x1
CONVERT_MARKDOWN = 0x2
CONVERT_REPLACE = 0x4
CONVERT_NO_SYSDICT = 0x8

NORM_NFKC = 0x1
NORM_NO_APOSTROPHES = 0x2
NORM_NO_LOOKALIKES = 0x4
NORM_SPACES = 0x8
NORM_QUOTES = 0x10
NORM_DASHES = 0x20
NORM_ELLIPSIS = 0x40
NORM_REPLACE = 0x80
NORM_KEEP_INVISIBLE = 0x100
NORM_KEEP_SPACES = 0x200

DECODE_REPLACE = 0x1

SPELL_HTML = 0x1
SPELL_MARKDOWN = 0x2
SPELL_CHECK_CAPS = 0x4
SPELL_NO_NEWSROOM = 0x8
SPELL_NO_SUGGEST = 0x10
SPELL_ALL_WORDS = 0x20

ALIGN_SEGMENTED = 0x1
ALIGN_HTML_A = 0x2
ALIGN_HTML_B = 0x4
ALIGN_MARKDOWN_A = 0x8
ALIGN_MARKDOWN_B = 0x10
ALIGN_NO_LEXICON = 0x20
ALIGN_ONLY_PROBLEMS = 0x1

BATCH_NORMALIZE = 0x1
BATCH_SKIP_OTHER = 0x2
BATCH_FORCE = 0x4
BATCH_N_ACTIONS = 5

_reserved = c_void_p * 4


class Buf(Structure):
    _fields_ = [("data", c_void_p), ("len", c_size_t), ("cap", c_size_t)]


class ConvertOptions(Structure):
    _fields_ = [("from_", c_int), ("to", c_int), ("scheme", c_char_p),
                ("scheme_file", c_char_p), ("flags", c_uint),
                ("apostrophe", c_int), ("dict_files", POINTER(c_char_p)),
                ("n_dict_files", c_size_t), ("system_dict", c_char_p),
                ("reserved", _reserved)]


class Note(Structure):
    _fields_ = [("offset", c_size_t), ("len", c_size_t), ("line", c_size_t),
                ("column", c_size_t), ("word", c_void_p),
                ("output", c_char_p), ("reason", c_char_p)]


class SchemeInfo(Structure):
    _fields_ = [("id", c_char_p), ("aliases", c_char_p), ("name", c_char_p),
                ("standard", c_char_p), ("year", c_int), ("from_", c_int),
                ("to", c_int), ("reversible", c_int)]


class NormalizeOptions(Structure):
    _fields_ = [("flags", c_uint), ("apostrophe", c_int), ("quotes", c_int),
                ("reserved", _reserved)]


class Change(Structure):
    _fields_ = [("kind", c_char_p), ("offset", c_size_t), ("line", c_size_t),
                ("column", c_size_t), ("before", c_char_p),
                ("after", c_char_p)]


class Detection(Structure):
    _fields_ = [("lang", c_int), ("confidence", c_double),
                ("offset", c_size_t), ("len", c_size_t), ("line", c_size_t),
                ("letters", c_size_t)]


class SpellerOptions(Structure):
    _fields_ = [("lang", c_int), ("flags", c_uint), ("dict_dir", c_char_p),
                ("cache_dir", c_char_p),
                ("personal_files", POINTER(c_char_p)),
                ("n_personal_files", c_size_t), ("reserved", _reserved)]


class SpellWord(Structure):
    _fields_ = [("offset", c_size_t), ("len", c_size_t),
                ("u16_offset", c_size_t), ("u16_len", c_size_t),
                ("line", c_size_t), ("column", c_size_t),
                ("word", c_void_p), ("lang", c_int), ("ok", c_int),
                ("suggestions", POINTER(c_char_p)),
                ("n_suggestions", c_size_t), ("reason", c_char_p)]


class AlignOptions(Structure):
    _fields_ = [("lang_a", c_int), ("lang_b", c_int), ("flags", c_uint),
                ("lexicon_files", POINTER(c_char_p)),
                ("n_lexicon_files", c_size_t), ("reserved", _reserved)]


class AlignLink(Structure):
    _fields_ = [("a_first", c_size_t), ("a_count", c_size_t),
                ("b_first", c_size_t), ("b_count", c_size_t),
                ("confidence", c_double), ("kind", c_int)]


class BatchFile(Structure):
    _fields_ = [("path", c_char_p), ("line", c_size_t), ("action", c_int),
                ("type", c_int), ("encoding", c_char_p),
                ("in_bytes", c_ulonglong), ("out_bytes", c_ulonglong),
                ("status", c_int), ("message", c_char_p)]


class BatchStats(Structure):
    _fields_ = [("files", c_ulonglong * BATCH_N_ACTIONS),
                ("in_bytes", c_ulonglong), ("out_bytes", c_ulonglong),
                ("files_total", c_ulonglong), ("fraction", c_double),
                ("seconds", c_double), ("restarted", c_int), ("jobs", c_uint)]


NOTE_FN = CFUNCTYPE(None, c_void_p, POINTER(Note))
CHANGE_FN = CFUNCTYPE(None, c_void_p, POINTER(Change))
DETECTION_FN = CFUNCTYPE(None, c_void_p, POINTER(Detection))
SPELL_FN = CFUNCTYPE(None, c_void_p, POINTER(SpellWord))
BATCH_FILE_FN = CFUNCTYPE(None, c_void_p, POINTER(BatchFile))
BATCH_PROGRESS_FN = CFUNCTYPE(None, c_void_p, POINTER(BatchStats))


class BatchOptions(Structure):
    _fields_ = [("convert", ConvertOptions), ("type", c_int),
                ("fields", POINTER(c_char_p)), ("n_fields", c_size_t),
                ("encoding", c_char_p), ("flags", c_uint), ("jobs", c_uint),
                ("shard_index", c_uint), ("shard_count", c_uint),
                ("on_file", BATCH_FILE_FN),
                ("on_progress", BATCH_PROGRESS_FN), ("user", c_void_p),
                ("reserved", _reserved)]


# Every struct the layout test compares with the C compiler's view.
STRUCTS = {
    "tl_buf": Buf, "tl_convert_options": ConvertOptions, "tl_note": Note,
    "tl_scheme_info": SchemeInfo, "tl_normalize_options": NormalizeOptions,
    "tl_change": Change, "tl_detection": Detection,
    "tl_speller_options": SpellerOptions, "tl_spell_word": SpellWord,
    "tl_align_options": AlignOptions, "tl_align_link": AlignLink,
    "tl_batch_file": BatchFile, "tl_batch_stats": BatchStats,
    "tl_batch_options": BatchOptions,
}

_P = c_void_p  # opaque handles
_st = c_int    # tl_status
_str = c_char_p
_data = c_void_p  # (ptr, len) text: passed as bytes or a raw address
_pbuf = POINTER(Buf)

# name: (restype, argtypes)
SIGNATURES = {
    "tl_version": (_str, []),
    "tl_status_name": (_str, [c_int]),
    "tl_strerror": (_str, [c_int]),
    "tl_buf_free": (None, [_pbuf]),
    "tl_buf_clear": (None, [_pbuf]),
    "tl_ctx_new": (_st, [POINTER(_P)]),
    "tl_ctx_free": (None, [_P]),
    "tl_ctx_message": (_str, [_P]),
    "tl_ctx_status": (_st, [_P]),
    "tl_ctx_error_offset": (c_size_t, [_P]),
    "tl_ctx_error_position": (None, [_P, POINTER(c_size_t),
                                     POINTER(c_size_t)]),
    "tl_lang_code": (_str, [c_int]),
    "tl_lang_parse": (_st, [POINTER(c_int), _str]),
    "tl_convert_options_init": (None, [POINTER(ConvertOptions)]),
    "tl_converter_new": (_st, [_P, POINTER(ConvertOptions), POINTER(_P)]),
    "tl_converter_free": (None, [_P]),
    "tl_convert": (_st, [_P, _P, _data, c_size_t, _pbuf, NOTE_FN, c_void_p]),
    "tl_stream_new": (_st, [_P, _P, NOTE_FN, c_void_p, POINTER(_P)]),
    "tl_stream_write": (_st, [_P, _data, c_size_t, _pbuf]),
    "tl_stream_finish": (_st, [_P, _pbuf]),
    "tl_stream_free": (None, [_P]),
    "tl_scheme_count": (c_size_t, []),
    "tl_scheme_info_at": (_st, [POINTER(SchemeInfo), c_size_t]),
    "tl_scheme_find": (_st, [POINTER(SchemeInfo), _str]),
    "tl_normalize_options_init": (None, [POINTER(NormalizeOptions)]),
    "tl_normalize": (_st, [_P, POINTER(NormalizeOptions), _data, c_size_t,
                           _pbuf, CHANGE_FN, c_void_p]),
    "tl_encoding_name": (_str, [c_int]),
    "tl_encoding_parse": (_st, [POINTER(c_int), _str]),
    "tl_encoding_detect": (None, [POINTER(c_int), POINTER(c_double), _data,
                                  c_size_t]),
    "tl_encoding_bom_len": (c_size_t, [c_int, _data, c_size_t]),
    "tl_decode": (_st, [_P, POINTER(c_size_t), c_int, _data, c_size_t, c_uint,
                        _pbuf]),
    "tl_encode": (_st, [_P, c_int, _data, c_size_t, _pbuf]),
    "tl_detect": (_st, [_P, POINTER(c_int), POINTER(c_double), _data,
                        c_size_t]),
    "tl_detect_paragraphs": (_st, [_P, _data, c_size_t, DETECTION_FN,
                                   c_void_p]),
    "tl_speller_options_init": (None, [POINTER(SpellerOptions)]),
    "tl_speller_new": (_st, [_P, POINTER(SpellerOptions), POINTER(_P)]),
    "tl_speller_free": (None, [_P]),
    "tl_speller_check": (_st, [_P, _P, _data, c_size_t, SPELL_FN, c_void_p]),
    "tl_speller_add": (_st, [_P, _P, _data, c_size_t]),
    "tl_align_options_init": (None, [POINTER(AlignOptions)]),
    "tl_aligner_new": (_st, [_P, POINTER(AlignOptions), POINTER(_P)]),
    "tl_aligner_free": (None, [_P]),
    "tl_align": (_st, [_P, _P, _data, c_size_t, _data, c_size_t,
                       POINTER(_P)]),
    "tl_alignment_free": (None, [_P]),
    "tl_alignment_links": (POINTER(AlignLink), [_P, POINTER(c_size_t)]),
    "tl_alignment_lang": (c_int, [_P, c_int]),
    "tl_alignment_sentence_count": (c_size_t, [_P, c_int]),
    "tl_alignment_paragraph_count": (c_size_t, [_P, c_int]),
    "tl_alignment_sentence": (_st, [_P, c_int, c_size_t, POINTER(c_void_p),
                                    POINTER(c_size_t), POINTER(c_size_t)]),
    "tl_align_link_is_problem": (c_int, [POINTER(AlignLink)]),
    "tl_alignment_write": (_st, [_P, _P, c_int, c_uint, _pbuf]),
    "tl_json_convert_fields": (_st, [_P, _P, _data, c_size_t,
                                     POINTER(c_char_p), c_size_t, _pbuf]),
    "tl_doc_type_from_name": (c_int, [_str]),
    "tl_doc_type_parse": (_st, [POINTER(c_int), _str]),
    "tl_doc_type_name": (_str, [c_int]),
    "tl_batch_options_init": (None, [POINTER(BatchOptions)]),
    "tl_batch_shard": (c_uint, [_data, c_size_t, c_uint]),
    "tl_batch_run": (_st, [_P, POINTER(BatchOptions), _str, _str,
                           POINTER(BatchStats)]),
}


def _candidates():
    """Where libtranslit is looked for, in order: $TRANSLIT_LIB, the build
    tree this package sits in (src/bindings/python -> build/), the system."""
    env = os.environ.get("TRANSLIT_LIB")
    if env:
        # An explicit choice is never second-guessed by a fallback.
        return [env], True
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", "..", "..", ".."))
    found = []
    for name in ("libtranslit.so.%d" % SOVERSION, "libtranslit.so"):
        path = os.path.join(root, "build", name)
        if os.path.exists(path):
            found.append(path)
    system = ctypes.util.find_library("translit")
    found.append(system or "libtranslit.so.%d" % SOVERSION)
    return found, False


def load():
    """Loads libtranslit and declares every call; raises ImportError with
    the places tried when it cannot be found."""
    paths, explicit = _candidates()
    errors = []
    lib = None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            break
        except OSError as e:
            errors.append("%s (%s)" % (path, e))
    if lib is None:
        hint = ("TRANSLIT_LIB is set but cannot be loaded" if explicit else
                "set TRANSLIT_LIB to the path of libtranslit.so, build the "
                "project into build/, or install the library")
        raise ImportError("translit: cannot load libtranslit: %s; tried: %s"
                          % (hint, "; ".join(errors)))
    missing = []
    for name, (restype, argtypes) in SIGNATURES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    if missing:
        raise ImportError("translit: %s lacks %s (an older library?)"
                          % (lib._name, ", ".join(missing)))
    return lib
