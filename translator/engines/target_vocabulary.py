"""Restrict the decoder's output to the tokens the model was trained to produce.

Marian (opus-mt) models have two sentencepiece models, ``source.spm`` and
``target.spm``, and one joint id table, ``vocab.json``. opus-mt-zh-en's table
holds 65,001 ids, but its targets were segmented by the English
``target.spm`` (32k pieces), so only those ids ever occurred as training
labels: the Chinese-only half of the output layer is never a correct answer
(emitted anyway, such a piece comes out verbatim, Chinese in the English).
Computing logits and a softmax over it is pure cost.

This module finds the target-side ids. Both backends use them: the
CTranslate2 backend restricts its output layer to them (a one-line vmap of
always-allowed tokens), which skips about half of the output projection and
softmax; the transformers backend masks the other ids to -inf, so both
backends choose from the same tokens. Models with one shared sentencepiece
model (NLLB, M2M100, mBART) or identical source/target models are left alone.
Unlike a corpus-built shortlist (:mod:`translator.vmap`), this removes nothing
the model was trained to say.

The transformers mask is applied after the log-softmax, so its scores are
exactly the full model's on every allowed token. CTranslate2 computes the
softmax over the allowed tokens only, so its scores shift by the probability a
trained model leaves on the others (under 5% after a few seconds of training
in the tests; far less for a real model); beam search can then differ, which
the tests saw only in outputs that were degenerate either way.
"""

from __future__ import annotations

from ..models.vmap import fixed_candidates_line

SPECIAL_OUTPUTS = ("</s>", "<unk>")


def target_side_tokens(tokenizer: object) -> list[str] | None:
    """Return the vocabulary entries the target sentencepiece model can produce, in id order.

    Args:
        tokenizer: A Marian tokenizer (transformers' ``MarianTokenizer`` or
            :class:`~translator.engines.marian_tokenizer.MarianSpmTokenizer`):
            anything with ``spm_source``, ``spm_target`` and ``encoder``.

    Returns:
        The pieces (``</s>`` and ``<unk>`` included, ``<pad>`` and unused
        pieces excluded), or None when the tokenizer has no separate target
        model, has separate source and target id tables already, or the
        restriction would not remove anything.
    """
    source = getattr(tokenizer, "spm_source", None)
    target = getattr(tokenizer, "spm_target", None)
    encoder = getattr(tokenizer, "encoder", None)
    if source is None or target is None or not isinstance(encoder, dict):
        return None
    if getattr(tokenizer, "separate_vocabs", False):  # the decoder's vocabulary is already target-only
        return None
    if source.serialized_model_proto() == target.serialized_model_proto():
        return None
    keep = {p for p in SPECIAL_OUTPUTS if p in encoder}
    for i in range(target.get_piece_size()):
        if target.is_unused(i) or target.is_control(i):
            continue
        piece = target.id_to_piece(i)
        if piece in encoder:
            keep.add(piece)
    if len(keep) >= len(encoder) - 1:  # everything but <pad>: nothing to gain
        return None
    return sorted(keep, key=encoder.__getitem__)


def target_side_ids(tokenizer: object) -> list[int] | None:
    """Return the ids of :func:`target_side_tokens`, or None."""
    tokens = target_side_tokens(tokenizer)
    if tokens is None:
        return None
    encoder = tokenizer.encoder  # type: ignore[attr-defined]
    return [encoder[t] for t in tokens]


def always_allowed_vmap(tokens: list[str]) -> str:
    """Return a CTranslate2 vmap whose only line allows ``tokens`` for every source."""
    return fixed_candidates_line(tokens) + "\n"


def make_mask_processor(allowed_ids: list[int]):
    """Build a transformers ``LogitsProcessor`` that sets every other id's score to -inf."""
    import torch
    from transformers import LogitsProcessor

    allowed = torch.tensor(sorted(set(allowed_ids)), dtype=torch.long)

    class TargetVocabularyProcessor(LogitsProcessor):
        bias = None

        def __call__(self, input_ids, scores):
            if self.bias is None or self.bias.shape[-1] != scores.shape[-1]:
                bias = torch.full((scores.shape[-1],), float("-inf"), dtype=scores.dtype, device=scores.device)
                bias[allowed[allowed < scores.shape[-1]].to(scores.device)] = 0.0
                self.bias = bias
            return scores + self.bias

    return TargetVocabularyProcessor()


__all__ = ["always_allowed_vmap", "make_mask_processor", "target_side_ids", "target_side_tokens"]
