"""The review page in a real browser (Debian's chromium driven by Playwright) against a real `translator serve`.

One reviewer's session, step by step: translate a Word file, filter to flagged, fix a number so its flag
clears, confirm with Ctrl+Enter (the memory gets the pair), add a glossary term from selections, download
the .docx, reload, restart the server, and markup in an English shown as text. No browser is downloaded:
the system's /usr/bin/chromium is used (CI installs it; elsewhere the test is skipped without it).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT
from .server_helpers import start_server

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
FIXED = "Total R&D investment exceeded 1 billion yuan."


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI installs Debian's chromium")
        pytest.skip(f"no {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("经济概况", 1)
    d.add_paragraph("全社会研发投入突破10亿元。")
    d.add_paragraph("市北区经济稳步发展。")
    d.save(path)
    return path


def test_review_a_document_in_the_browser(browser, tiny_ct2_model, tmp_path):
    from playwright.sync_api import expect

    from translator.memory import TranslationMemory

    glossary = tmp_path / "glossary.tsv"
    shutil.copy(ROOT / "glossary" / "zh-en.tsv", glossary)
    tm = tmp_path / "tm.sqlite3"
    TranslationMemory(tm).close()
    state = tmp_path / "state"
    args = ("--tm", str(tm), "--state-dir", str(state), "-g", str(glossary))
    server = start_server(tiny_ct2_model, tmp_path, *args)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # ---- upload: progress, then one row per segment in document order, the heading visible
        page.goto(server.url)
        page.click("#tab-docs")
        page.set_input_files("#file", str(make_docx(tmp_path / "report.docx")))
        page.click("#upload")
        rows = page.locator("#rows-body tr.seg")
        expect(rows.first).to_be_visible(timeout=60_000)
        assert rows.count() >= 3
        assert "kind-heading" in rows.nth(0).get_attribute("class")
        assert rows.nth(1).locator(".zh").text_content() == "全社会研发投入突破10亿元。"
        doc_id = page.url.rsplit("/", 1)[1]
        assert len(doc_id) == 32

        # ---- filter to flagged: the number row is flagged (the random-weight model drops the number)
        page.check("#f-flagged")
        number_row = page.locator('#rows-body tr[data-index="1"]')
        expect(number_row).to_be_visible()
        expect(number_row.locator(".flag .check", has_text="number")).to_have_count(1)

        # ---- edit: the English with the right number clears the number flag (re-checked as typed)
        box = number_row.locator("textarea.english")
        box.fill(FIXED)
        expect(number_row.locator(".flag .check", has_text="number")).to_have_count(0)
        expect(number_row.locator(".preview")).to_have_text(FIXED)

        # ---- Ctrl+Enter confirms (into the memory) and moves to the next segment
        box.press("Control+Enter")
        expect(number_row).to_have_class(_has("confirmed"))
        expect(page.locator('#rows-body tr[data-index="2"] textarea.english')).to_be_focused()
        with TranslationMemory(tm, read_only=True) as memory:
            unit = memory.exact("全社会研发投入突破10亿元。")
        assert unit is not None and unit.target == FIXED and unit.origin == "review"

        # ---- a glossary term from the page: select the Chinese in a row, its English in the box
        term_row = page.locator('#rows-body tr[data-index="2"]')
        term_box = term_row.locator("textarea.english")
        term_box.fill("The economy of Shibei District saw steady development.")
        expect(term_row.locator(".preview")).to_have_text("The economy of Shibei District saw steady development.")
        term_row.locator(".zh").evaluate("""(node) => {
            const text = node.textContent, start = text.indexOf("稳步发展"), range = document.createRange();
            let at = 0;
            for (const t of Array.from(node.childNodes).flatMap(c => c.nodeType === 3 ? [c] : Array.from(c.childNodes))) {
                if (start >= at && start + 4 <= at + t.length) { range.setStart(t, start - at); range.setEnd(t, start - at + 4); }
                at += t.length;
            }
            const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
            node.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
        }""")
        expect(page.locator("#term-source")).to_have_value("稳步发展")
        term_box.evaluate("""(box) => { const s = box.value.indexOf("steady development");
            box.setSelectionRange(s, s + "steady development".length); box.dispatchEvent(new Event("select")); }""")
        expect(page.locator("#term-target")).to_have_value("steady development")
        page.click("#term-add")
        expect(page.locator("#term-status")).to_contain_text("added")
        assert "稳步发展\tsteady development" in glossary.read_text("utf-8")
        expect(term_row).to_have_class(_has("recheck"))
        expect(term_row.locator("mark.term", has_text="稳步发展")).to_have_count(1)
        expect(term_row.locator(".preview mark.term", has_text="steady development")).to_have_count(1)
        # a conflicting term is refused in the page, nothing written
        page.fill("#term-target", "stable growth")
        before = glossary.read_bytes()
        page.click("#term-add")
        expect(page.locator("#term-status")).to_contain_text("already listed")
        assert glossary.read_bytes() == before

        # ---- markup in an English is shown as text: no element is created, the payload never runs
        term_box.fill(XSS)
        expect(term_row.locator(".preview")).to_have_text(XSS)
        assert page.locator("#rows-body img, #rows-body script, #rows-body .preview *").count() == 0
        assert page.evaluate("window.__xss") is None
        term_box.fill("The economy of Shibei District saw steady development.")
        expect(term_row.locator(".preview")).to_have_text("The economy of Shibei District saw steady development.")

        page.screenshot(path=str(tmp_path / "review-page.png"), full_page=True)  # the test's artefact

        # ---- download the .docx: python-docx reads the edit
        with page.expect_download() as found:
            page.click('#downloads a[data-format="docx"]')
        saved = tmp_path / "reviewed.docx"
        found.value.save_as(saved)
        import docx

        texts = [p.text for p in docx.Document(str(saved)).paragraphs]
        assert FIXED in texts and "The economy of Shibei District saw steady development." in texts

        # ---- reload: the state is kept; Alt+N jumps to the next flagged segment; Ctrl+1 takes memory match 1
        page.reload()
        expect(number_row.locator("textarea.english")).to_have_value(FIXED)
        expect(number_row).to_have_class(_has("confirmed"))
        page.locator('#rows-body tr[data-index="0"] textarea.english').focus()
        page.keyboard.press("Alt+n")
        focused = page.evaluate("document.activeElement.closest('tr').dataset.index")
        assert page.locator(f'#rows-body tr[data-index="{focused}"]').get_attribute("class").count("flagged") == 1
        number_box = number_row.locator("textarea.english")
        number_box.fill("something else")
        expect(number_row).not_to_have_class(_has("confirmed"))
        number_box.press("Control+1")
        expect(number_box).to_have_value(FIXED)
        expect(number_row.locator(".match .percent")).to_have_text("100%")
        if os.environ.get("TRANSLATOR_SCREENSHOT"):  # refresh docs/review-page.png
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=os.environ["TRANSLATOR_SCREENSHOT"])

        # ---- restart the server on the same state folder: the review is still there
        assert server.stop() == 0
        server = start_server(tiny_ct2_model, tmp_path, *args)
        page.goto(f"{server.url}review/{doc_id}")
        expect(page.locator('#rows-body tr[data-index="1"] textarea.english')).to_have_value(FIXED)
        expect(page.locator('#rows-body tr[data-index="2"] textarea.english')).to_have_value(
            "The economy of Shibei District saw steady development.")
        assert errors == []
    finally:
        page.close()
        server.stop()


def _has(name: str):
    import re

    return re.compile(rf"(^|\s){name}(\s|$)")
