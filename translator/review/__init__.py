"""Review of translated documents: the state behind the review page of ``translator serve``.

:class:`ReviewStore` keeps each reviewed document (a copy of its file, its segments, the reviewer's English,
confirmations and current flags) in a state folder, so a review survives a page reload and a server
restart. :class:`Reviewer` edits and re-checks segments, confirms them into the translation memory, adds
glossary terms (with ``translator glossary add``'s validation) and writes the reviewed document. This
package sits below :mod:`translator.server`, which imports it; it never imports the server.
"""

from __future__ import annotations

from .reviewer import Checked, Reviewer, TermAdded, check_english, highlights
from .store import ReviewDocument, ReviewNotFound, ReviewSegment, ReviewStore, default_state_dir

__all__ = ["Checked", "ReviewDocument", "ReviewNotFound", "ReviewSegment", "ReviewStore", "Reviewer", "TermAdded",
           "check_english", "default_state_dir", "highlights"]
