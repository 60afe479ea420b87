"""Documents: translate Word (.docx), HTML, Markdown and PDF files and write them back in English.

One module per input format (``docx``, ``html``, ``markdown``, ``pdf``) reads the
file into structural units of formatted runs; the units are segmented like text
(one segment per sentence, whatever the runs inside it), translated by the
pipeline, and written back with the same structure, inline formatting placed
where its English is known (``inline``) and flagged ``formatting_lost`` where
not. ``bilingual`` writes a side-by-side review document for any result.
"""

from .api import (BILINGUAL_FORMATS, default_output, format_of_output, open_source, output_formats, read_source,
                  translate_document, translate_files, write_translation)
from .model import FileResult, ParsedDocument, Run, Unit
from .registry import READERS, is_document, open_document

__all__ = ["BILINGUAL_FORMATS", "FileResult", "ParsedDocument", "READERS", "Run", "Unit", "default_output",
           "format_of_output", "is_document", "open_source", "output_formats", "open_document", "read_source",
           "translate_document", "translate_files", "write_translation"]
