"""Shared fixtures: an offline environment and the tiny MarianMT model built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shibei-2023-report.zh.txt"


def run_main(args: list[str]) -> int:
    """Run the CLI's ``main`` (the console script) and return its exit code."""
    from translator.cli import main

    try:
        main(args)
    except SystemExit as exc:
        return exc.code or 0
    return 0


@pytest.fixture(autouse=True)
def offline_env(monkeypatch, tmp_path):
    """No hub access, and a private segment cache and model store per test."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TRANSLATOR_MODELS_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("TRANSLATOR_USER_GLOSSARY", str(tmp_path / "user-config" / "glossary.tsv"))  # none yet


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """Build the random-weight tiny MarianMT model once for the whole run."""
    from translator.models.tiny import build_model

    return build_model(tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture(scope="session")
def tiny_ct2_model(tiny_model, tmp_path_factory) -> Path:
    """The tiny model with its CTranslate2 conversion beside it (``--backend auto`` picks it): a process that
    loads it never imports torch, so tests of whole processes (kills, resumes, workers) start in a second."""
    import shutil

    from translator.engines.ctranslate2_engine import convert_model

    model = tmp_path_factory.mktemp("models-ct2") / "tiny"
    shutil.copytree(tiny_model, model)
    convert_model(str(model))
    return model


@pytest.fixture(scope="session")
def tiny_engine(tiny_model):
    """One loaded transformers engine on the tiny model."""
    from translator.engines.transformers_engine import TransformersEngine

    return TransformersEngine(str(tiny_model))


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text("utf-8")
