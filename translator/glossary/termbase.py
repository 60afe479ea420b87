"""Term base files (TSV), their validation, and term matching in text.

File format (UTF-8, tab-separated, ``#`` comments, one header row; a row
whose first cell starts with ``#`` or ``\\`` is written with one extra leading
``\\``, so ``\\#tag`` is the source ``#tag``)::

    source  target  variants  type  case  status  note

``source`` and ``target`` are required; ``variants`` are other accepted
English renderings separated by ``|``; ``type`` is ``term`` (default) or
``dnt`` (do not translate: copied as is); ``case`` is ``insensitive``
(default) or ``sensitive``; ``status`` is ``approved`` (default, enforced) or
``proposed`` (reported only); ``note`` is free text for editors.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from ..errors import InputError, Problem, ValidationError
from ..textnorm import ZERO_WIDTH, fold_width, simplified_table

DEFAULT_GLOSSARY_NAME = "zh-en.tsv"
COLUMNS = ("source", "target", "variants", "type", "case", "status", "note")
TYPES = ("term", "dnt")
CASES = ("insensitive", "sensitive")
STATUSES = ("approved", "proposed")
_LATIN = re.compile(r"[A-Za-z0-9]")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def default_glossary_path() -> Path | None:
    """Return the default term base: ``TRANSLATOR_GLOSSARY`` if set, else the packaged ``zh-en.tsv``.

    The packaged file is the repository's glossary/zh-en.tsv (the live file in a
    checkout or editable install, a copy in a wheel); None only if a broken
    install lacks it.
    """
    env = os.environ.get("TRANSLATOR_GLOSSARY")
    if env:
        return Path(env)
    from importlib import resources

    try:
        packaged = resources.files("translator.termbases").joinpath(DEFAULT_GLOSSARY_NAME)
    except ModuleNotFoundError:
        return None
    return Path(str(packaged)).resolve() if packaged.is_file() else None  # the editors' file in a checkout


def glossary_file(path: str | Path | None = None) -> Path:
    """Return ``path``, or the default term base's file when ``path`` is empty.

    Raises:
        InputError: No path and no default term base (a broken install): never go on without one silently.
    """
    if path:
        return Path(path)
    default = default_glossary_path()
    if default is None:
        raise InputError(f"the default glossary ({DEFAULT_GLOSSARY_NAME}) is missing from this installation; "
                         "pass a glossary file explicitly (--glossary/--file) or disable the glossary")
    return default


def user_glossary_path() -> Path:
    """Return the user's own glossary: ``TRANSLATOR_USER_GLOSSARY``, else ``glossary.tsv`` in the user config dir.

    It is layered over the shipped glossary (its entries replace the shipped ones of the same source) and
    is what ``glossary add/remove/import`` change when no file is named; created on the first edit, so
    edits survive a reinstall.
    """
    env = os.environ.get("TRANSLATOR_USER_GLOSSARY")
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("translator")) / "glossary.tsv"


def default_glossary_files() -> list[Path]:
    """Return the files of the default term base, the one that wins first.

    ``TRANSLATOR_GLOSSARY`` when set (that file alone); else the user's glossary (when it exists) over the
    shipped one.

    Raises:
        InputError: No default term base (a broken install).
    """
    shipped = glossary_file()
    if os.environ.get("TRANSLATOR_GLOSSARY"):
        return [shipped]
    user = user_glossary_path()
    return [user, shipped] if user.is_file() else [shipped]


def edited_glossary_file(path: str | Path | None = None) -> Path:
    """Return the file ``glossary add/remove/import`` change: ``path``, ``TRANSLATOR_GLOSSARY``, else the user's glossary.

    The shipped glossary is never edited implicitly: inside an installed package a reinstall would lose
    the edits (name it with ``-g`` to edit it on purpose, as its editors do in a checkout).
    """
    if path:
        return Path(path)
    if os.environ.get("TRANSLATOR_GLOSSARY"):
        return Path(os.environ["TRANSLATOR_GLOSSARY"])
    return user_glossary_path()


def default_glossary(strict: bool = True) -> Glossary:
    """Load the default term base: the user's glossary layered over the shipped one (see :func:`default_glossary_files`).

    Raises:
        InputError: There is none (a broken install): never translate without one silently.
    """
    return load_glossary(default_glossary_files(), strict=strict, layered=True)


def resolve_glossary(paths: list[str] | tuple[str, ...], enabled: bool = True) -> Glossary | None:
    """Return the term base a run uses: ``paths`` merged in order, else the default; None when disabled."""
    if not enabled:
        return None
    return load_glossary(list(paths)) if paths else default_glossary()


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """Fold one character for matching: NFKC, casefold, Traditional -> Simplified; zero-width characters fold to nothing.

    So ＲＣＥＰ matches RCEP and 市北區 or 青島 match the entries 市北区 and 青岛.
    """
    if ch in ZERO_WIDTH:
        return ""
    folded = unicodedata.normalize("NFKC", ch).casefold()
    table = simplified_table()
    return "".join(table.get(c, c) for c in folded)


def fold_with_origin(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for matching (spaces as one space) and return, per folded character, its offset in ``text``.

    The offsets list has one extra final item, ``len(text)``, so a match's end maps back too.
    """
    folded: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = fold_char(ch)
        if f.isspace():
            f = " "
        for c in f:
            folded.append(c)
            origin.append(i)
    origin.append(len(text))
    return "".join(folded), origin


def fold_key(text: str) -> str:
    """Fold a whole string for matching; spaces collapse to one."""
    return _SPACES.sub(" ", "".join(fold_char(c) for c in text)).strip()


@dataclass(frozen=True)
class Entry:
    """One term base entry.

    Attributes:
        source: Chinese (or Latin-script) source term.
        target: Approved English rendering.
        variants: Other accepted renderings.
        type: ``term`` or ``dnt``.
        case: ``insensitive`` or ``sensitive``.
        status: ``approved`` or ``proposed``.
        note: Editor's note.
        file: File it came from.
        line: 1-based line in that file.
    """

    source: str
    target: str
    variants: tuple[str, ...] = ()
    type: str = "term"
    case: str = "insensitive"
    status: str = "approved"
    note: str = ""
    file: str = ""
    line: int = 0

    @cached_property
    def key(self) -> str:
        """Return the folded source used for matching and duplicate detection (computed once)."""
        return fold_key(self.source)

    @property
    def renderings(self) -> tuple[str, ...]:
        """Return every accepted English rendering (the source itself for dnt)."""
        if self.type == "dnt":
            forms = dict.fromkeys((fold_width(self.source), self.source, self.target))
            return (*forms, *self.variants)
        return (self.target, *self.variants)

    @property
    def output(self) -> str:
        """Return the text that must appear in the translation (a dnt source in half-width form)."""
        return fold_width(self.source) if self.type == "dnt" else self.target

    @cached_property
    def latin(self) -> bool:
        """Return True for Latin-script sources, which match on word boundaries."""
        return bool(_LATIN.search(unicodedata.normalize("NFKC", self.source)))

    def row(self) -> list[str]:
        """Return the TSV row for this entry."""
        return [self.source, self.target, "|".join(self.variants), self.type, self.case, self.status, self.note]


_END = "\x00end"  # trie key holding the entries whose folded source ends at a node (never a character)


@dataclass(frozen=True)
class TermMatch:
    """A glossary entry found in a text at ``[start, end)``."""

    entry: Entry
    start: int
    end: int


@dataclass
class Glossary:
    """A set of entries ready for matching.

    Attributes:
        entries: The entries, in file order.
        files: The files they came from.
        problems: Warnings and infos found when loading (errors raise).
    """

    entries: list[Entry] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._trie: dict = {}
        for e in self.entries:
            key = e.key
            if not key:
                continue
            node = self._trie
            for ch in key:
                node = node.setdefault(ch, {})
            node.setdefault(_END, []).append(e)

    @property
    def version(self) -> str:
        """Return a content hash of the entries (file order and comments excluded)."""
        if not self.entries:
            return "none"
        h = hashlib.sha256()
        for e in sorted(self.entries, key=lambda e: (e.key, e.target)):
            h.update("\t".join(e.row()[:6]).encode("utf-8") + b"\n")
        return "sha256:" + h.hexdigest()[:12]

    def find(self, text: str) -> list[TermMatch]:
        """Find entries in ``text``: the non-overlapping reading that keeps the most of the terms.

        Where matches overlap (``青岛市北区``: 青岛 + 市北区 or 青岛市 + 北区) the reading chosen covers the
        most characters with approved terms, then with any terms, then uses the fewest (so the longest) terms;
        between readings still equal, the one whose terms end earliest (青岛 + 市北区; a term nested in
        a longer one never wins over it). Full-width and half-width forms match the same entry;
        Latin-script sources match on word boundaries; case-sensitive entries need the exact case.
        """
        ftext, origin = fold_with_origin(text)
        n = len(ftext)
        candidates: list[list[tuple[int, Entry]]] = [[] for _ in range(n)]  # start -> (end, entry), one per end
        for i in range(n):
            node = self._trie
            j = i
            while j < n:
                node = node.get(ftext[j])
                if node is None:
                    break
                j += 1
                if _END in node:
                    start, end = origin[i], origin[j] if j < len(origin) else len(text)
                    for e in node[_END]:
                        if e.latin and ((i > 0 and ftext[i - 1].isascii() and ftext[i - 1].isalnum())
                                        or (j < n and ftext[j].isascii() and ftext[j].isalnum())):
                            continue
                        if e.case == "sensitive" and unicodedata.normalize("NFKC", text[start:end]) != unicodedata.normalize("NFKC", e.source):
                            continue
                        candidates[i].append((j, e))
                        break
        if not any(candidates):
            return []
        # best[i]: the best reading of ftext[i:] as (approved chars, chars, -terms, -sum of ends); additive, so a
        # right-to-left pass finds the best reading in time linear in the candidates
        best: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)] * (n + 1)
        choice: list[tuple[int, Entry] | None] = [None] * (n + 1)
        for i in range(n - 1, -1, -1):
            best[i] = best[i + 1]
            for j, e in candidates[i]:
                rest = best[j]
                size = j - i
                score = (rest[0] + (size if e.status == "approved" else 0), rest[1] + size, rest[2] - 1, rest[3] - j)
                if score > best[i]:
                    best[i], choice[i] = score, (j, e)
        matches = []
        i = 0
        while i < n:
            if choice[i] is None:
                i += 1
                continue
            j, e = choice[i]
            matches.append(TermMatch(e, origin[i], origin[j] if j < len(origin) else len(text)))
            i = j
        return matches

    def overlaps(self, limit: int = 100) -> list[Problem]:
        """Report pairs of entries that overlap (the end of one is the start of another) and where the
        reading of the joined text leaves one of them out, e.g. ``青岛市`` and ``市北区`` in ``青岛市北区``.

        Args:
            limit: Report at most this many pairs (a big term base has millions), then one line saying so.
        """
        problems: list[Problem] = []
        seen: set[tuple[str, str]] = set()
        for a in self.entries:
            key = a.key
            for k in range(1, len(key)):
                node = self._trie
                for ch in key[k:]:
                    node = node.get(ch)
                    if node is None:
                        break
                if node is None:
                    continue
                stack = [(node, key[k:])]  # every key that starts with this suffix of ``key`` and goes on
                while stack:
                    node, prefix = stack.pop()
                    for ch, child in node.items():
                        if ch == _END:
                            continue
                        longer = prefix + ch
                        for b in child.get(_END, ()):
                            if (a.key, b.key) in seen or b.key in key or key in b.key or a.latin or b.latin:
                                continue
                            seen.add((a.key, b.key))
                            joined = key[:k] + longer
                            found = {m.entry.key for m in self.find(joined)}
                            dropped = [e for e in (a, b) if e.key not in found]
                            if dropped:
                                reading = " + ".join(m.entry.source for m in self.find(joined)) or "nothing"
                                problems.append(Problem(
                                    "info",
                                    f"{a.source!r} and {b.source!r} overlap in {joined!r}: there it reads "
                                    f"{reading}, so {' and '.join(repr(e.source) for e in dropped)} "
                                    f"{'are' if len(dropped) > 1 else 'is'} not matched there",
                                    a.file, a.line))
                                if len(problems) >= limit:
                                    problems.append(Problem("info", f"more overlapping entries than the {limit} "
                                                                    "listed"))
                                    return problems
                        stack.append((child, longer))
        return problems

    def rows(self, grep: str | None = None) -> list[list[str]]:
        """Return the entries as TSV rows; with ``grep``, only rows with a cell containing it (any case)."""
        rows = [e.row() for e in self.entries]
        if grep:
            rows = [r for r in rows if any(grep.lower() in cell.lower() for cell in r)]
        return rows

    def entries_in(self, text: str, approved_only: bool = True) -> list[Entry]:
        """Return the distinct entries found in ``text``, in order of first appearance.

        Args:
            text: Source text to search.
            approved_only: Leave out ``proposed`` entries (they are reported, never enforced or checked).
        """
        return distinct_entries(self.find(text), approved_only)


def distinct_entries(matches: list[TermMatch], approved_only: bool = True) -> list[Entry]:
    """Return the distinct entries of ``matches`` (by key), in order of first appearance."""
    seen: dict[str, Entry] = {}
    for m in matches:
        if not approved_only or m.entry.status == "approved":
            seen.setdefault(m.entry.key, m.entry)
    return list(seen.values())


def _norm_target(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("-", " ").replace("\u2010", " ")
    return _SPACES.sub(" ", text).strip()


def target_present(entry: Entry, translation: str) -> bool:
    """Return True when any accepted rendering of ``entry`` is in ``translation``."""
    hay = _norm_target(translation)
    for r in entry.renderings:
        needle = _norm_target(r)
        if not needle:
            continue
        flags = 0 if entry.case == "sensitive" else re.IGNORECASE
        pattern = re.escape(needle)
        if _LATIN.match(needle[0]):
            pattern = r"(?<![A-Za-z0-9])" + pattern
        if _LATIN.match(needle[-1]):
            pattern += r"(?:s|es)?(?![A-Za-z0-9])"  # plurals of the rendering count
        if re.search(pattern, hay, flags):
            return True
    return False


def tsv_line(cells: list[str]) -> str:
    """Join cells into one TSV row, escaping a first cell that starts with ``#`` or ``\\`` (see the module doc)."""
    text = "\t".join(cells)
    return "\\" + text if text.startswith(("#", "\\")) else text


def split_lines(text: str) -> list[str]:
    """Split a TSV file's text into rows: only CR/LF end a row (not U+2028, U+0085 or form feeds in a field)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


_BRACKETS = re.compile(r"[()（）\[\]【】〔〕]")
_LIST_SEPARATORS = re.compile(r"[;；]")


def entry_problems(e: Entry) -> list[Problem]:
    """Return the problems one entry has whatever file format it came from (cited at the entry's line).

    An error for a source of punctuation or symbols only (。 -> a name) unless it is copied as is.
    Warnings for Chinese in an English target; a dnt entry whose target differs from its source; a source with
    brackets (突發（音）: optional or explanatory parts, so it never matches running text as meant) or a
    list separator (插件板；电路板: two terms in one entry).
    """
    problems = []
    if not any(unicodedata.category(c)[0] in "LN" for c in e.source) and fold_key(e.target) != fold_key(e.source):
        problems.append(Problem("error", f"source {e.source!r} has no letter, digit or Chinese character: it would match "
                                f"every {e.source!r} in the text and put {e.target!r} there", e.file, e.line))
    if e.type == "term" and _CJK.search(e.target + "".join(e.variants)):
        problems.append(Problem("warning", f"the English of {e.source!r} ({e.target!r}) contains Chinese characters; "
                                "a term's target is what the translation must contain", e.file, e.line))
    if e.type == "dnt" and fold_key(e.target) != fold_key(e.source):
        problems.append(Problem("warning", f"dnt entry {e.source!r} has target {e.target!r}; the source is copied as is",
                                e.file, e.line))
    if _CJK.search(e.source) and _BRACKETS.search(e.source):
        problems.append(Problem("warning", f"source {e.source!r} holds brackets: it matches only text written exactly so; "
                                "put optional or explanatory parts in the note, or give each form its own entry",
                                e.file, e.line))
    if _LIST_SEPARATORS.search(e.source):
        problems.append(Problem("warning", f"source {e.source!r} holds a list separator (;): give each term its own entry",
                                e.file, e.line))
    for field_name, text in (("target", e.target), ("variant", "|".join(e.variants))):
        hidden = sorted({f"U+{ord(c):04X}" for c in text if c in _INVISIBLE or unicodedata.category(c) == "Cf"})
        if hidden:
            problems.append(Problem("warning", f"the {field_name} of {e.source!r} holds invisible formatting characters "
                                    f"({', '.join(hidden)}: direction overrides, zero-width); they would go into the "
                                    "translation unseen", e.file, e.line))
    if e.type == "term" and e.status == "approved" and len(e.source) == 1 and _CJK.fullmatch(e.source):
        problems.append(Problem("warning", f"one-character source {e.source!r} also matches inside every longer word "
                                "holding it (as 一 would in 统一, 第一, 一百万元): make it a longer term or mark it proposed",
                                e.file, e.line))
    return problems


#: Characters that change how text shows without being seen (bidirectional overrides, zero-width).
_INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067"
                       "\u2068\u2069\ufeff")


_ZH_HEADER = re.compile(r"zh(?:[-_][a-z0-9]+)*|(?:simplified |traditional )?chinese(?: \((?:simplified|traditional)\))?"
                        r"|中文|汉语|漢語|简体中文|簡體中文|繁体中文|繁體中文")
_EN_HEADER = re.compile(r"en(?:[-_][a-z0-9]+)*|english|英文|英语|英語")
_NOTE_HEADERS = ("notes", "comment", "comments", "description", "definition", "备注", "備註", "说明", "說明", "注释", "註釋")


def read_header(cells: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Return a header row's column names and its problems (severity, message).

    Our own header names the columns (``source target variants type case status note``). A glossary
    from elsewhere is read too when its header names the languages: a Chinese column (zh, zh-CN,
    zh_CN, zh-Hans, zh-TW, Chinese, 中文 ...) is the source, an English one (en, en-US, English, 英文 ...)
    the target, a description/comment/备注 column the note; its other columns are reported and ignored.
    """
    names = [c.strip().lower() for c in cells]
    problems: list[tuple[str, str]] = []
    if "source" in names and "target" in names:
        unknown = [c for c in names if c not in COLUMNS]
        if unknown:
            problems.append(("error", f"unknown column(s) {', '.join(unknown)}; valid: {', '.join(COLUMNS)}"))
        return names, problems
    mapped = list(names)
    for role, pattern in (("source", _ZH_HEADER), ("target", _EN_HEADER)):
        if role in names:
            continue
        found = [i for i, c in enumerate(names) if pattern.fullmatch(c)]
        if len(found) > 1:
            problems.append(("error", f"several {'Chinese' if role == 'source' else 'English'} columns "
                                      f"({', '.join(cells[i].strip() for i in found)}); name the one to use {role!r}"))
        elif found:
            mapped[found[0]] = role
    if "note" not in mapped:
        note = next((i for i, c in enumerate(names) if c in _NOTE_HEADERS), None)
        if note is not None:
            mapped[note] = "note"
    missing = [c for c in ("source", "target") if c not in mapped]
    if missing:
        if not any(sev == "error" for sev, _ in problems):
            problems.append(("error", f"header lacks required column(s) {', '.join(missing)}; found {cells!r} (the first "
                                      "row names the columns: source and target, or the languages, e.g. zh-CN and en)"))
        return mapped, problems
    ignored = [cells[i].strip() for i, c in enumerate(mapped) if c not in COLUMNS]
    if ignored:
        problems.append(("warning", f"column(s) {', '.join(ignored)} ignored (read: " +
                         ", ".join(f"{cells[i].strip()} as {c}" for i, c in enumerate(mapped) if c in COLUMNS) + ")"))
    return mapped, problems


def parse_rows(path: str, text: str) -> tuple[list[Entry], list[Problem]]:
    """Parse one TSV file's text into entries and problems (nothing raises)."""
    problems: list[Problem] = []
    entries: list[Entry] = []
    header: list[str] | None = None
    for line_no, raw in enumerate(split_lines(text), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw.startswith("\\"):  # an escaped first cell: "\\#tag" is the source "#tag", not a comment
            raw = raw[1:]
        cells = raw.split("\t")
        if header is None:
            header, header_problems = read_header(cells)
            problems += [Problem(sev, msg, path, line_no) for sev, msg in header_problems]
            if any(sev == "error" for sev, _ in header_problems) and not all(c in header for c in ("source", "target")):
                return entries, problems
            continue
        if len(cells) > len(header):
            problems.append(Problem("error", f"{len(cells)} fields but the header has {len(header)} (a tab inside a field?)", path, line_no))
            continue
        row = {name: cell for name, cell in zip(header, cells) if name in COLUMNS}
        for name, value in row.items():
            if value != value.strip() or "\u00a0" in value or "\u3000" in value:
                problems.append(Problem("warning", f"stray whitespace in {name} {value!r}", path, line_no))
        row = {k: v.replace("\u00a0", " ").replace("\u3000", " ").strip() for k, v in row.items()}
        source, target = row.get("source", ""), row.get("target", "")
        ok = True
        for name in ("source", "target"):
            if not row.get(name):
                hint = " (the row has one field: is the separator between source and target missing?)" \
                    if len(cells) == 1 and name == "target" else ""
                problems.append(Problem("error", f"blank {name}{hint}", path, line_no))
                ok = False
        type_ = row.get("type") or "term"
        case = row.get("case") or "insensitive"
        status = row.get("status") or "approved"
        for name, value, valid in (("type", type_, TYPES), ("case", case, CASES), ("status", status, STATUSES)):
            if value not in valid:
                problems.append(Problem("error", f"unknown {name} {value!r}; valid: {', '.join(valid)}", path, line_no))
                ok = False
        variants = tuple(v.strip() for v in (row.get("variants") or "").split("|") if v.strip())
        if not ok:
            continue
        entry = Entry(source, target, variants, type_, case, status, row.get("note", ""), path, line_no)
        problems += entry_problems(entry)
        entries.append(entry)
    if header is None:
        problems.append(Problem("error", "no header row (expected: " + "\t".join(COLUMNS) + ")", path, 1))
    return entries, problems


def cross_check(entries: list[Entry]) -> list[Problem]:
    """Find duplicates, conflicts, width variants and nested sources."""
    problems: list[Problem] = []
    by_key: dict[str, Entry] = {}
    for e in entries:
        first = by_key.get(e.key)
        if first is None:
            by_key[e.key] = e
            continue
        where = f"{first.file}:{first.line}"
        width = "" if unicodedata.normalize("NFKC", first.source) == first.source and first.source == e.source else " (full-width/half-width or case variant)"
        if fold_key(first.target) == fold_key(e.target) and first.type == e.type:
            problems.append(Problem("warning", f"duplicate of {first.source!r} at {where}{width}", e.file, e.line))
        else:
            problems.append(Problem("error", f"{e.source!r} -> {e.target!r} conflicts with {first.source!r} -> {first.target!r} at {where}{width}", e.file, e.line))
    # nested sources: look up every shorter substring of each key in the key set (set lookups of slices:
    # about a second for 100,000 terms, instead of comparing every pair of entries)
    order = {key: n for n, key in enumerate(by_key)}
    lengths = sorted({len(key) for key in by_key})
    nested: list[tuple[int, int, Entry, Entry]] = []
    for other_key, other in by_key.items():
        size = len(other_key)
        inside: set[str] = set()
        for n in lengths:
            if n >= size:
                break
            inside.update(sub for sub in (other_key[i:i + n] for i in range(size - n + 1)) if sub in by_key)
        nested.extend((order[key], order[other_key], by_key[key], other) for key in inside)
    for _, _, e, other in sorted(nested, key=lambda t: (t[0], t[1])):
        problems.append(Problem("info", f"{e.source!r} is inside {other.source!r} ({other.file}:{other.line}); the longest match wins", e.file, e.line))
    return problems


def load_glossary(paths: list[str | Path], strict: bool = True, layered: bool = False) -> Glossary:
    """Load and validate term base files.

    Args:
        paths: Term base files (TSV, CSV, TBX or TMX), merged in order.
        strict: Raise on errors (warnings and infos never raise).
        layered: An earlier file's entry replaces the entries of later files for the same source (the user's
            glossary over the shipped one) instead of conflicting with them.

    Returns:
        The :class:`Glossary` (its ``problems`` holds warnings and infos).

    Raises:
        InputError: A file cannot be read.
        ValidationError: Any error was found; every problem is listed at once.
    """
    from .exchange import parse_entries

    entries: list[Entry] = []
    problems: list[Problem] = []
    for path in paths:
        file_entries, file_problems = parse_entries(str(path))
        if layered:
            earlier = {e.key for e in entries}
            file_entries = [e for e in file_entries if e.key not in earlier]
        entries += file_entries
        problems += file_problems
    problems += cross_check(entries)
    if strict and any(p.severity == "error" for p in problems):
        raise ValidationError(problems=problems, what="glossary")
    seen: set[str] = set()
    kept = []
    for e in entries:  # the first of duplicate (or, when not strict, conflicting) rows wins
        if e.key not in seen:
            seen.add(e.key)
            kept.append(e)
    return Glossary(entries=kept, files=[str(p) for p in paths], problems=problems)
