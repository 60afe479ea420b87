"""The term base: loading, validation, matching, editing and exchange."""

from .termbase import (
    COLUMNS,
    Entry,
    Glossary,
    TermMatch,
    default_glossary,
    default_glossary_path,
    distinct_entries,
    glossary_file,
    load_glossary,
    resolve_glossary,
    target_present,
)

__all__ = ["COLUMNS", "Entry", "Glossary", "TermMatch", "default_glossary", "default_glossary_path", "distinct_entries", "glossary_file", "load_glossary", "resolve_glossary", "target_present"]
