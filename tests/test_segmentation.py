"""Segmentation of the sample report and of hand-written edge cases."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator.segmentation.segmenter import segment_text
from translator.textnorm import is_blank


def test_sample_report_block_kinds_and_count(sample_text):
    doc = segment_text(sample_text)
    kinds = [b.kind for b in doc.blocks]
    assert kinds[0] == "title"
    assert kinds.count("heading") == 10
    assert kinds.count("caption") == 2
    assert kinds.count("byline") == 2
    assert 220 <= len(doc.segments) <= 245
    meta = [s.text for s in doc.segments if s.kind == "meta"]
    assert meta == ["来源:青岛日报", "发布时间:2024-03-07 11:12"]
    headings = [b for b in doc.blocks if b.kind == "heading"]
    assert [b.marker for b in headings] == [str(i) for i in range(1, 11)]
    assert doc.segments[headings[0].segment_indices[0]].text == "实施创新驱动发展战略"


def test_sample_report_rebuilds_exactly(sample_text):
    assert segment_text(sample_text).rebuild() == sample_text


def test_no_number_is_split_in_the_sample(sample_text):
    doc = segment_text(sample_text)
    spans = [(s.start, s.end) for s in doc.segments]
    pattern = r"\d+(?:\.\d+)?(?:万亿|亿|万)?(?:%|个百分点)?|\d{4}-\d{2}-\d{2} \d{2}:\d{2}|\d{4}—\d{4}"
    for m in re.finditer(pattern, sample_text):
        if re.match(r"[ \u00a0]", sample_text[m.end():m.end() + 1]) and sample_text[:m.start()].endswith(("\n  ", "\n")):
            continue  # a heading's section number: kept as the block marker
        assert any(a <= m.start() and m.end() <= b for a, b in spans), m.group(0)


def test_separators_hold_only_whitespace_and_markers(sample_text):
    doc = segment_text(sample_text)
    for sep in doc.separators:
        assert is_blank(re.sub(r"(?m)[■□]|^\s*\d{1,2}(?=\s)", "", sep)), repr(sep)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("增长5.2%。总量126.06万亿元。", ["增长5.2%。", "总量126.06万亿元。"]),
        ("他说:“好。”然后走了。", ["他说:“好。”", "然后走了。"]),
        ("会议于2024-03-07 11:12开始。下一句", ["会议于2024-03-07 11:12开始。", "下一句"]),
        ("方案(2021—2023年)已完成;另一项完成", ["方案(2021—2023年)已完成;", "另一项完成"]),
        ("真的吗?是的!好……", ["真的吗?", "是的!", "好……"]),
        ("第一句. 第二句", ["第一句.", "第二句"]),
        ("价格3.5元. 完", ["价格3.5元.", "完"]),
        ("版本4.0发布", ["版本4.0发布"]),
        ("（括号里。）后面", ["（括号里。）", "后面"]),
        ("𠀀字在BMP之外。下一句", ["𠀀字在BMP之外。", "下一句"]),
    ],
)
def test_sentence_splitting_edge_cases(text, expected):
    # prefix a paragraph so the first line is not taken as the title
    doc = segment_text("标题\n" + text)
    assert [s.text for s in doc.segments[1:]] == expected


def test_nbsp_fullwidth_and_zero_width_are_normalised_for_the_model():
    doc = segment_text("标题\n\u00a0\u00a0ＲＣＥＰ\u200b合作\u00a0增长２８．３％。\u3000")
    seg = doc.segments[1]
    assert seg.text == "RCEP合作 增长28.3%。"
    assert seg.raw == "ＲＣＥＰ\u200b合作\u00a0增长２８．３％。"


def test_kinds_of_special_lines():
    text = "标题\n来源:某报 发布时间:2024-01-01\n■图为现场。 张三 摄\n□北 宣\n记者:君君\n一、总体情况\n3 第三部分标题\n正文。"
    doc = segment_text(text)
    assert [b.kind for b in doc.blocks] == ["title", "meta", "caption", "byline", "byline", "heading", "heading", "paragraph"]
    caption = [s.text for s in doc.segments if s.kind == "caption"]
    assert caption == ["图为现场。", "张三 摄"]


def test_crlf_and_blank_lines():
    doc = segment_text("标题\r\n\r\n第一段。\r\n \u00a0\r\n第二段。")
    assert [s.text for s in doc.segments] == ["标题", "第一段。", "第二段。"]
    assert doc.rebuild() == "标题\r\n\r\n第一段。\r\n \u00a0\r\n第二段。"


CHARS = st.sampled_from(list("市北区增长了。！？；;!?,.:“”（）()0123456789万亿% \u00a0\u3000\n\r\t\u200bＲＣＥＰ■□𠀀"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=CHARS, max_size=200))
def test_offsets_rebuild_any_text_exactly(text):
    doc = segment_text(text)
    assert doc.rebuild() == text
    for seg in doc.segments:
        assert text[seg.start:seg.end] == seg.raw
        assert seg.text.strip()
    # nothing but whitespace and block markers is left outside segments
    outside = "".join(doc.separators)
    assert is_blank(re.sub(r"[■□0-9]", "", outside))
