"""Vocabulary shortlists (CTranslate2 ``vmap``) built from a parallel corpus.

CTranslate2 can restrict each batch's output vocabulary to the candidates of
its source tokens (``use_vmap``), which cuts the cost of the output layer and
softmax over the whole vocabulary. The map is learnt from line-aligned
source/target text: for each source token, the target tokens that co-occur
with it most strongly (Dice coefficient), plus the most frequent target
tokens, always allowed. A shortlist can only remove words the model might
have wanted: build it from a large in-domain parallel corpus, and check
quality with ``translator evaluate`` before relying on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ..errors import InputError


def fixed_candidates_line(tokens: list[str]) -> str:
    """Return the vmap line (no newline) of tokens CTranslate2 always keeps: an empty source key.

    Sentencepiece pieces hold no whitespace, so the line parses unambiguously.
    """
    bad = [t for t in tokens if any(c.isspace() for c in t)]
    if bad:
        raise ValueError(f"vocabulary pieces with whitespace cannot go in a vmap: {bad[:5]}")
    return "\t" + " ".join(tokens)


def build_vmap(sources: list[str], targets: list[str], src_tokenize: Callable[[str], list[str]],
               tgt_tokenize: Callable[[str], list[str]], per_token: int = 50, always: int = 1000) -> str:
    """Return vmap text: ``src_token<TAB>tgt tokens``, first line the always-allowed tokens.

    Args:
        sources: Source lines.
        targets: Their translations, line-aligned.
        src_tokenize: The model's source tokenizer (pieces).
        tgt_tokenize: The model's target tokenizer (pieces).
        per_token: Candidates kept per source token.
        always: Most frequent target tokens always allowed.
    """
    if len(sources) != len(targets):
        raise InputError(f"{len(sources)} source lines but {len(targets)} target lines: the corpus must be line-aligned")
    src_df: Counter = Counter()
    tgt_df: Counter = Counter()
    tgt_tf: Counter = Counter()
    pair: Counter = Counter()
    for s, t in zip(sources, targets):
        s_set = set(src_tokenize(s))
        t_tokens = tgt_tokenize(t)
        t_set = set(t_tokens)
        tgt_tf.update(t_tokens)
        src_df.update(s_set)
        tgt_df.update(t_set)
        for a in s_set:
            for b in t_set:
                pair[a, b] += 1
    candidates: dict[str, list[tuple[float, str]]] = {}
    for (a, b), n in pair.items():
        candidates.setdefault(a, []).append((2 * n / (src_df[a] + tgt_df[b]), b))
    lines = [fixed_candidates_line([tok for tok, _ in tgt_tf.most_common(always)])]
    for a in sorted(candidates):
        best = sorted(candidates[a], key=lambda x: (-x[0], x[1]))[:per_token]
        lines.append(f"{a}\t{' '.join(b for _, b in best)}")
    return "\n".join(lines) + "\n"


class VmapEngine(Protocol):
    """What :func:`build_model_vmap` needs of an engine: a built ``CTranslate2Engine`` is one.

    The engine is handed in (engines sit above this package and load models from it), never imported.
    """

    tokenizer: Any
    model_dir: Path

    def tokenize(self, text: str) -> list[str]:
        """Return the model's source pieces of ``text``."""


def build_model_vmap(engine: VmapEngine, src: str, ref: str, per_token: int = 50,
                     always: int = 1000) -> tuple[Path, int]:
    """Build and write the vocabulary shortlist (vmap.txt) of a converted CTranslate2 model.

    Args:
        engine: The model's CTranslate2 engine (``CTranslate2Engine(model)``); vmap.txt goes in its ``model_dir``.
        src: Source lines of a parallel corpus.
        ref: Their translations, line-aligned.
        per_token: Candidates kept per source token.
        always: Most frequent target tokens always allowed.

    Returns:
        The path written and the number of source tokens mapped.
    """
    from ..textio import read_aligned, write_atomic

    data = read_aligned({"src": src, "ref": ref})
    tok = engine.tokenizer

    def target_pieces(text: str) -> list[str]:
        return tok.convert_ids_to_tokens(tok(text_target=text, add_special_tokens=False)["input_ids"])

    text = build_vmap(data["src"], data["ref"], engine.tokenize, target_pieces, per_token, always)
    path = engine.model_dir / "vmap.txt"
    write_atomic(path, text)
    return path, len(text.splitlines()) - 1
