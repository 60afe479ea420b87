"""Corpus-scale batch translation: one machine by default, a Ray cluster when a user outgrows it.

``translate_corpus(inputs, settings, out_dir, executor="local"|"ray")`` finds the
documents (files, folders, manifests), translates them with one model load per
worker, writes each output atomically as it finishes and keeps a JSONL manifest
that makes a re-run resume where a killed one stopped.
"""

from .corpus import CorpusReport, run_signature, translate_corpus
from .discovery import READABLE_EXTENSIONS, DocumentJob, discover, readable_extensions, register_extension
from .document import DOCUMENT_HANDLERS, DocumentOutcome, DocumentRecord, translate_document
from .executors import EXECUTORS, get_executor
from .manifest import MANIFEST_NAME, read_manifest

__all__ = ["DOCUMENT_HANDLERS", "EXECUTORS", "MANIFEST_NAME", "READABLE_EXTENSIONS", "CorpusReport", "DocumentJob",
           "DocumentOutcome", "DocumentRecord", "discover", "get_executor", "read_manifest", "readable_extensions",
           "register_extension", "run_signature", "translate_corpus", "translate_document"]
