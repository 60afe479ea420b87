"""The term base: loading, validation, matching, editing and exchange."""

from .termbase import (
    COLUMNS,
    Entry,
    Glossary,
    TermMatch,
    default_glossary,
    default_glossary_files,
    default_glossary_path,
    distinct_entries,
    edited_glossary_file,
    glossary_file,
    load_glossary,
    resolve_glossary,
    target_present,
    user_glossary_path,
)

__all__ = ["COLUMNS", "Entry", "Glossary", "TermMatch", "default_glossary", "default_glossary_files", "default_glossary_path", "distinct_entries",
           "edited_glossary_file", "glossary_file", "load_glossary", "resolve_glossary", "target_present", "user_glossary_path"]
