"""Big term bases load, match and import in seconds; small silent glossary changes (issue 12)."""

from __future__ import annotations

import random
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator import Pipeline
from translator.glossary import Entry, Glossary, load_glossary
from translator.glossary.editing import TermBaseFile
from translator.glossary.exchange import parse_entries
from translator.glossary.termbase import cross_check, fold_with_origin

from .conftest import run_main
from .fake_engine import FakeEngine

HEADER = "source\ttarget\tvariants\ttype\tcase\tstatus\tnote\n"
CHARS = "市北区创新平台科技企业研发投入国家级经济发展青岛山东合作园产业数字"




def _generated(n: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    seen: dict[str, str] = {}
    while len(seen) < n:
        source = "".join(rng.choices(CHARS, k=rng.randint(2, 8)))
        seen.setdefault(source, f"term {len(seen)}")
    return list(seen.items())


def _write(path, rows) -> None:
    path.write_text("source\ttarget\n" + "".join(f"{s}\t{t}\n" for s, t in rows), "utf-8")


def test_twenty_thousand_entries_load_match_and_import_in_seconds(tmp_path):
    """Comparing every pair (the old cross-check) or re-parsing per import would take many minutes here."""
    rows = _generated(24_000)
    path = tmp_path / "big.tsv"
    _write(path, rows[:20_000])
    start = time.monotonic()
    glossary = load_glossary([path], strict=False)
    text = "".join(s for s, _ in rows[:2000])
    matches = glossary.find(text)
    assert len(glossary.entries) == 20_000 and matches
    new = tmp_path / "new.tsv"
    _write(new, rows[20_000:])
    tb = TermBaseFile(path)
    assert {tb.add(e) for e in parse_entries(str(new))[0]} == {"added"}
    tb.save()
    assert len(load_glossary([path], strict=False).entries) == 24_000
    assert time.monotonic() - start < 60  # about 2 s on one core; the quadratic code took > 15 minutes


def _reference_find(entries: list[Entry], text: str) -> list[tuple[str, int, int]]:
    """The original matcher (longest key first at each folded position), kept to check the trie against."""
    ftext, origin = fold_with_origin(text)
    ordered = sorted((e for e in entries if e.key), key=lambda e: len(e.key), reverse=True)
    out, i = [], 0
    while i < len(ftext):
        for e in ordered:
            k = e.key
            if not ftext.startswith(k, i):
                continue
            j = i + len(k)
            start, end = origin[i], origin[j]
            if e.latin and ((i > 0 and ftext[i - 1].isascii() and ftext[i - 1].isalnum())
                            or (j < len(ftext) and ftext[j].isascii() and ftext[j].isalnum())):
                continue
            if e.case == "sensitive" and unicodedata.normalize("NFKC", text[start:end]) != unicodedata.normalize("NFKC", e.source):
                continue
            out.append((e.source, start, end))
            i = j
            break
        else:
            i += 1
    return out


_SOURCES = st.text(alphabet="市北区创新ABab ＡＢ1", min_size=1, max_size=4).filter(lambda s: s.strip())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_SOURCES, st.booleans()), min_size=1, max_size=12, unique_by=lambda t: t[0]),
       st.text(alphabet="市北区创新ABab ＡＢ1，。", max_size=30))
def test_trie_matcher_agrees_with_the_original_matcher(specs, text):
    entries = [Entry(s, f"t{i}", case="sensitive" if sensitive else "insensitive") for i, (s, sensitive) in enumerate(specs)]
    seen, unique = set(), []
    for e in entries:  # one entry per folded key, as load_glossary keeps
        if e.key and e.key not in seen:
            seen.add(e.key)
            unique.append(e)
    got = [(m.entry.source, m.start, m.end) for m in Glossary(unique).find(text)]
    assert got == _reference_find(unique, text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="市北区创新园", min_size=1, max_size=5), min_size=1, max_size=15, unique=True))
def test_nested_source_infos_match_the_pairwise_definition(sources):
    entries = [Entry(s, f"t{i}", file="g.tsv", line=i + 1) for i, s in enumerate(sources)]
    infos = [(p.line, p.message) for p in cross_check(entries) if p.severity == "info"]
    expected = [(e.line, f"{e.source!r} is inside {o.source!r} ({o.file}:{o.line}); the longest match wins")
                for e in entries for o in entries if o is not e and e.key in o.key and len(e.key) < len(o.key)]
    assert infos == expected


def test_hash_tag_source_is_an_entry_not_a_comment(tmp_path, capsys):
    path = tmp_path / "g.tsv"
    path.write_text(HEADER + "青岛\tQingdao\n", "utf-8")
    assert run_main(["glossary", "add", "#话题", "topic tag", "--file", str(path)]) == 0
    entries = {e.source: e.target for e in load_glossary([path]).entries}
    assert entries == {"青岛": "Qingdao", "#话题": "topic tag"}
    assert TermBaseFile(path).find("#话题") is not None
    assert run_main(["glossary", "remove", "#话题", "--file", str(path)]) == 0
    assert [e.source for e in load_glossary([path]).entries] == ["青岛"]


@pytest.mark.parametrize("note", ["line one\nline two", "a\ttab", "para\u2028graph"])
def test_a_note_with_a_line_break_or_tab_is_refused(tmp_path, capsys, note):
    path = tmp_path / "g.tsv"
    path.write_text(HEADER + "青岛\tQingdao\n", "utf-8")
    before = path.read_text("utf-8")
    assert run_main(["glossary", "add", "市北区", "Shibei District", "--note", note, "--file", str(path)]) == 2
    assert "note holds" in capsys.readouterr().err
    assert path.read_text("utf-8") == before


def test_a_source_with_a_zero_width_space_matches(tmp_path):
    plain = Glossary([Entry("研发投入", "R&D investment")])
    assert [m.entry.source for m in plain.find("全社会研发\u200b投入突破")] == ["研发投入"]
    m = plain.find("全社会研发\u200b投入突破")[0]
    assert "全社会研发\u200b投入突破"[m.start:m.end] == "研发\u200b投入"
    pasted = Glossary([Entry("研发\u200b投入", "R&D investment")])  # a zero-width space copied into the term base
    assert [m.entry.target for m in pasted.find("全社会研发投入突破")] == ["R&D investment"]


def test_full_width_dnt_entry_is_emitted_half_width(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text(HEADER + "ＡＰＩ\tAPI\t\tdnt\n", "utf-8")
    entry = load_glossary([path]).entries[0]
    assert entry.output == "API"
    p = Pipeline(engine=FakeEngine(), glossaries=[str(path)], use_cache=False, retries=0)
    seg = p.translate_text("标题\n开放ＡＰＩ接口。").segments[1]
    assert "API" in seg.target and "ＡＰＩ" not in seg.target
    assert seg.terms[0].satisfied and seg.terms[0].target == "API"
