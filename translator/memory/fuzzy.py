"""Fuzzy search over many sources: narrow by length and shared character bigrams, then score with rapidfuzz.

Similarity is character-level Levenshtein, ``1 - distance / len(longer)`` (translate-toolkit's and
Weblate's measure; characters suit Chinese, which has no word boundaries). Two exact filters make
a memory of hundreds of thousands of units answer a whole report in seconds, without changing any result:

* **length**: a similarity of ``t`` needs ``t * n <= len(candidate) <= n / t`` (the sources are sorted by
  length, so the window is two bisections);
* **bigrams**: ``d`` edits touch at most ``2d`` of the query's bigram occurrences, so a candidate within
  ``d_max = (1 - t) * n / t`` edits holds at least ``distinct bigrams - 2 * d_max`` of the query's distinct
  bigrams (counted with one ``numpy.bincount`` over an inverted index; a candidate's repeated bigram may
  count twice, which only lets more candidates through).

The survivors are scored by ``rapidfuzz.process.extract`` with a score cut-off.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass


def _bigrams(text: str) -> set[int]:
    return {(ord(a) << 21) | ord(b) for a, b in zip(text, text[1:])}


@dataclass
class FuzzyIndex:
    """Sources sorted by length with a bigram inverted index.

    Attributes:
        lengths: Source lengths, ascending.
        keys: The sources, in that order.
        ids: Their unit ids.
        codes: Distinct bigram codes, ascending (numpy int64).
        starts: Where each code's postings start in ``postings`` (one more entry than ``codes``).
        postings: Positions in ``keys`` holding each bigram (numpy int32), grouped by code, once per occurrence.
    """

    lengths: list[int]
    keys: list[str]
    ids: list[int]
    codes: object
    starts: object
    postings: object

    @classmethod
    def build(cls, rows: list[tuple[int, str, int]]) -> FuzzyIndex:
        """Build from (length, source, id) rows sorted by length."""
        import numpy as np

        lengths, keys, ids = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
        if not keys:
            empty = np.zeros(0, dtype=np.int64)
            return cls(lengths, keys, ids, empty, np.zeros(1, dtype=np.int64), empty.astype(np.int32))
        joined = "\x00".join(keys)  # sources never hold NUL (the segmenter and XML refuse it)
        cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        owner = np.repeat(np.arange(len(keys), dtype=np.int32), np.asarray(lengths, dtype=np.int64) + 1)[:len(cps)]
        valid = (cps[:-1] != 0) & (cps[1:] != 0)
        codes = ((cps[:-1] << 21) | cps[1:])[valid]
        owners = owner[:-1][valid]
        # a source repeating a bigram is posted once per occurrence: it can only count more, never fewer,
        # shared bigrams, so the filter stays exact (it passes a few more candidates) and needs one sort
        if len(keys) < 1 << 21:  # code (42 bits) and owner in one int64: a plain sort, twice as fast as argsort
            packed = np.sort((codes << 21) | owners)
            codes, owners = packed >> 21, (packed & ((1 << 21) - 1)).astype(np.int32)
        else:
            order = np.argsort(codes)
            codes, owners = codes[order], owners[order]
        if not len(codes):  # single-character sources only
            return cls(lengths, keys, ids, codes, np.zeros(1, dtype=np.int64), owners)
        starts = np.concatenate(([0], np.flatnonzero(codes[1:] != codes[:-1]) + 1, [len(codes)]))
        return cls(lengths, keys, ids, codes[starts[:-1]], starts, owners)

    def candidates(self, query: str, threshold: float) -> list[int]:
        """Return the positions of the sources that can reach ``threshold`` similarity with ``query``."""
        import numpy as np

        n = len(query)
        slack = 1e-9  # the bounds are exact; this keeps float rounding from dropping a candidate on the edge
        lo = bisect.bisect_left(self.lengths, threshold * n - slack)
        hi = bisect.bisect_right(self.lengths, n / threshold + slack) if threshold > 0 else len(self.lengths)
        if lo >= hi:
            return []
        grams = _bigrams(query)
        need = len(grams) - 2 * int((1 - threshold) * n / threshold + slack) if threshold > 0 else 0
        if need <= 0:  # short query or low threshold: bigrams prove nothing
            return list(range(lo, hi))
        wanted = np.fromiter(grams, dtype=np.int64, count=len(grams))
        at = np.searchsorted(self.codes, wanted)
        inside = at < len(self.codes)
        at, wanted = at[inside], wanted[inside]
        at = at[self.codes[at] == wanted]
        if not len(at):
            return []
        pieces = [self.postings[self.starts[i]:self.starts[i + 1]] for i in at]
        counts = np.bincount(np.concatenate(pieces), minlength=len(self.keys))[lo:hi]
        return (np.nonzero(counts >= need)[0] + lo).tolist()

    def search(self, query: str, threshold: float, limit: int) -> list[tuple[str, float, int]]:
        """Return up to ``limit`` (source, score, unit id), best first, scoring at least ``threshold``."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        positions = self.candidates(query, threshold)
        if not positions:
            return []
        choices = [self.keys[i] for i in positions]
        # rapidfuzz's cut-off is computed in another order than the score: a score equal to the threshold
        # (0.3 for 7 edits in 10) can fall just under it, so the cut-off gets some slack and the scores are held to the threshold after
        found = process.extract(query, choices, scorer=Levenshtein.normalized_similarity,
                                score_cutoff=max(0.0, threshold - 1e-6), limit=limit)
        return [(key, float(score), self.ids[positions[i]]) for key, score, i in found if score >= threshold - 1e-12]


__all__ = ["FuzzyIndex"]
