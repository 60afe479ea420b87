"""Train the tiny random model for a few seconds on the sample's aligned reference.

A model that has seen training labels behaves like a real one in the way the
target-side vocabulary restriction relies on: labels are target.spm pieces
only, so it learns never to choose the source-only ids. Random weights cannot
show that. The training lines are the first ``TRAIN_LINES`` segments; tests
translate the others (held out).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from .conftest import ROOT, SAMPLE

TRAIN_LINES = 200


def aligned_pairs() -> list[tuple[str, str]]:
    from translator.segmentation.segmenter import segment_text

    sources = [s.text for s in segment_text(SAMPLE.read_text("utf-8")).segments]
    targets = (ROOT / "samples" / "shibei-2023-report.en.ref.txt").read_text("utf-8").splitlines()
    assert len(sources) == len(targets)
    return list(zip(sources, targets))


def train_copy(model_dir: Path, out_dir: Path, steps: int = 150, seed: int = 0) -> Path:
    """Copy ``model_dir`` to ``out_dir`` and train it on the first TRAIN_LINES aligned pairs."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    shutil.copytree(model_dir, out_dir)
    tok = AutoTokenizer.from_pretrained(out_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(out_dir)
    pairs = aligned_pairs()[:TRAIN_LINES]
    rng = random.Random(seed)
    torch.manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        batch = rng.sample(pairs, 32)
        enc = tok([s for s, _ in batch], text_target=[t for _, t in batch], return_tensors="pt", padding=True,
                  truncation=True, max_length=128)
        enc["labels"][enc["labels"] == tok.pad_token_id] = -100
        model(**enc).loss.backward()
        opt.step()
        opt.zero_grad()
    model.eval()
    model.save_pretrained(out_dir)
    return out_dir
