"""`translator serve` as LibreTranslate's clients use it: a real uvicorn on 127.0.0.1, real client libraries."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from .server_helpers import start_server


@pytest.fixture(scope="module")
def server(tiny_ct2_model, tmp_path_factory):
    srv = start_server(tiny_ct2_model, tmp_path_factory.mktemp("srv"), "--char-limit", "2000", "--batch-limit", "50")
    yield srv
    assert srv.stop() == 0


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


SENTENCES = ["我们加入了RCEP。", "全社会研发投入突破10亿元。", "第二句话。第三句话。", "市北区经济稳步发展。"]


def is_error(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]
    return body["error"]


# ------------------------------------------------------------------ real clients
def test_libretranslatepy_translates_detects_and_lists_languages(server):
    from libretranslatepy import LibreTranslateAPI

    api = LibreTranslateAPI(server.url)
    english = api.translate("全社会研发投入突破10亿元。", "zh", "en")
    assert isinstance(english, str) and english.strip()
    assert not any("\u4e00" <= c <= "\u9fff" for c in english)
    codes = {lang["code"]: lang for lang in api.languages()}
    assert codes["zh"]["targets"] == ["en"] and codes["zh-Hans"]["targets"] == ["en"] and "en" in codes
    assert api.detect("市北区经济稳步发展。")[0]["language"] == "zh"
    assert api.detect("The economy grew.")[0]["language"] == "en"


def test_deep_translator_sends_fields_in_the_query_string(server):
    from deep_translator import LibreTranslator

    tr = LibreTranslator(source="zh", target="en", api_key="any-key-while-keys-are-off", custom_url=server.url)
    english = tr.translate("市北区经济稳步发展。")
    assert isinstance(english, str) and english.strip()
    assert tr.translate_batch(SENTENCES[:2]) and len(tr.translate_batch(SENTENCES[:2])) == 2


def test_weblate_style_json_list_keeps_order_and_repeats(client):
    texts = [SENTENCES[i % len(SENTENCES)] for i in range(20)]
    r = client.post("/translate", json={"api_key": "", "q": texts, "source": "zh", "target": "en"})
    assert r.status_code == 200, r.text
    out = r.json()["translatedText"]
    assert isinstance(out, list) and len(out) == 20 and all(isinstance(t, str) and t.strip() for t in out)
    assert out[0] == out[4] == out[8]  # the same sentence, the same English
    assert "detectedLanguage" not in r.json()
    assert r.headers["x-translator-signature"].startswith("translator:")


def test_mastodon_style_html_list_with_auto_source(client):
    q = ['<p>市北区经济稳步发展。<span translate="no">:blobcat:</span></p>', "第二句话。", ""]
    r = client.post("/translate", json={"q": q, "source": "auto", "target": "en", "format": "html", "api_key": None})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["translatedText"]) == 3
    assert '<span translate="no">:blobcat:</span>' in body["translatedText"][0]
    assert body["translatedText"][0].startswith("<p>") and body["translatedText"][0].endswith("</p>")
    assert not any("\u4e00" <= c <= "\u9fff" for c in body["translatedText"][0])
    assert [d["language"] for d in body["detectedLanguage"]] == ["zh", "zh", "en"]  # detected per item


def test_client_placeholders_are_protected_like_do_not_translate_terms(client):
    """Weblate's [X12X] tokens, printf and brace placeholders: protected, and flagged if the model loses one.

    The random-weight test model rarely copies a protected code, so what is tested is the protection (each
    placeholder is a term use of its own) and that a lost one is never silent; a real model copies them.
    """
    q = ["请点击[X7X]按钮保存%1$s的设置。", "您好{name}，您有{count}条新消息。"]
    docs = client.post("/v1/translate", json={"texts": q}).json()["results"]
    for doc, expected in zip(docs, [{"[X7X]", "%1$s"}, {"{name}", "{count}"}]):
        uses = {t["source"]: t for s in doc["segments"] for t in s["terms"] if t["type"] == "placeholder"}
        assert set(uses) == expected
        english = doc["translation"]
        for text, use in uses.items():
            assert use["satisfied"] == (text in english)
            if text not in english:
                assert any(text in f["message"] for s in doc["segments"] for f in s["flags"])


@pytest.mark.parametrize("code", ["zh", "zh-Hans", "zh-CN", "zh_Hans", "ZH-hans"])
def test_every_chinese_code_clients_send_is_accepted(client, code):
    r = client.post("/translate", data={"q": "第二句话。", "source": code, "target": "en"})
    assert r.status_code == 200 and r.json()["translatedText"].strip()


def test_string_in_string_out_and_multipart_form(client):
    r = client.post("/translate", files={"q": (None, "第二句话。"), "source": (None, "zh"), "target": (None, "en"),
                                         "format": (None, "text"), "alternatives": (None, "3")})
    assert r.status_code == 200, r.text
    assert isinstance(r.json()["translatedText"], str) and r.json()["alternatives"] == []


def test_line_breaks_of_the_source_are_kept(client):
    r = client.post("/translate", json={"q": "标题\n\n第一句话。第二句话。\n第三句。", "source": "zh", "target": "en"})
    english = r.json()["translatedText"]
    assert english.count("\n") == 3 and "\n\n" in english


# ---------------------------------------------------------------------- errors
def test_errors_are_json_with_the_status_clients_read(client):
    assert "missing q" in is_error(client.post("/translate", json={"source": "zh", "target": "en"}), 400)
    assert "missing source" in is_error(client.post("/translate", json={"q": "x", "target": "en"}), 400)
    assert "de is not supported" in is_error(client.post("/translate", json={"q": "test", "source": "en", "target": "de"}), 400)
    assert "source" in is_error(client.post("/translate", json={"q": "x", "source": "en", "target": "zh"}), 400)
    assert "xml format" in is_error(client.post("/translate", json={"q": "x", "source": "zh", "target": "en",
                                                                     "format": "xml"}), 400)
    assert "Invalid JSON" in is_error(client.post("/translate", content=b"[1, 2]",
                                                  headers={"Content-Type": "application/json"}), 400)
    assert "exceeds text limit (2000)" in is_error(client.post("/translate", json={"q": "字" * 2001, "source": "zh",
                                                                                   "target": "en"}), 400)
    assert "exceeds text limit (50)" in is_error(client.post("/translate", json={"q": ["字"] * 51, "source": "zh",
                                                                                 "target": "en"}), 400)
    assert "alternatives" in is_error(client.post("/translate", json={"q": "x", "source": "zh", "target": "en",
                                                                       "alternatives": "many"}), 400)
    is_error(client.get("/translate"), 405)
    is_error(client.get("/no/such/page"), 404)
    assert "Suggestions are disabled" in is_error(client.post("/suggest", json={"q": "你好", "s": "Hello",
                                                                                "source": "zh", "target": "en"}), 403)


def test_download_file_reaches_no_other_path(client):
    for name in ["..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "00000000000000000000000000000000.x.docx", "..", "."]:
        r = client.get(f"/download_file/{name}")
        assert "root:" not in r.text
        # ".." is resolved by the client to "/", the review page
        assert r.status_code in (404, 405) or (r.url.path == "/" and "translator: review" in r.text)


def test_service_endpoints(client, server):
    assert client.get("/health").json()["status"] == "ok"
    settings_ = client.get("/frontend/settings").json()
    assert settings_["language"]["source"]["code"] == "zh" and settings_["charLimit"] == 2000
    assert settings_["suggestions"] is False and ".docx" in settings_["supportedFilesFormat"]
    spec = client.get("/spec").json()
    assert spec["openapi"].startswith("3.") and {"/translate", "/languages", "/detect", "/translate_file",
                                                   "/v1/translate", "/v1/documents", "/v1/glossary"} <= set(spec["paths"])
    cors = client.options("/translate", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    assert cors.headers["access-control-allow-origin"] == "*"
    assert client.post("/languages", data={"api_key": ""}).status_code == 200  # libretranslatepy's GET with a body


def test_v1_translate_gives_segments_flags_terms_and_signature(client):
    r = client.post("/v1/translate", json={"text": "我们加入了RCEP。第二句话。"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["signature"].startswith("translator:") and len(doc["segments"]) == 2
    assert doc["segments"][0]["terms"][0]["source"] == "RCEP"
    assert all({"target", "flags", "terms"} <= set(s) for s in doc["segments"])
    assert isinstance(doc["translation"], str)
    many = client.post("/v1/translate", json={"texts": SENTENCES}).json()
    assert len(many["results"]) == len(SENTENCES)
    glossary = client.get("/v1/glossary").json()
    assert glossary["version"].startswith("sha256:") and any(e["source"] == "RCEP" for e in glossary["entries"])


# ------------------------------------------------------------------- documents
def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("市北区工作报告", 1)
    d.add_paragraph("全社会研发投入突破10亿元。我们加入了RCEP。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_translate_file_then_download_once(client):
    r = client.post("/translate_file", data={"source": "zh", "target": "en"},
                    files={"file": ("报告.docx", _docx_bytes(), "application/octet-stream")})
    assert r.status_code == 200, r.text
    url = r.json()["translatedFileUrl"]
    assert url.startswith(str(client.base_url)) and "/download_file/" in url
    got = client.get(url)
    assert got.status_code == 200
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(got.content)).paragraphs)
    assert text.strip() and "市北区工作报告" not in text
    is_error(client.get(url), 404)  # removed after download
    assert "not supported" in is_error(client.post("/translate_file", data={"source": "zh", "target": "en"},
                                                   files={"file": ("x.exe", b"MZ", "application/octet-stream")}), 400)
    assert "missing file" in is_error(client.post("/translate_file", data={"source": "zh", "target": "en"}), 400)


def _wait_done(client, url: str) -> dict:
    while True:  # the job ends (done or failed); each poll is a real request
        state = client.get(url).json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.05)


def test_v1_document_job_progress_and_every_format(client):
    md = "# 市北区工作报告\n\n全社会研发投入突破10亿元。\n\n- 我们加入了RCEP。\n".encode()
    r = client.post("/v1/documents", files={"file": ("report.md", md, "text/markdown")})
    assert r.status_code == 202, r.text
    state = _wait_done(client, r.json()["url"])
    assert state["status"] == "done" and state["progress"]["done"] == state["progress"]["total"] > 0
    assert "md" in state["formats"] and "xliff" in state["formats"]
    job = r.json()["id"]
    native = client.get(f"/v1/documents/{job}/download")
    assert native.status_code == 200 and native.content.startswith(b"# ")
    xliff = client.get(f"/v1/documents/{job}/download", params={"format": "xliff"})
    assert b"<xliff" in xliff.content and 'filename="report.en.xlf"' in xliff.headers["content-disposition"]
    result = client.get(f"/v1/documents/{job}/result").json()
    assert result["segments"] and result["signature"].startswith("translator:")
    assert "valid formats" in is_error(client.get(f"/v1/documents/{job}/download", params={"format": "pdf"}), 400)
    assert client.delete(f"/v1/documents/{job}").status_code == 200
    is_error(client.get(f"/v1/documents/{job}"), 404)


def test_a_broken_document_fails_its_job_not_the_server(client):
    r = client.post("/v1/documents", files={"file": ("broken.docx", b"PK\x03\x04 not a zip", "application/octet-stream")})
    state = _wait_done(client, r.json()["url"])
    assert state["status"] == "failed" and "broken.docx" in state["error"] and "translator-serve-" not in state["error"]
    assert client.get("/health").json()["status"] == "ok"


# --------------------------------------------------------------------- fuzzing
_CTYPES = st.sampled_from(["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
                           "multipart/form-data", "text/plain", "", "application/json; charset=latin-1"])
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                     lambda c: st.lists(c, max_size=5) | st.dictionaries(st.sampled_from(
                         ["q", "source", "target", "format", "alternatives", "api_key", "s"]), c, max_size=6), max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/translate", "/detect", "/suggest", "/translate_file", "/v1/translate", "/v1/documents"]),
       ctype=_CTYPES, body=st.one_of(st.binary(max_size=300), _JSON.map(lambda v: json.dumps(v).encode()),
                                    st.just(b"\xff\xfe\x00"), st.just(b"--xyz\r\nContent-Disposition: form-data\r\n")))
def test_malformed_requests_get_4xx_json_and_the_server_stays_up(client, path, ctype, body):
    r = client.post(path, content=body, headers={"Content-Type": ctype} if ctype else {})
    assert r.status_code < 500, (r.status_code, r.text)
    if r.status_code >= 400:
        assert "error" in r.json()


def test_huge_list_and_huge_body_are_refused(client):
    is_error(client.post("/translate", json={"q": ["字"] * 100_000, "source": "zh", "target": "en"}), 400)
    is_error(client.post("/translate", content=b"q=" + b"a" * (11 * 1024 * 1024),
                         headers={"Content-Type": "application/x-www-form-urlencoded"}), 400)
    assert client.get("/health").json()["status"] == "ok"


def test_a_client_that_disconnects_does_not_disturb_others(server, client):
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    body = json.dumps({"q": [f"第{i}句话。" for i in range(40)], "source": "zh", "target": "en"}).encode()
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    r = client.post("/translate", json={"q": SENTENCES, "source": "zh", "target": "en"})
    assert r.status_code == 200 and len(r.json()["translatedText"]) == len(SENTENCES)
    assert client.get("/health").json()["status"] == "ok"


# ------------------------------------------------------- keys, limits, shutdown
def test_api_keys_rate_limit_and_echo_for_weblates_check(tiny_ct2_model, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("# team keys\nsecret-1\nsecret-2  # second\n", "utf-8")
    srv = start_server(tiny_ct2_model, tmp_path, "--api-keys", str(keys), "--req-limit", "3", "--echo-unsupported")
    try:
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            ok = {"q": "第二句话。", "source": "zh", "target": "en"}
            assert c.post("/translate", json=ok | {"api_key": "secret-1"}).status_code == 200
            assert "Invalid API key" in is_error(c.post("/translate", json=ok | {"api_key": "wrong"}), 403)
            assert "API key" in is_error(c.post("/translate", json=ok), 400)
            assert c.post("/translate", json=ok | {"api_key": "secret-1"}).status_code == 200
            assert c.post("/translate", json=ok | {"api_key": "secret-1"}).status_code == 200
            assert "Slowdown: 3 per 1 minute" in is_error(c.post("/translate", json=ok | {"api_key": "secret-1"}), 429)
            assert c.post("/translate", json=ok | {"api_key": "secret-2"}).status_code == 200  # per key
            assert c.get("/frontend/settings").json()["keyRequired"] is True
            # Weblate's settings check: "test" en->de, echoed and marked as untranslated
            check = c.post("/translate", json={"q": ["test"], "source": "en", "target": "de", "api_key": "secret-2"})
            assert check.status_code == 200 and check.json()["translatedText"] == ["test"]
            assert check.headers["x-translator-untranslated"] == "true"
    finally:
        assert srv.stop() == 0


def test_sigterm_finishes_requests_in_flight(tiny_ct2_model, tmp_path):
    srv = start_server(tiny_ct2_model, tmp_path)
    texts = [f"全社会研发投入第{i}次突破{i}亿元。" for i in range(300)]
    answer: list = []

    def send() -> None:
        with httpx.Client(timeout=120) as c:
            answer.append(c.post(srv.url + "translate", json={"q": texts, "source": "zh", "target": "en"}))

    sender = threading.Thread(target=send)
    sender.start()
    with httpx.Client(timeout=30) as c:
        while not (c.get(srv.url + "health").json()["running"] or answer):  # the batch is in the engine
            time.sleep(0.01)
    assert srv.stop() == 0
    sender.join()
    assert answer[0].status_code == 200 and len(answer[0].json()["translatedText"]) == 300


def test_start_up_errors_are_one_line_and_exit_2(tmp_path, tiny_ct2_model, capsys):
    from translator.cli import main

    for args in (["--api-keys", str(tmp_path / "missing.txt"), "--model", str(tiny_ct2_model)],
                 ["--model", str(tmp_path / "no-such-model")]):
        with pytest.raises(SystemExit) as exit_:
            main(["serve", "--port", "0", *args])
        assert exit_.value.code == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("Error: ") and len(err.splitlines()) == 1 and "Traceback" not in err


def test_suggest_stores_the_pair_in_the_memory_and_the_next_request_uses_it(tiny_ct2_model, tmp_path):
    from translator.memory import TranslationMemory

    memory = tmp_path / "team.tm.sqlite"
    TranslationMemory(memory).close()
    srv = start_server(tiny_ct2_model, tmp_path, "--tm", str(memory))
    try:
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            assert c.get("/frontend/settings").json()["suggestions"] is True
            r = c.post("/suggest", data={"q": "市北区经济稳步发展。", "s": "Shibei District's economy grew steadily.",
                                         "source": "zh", "target": "en"})
            assert r.status_code == 200 and r.json() == {"success": True}
            assert "missing s" in is_error(c.post("/suggest", data={"q": "x", "source": "zh", "target": "en"}), 400)
            again = c.post("/v1/translate", json={"text": "市北区经济稳步发展。"}).json()
            assert again["segments"][0]["target"] == "Shibei District's economy grew steadily."
            assert again["segments"][0]["origin"].startswith("memory")
    finally:
        assert srv.stop() == 0
    with TranslationMemory(memory, read_only=True) as tm:
        unit = tm.exact("市北区经济稳步发展。")
        assert unit is not None and unit.origin == "suggest"
