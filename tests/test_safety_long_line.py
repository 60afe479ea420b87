"""A very long line with no punctuation is translated in pieces cached as they finish (issue 12)."""

from __future__ import annotations

import random

import pytest

from translator import Pipeline
from translator.translation.cache import SegmentCache

from .fake_engine import FakeEngine

CHARS = "市北区打造多层次创新平台推动科技成果转化引进培育一流人才全年新增国家级企业"


class Killed(Exception):
    """Stands in for a kill in the middle of a run."""


class DyingEngine(FakeEngine):
    """Fails on its ``die_at``-th batch; counts the texts it translated."""

    def __init__(self, die_at: int | None = None) -> None:
        super().__init__()
        self.die_at = die_at
        self.translated = 0

    def _translate_batch(self, texts, lengths, settings, hints=None):
        if self.die_at is not None and len(self.calls) + 1 >= self.die_at:
            raise Killed()
        self.translated += len(texts)
        return super()._translate_batch(texts, lengths, settings, hints)


def _line(n: int) -> str:
    rng = random.Random(1)
    return "".join(rng.choice(CHARS) for _ in range(n))


def _pipeline(engine, cache_path):
    return Pipeline(engine=engine, cache_path=str(cache_path), retries=0, use_glossary=False, batch_size=8)


def test_a_killed_long_line_resumes_from_its_finished_pieces(tmp_path):
    line = _line(30_000)
    full = _pipeline(DyingEngine(), tmp_path / "reference.sqlite3").translate_text(line).segments[0]
    assert full.source == line and full.pieces > 100
    assert any(f.check == "split_window" and f.details["pieces"] == full.pieces for f in full.flags)

    cache = tmp_path / "c.sqlite3"
    with pytest.raises(Killed):
        _pipeline(DyingEngine(die_at=12), cache).translate_text(line)
    kept = len(SegmentCache(cache))
    assert kept >= 64  # at least one chunk of pieces was cached before the "kill"

    again = DyingEngine()
    seg = _pipeline(again, cache).translate_text(line).segments[0]
    assert seg.target == full.target and seg.pieces == full.pieces
    assert again.translated <= full.pieces - kept  # only the pieces not cached before were translated
    third = DyingEngine()
    assert _pipeline(third, cache).translate_text(line).segments[0].cached and third.translated == 0


def test_short_segments_take_the_usual_path(tmp_path):
    seg = _pipeline(DyingEngine(), tmp_path / "c.sqlite3").translate_text(_line(1_000)).segments[0]
    assert seg.pieces > 1  # split into windows inside one job, as before
    assert len(SegmentCache(tmp_path / "c.sqlite3")) == 1
