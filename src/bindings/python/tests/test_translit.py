"""test_translit.py: the Python binding gives what the translit command gives
(sample article both ways, spell-check, normalize, detect, align), reports
errors with the library's message, and is safe to share between threads."""

import json
import os
import subprocess
import threading

import pytest

import translit
from translit import _capi

CYRL = "article.uz-Cyrl.txt"
LATN = "article.uz-Latn.txt"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ------------------------------------------------------------------- ABI


def test_layout_matches_header(src, tmp_path):
    """The ctypes structs, flags and enums equal what a C compiler sees in
    translit.h: a section that changes shape breaks this test, not users."""
    fields = []
    for cname, st in _capi.STRUCTS.items():
        fields.append('printf("%s %%zu\\n", sizeof(%s));' % (cname, cname))
        for fname, _ in st._fields_:
            cf = "from" if fname == "from_" else fname
            fields.append('printf("%s.%s %%zu\\n", offsetof(%s, %s));'
                          % (cname, fname, cname, cf))
    consts = [n for n in dir(_capi) if n.isupper() and n.split("_")[0] in
              ("CONVERT", "NORM", "DECODE", "SPELL", "ALIGN", "BATCH")
              and isinstance(getattr(_capi, n), int)]
    for n in consts:
        fields.append('printf("%s %%lld\\n", (long long)TL_%s);' % (n, n))
    for i, kind in enumerate(_capi.LINK_KINDS):
        fields.append('printf("link.%s %%d\\n", (int)TL_LINK_%s);'
                      % (kind, kind.upper()))
    for fmt in _capi.ALIGN_FORMATS:
        fields.append('printf("fmt.%s %%d\\n", (int)TL_ALIGN_%s);'
                      % (fmt, fmt.upper()))
    prog = tmp_path / "layout.c"
    prog.write_text('#include <stddef.h>\n#include <stdio.h>\n'
                    '#include "translit.h"\nint main(void) {\n%s\n'
                    'return 0;\n}\n' % "\n".join(fields))
    cc = os.environ.get("TL_CC", "cc")
    exe = tmp_path / "layout"
    subprocess.run([cc, "-std=c11", "-I", os.path.join(src, "src", "include"),
                    str(prog), "-o", str(exe)], check=True)
    seen = dict(line.rsplit(" ", 1) for line in
                subprocess.run([str(exe)], capture_output=True, text=True,
                               check=True).stdout.splitlines())
    import ctypes
    for cname, st in _capi.STRUCTS.items():
        assert int(seen[cname]) == ctypes.sizeof(st), cname
        for fname, _ in st._fields_:
            assert int(seen["%s.%s" % (cname, fname)]) == \
                getattr(st, fname).offset, "%s.%s" % (cname, fname)
    for n in consts:
        assert int(seen[n]) == getattr(_capi, n), n
    for i, kind in enumerate(_capi.LINK_KINDS):
        assert int(seen["link." + kind]) == i
    for fmt, v in _capi.ALIGN_FORMATS.items():
        assert int(seen["fmt." + fmt]) == v


def test_enum_names_match_library():
    lib = translit._lib
    for i, code in enumerate(_capi.LANGS):
        assert lib.tl_lang_code(i).decode() == code
    for i, name in enumerate(_capi.ENCODINGS):
        assert lib.tl_encoding_name(i).decode() == name
    for i, name in enumerate(_capi.DOC_TYPES):
        assert lib.tl_doc_type_name(i).decode() == name


def test_version(cli):
    out = cli("--version").stdout.decode()
    assert translit.version() in out


# ------------------------------------------- the sample article, both ways


@pytest.mark.parametrize("name,src_lang,dst_lang", [
    (CYRL, "uz-Cyrl", "uz-Latn"), (LATN, "uz-Latn", "uz-Cyrl")])
def test_sample_article_equals_command(cli, sample, name, src_lang,
                                       dst_lang):
    expected = cli("-f", src_lang, "-t", dst_lang, sample(name)).stdout
    text = read(sample(name))
    got = translit.Converter(src_lang, dst_lang).convert(text)
    assert got == expected.decode("utf-8")
    # The cached one-call form and bytes input give the same.
    assert translit.convert(text.encode(), src_lang, dst_lang) == got


def test_sample_article_auto_direction(cli, sample):
    expected = cli("-t", "uz-Latn", sample(CYRL)).stdout.decode()
    assert translit.convert(read(sample(CYRL))) == expected


def test_stream_equals_whole(sample):
    cv = translit.Converter("uz-Cyrl", "uz-Latn")
    data = read(sample(CYRL)).encode()
    whole = cv.convert(data)
    for size in (1, 7, 100, 4096):
        with cv.stream() as s:
            parts = [s.write(data[i:i + size])
                     for i in range(0, len(data), size)]
            parts.append(s.finish())
        assert "".join(parts) == whole, size
    with pytest.raises(ValueError):
        s.write("Тошкент")


def test_other_options(cli):
    assert translit.Converter("ru", "ru-Latn", scheme="icao")("Щукин") == \
        "Shchukin"
    cv = translit.Converter("uz-Cyrl", "uz-Latn", apostrophe="ascii")
    assert cv.convert("Ўзбекистон ғалабаси") == "O'zbekiston g'alabasi"
    html = '<p title="Тошкент">Тошкент <code>Тошкент</code></p>'
    expected = cli("-f", "uz-Cyrl", "-t", "uz-Latn", "--html",
                   stdin=html.encode()).stdout.decode()
    assert translit.Converter("uz-Cyrl", "uz-Latn", html=True)(html) == \
        expected


# -------------------------------------------------------------- spelling


def spell_json(cli, path, cache_dir):
    out = cli("spell", "--json", "--cache-dir", cache_dir, path).stdout
    return [json.loads(line) for line in out.decode().splitlines()]


@pytest.mark.parametrize("name", [CYRL, LATN])
def test_spell_sample_equals_command(cli, sample, cache_dir, name):
    expected = spell_json(cli, sample(name), cache_dir)
    assert expected, "the sample article has words the dictionaries lack"
    text = read(sample(name))
    got = translit.Speller(cache_dir=cache_dir).check(text)
    assert [(w.word, w.line, w.column, w.offset, w.length, w.u16_offset,
             w.u16_length, w.lang, w.suggestions, w.reason) for w in got] == \
        [(e["word"], e["line"], e["column"], e["offset"], e["length"],
          e["utf16_offset"], e["utf16_length"], e["lang"], e["suggestions"],
          e.get("reason")) for e in expected]
    for w in got:  # str indexes point at the word in the Python string
        assert text[w.start:w.end] == w.word


def test_speller_add_and_errors(cache_dir):
    sp = translit.Speller("uz-Latn", cache_dir=cache_dir, suggest=False)
    assert [w.word for w in sp.check("Bugun Yangiobodxon keldi")] == \
        ["Yangiobodxon"]
    sp.add("Yangiobodxon")
    assert sp.check("Bugun Yangiobodxon keldi") == []
    with pytest.raises(translit.TranslitError) as e:
        sp.check(b"yaxshi \xc3 kun")
    assert e.value.status == "TL_EUTF8" and e.value.offset == 7


# ------------------------------------------- normalize, detect, encodings


def test_normalize_equals_command(cli):
    text = "O'zbekiston  va  g`alaba\u200b  Тошкент\r\n"
    expected = cli("normalize", stdin=text.encode()).stdout.decode()
    assert translit.normalize(text) == expected
    out, changes = translit.normalize_report(text)
    assert out == expected
    kinds = {c.kind for c in changes}
    assert {"apostrophe", "space", "invisible"} <= kinds
    for c in changes:
        assert text[c.start:].startswith(c.before)


@pytest.mark.parametrize("name", [CYRL, LATN, "article.ru.txt",
                                  "article.en.txt"])
def test_detect_equals_command(cli, sample, name):
    lang, conf = cli("detect", sample(name)).stdout.decode().split()
    got = translit.detect(read(sample(name)))
    assert got.lang == lang
    assert abs(got.confidence - float(conf)) <= 0.005
    paras = translit.detect_paragraphs(read(sample(name)))
    assert paras and paras[0].line == 1 and paras[0].start == 0


def test_encodings():
    text = "Привет, Тошкент"
    for enc in ("CP1251", "KOI8-R", "UTF-16LE"):
        data = translit.encode(text, enc)
        assert translit.decode(data, enc) == text
    name, conf = translit.detect_encoding(
        ("Новости Ташкента: в столице открылась конференция. " * 4)
        .encode("cp1251"))
    assert name == "CP1251" and 0 < conf <= 1
    with pytest.raises(translit.TranslitError) as e:
        translit.encode("Тошкент ҳа", "CP1251")
    assert e.value.status == "TL_EENCODING" and e.value.offset == 15
    assert translit.bom_length(b"\xef\xbb\xbfabc", "UTF-8") == 3


# -------------------------------------------------------------- errors


def test_invalid_utf8_carries_library_message(cli):
    data = "Тошкент\nшаҳри ".encode() + b"\xff" + " яхши".encode()
    p = cli("-f", "uz-Cyrl", "-t", "uz-Latn", stdin=data, check=False)
    assert p.returncode == 2
    cv = translit.Converter("uz-Cyrl", "uz-Latn")
    with pytest.raises(translit.TranslitError) as e:
        cv.convert(data)
    err = e.value
    assert err.status == "TL_EUTF8" and err.code == -3
    assert err.offset == len("Тошкент\nшаҳри ".encode())
    assert (err.line, err.column) == (2, 7)
    # The command prints the same message after FILE:LINE:COL.
    assert err.message in p.stderr.decode()
    assert str(err).startswith("TL_EUTF8: ")
    # A lone surrogate in a str is invalid UTF-8 too, not a crash.
    with pytest.raises(translit.TranslitError) as e:
        cv.convert("ab\udc80")
    assert e.value.status == "TL_EUTF8" and e.value.offset == 2
    # ... unless replacement is asked for.
    assert translit.Converter("uz-Cyrl", "uz-Latn", replace=True)(data) == \
        "Toshkent\nshahri \ufffd yaxshi"
    # The context is clean again after a success.
    assert cv.convert("Тошкент") == "Toshkent"


def test_creation_errors(tmp_path):
    with pytest.raises(translit.TranslitError) as e:
        translit.Converter("ru", "ru-Latn", scheme="nope")
    assert e.value.status == "TL_ENOTFOUND" and "nope" in e.value.message
    with pytest.raises(translit.TranslitError) as e:
        translit.Converter("en", "uz-Cyrl")
    assert e.value.status == "TL_EUNSUPPORTED"
    with pytest.raises(translit.TranslitError) as e:
        translit.Converter("xx", "uz-Cyrl")
    assert e.value.status == "TL_EINVAL" and "xx" in e.value.message
    missing = str(tmp_path / "missing.txt")
    with pytest.raises(translit.TranslitError) as e:
        translit.Converter("uz-Cyrl", "uz-Latn", dicts=[missing])
    assert e.value.status == "TL_EIO" and "missing.txt" in e.value.message
    with pytest.raises(TypeError):
        translit.convert(42)


# ------------------------------------------------------------- threads


def test_threads_share_one_converter(sample):
    """8 threads on one Converter and one Speller give the serial results;
    each thread's errors carry its own message."""
    cv = translit.Converter("uz-Cyrl", "uz-Latn")
    lines = [l for l in read(sample(CYRL)).splitlines() if l.strip()]
    serial = [cv.convert(l) for l in lines]
    results = {}
    failures = []

    def work(k):
        try:
            for rep in range(5):
                for i in range(k % len(lines), len(lines), 2):
                    got = cv.convert(lines[i])
                    if got != serial[i]:
                        failures.append((k, i, got))
                    bad = "x" * k + "\xff"
                    try:
                        cv.convert(bad.encode("latin-1"))
                        failures.append((k, "no error"))
                    except translit.TranslitError as e:
                        if e.offset != k:
                            failures.append((k, e.offset, e.message))
            results[k] = True
        except Exception as e:  # reported below
            failures.append((k, repr(e)))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(results) == 8


# ------------------------------------------------------- align and batch


def test_align_equals_command(cli, sample):
    a, b = sample(LATN), sample(CYRL)
    expected = cli("align", a, b).stdout.decode()
    aln = translit.Aligner().align(read(a), read(b))
    assert aln.write("tsv") == expected
    assert aln.langs == ("uz-Latn", "uz-Cyrl")
    n_a = len(aln.sentences("a"))
    assert sum(link.a_count for link in aln.links) == n_a
    assert json.loads(aln.write("json"))["links"]


def test_json_fields_and_batch(tmp_path):
    cv = translit.Converter("uz-Cyrl", "uz-Latn")
    assert translit.json_convert_fields(
        cv, '{"id":7,"title":"Тошкент"}', ["title"]) == \
        '{"id":7,"title":"Toshkent"}'
    with pytest.raises(translit.TranslitError) as e:
        translit.json_convert_fields(cv, '{"title": "x",}', ["title"])
    assert e.value.status == "TL_ESYNTAX"
    assert translit.doc_type("a/b.HTM") == "html"
    assert 1 <= translit.batch_shard("a/b.txt", 4) <= 4

    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    (src / "a.txt").write_text("Тошкент шаҳри\n", encoding="utf-8")
    (src / "b.md").write_text("# Янгиликлар\n\n`код`\n", encoding="utf-8")
    seen = []
    stats = translit.batch(str(src), str(dst), "uz-Cyrl", "uz-Latn",
                           jobs=2, on_file=seen.append)
    assert stats.converted == 2 and stats.failed == 0
    assert sorted(f.path for f in seen) == ["a.txt", "b.md"]
    assert (dst / "a.txt").read_text(encoding="utf-8") == "Toshkent shahri\n"
    assert (dst / "b.md").read_text(encoding="utf-8") == \
        "# Yangiliklar\n\n`код`\n"

    def boom(_f):
        raise RuntimeError("callback failed")
    with pytest.raises(RuntimeError):
        translit.batch(str(src), str(tmp_path / "dst2"), "uz-Cyrl",
                       "uz-Latn", jobs=1, on_file=boom)


def test_schemes_equal_command(cli):
    out = cli("list", "--json").stdout.decode()
    ids = [s.id for s in translit.schemes()]
    assert len(ids) == translit._lib.tl_scheme_count() >= 20
    for i in ids:
        assert '"%s"' % i in out
    assert translit.find_scheme("ICAO").id == "icao_doc_9303"
    with pytest.raises(translit.TranslitError) as e:
        translit.find_scheme("nope")
    assert e.value.status == "TL_ENOTFOUND"


def test_library_lookup(tmp_path):
    """An explicit TRANSLIT_LIB that cannot be loaded is an ImportError that
    says so, not a silent fallback to another copy of the library."""
    import sys
    env = dict(os.environ, TRANSLIT_LIB=str(tmp_path / "missing.so"))
    p = subprocess.run([sys.executable, "-c", "import translit"], env=env,
                       cwd=os.path.dirname(os.path.dirname(__file__)),
                       capture_output=True, text=True)
    assert p.returncode != 0
    assert "ImportError" in p.stderr and "TRANSLIT_LIB" in p.stderr
    assert "missing.so" in p.stderr
