"""Stage 1: a Chinese document -> blocks and sentence segments.

``segmenter`` reads the line shapes (title, meta lines, captions, bylines,
numbered headings, paragraphs) and cuts sentences; ``document`` holds the
result with offsets into the original text; ``long_segments`` splits a
segment that is too long for the model at clauses, then token windows.
"""

from .document import Block, Document, Segment
from .segmenter import segment_blocks, segment_lines, segment_text, split_sentences

__all__ = ["Block", "Document", "Segment", "segment_blocks", "segment_lines", "segment_text", "split_sentences"]
