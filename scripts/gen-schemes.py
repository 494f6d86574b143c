#!/usr/bin/env python3
# gen-schemes.py: writes dictionaries/schemes/*.txt from the iuliia JSON
# schemas, fixing the upstream defects on the way (see README there).
# Usage: scripts/gen-schemes.py [IUILIIA_DIR] [OUT_DIR]   (Python 3 stdlib only)
import json
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', 'shared', 'data', 'ru', 'iuliia')
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, '..', 'dictionaries', 'schemes')

# What iuliia does not say: readable names, the document, its year, our
# aliases and which tables can be read back (one output per letter and no
# output that is also a sequence of other outputs).
META = {
    'ala_lc': ('ALA-LC romanization, with diacritics', 'ALA-LC Romanization Tables: Russian', 1997, 'ala-lc', False),
    'ala_lc_alt': ('ALA-LC romanization, ASCII only', 'ALA-LC Romanization Tables: Russian (simplified)', 1997, '', False),
    'bgn_pcgn': ('BGN/PCGN romanization', 'BGN/PCGN 1947 System for Russian', 1947, 'bgn', False),
    'bgn_pcgn_alt': ('BGN/PCGN romanization, without the middle dot', 'BGN/PCGN 1947 System for Russian (simplified)', 1947, '', False),
    'bs_2979': ('British Standard 2979', 'BS 2979:1958', 1958, '', False),
    'bs_2979_alt': ('British Standard 2979, ASCII only', 'BS 2979:1958 (simplified)', 1958, '', False),
    'gost_16876': ('GOST 16876-71, table 1 (diacritics)', 'GOST 16876-71', 1971, '', True),
    'gost_16876_alt': ('GOST 16876-71, table 2 (digraphs)', 'GOST 16876-71', 1971, '', True),
    'gost_52290': ('GOST R 52290-2004, road signs', 'GOST R 52290-2004', 2004, '', False),
    'gost_52535': ('GOST R 52535.1-2006, identity documents', 'GOST R 52535.1-2006', 2006, '', False),
    'gost_7034': ('GOST R 7.0.34-2014, simplified transliteration', 'GOST R 7.0.34-2014', 2014, '', False),
    'gost_779': ('GOST 7.79-2000 System A (ISO 9:1995)', 'GOST 7.79-2000 System A = ISO 9:1995', 2000, 'iso9, gost-7.79-a', True),
    'gost_779_alt': ('GOST 7.79-2000 System B', 'GOST 7.79-2000 System B', 2000, 'gost-7.79-b', True),
    'icao_doc_9303': ('ICAO Doc 9303, passports', 'ICAO Doc 9303 (7th ed.), Russian MVD passports', 2015, 'icao, passport', False),
    'iso_9_1954': ('ISO/R 9:1954', 'ISO/R 9:1954', 1954, '', False),
    'iso_9_1968': ('ISO/R 9:1968', 'ISO/R 9:1968', 1968, '', False),
    'iso_9_1968_alt': ('ISO/R 9:1968, national variant', 'ISO/R 9:1968 (variant)', 1968, '', False),
    'mosmetro': ('Moscow Metro map', 'Moscow Metro signage', 0, '', False),
    'mvd_310': ('MVD order 310 (passports, 1997)', 'MVD Order No. 310 of 1997', 1997, '', False),
    'mvd_310_fr': ('MVD order 310 (passports, 1997), French', 'MVD Order No. 310 of 1997 (French)', 1997, '', False),
    'mvd_782': ('MVD order 782 (passports, 2000)', 'MVD Order No. 782 of 2000', 2000, '', False),
    'scientific': ('Scientific transliteration', 'Scholarly (linguistic) transliteration', 0, '', False),
    'telegram': ('Telegram links', 'Telegram usernames and links', 0, '', False),
    'ungegn_1987': ('UNGEGN 1987', 'UN Resolution V/18 (1987)', 1987, '', False),
    'wikipedia': ('Wikipedia', 'English Wikipedia romanization of Russian', 0, '', False),
    'yandex_maps': ('Yandex.Maps', 'Yandex.Maps', 0, '', False),
    'yandex_money': ('Yandex.Money', 'Yandex.Money (bank cards)', 0, '', False),
}

# Where our tables deliberately differ from iuliia, and why.
OVERRIDE_NEXT = {
    # GOST 7.79 B writes ц as c before i, e, y, j: that is before every
    # letter whose romanization starts with one of them, not only е и й ы.
    'gost_779_alt': {'ц': ('еёийыэюя', 'c')},
}

VOWELS = 'аеёиоуыэюя'


def fix(s):
    # iuliia writes Latin ë with CYRILLIC ё and ž decomposed: Latin, NFC.
    return unicodedata.normalize('NFC', s.replace('ё', 'ë').replace('Ё', 'Ë'))


def group(rules, after=True):
    """{'ае': 'ye', 'ое': 'ye'} -> [(context letters, target, output)] grouped
    by target and output, so that one line says 'е after any of аео'."""
    out = {}
    order = []
    for key, val in rules.items():
        ctx, tgt = (key[:-1], key[-1]) if after else (key[1:], key[0])
        k = (tgt, fix(val), len(ctx))
        if k not in out:
            out[k] = ''
            order.append(k)
        out[k] += ctx
    return [(out[k], k[0], k[1], k[2]) for k in order]


def apostrophes(outs):
    seen = []
    for o in outs:
        for ch in o:
            cat = unicodedata.category(ch)
            if not cat.startswith('L') and not cat.startswith('M') and ch not in seen:
                seen.append(ch)
    return seen


def main():
    os.makedirs(OUT, exist_ok=True)
    for fn in sorted(os.listdir(SRC)):
        if not fn.endswith('.json') or fn == 'uz.json':
            continue
        d = json.load(open(os.path.join(SRC, fn), encoding='utf-8'))
        sid = d['name']
        name, standard, year, aliases, rev = META[sid]
        mapping = {k: fix(v) for k, v in d['mapping'].items()}
        lines = []
        outs = list(mapping.values())
        lines.append(f'# {sid}.txt: Russian -> Latin, {name}.')
        lines.append(f'# Generated by scripts/gen-schemes.py from iuliia {fn} (MIT, see LICENSE).')
        lines.append(f'id: {sid}')
        if aliases:
            lines.append(f'aliases: {aliases}')
        lines.append(f'name: {name}')
        lines.append(f'standard: {standard}')
        if year:
            lines.append(f'year: {year}')
        lines.append(f'reversible: {"yes" if rev else "no"}')
        lines.append(f'url: {d.get("url", "")}')
        body = ['', '# letters']
        for k, v in mapping.items():
            body.append(f'{k} {v}' if v else f'{k}')
        prev = group(d.get('prev_mapping') or {})
        if prev:
            body += ['', '# at the start of a word (^), after a letter (LETTERS)']
            for ctx, tgt, val, n in prev:
                outs.append(val)
                pat = f'^{tgt}' if n == 0 else f'({ctx}){tgt}'
                body.append(f'{pat} {val}' if val else pat)
        nxt = dict(d.get('next_mapping') or {})
        over = OVERRIDE_NEXT.get(sid, {})
        nrules = group(nxt, after=False)
        if over:
            nrules = [(c, t, v, 1) for t, (c, v) in over.items()]
        if nrules:
            body += ['', '# before a letter (LETTERS)']
            if over:
                body.append('# iuliia: only before е и й ы; the standard says before i, e, y, j.')
            for ctx, tgt, val, n in nrules:
                outs.append(val)
                # next keys are 'target + next': the context comes after.
                body.append(f'{tgt}({ctx}) {val}' if val else f'{tgt}({ctx})')
        end = d.get('ending_mapping') or {}
        if end:
            body += ['', '# at the end of a word of more letters ($)']
            for k, v in end.items():
                v = fix(v)
                outs.append(v)
                body.append(f'{k}$ {v}' if v else f'{k}$')
        ap = apostrophes(outs)
        if ap:
            lines.append('apostrophes: ' + ' '.join(ap))
        text = '\n'.join(lines + body) + '\n'
        with open(os.path.join(OUT, sid + '.txt'), 'w', encoding='utf-8') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
