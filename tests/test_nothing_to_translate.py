"""Number-only table cells and footnote markers are copied, never sent to the model (issue 25)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from translator.documents import translate_document
from translator.pipeline import Pipeline
from translator.translation.rounds import nothing_to_translate

from .fake_engine import FakeEngine

docx = pytest.importorskip("docx")
KEPT = ["2023", "12.5%", "①", "[1]", "*", "†", "Ⅳ", "—", "１２３", "3.2-4.5", "(2)"]


def _sent(engine: FakeEngine) -> list[str]:
    return [text for texts, _settings in engine.calls for text in texts]


def test_segments_without_letters_are_copied_and_not_sent():
    engine = FakeEngine()
    pipeline = Pipeline(engine=engine, use_glossary=False, use_cache=False)
    results = pipeline.translate_segments([*KEPT, "全年新增55家企业。"])
    copied = [k.replace("１２３", "123") for k in KEPT]  # full-width digits are normalised, as for the model
    assert [r.target for r in results[:-1]] == copied and all(not r.flags for r in results[:-1])
    assert results[-1].target == "this year added 55 enterprises"
    assert not any(k in _sent(engine) for k in copied) and len(_sent(engine)) == 1


def test_number_cells_and_footnote_markers_of_a_word_table(tmp_path):
    src = tmp_path / "t.docx"
    d = docx.Document()
    table = d.add_table(rows=2, cols=3)
    for cell, text in zip(table._cells, ["企业", "2023", "12.5%", "合作", "①", "1,234"]):
        cell.text = text
    d.save(src)
    engine = FakeEngine()
    fr = translate_document(Pipeline(engine=engine, use_glossary=False, use_cache=False), src, notes=False)
    cells = [c.text for c in docx.Document(str(fr.output)).tables[0]._cells]
    assert cells == ["enterprises", "2023", "12.5%", "cooperation", "①", "1,234"]
    assert sorted(_sent(engine)) == ["企业", "合作"]


@settings(max_examples=80, deadline=None)
@given(st.text(min_size=1, max_size=12))
def test_text_with_a_letter_of_any_script_is_translated(text):
    assert nothing_to_translate(text) == (not any(c.isalpha() for c in text))
