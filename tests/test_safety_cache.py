"""A segment cache that cannot be written, or is damaged, never stops a translation (issue 12)."""

from __future__ import annotations

import logging
import os
import sqlite3

import pytest

from translator import Pipeline
from translator.translation.cache import SegmentCache

from .fake_engine import FakeEngine

DOC = "标题\n全年新增国家级企业5家。\n研发投入突破10亿元。\n深化区域经贸合作。\n"


def _translate(cache_path) -> list[str]:
    p = Pipeline(engine=FakeEngine(), cache_path=str(cache_path), retries=0, use_glossary=False)
    return [s.target for s in p.translate_text(DOC).segments]


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "translator.cache" and r.levelno == logging.WARNING]


def _filled_cache(tmp_path):
    path = tmp_path / "c" / "segments.sqlite3"
    p = Pipeline(engine=FakeEngine(), cache_path=str(path), retries=0, use_glossary=False)
    expected = [s.target for s in p.translate_text(DOC).segments]
    p.cache.close()  # checkpoints the WAL into the file, as at the end of a process
    assert sorted(f.name for f in path.parent.iterdir()) == ["segments.sqlite3"]
    return path, expected


@pytest.mark.parametrize("where", ["parent_is_a_file", "path_is_a_directory"])
def test_unwritable_cache_warns_once_and_translation_goes_on(tmp_path, caplog, where):
    if where == "parent_is_a_file":
        (tmp_path / "file").write_text("x", "utf-8")
        path = tmp_path / "file" / "segments.sqlite3"
    else:
        path = tmp_path / "dir.sqlite3"
        path.mkdir()
    expected = _translate(tmp_path / "ok.sqlite3")
    caplog.set_level(logging.WARNING, "translator.cache")
    p = Pipeline(engine=FakeEngine(), cache_path=str(path), retries=0, use_glossary=False)
    assert [s.target for s in p.translate_text(DOC).segments] == expected
    assert [s.target for s in p.translate_text(DOC + "瞪羚企业。\n").segments][:4] == expected
    warnings = _warnings(caplog)
    assert len(warnings) == 1 and "cannot be used" in warnings[0] and "translating without it" in warnings[0]


@pytest.mark.parametrize("damage", ["garbled_pages", "truncated"])
def test_damaged_cache_is_moved_aside_and_a_fresh_one_started(tmp_path, caplog, damage):
    path, expected = _filled_cache(tmp_path)
    with sqlite3.connect(path) as conn:  # enough rows for several pages
        conn.executemany("INSERT INTO segments VALUES (?, ?)", [(f"k{i}", "x" * 500) for i in range(400)])
    conn.close()
    data = path.read_bytes()
    if damage == "garbled_pages":  # the header says it is our cache; every page after the first is noise
        path.write_bytes(data[:4096] + os.urandom(len(data) - 4096))
    else:
        path.write_bytes(data[: len(data) // 2])
    caplog.set_level(logging.WARNING, "translator.cache")
    assert _translate(path) == expected
    warnings = _warnings(caplog)
    assert len(warnings) == 1 and "is damaged" in warnings[0] and "moved it to" in warnings[0]
    aside = [p for p in path.parent.iterdir() if ".damaged-" in p.name]
    assert aside, list(path.parent.iterdir())
    assert len(SegmentCache(path)) == 4  # the fresh cache holds this run's segments
    assert all(s.cached for s in Pipeline(engine=FakeEngine(), cache_path=str(path), retries=0,
                                          use_glossary=False).translate_text(DOC).segments)


@pytest.mark.parametrize("value", ["not json", '{"target": 5}', '["a list"]', '{"target": "x", "flags": [{"bogus": 1}], '
                                   '"terms": [], "pieces": 1, "cached": false}', "null"])
def test_malformed_rows_are_misses_not_crashes(tmp_path, caplog, value):
    path, expected = _filled_cache(tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE segments SET value = ?", (value,))
    conn.close()
    caplog.set_level(logging.WARNING, "translator.cache")
    p = Pipeline(engine=FakeEngine(), cache_path=str(path), retries=0, use_glossary=False)
    result = p.translate_text(DOC)
    assert [s.target for s in result.segments] == expected and not any(s.cached for s in result.segments)
    assert any("malformed row" in w for w in _warnings(caplog))
    # the rows were rewritten: the next run reads them from the cache
    again = Pipeline(engine=FakeEngine(), cache_path=str(path), retries=0, use_glossary=False).translate_text(DOC)
    assert all(s.cached for s in again.segments)
