"""Decoding-time help for glossary terms (transformers backend).

When the tokens generated so far end with the start of an expected term
(an approved English target, or a placeholder code), the next token of that
term gets a logit bonus, so a term the model has begun is finished as the
glossary spells it. It is a nudge, not a constraint: verification after
translation still decides, and the retry/flag path still applies.
CTranslate2 exposes no per-step logits hook, so this layer is transformers-only.
"""

from __future__ import annotations

COMPLETION_BONUS = 5.0


def completion_targets(generated: list[int], sequences: list[list[int]]) -> set[int]:
    """Return the token ids that would continue a started term.

    Args:
        generated: Token ids generated so far for one hypothesis.
        sequences: Token-id sequences of the expected terms (at least 2 tokens each to matter).

    Returns:
        The next token of every term whose proper prefix ends ``generated``.
    """
    out: set[int] = set()
    for seq in sequences:
        for k in range(min(len(seq) - 1, len(generated)), 0, -1):
            if generated[-k:] == seq[:k]:
                out.add(seq[k])
                break
    return out


def make_processor(hints: list[list[list[int]]], beams: int, prompt_len: int = 1, bonus: float = COMPLETION_BONUS):
    """Build a transformers ``LogitsProcessor`` applying :func:`completion_targets` per hypothesis.

    Args:
        hints: For each batch item, the token-id sequences of its expected terms.
        beams: Beams per item (rows are item-major in generate()).
        prompt_len: Decoder tokens before generation (the decoder start token).
        bonus: Logit bonus for a completing token.
    """
    from transformers import LogitsProcessor

    class TermCompletionProcessor(LogitsProcessor):
        def __call__(self, input_ids, scores):
            rows = input_ids.tolist()
            for row, ids in enumerate(rows):
                seqs = hints[row // beams] if row // beams < len(hints) else []
                if not seqs:
                    continue
                for token in completion_targets(ids[prompt_len:], seqs):
                    scores[row, token] += bonus
            return scores

    return TermCompletionProcessor()
