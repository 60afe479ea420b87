"""Review state (translator.review) and the review routes of `translator serve` (a real server, real HTTP)."""

from __future__ import annotations

import re
import shutil
import time

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from translator.errors import InputError
from translator.glossary.editing import GlossaryConflictError
from translator.memory import TranslationMemory
from translator.results import Signature
from translator.review import Reviewer, ReviewNotFound, ReviewStore, check_english
from translator.segmentation import segment_text
from translator.translation.rounds import assemble

from .conftest import ROOT
from .server_helpers import start_server

TEXT = "经济概况\n全社会研发投入突破10亿元。\n市北区经济稳步发展。\n"


def translated(text: str, english: dict[str, str]):
    """A document result as the pipeline stores it, with the given English (checked as the pipeline checks)."""
    doc = segment_text(text, "report.txt")
    results = {}
    for seg in doc.segments:
        target = english.get(seg.text, "Something else.")
        checked = check_english(seg.text, target, None)
        results[seg.text] = {"target": target, "flags": [f.__dict__ for f in checked.flags], "terms": [],
                             "pieces": 1, "cached": False}
    return assemble(doc, results, Signature("0", "tiny", "ct2", 1))


@pytest.fixture
def reviewer(tmp_path):
    glossary = tmp_path / "glossary.tsv"
    shutil.copy(ROOT / "glossary" / "zh-en.tsv", glossary)
    tm = tmp_path / "tm.sqlite3"
    TranslationMemory(tm).close()
    store = ReviewStore(tmp_path / "state")
    r = Reviewer(store, [str(glossary)], memory=str(tm))
    doc = store.create("report.txt", TEXT.encode("utf-8"), owner="key-a")
    store.save_result(doc.id, translated(TEXT, {"全社会研发投入突破10亿元。": "R&D investment exceeded 2 billion yuan."}))
    r.doc_id = doc.id
    r.tmp = tmp_path
    return r


def test_editing_rechecks_confirming_fills_the_memory_and_state_survives_a_restart(reviewer, tmp_path):
    rows = reviewer.rows(reviewer.doc_id, "key-a")
    assert [r["source"] for r in rows] == ["经济概况", "全社会研发投入突破10亿元。", "市北区经济稳步发展。"]
    assert rows[0]["kind"] == "heading" or rows[0]["kind"] == "title"
    assert any(f["check"] == "number" for f in rows[1]["flags"])
    seg = reviewer.edit(reviewer.doc_id, 1, "key-a", english="R&D investment exceeded 1 billion yuan.")
    assert not any(f.check == "number" for f in seg.flags) and seg.edited and not seg.confirmed
    seg = reviewer.edit(reviewer.doc_id, 1, "key-a", confirmed=True)
    assert seg.confirmed
    with TranslationMemory(tmp_path / "tm.sqlite3", read_only=True) as memory:
        unit = memory.exact("全社会研发投入突破10亿元。")
    assert unit.target == "R&D investment exceeded 1 billion yuan." and unit.origin == "review"
    assert "key-a" not in unit.approved_by  # the key itself is never recorded
    # editing again takes the confirmation back; a new store on the same folder sees everything
    reviewer.edit(reviewer.doc_id, 2, "key-a", english="Shibei's economy grew.")
    again = Reviewer(ReviewStore(tmp_path / "state"), reviewer.glossaries, memory=reviewer.memory)
    rows = again.rows(reviewer.doc_id, "key-a")
    assert rows[1]["confirmed"] and rows[1]["english"] == "R&D investment exceeded 1 billion yuan."
    assert rows[2]["english"] == "Shibei's economy grew." and not rows[2]["confirmed"]
    assert rows[1]["matches"][0]["percent"] == 100


def test_a_new_number_flag_appears_when_an_edit_drops_the_number(reviewer):
    seg = reviewer.edit(reviewer.doc_id, 1, english="R&D investment exceeded one figure.")
    assert [f.severity for f in seg.flags if f.check == "number"] == ["error"]


def test_confirming_without_a_memory_records_the_state_only(tmp_path):
    store = ReviewStore(tmp_path / "state")
    r = Reviewer(store, use_glossary=False)
    doc = store.create("a.txt", TEXT.encode("utf-8"))
    store.save_result(doc.id, translated(TEXT, {}))
    assert r.edit(doc.id, 0, confirmed=True).confirmed
    assert store.segment(doc.id, 0).confirmed
    with pytest.raises(InputError, match="empty English"):
        r.edit(doc.id, 1, english=" ", confirmed=True)


def test_download_applies_the_edits_in_every_format(reviewer):
    reviewer.edit(reviewer.doc_id, 1, english="R&D investment exceeded 1 billion yuan.", confirmed=True)
    path, name = reviewer.download(reviewer.doc_id)
    assert name == "report.en.txt" and "R&D investment exceeded 1 billion yuan." in path.read_text("utf-8")
    for fmt in ("xliff", "tmx", "json"):
        path, name = reviewer.download(reviewer.doc_id, fmt)
        assert "R&amp;D investment exceeded 1 billion yuan." in path.read_text("utf-8") or \
            "R&D investment exceeded 1 billion yuan." in path.read_text("utf-8")
    xliff = reviewer.download(reviewer.doc_id, "xliff")[0].read_text("utf-8")
    assert re.search(r'<trans-unit[^>]*id="s2"[^>]*approved="yes"', xliff)  # confirmed into the memory
    with pytest.raises(Exception, match="valid formats"):
        reviewer.download(reviewer.doc_id, "docx")


def test_a_term_from_the_page_is_validated_written_and_marks_segments_for_recheck(reviewer):
    glossary = reviewer.tmp / "glossary.tsv"
    added = reviewer.add_term(reviewer.doc_id, "稳步发展", "steady development")
    assert added.outcome == "added" and "稳步发展\tsteady development" in glossary.read_text("utf-8")
    assert [s.index for s in added.rechecked] == [2]
    seg = reviewer.store.segment(reviewer.doc_id, 2)
    assert seg.recheck and any(f.check == "term_missing" and "steady development" in f.message for f in seg.flags)
    before = glossary.read_bytes()
    with pytest.raises(GlossaryConflictError, match="already listed"):
        reviewer.add_term(reviewer.doc_id, "稳步发展", "stable growth")
    with pytest.raises(InputError, match="line break"):
        reviewer.add_term(reviewer.doc_id, "新词", "two\nlines")
    assert glossary.read_bytes() == before  # nothing written on error
    assert reviewer.edit(reviewer.doc_id, 2, confirmed=True).recheck is False


def test_documents_are_private_to_their_key_and_ids_are_unguessable(tmp_path):
    store = ReviewStore(tmp_path / "state")
    r = Reviewer(store, use_glossary=False, check_owner=True)
    a = store.create("a.txt", TEXT.encode("utf-8"), owner="key-a")
    b = store.create("a.txt", TEXT.encode("utf-8"), owner="key-a")
    assert re.fullmatch(r"[0-9a-f]{32}", a.id) and a.id != b.id
    assert r.document(a.id, "key-a").name == "a.txt"
    for who, doc_id in (("key-b", a.id), (None, a.id), ("key-a", "../../etc"), ("key-a", "0" * 32)):
        with pytest.raises(ReviewNotFound):
            r.document(doc_id, who)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_english_round_trips_through_the_state(tmp_path_factory, english):
    folder = tmp_path_factory.mktemp("state")
    store = ReviewStore(folder)
    doc = store.create("a.txt", TEXT.encode("utf-8"))
    store.save_result(doc.id, translated(TEXT, {}))
    Reviewer(store, use_glossary=False).edit(doc.id, 1, english=english)
    assert ReviewStore(folder).segment(doc.id, 1).english == english


# ------------------------------------------------------------------ the server's routes
@pytest.fixture(scope="module")
def server(tiny_ct2_model, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("review-server")
    (tmp / "keys.txt").write_text("key-a\nkey-b\n", "utf-8")
    shutil.copy(ROOT / "glossary" / "zh-en.tsv", tmp / "glossary.tsv")
    srv = start_server(tiny_ct2_model, tmp, "--api-keys", str(tmp / "keys.txt"), "--state-dir", str(tmp / "state"),
                       "-g", str(tmp / "glossary.tsv"))
    yield srv
    assert srv.stop() == 0


def wait_ready(client, doc_id: str, key: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        doc = client.get(f"/v1/review/{doc_id}", params={"api_key": key}).json()
        if doc["status"] != "translating":
            return doc
        time.sleep(0.1)  # polling a condition with a deadline
    raise AssertionError("the document was not translated in 60 s")


def test_the_review_api_keeps_documents_to_their_key(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        up = client.post("/v1/review", data={"api_key": "key-a"},
                         files={"file": ("report.txt", TEXT.encode("utf-8"), "text/plain")})
        assert up.status_code == 202, up.text
        doc = wait_ready(client, up.json()["id"], "key-a")
        assert doc["status"] == "ready" and doc["memory"] is False and doc["formats"][0] == "txt"
        doc_id = doc["id"]
        other = client.get(f"/v1/review/{doc_id}/segments", params={"api_key": "key-b"})
        assert other.status_code == 404 and set(other.json()) == {"error"}
        assert client.get(f"/v1/review/{doc_id}").status_code == 400  # no key
        assert client.get(f"/v1/review/{doc_id}", params={"api_key": "nope"}).status_code == 403
        rows = client.get(f"/v1/review/{doc_id}/segments", params={"api_key": "key-a"}).json()["segments"]
        assert len(rows) == 3 and rows[1]["source"] == "全社会研发投入突破10亿元。"
        put = client.put(f"/v1/review/{doc_id}/segments/1", params={"api_key": "key-a"},
                         json={"english": "R&D investment exceeded 1 billion yuan.", "confirmed": True})
        assert put.status_code == 200 and put.json()["confirmed"] and put.json()["flags"] == []
        assert client.put(f"/v1/review/{doc_id}/segments/9", params={"api_key": "key-a"},
                          json={"confirmed": True}).status_code == 404
        assert client.put(f"/v1/review/{doc_id}/segments/x", params={"api_key": "key-a"}, json={}).status_code == 400
        assert client.put(f"/v1/review/{doc_id}/segments/1", params={"api_key": "key-a"},
                          json={"confirmed": "yes"}).status_code == 400
        conflict = client.post(f"/v1/review/{doc_id}/glossary", params={"api_key": "key-a"},
                               json={"source": "市北区", "target": "North City"})
        assert conflict.status_code == 400 and "already listed" in conflict.json()["error"]
        assert "/" not in conflict.json()["error"].split(":")[0]  # the file's name, not its place on the server
        added = client.post(f"/v1/review/{doc_id}/glossary", params={"api_key": "key-a"},
                            json={"source": "稳步攀升", "target": "climbed steadily"})
        assert added.status_code == 200, added.text
        fresh = client.post("/v1/translate", params={"api_key": "key-a"}, json={"text": "产值稳步攀升。"}).json()
        assert "稳步攀升" in [t["source"] for s in fresh["segments"] for t in s["terms"]]  # no restart needed
        down = client.get(f"/v1/review/{doc_id}/download", params={"api_key": "key-a", "format": "json"})
        assert down.status_code == 200 and "R&D investment exceeded 1 billion yuan." in down.text
        assert client.get(f"/v1/review/{doc_id}/download", params={"api_key": "key-b"}).status_code == 404
        bad = client.post("/v1/review", data={"api_key": "key-a"}, files={"file": ("x.exe", b"MZ", "x")})
        assert bad.status_code == 400 and "not supported" in bad.json()["error"]
        assert client.get("/v1/review/" + "0" * 32, params={"api_key": "key-a"}).status_code == 404


def test_the_page_is_static_with_a_strict_content_security_policy(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page.text, re.S)
        assert scripts == [""]  # one script, by src: nothing inline
        assert not re.search(r"\son\w+=", page.text)  # no inline handlers
        assert "http://" not in page.text and "https://" not in page.text  # nothing fetched from elsewhere
        js = client.get("/static/review.js")
        assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
        assert "innerHTML" not in js.text.replace("never innerHTML", "") and "insertAdjacentHTML" not in js.text
        assert client.get("/static/../config.py").status_code == 404
        assert client.get("/static/index.html").status_code == 404
        assert client.get("/review/" + "0" * 32).status_code == 200  # the page; the document is asked for by id
        checked = client.post("/v1/check", json={"source": "全社会研发投入突破10亿元。", "target": "It grew.",
                                                 "api_key": "key-a"}).json()
        assert any(f["check"] == "number" for f in checked["flags"])
        spec = client.get("/spec").json()
        assert {"/", "/v1/check", "/v1/review", "/v1/review/{doc_id}/segments/{index}",
                "/v1/review/{doc_id}/glossary", "/v1/review/{doc_id}/download"} <= set(spec["paths"])


def test_translator_review_uploads_the_file_and_prints_its_page(tiny_ct2_model, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    src = tmp_path / "report.txt"
    src.write_text(TEXT, "utf-8")
    env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSLATOR_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "translator", "review", str(src), "--no-browser", "--model",
                             str(tiny_ct2_model), "--state-dir", str(tmp_path / "state")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()  # the page's URL, printed once the file is uploaded
        found = re.fullmatch(r"(http://127\.0\.0\.1:\d+/)review/([0-9a-f]{32})\s*", line)
        assert found, line + proc.stderr.read() if proc.poll() is not None else line
        with httpx.Client(base_url=found.group(1), timeout=60) as client:
            assert client.get(f"/review/{found.group(2)}").status_code == 200
            doc = client.get(f"/v1/review/{found.group(2)}").json()
            assert doc["name"] == "report.txt"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert (tmp_path / "state" / "review.sqlite3").exists()
