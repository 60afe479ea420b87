"""Documents as people send them: code, English, templates, math and page markup come back intact (issue 26).

Each test builds, here, the construct that broke on real documents (benchmarks/REAL_DOCUMENTS.md) and
checks the promise: HTML source newlines are whitespace, text with no Chinese is copied (never sent to the
model), placeholders and formulas come back verbatim in their place, symbol-only code is never lost, a
superscript never merges with the number before it.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from translator.documents import translate_document
from translator.engines.base import EngineOutput
from translator.glossary.placeholders import find_placeholders, placeholder_patterns
from translator.glossary.protection import TermProtector
from translator.pipeline import Pipeline

from .fake_engine import FakeEngine

CJK = re.compile(r"[\u3400-\u9fff]")


class EchoEngine(FakeEngine):
    """Writes back everything of its input but the Chinese (what a model does with codes, numbers, symbols)."""

    def _translate_batch(self, texts, lengths, settings, hints=None):
        self.calls.append((list(texts), settings))
        outs = []
        for text, n in zip(texts, lengths):
            out = re.sub(r"\s+", " ", CJK.sub(" w ", text)).strip()
            outs.append(EngineOutput(text=out, source_tokens=n, target_tokens=len(out.split()), max_new_tokens=2 * n))
        return outs


def _pipeline(engine=None) -> Pipeline:
    return Pipeline(engine=engine or FakeEngine(), use_glossary=False, use_cache=False)


def _sent(pipe: Pipeline) -> list[str]:
    return [t for texts, _ in pipe.engine.calls for t in texts]


# ------------------------------------------------------------------ 1. HTML source newlines are whitespace
def test_html_source_newlines_are_not_line_breaks(tmp_path):
    """A pretty-printed page: the newlines inside <p> are whitespace; one paragraph, no <br> made up."""
    src = tmp_path / "page.html"
    src.write_text("<html><body>\n  <p>\n    青岛合作。\n    山东企业，<b>研发投入</b>\n    突破。\n  </p>\n"
                   "  <p>第一行。<br>\n    第二行 English\n    words</p>\n"
                   "  <div style=\"white-space: pre-wrap\">青岛。\n山东。</div>\n</body></html>", "utf-8")
    pipe = _pipeline()
    out = translate_document(pipe, src).output.read_text("utf-8")
    assert out.count("<br>") == 2  # the source's own <br>, and the pre-wrap block's newline
    sent = _sent(pipe)
    assert "青岛合作。" in sent and "山东企业，研发投入突破。" in sent  # no space inside a Chinese sentence
    assert "第二行 English words" in sent


# ------------------------------------------------------------------ 2. nothing to translate: copied
def test_text_without_chinese_is_copied_never_sent_and_not_flagged():
    pipe = _pipeline()
    texts = ["SELECT id, name FROM users WHERE id = 1;", '{"code": 0, "msg": "ok"}', "青岛合作", "Abstract: we study X."]
    segs = pipe.translate_segments(texts)
    sent = _sent(pipe)
    assert sent == ["青岛合作"]
    for seg, text in zip(segs, texts):
        if CJK.search(text):
            assert not seg.copied
        else:
            assert seg.target == text and seg.copied and not seg.flags and seg.pieces == 0
    doc = pipe.translate_text("青岛合作。\nprint('hello')\n")
    assert doc.copied == 1 and doc.to_dict()["copied_segments"] == 1


def test_a_cell_that_is_only_inline_code_is_copied(tmp_path):
    src = tmp_path / "options.md"
    src.write_text("| 选项 | 说明 |\n|---|---|\n| `line_number` | 青岛合作 |\n\n$$a^2 + b^2 = c^2$$\n", "utf-8")
    pipe = _pipeline()
    out = translate_document(pipe, src).output.read_text("utf-8")
    assert "| `line_number` |" in out and "$$a^2 + b^2 = c^2$$" in out
    assert not any("line_number" in t or "a^2" in t for t in _sent(pipe))


# ------------------------------------------------------------------ 2b. placeholders and template syntax
@pytest.mark.parametrize("text, expected", [
    ("尊敬的{{ customer.name }}，您好", ["{{ customer.name }}"]),
    ("{% if paid %}已付款{% endif %}", ["{% if paid %}", "{% endif %}"]),
    ("金额为${amount}元，编号%1$s，共{count}件，第{0}项，[X12X]", ["${amount}", "%1$s", "{count}", "{0}", "[X12X]"]),
    ("请输入%s个字符，或%(n)d个", ["%s", "%(n)d"]),
    ("售价$5至$10，增长50%以上", []),  # money and percentages are not placeholders
    ("假设自变量$\\mathbf{x}$和$y$，见 :eqref:`eq_x`", ["$\\mathbf{x}$", "$y$", ":eqref:`eq_x`"]),
    ("如@eq-lstm-forget所示", ["@eq-lstm-forget"]),
    ("邮件a@b.com和@张三", []),
])
def test_find_placeholders(text, expected):
    assert [p.text for p in find_placeholders(text)] == expected


def test_every_placeholder_pattern_matches_its_example():
    assert all(p.regex.fullmatch(p.example) for p in placeholder_patterns())


def test_placeholders_inside_chinese_sentences_come_back_verbatim_and_are_hidden_from_the_model():
    pipe = _pipeline()
    seg = pipe.translate_segments(["尊敬的{{name}}，青岛合作编号%1$s，{% if vip %}山东{% endif %}"])[0]
    for token in ("{{name}}", "%1$s", "{% if vip %}", "{% endif %}"):
        assert token in seg.target
        assert all(token not in t for t in _sent(pipe))  # the model saw a code, not the template syntax
    assert not [f for f in seg.flags if f.check == "placeholder_missing"]


def test_a_placeholder_the_model_drops_is_flagged():
    pipe = _pipeline(FakeEngine(drop_codes=True, drop_latin=True))
    seg = pipe.translate_segments(["尊敬的{{name}}，青岛合作"])[0]
    assert "{{name}}" not in seg.target
    assert [f.details["missing"] for f in seg.flags if f.check == "placeholder_missing"] == [["{{name}}"]]


_TOKENS = st.sampled_from(["{{name}}", "{% if a %}", "${var}", "%1$s", "%d", "{count}", "{0}", "[X3X]", "$x^2$"])
_CHINESE = st.text(alphabet="青岛合作山东企业研发投入，。", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_CHINESE, _TOKENS), min_size=1, max_size=5))
def test_protect_restore_round_trip_on_plain_text(parts):
    """On any plain text: every placeholder is hidden behind a code, and put back exactly by restore."""
    text = "".join(c + t for c, t in parts)
    protector = TermProtector(None, lambda s: s.isascii() and s.isalpha() and s.isupper())
    protected = protector.protect(text, "placeholder")
    assert protected.strategy == "placeholder"
    for _c, token in parts:
        assert token not in protected.text
    echoed = CJK.sub(" ", protected.text)  # a model that drops the Chinese and keeps the codes
    restored = TermProtector.restore(echoed, protected)
    for _c, token in parts:
        assert restored.count(token) >= sum(1 for _x, t in parts if t == token)


# ------------------------------------------------------------------ 3. math and directive roles in Markdown
def test_markdown_math_and_roles_are_kept_verbatim(tmp_path):
    """A d2l/MyST chapter: formulas with * and _ (which Markdown would read as emphasis) and roles."""
    src = tmp_path / "chapter.md"
    text = ("# 线性回归\n:label:`sec_linear_regression`\n\n"
            "在训练模型时，寻找一组参数（$\\mathbf{w}^*, b^*$），\n见 :eqref:`eq_mse`和 :numref:`fig_x`。\n\n"
            "$$L(\\mathbf{w}, b) = \\frac{1}{n}\\sum_{i=1}^n l^{(i)}(\\mathbf{w}, b).$$\n:eqlabel:`eq_mse`\n")
    src.write_text(text, "utf-8")
    pipe = _pipeline()
    out = translate_document(pipe, src).output.read_text("utf-8")
    for kept in ("$\\mathbf{w}^*, b^*$", ":eqref:`eq_mse`", ":numref:`fig_x`", ":label:`sec_linear_regression`",
                 "$$L(\\mathbf{w}, b) = \\frac{1}{n}\\sum_{i=1}^n l^{(i)}(\\mathbf{w}, b).$$\n:eqlabel:`eq_mse`"):
        assert kept in out
    assert "\\*" not in out and "\\_" not in out
    assert all("mathbf" not in t and "eq_mse" not in t for t in _sent(pipe))


def test_markdown_soft_break_inside_a_chinese_sentence_is_not_a_space(tmp_path):
    src = tmp_path / "soft.md"
    src.write_text("青岛合作，\n山东企业。\nEnglish words\nwrapped here的句子。\n", "utf-8")
    pipe = _pipeline()
    translate_document(pipe, src)
    assert any("青岛合作，山东企业。" in t for t in _sent(pipe))
    assert any("English words wrapped here" in t for t in _sent(pipe))


# ------------------------------------------------------------------ 4. symbol-only code and links
def test_symbol_only_code_and_permalinks_are_kept(tmp_path):
    src = tmp_path / "doc.html"
    src.write_text('<html><body><h1>青岛合作<a class="headerlink" href="#h" title="x">¶</a></h1>'
                   "<p>山东企业依赖对<code>+</code>的调用和<code>..</code>。</p></body></html>", "utf-8")
    pipe = _pipeline()
    result = translate_document(pipe, src)
    out = result.output.read_text("utf-8")
    assert '<a class="headerlink" href="#h" title="x">¶</a></h1>' in out
    assert "<code>+</code>" in out and "<code>..</code>" in out
    heading = result.result.segments[0]
    assert not heading.flags  # the permalink closed the heading and still does: placed, nothing lost


def test_symbol_only_inline_code_in_markdown_is_kept(tmp_path):
    src = tmp_path / "doc.md"
    src.write_text("我们将依赖对`+`的调用和`__`。\n", "utf-8")
    out = translate_document(_pipeline(), src).output.read_text("utf-8")
    assert "`+`" in out and "`__`" in out


# ------------------------------------------------------------------ 5. superscripts
def test_html_superscript_does_not_merge_with_the_number_before(tmp_path):
    src = tmp_path / "sci.html"
    src.write_text("<html><body><p>细胞数量达到5×10<sup>6</sup>个，面积为3 m<sup>2</sup>。</p></body></html>", "utf-8")
    pipe = _pipeline(EchoEngine())
    result = translate_document(pipe, src)
    assert any("5×10^6" in t for t in _sent(pipe)) and not any("106" in t for t in _sent(pipe))
    out = result.output.read_text("utf-8")
    assert "10<sup>6</sup>" in out and "^" not in out
    assert "m<sup>2</sup>" in out and "m2" not in out  # after a letter: no exponent mark, placed on the English


def test_word_superscript_does_not_merge_with_the_number_before(tmp_path):
    docx = pytest.importorskip("docx")
    src = tmp_path / "sci.docx"
    d = docx.Document()
    p = d.add_paragraph("细胞数量达到5×10")
    p.add_run("6").font.superscript = True
    p.add_run("个。")
    d.save(src)
    pipe = _pipeline(EchoEngine())
    result = translate_document(pipe, src)
    assert any("5×10^6" in t for t in _sent(pipe))
    xml = zipfile.ZipFile(result.output).read("word/document.xml").decode()
    assert "^" not in xml and re.search(r'<w:vertAlign w:val="superscript"/>.*?<w:t[^>]*>6</w:t>', xml)


# ------------------------------------------------------------------ 7. links kept, or visibly accounted for
def test_navigation_bar_keeps_every_link(tmp_path):
    src = tmp_path / "nav.html"
    src.write_text('<html><body><div class="nav">\n  <a href="/a">青岛</a> |\n  <a href="/b">山东</a>\n'
                   '  [<a href="/c">合作</a>]</div>\n<p>下一页：<a href="/p2">2</a> <a href="/p3">3</a></p></body></html>',
                   "utf-8")
    result = translate_document(_pipeline(), src, notes=False)
    out = result.output.read_text("utf-8")
    assert '<a href="/a">Qingdao</a> |' in out and '<a href="/b">Shandong</a>' in out
    assert '[<a href="/c">cooperation</a>]' in out
    assert out.count("<a ") == 5


def test_a_link_the_english_has_no_place_for_stays_visible(tmp_path):
    src = tmp_path / "links.html"
    src.write_text('<html><body><p>请看<a href="/only">青岛合作</a>的报告。</p>'
                   '<p>详见<a href="/one">青岛</a>和<a href="/two">山东企业</a>及其他。</p></body></html>', "utf-8")
    engine = FakeEngine(drop_latin=True)
    result = translate_document(_pipeline(engine), src, notes=False)
    out = result.output.read_text("utf-8")
    assert out.count("<a ") == 3  # none silently dropped
    for seg in result.result.segments:
        lost = [f for f in seg.flags if f.check == "formatting_lost"]
        for span in (lost[0].details["spans"] if lost else []):
            assert span["kept_as"]  # each lost link says where it went


# ------------------------------------------------------------------ 8. smaller
def test_html_doctype_comments_and_aria_label_are_kept_or_translated(tmp_path):
    doctype = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
               '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')
    src = tmp_path / "old.html"
    src.write_text(doctype + '\n<!-- saved from url=(0014)about:internet -->\n<html><body>'
                   '<button aria-label="青岛合作">x</button><p>山东企业。</p></body></html>', "utf-8")
    out = translate_document(_pipeline(), src).output.read_text("utf-8")
    assert out.startswith(doctype + "\n<!-- saved from url=(0014)about:internet -->\n<html")
    assert 'aria-label="Qingdao cooperation"' in out


def test_a_tab_inside_a_line_is_kept(tmp_path):
    """Typed list numbers (``1.⇥``) and form columns: the tab is layout, kept where it was."""
    docx = pytest.importorskip("docx")
    src = tmp_path / "list.docx"
    d = docx.Document()
    d.add_paragraph("1.\t青岛合作。")
    d.add_paragraph("姓名：\t山东企业")
    d.save(src)
    pipe = _pipeline()
    result = translate_document(pipe, src)
    xml = zipfile.ZipFile(result.output).read("word/document.xml").decode()
    assert re.search(r"<w:t[^>]*>1\.</w:t>.*?<w:tab/>.*?Qingdao cooperation", xml)
    assert xml.count("<w:tab/>") == 2
    assert "1." not in " ".join(_sent(pipe))  # the number alone has nothing to translate


def test_word_document_title_is_translated(tmp_path):
    docx = pytest.importorskip("docx")
    src = tmp_path / "titled.docx"
    d = docx.Document()
    d.core_properties.title = "青岛合作"
    d.core_properties.author = "山东"  # a name: kept
    d.add_paragraph("山东企业。")
    d.save(src)
    out = translate_document(_pipeline(), src).output
    props = docx.Document(str(out)).core_properties
    assert props.title == "Qingdao cooperation" and props.author == "山东"


def test_no_sentence_ends_inside_inline_code_or_a_formula(tmp_path):
    src = tmp_path / "code.md"
    src.write_text("当`a != b`时返回真，阶乘$n!$也一样。\n", "utf-8")
    result = translate_document(_pipeline(), src)
    assert len(result.result.segments) == 1
    out = result.output.read_text("utf-8")
    assert "`a != b`" in out and "$n!$" in out


def test_a_citation_superscript_is_kept_at_the_end_of_its_sentence(tmp_path):
    src = tmp_path / "cite.html"
    src.write_text("<html><body><p>青岛合作研究<sup>[1]</sup>。山东企业<sup>[2-3]</sup>合作。</p></body></html>", "utf-8")
    result = translate_document(_pipeline(FakeEngine(drop_latin=True)), src)
    out = result.output.read_text("utf-8")
    assert "<sup>[1]</sup>" in out and "<sup>[2-3]</sup>" in out
    first, second = result.result.segments
    assert not first.flags  # it closed the sentence and still does
    assert any(f.check == "formatting_lost" for f in second.flags)  # mid-sentence: moved to the end, said so


# ------------------------------------------------------------------ 6. PDF paragraphs and tables
def _probe_pdf(path):
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(400, 600), invariant=1)
    c.setFont("STSong-Light", 12)
    y = 550
    c.drawString(64, y, "青岛市北区全年新增国家级瞪羚企业五家，研发投入突破")
    y -= 18
    first = "十亿元。我们使用"
    w1 = pdfmetrics.stringWidth(first, "STSong-Light", 12)
    c.drawString(40, y, first)
    c.setFont("Courier", 11)  # inline code in a monospace face, sitting 4pt lower
    c.drawString(40 + w1, y - 4, "numpy")
    c.setFont("STSong-Light", 12)
    c.drawString(40 + w1 + pdfmetrics.stringWidth("numpy", "Courier", 11), y, "库计算结果，并与山东企业深化区域经贸合")
    y -= 18
    c.drawString(40, y, "作。")
    y -= 30
    top = y
    for a, b in (("指标", "数值"), ("研发投入", "10亿元"), ("企业数量", "5家")):
        c.drawString(50, y - 14, a)
        c.drawString(170, y - 14, b)
        y -= 20
    for i in range(4):
        c.line(40, top - 20 * i, 300, top - 20 * i)
    for x in (40, 160, 300):
        c.line(x, top, x, top - 60)
    c.drawString(64, y - 30, "表格之后的段落。")
    y -= 70
    c.drawString(64, y, "青岛企业的研发投入突破十亿元，主要用于人工智能和机器学")  # a full line
    y -= 18
    c.drawString(40, y, "我们用")  # the next full line is mostly Latin in a smaller face
    w0 = pdfmetrics.stringWidth("我们用", "STSong-Light", 12)
    c.setFont("Helvetica", 9)
    latin = "TensorFlow and PyTorch frameworks for the training of larger deep"
    c.drawString(40 + w0, y, latin)
    c.setFont("STSong-Light", 12)
    c.drawString(40 + w0 + pdfmetrics.stringWidth(latin, "Helvetica", 9), y, "模型和")
    y -= 18
    c.drawString(40, y, "算法的研究。")
    c.showPage()
    c.setFont("STSong-Light", 12)  # another page, another left margin: not an indented first line
    c.drawString(80, 550, "第二页的页边距不同，这一行很长很长很长很长很长很长")
    c.drawString(80, 532, "接着上一行继续的句子在这里结束。")
    c.save()
    return path


def test_pdf_sentences_are_not_cut_at_font_or_page_layout_and_tables_are_read_by_cell(tmp_path):
    from translator.documents.registry import open_document

    parsed = open_document(_probe_pdf(tmp_path / "report.pdf"))
    texts = [u.text for u in parsed.units]
    assert "青岛市北区全年新增国家级瞪羚企业五家，研发投入突破十亿元。我们使用numpy库计算结果，并与山东企业深化区域经贸合作。" in texts
    assert ["指标", "数值", "研发投入", "10亿元", "企业数量", "5家"] == [t for t in texts if len(t) <= 5]
    assert "第二页的页边距不同，这一行很长很长很长很长很长很长接着上一行继续的句子在这里结束。" in texts
    assert ("青岛企业的研发投入突破十亿元，主要用于人工智能和机器学我们用TensorFlow and PyTorch frameworks for the training of "
            "larger deep模型和算法的研究。") in texts
    assert all(u.kind == "paragraph" for u in parsed.units)

    docx = pytest.importorskip("docx")
    out = translate_document(_pipeline(), tmp_path / "report.pdf").output
    table = docx.Document(str(out)).tables[0]
    assert len(table.rows) == 3 and len(table.columns) == 2
    assert table.cell(1, 0).text == "R&D investment"


def test_pdf_table_written_as_markdown_table(tmp_path):
    src = _probe_pdf(tmp_path / "report.pdf")
    out = translate_document(_pipeline(), src, tmp_path / "report.en.md", "md", notes=False).output.read_text("utf-8")
    lines = out.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("| "))
    assert lines[at + 1] == "| --- | --- |" and lines[at + 2] == "| R&D investment | 10 hundred million yuan |"
    assert lines[at + 4] == ""  # the paragraph after the table is not absorbed by it


def test_quarto_cross_references_citations_and_attributes_are_kept(tmp_path):
    src = tmp_path / "thesis.md"
    src.write_text("如@eq-lstm-forget所示，参见[@cho2014; @hochreiter1997]和表@tbl-data。\n\n"
                   "$$\nf_t = \\sigma(W_f x_t + b_f)\n$$ {#eq-lstm-forget}\n", "utf-8")
    pipe = _pipeline()
    out = translate_document(pipe, src).output.read_text("utf-8")
    for kept in ("@eq-lstm-forget", "[@cho2014; @hochreiter1997]", "@tbl-data",
                 "$$\nf_t = \\sigma(W_f x_t + b_f)\n$$ {#eq-lstm-forget}"):
        assert kept in out
    assert "\\[@" not in out


def test_code_paragraphs_in_word_and_html_are_kept_byte_for_byte(tmp_path):
    docx = pytest.importorskip("docx")
    src = tmp_path / "api.docx"
    d = docx.Document()
    d.add_paragraph("请求示例：")
    d.add_paragraph('{\n    "action":  "StopInstances",')
    d.add_paragraph("    return  x  +  1")
    d.save(src)
    before = zipfile.ZipFile(src).read("word/document.xml").decode()
    out = translate_document(_pipeline(), src).output
    after = zipfile.ZipFile(out).read("word/document.xml").decode()
    for code in ('"action":  "StopInstances",', "    return  x  +  1"):
        assert code in before and code in after
    page = tmp_path / "api.html"
    page.write_text('<html><body><p>请求示例：</p><p class="code">  GET  /iaas/?action=StopInstances\n'
                    '  &amp;zone=pek1</p></body></html>', "utf-8")
    html = translate_document(_pipeline(), page).output.read_text("utf-8")
    assert '<p class="code">  GET  /iaas/?action=StopInstances\n  &amp;zone=pek1</p>' in html


def test_a_formula_with_a_full_width_comma_is_one_formula():
    assert [p.text for p in find_placeholders("注意，$y$是$x_1, x_2， \\ldots, x_n$的函数。")] == [
        "$y$", "$x_1, x_2， \\ldots, x_n$"]
    assert [p.text for p in find_placeholders("。${var}。${var}")] == ["${var}", "${var}"]


def test_links_wrapped_in_spans_side_by_side_keep_every_link(tmp_path):
    src = tmp_path / "box.html"
    src.write_text('<html><body><div class="r_title"> <span><a href="/shop">青岛合作</a></span>'
                   '<a href="/more" class="more">山东</a></div></body></html>', "utf-8")
    out = translate_document(_pipeline(FakeEngine(drop_latin=True)), src).output.read_text("utf-8")
    assert '<span><a href="/shop">Qingdao cooperation</a></span><a href="/more" class="more">Shandong</a>' in out


def test_a_cached_result_from_before_placeholder_protection_is_not_reused(tmp_path):
    """The cache key of a segment holding a placeholder carries the pattern list's version."""
    from translator.translation.cache import cache_key
    from translator.translation.rounds import placeholder_context

    assert placeholder_context("青岛合作") == ""
    assert placeholder_context("尊敬的{{name}}") != ""
    assert cache_key("尊敬的{{name}}", "ctx") != cache_key("尊敬的{{name}}", "ctx" + placeholder_context("尊敬的{{name}}"))


def test_markdown_inline_code_comes_back_in_its_place(tmp_path):
    src = tmp_path / "code.md"
    src.write_text("青岛合作依赖`numpy.dot`和山东企业。\n", "utf-8")
    pipe = _pipeline()
    result = translate_document(pipe, src)
    out = result.output.read_text("utf-8")
    assert "Qingdao cooperation `numpy.dot` Shandong enterprises" in out
    assert all("numpy" not in t for t in _sent(pipe))  # the model saw a code, not the code span
    assert not result.result.segments[0].flags
