"""Cross-request batching, the bounded queue and engine failures, in-process on the real tiny model."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from translator import Pipeline
from translator.server import ServerConfig, create_app
from translator.server.batcher import Batcher, Overloaded


@pytest.fixture(scope="module")
def pipeline(tiny_ct2_model, tmp_path_factory):
    return Pipeline(model=str(tiny_ct2_model), cache_path=str(tmp_path_factory.mktemp("c") / "cache.sqlite"))


class Gate:
    """The real ``translate_texts``, held at a gate until the test opens it; records every engine call."""

    def __init__(self, pipeline) -> None:
        self.pipeline = pipeline
        self.calls: list[list[str]] = []
        self.entered = threading.Event()
        self.open = threading.Event()

    def __call__(self, texts: list[str]) -> dict:
        self.calls.append(list(texts))
        self.entered.set()
        self.open.wait()
        return self.pipeline.translate_texts(texts)


def test_concurrent_requests_share_one_engine_call(pipeline):
    gate = Gate(pipeline)

    async def scenario():
        batcher = Batcher(gate, queue_limit=1000, batch_texts=256, gather_seconds=0)
        await batcher.start()
        first = asyncio.ensure_future(batcher.translate(["第一句话。"]))
        await asyncio.to_thread(gate.entered.wait)  # the engine is busy with the first request
        rest = [asyncio.ensure_future(batcher.translate([f"第{i}句话。", "重复的句子。"])) for i in range(2, 18)]
        while batcher.stats.queued < 17:  # 16 requests queued: 16 distinct texts + 1 repeated
            await asyncio.sleep(0)
        gate.open.set()
        results = await asyncio.gather(first, *rest)
        await batcher.stop()
        return batcher, results

    batcher, results = asyncio.run(scenario())
    assert len(gate.calls) == 2  # the first request, then the 16 others together
    assert len(gate.calls[1]) == 17 and gate.calls[1].count("重复的句子。") == 1
    assert all(set(r) >= {"重复的句子。"} for r in results[1:])
    assert results[1]["重复的句子。"]["target"] == results[16]["重复的句子。"]["target"]
    assert batcher.stats.requests == 17 and batcher.stats.batches == 2


def test_a_full_queue_refuses_at_once_and_a_cancelled_client_does_not_break_the_batch(pipeline):
    gate = Gate(pipeline)

    async def scenario():
        batcher = Batcher(gate, queue_limit=3, batch_texts=256, gather_seconds=0)
        await batcher.start()
        running = asyncio.ensure_future(batcher.translate(["第一句话。"]))
        await asyncio.to_thread(gate.entered.wait)
        waiting = asyncio.ensure_future(batcher.translate(["第二句话。", "第三句话。"]))
        leaving = asyncio.ensure_future(batcher.translate(["第四句话。"]))
        while batcher.stats.queued < 3:
            await asyncio.sleep(0)
        with pytest.raises(Overloaded, match="busy"):
            await batcher.translate(["第五句话。"])
        leaving.cancel()  # its client went away
        gate.open.set()
        done = await asyncio.gather(running, waiting)
        await batcher.stop()
        return batcher, done

    batcher, done = asyncio.run(scenario())
    assert set(done[1]) == {"第二句话。", "第三句话。"}
    assert gate.calls[1] == ["第二句话。", "第三句话。", "第四句话。"]  # the cancelled request's text stayed in
    assert batcher.stats.refused == 1


async def _asgi(app, method: str, url: str, **kwargs) -> httpx.Response:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, url, **kwargs)


def test_overload_is_a_429_json_answer(pipeline):
    gate = Gate(pipeline)
    app = create_app(pipeline=pipeline, config=ServerConfig(queue_limit=1, gather_seconds=0), warm_up=False)
    app.state.service.batcher._translate = gate

    async def scenario():
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                body = {"source": "zh", "target": "en"}
                first = asyncio.ensure_future(client.post("/translate", json=body | {"q": "第一句话。"}))
                await asyncio.to_thread(gate.entered.wait)
                second = asyncio.ensure_future(client.post("/translate", json=body | {"q": "第二句话。"}))
                while app.state.service.batcher.stats.queued < 1:
                    await asyncio.sleep(0)
                third = await client.post("/translate", json=body | {"q": ["第三句话。", "第四句话。"]})
                gate.open.set()
                return third, await first, await second

    third, first, second = asyncio.run(scenario())
    assert third.status_code == 429 and third.json()["error"].startswith("Slowdown")
    assert first.status_code == second.status_code == 200


def test_an_engine_failure_is_a_500_json_answer_and_health_says_why(tmp_path):
    app = create_app(pipeline=Pipeline(model=str(tmp_path / "no-such-model"), use_cache=False), warm_up=False)

    async def scenario():
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                failed = await client.post("/translate", json={"q": "第一句话。", "source": "zh", "target": "en"})
                health = await client.get("/health")
                return failed, health

    failed, health = asyncio.run(scenario())
    assert failed.status_code == 500 and "no-such-model" in failed.json()["error"]
    assert health.status_code == 503 and health.json()["status"] == "error" and "no-such-model" in health.json()["error"]
