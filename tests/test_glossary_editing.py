"""Glossary edits as an editor meets them (issue 25).

Same English with other variants is unchanged or merged (and said so); ``--replace`` keeps the variants;
import errors cite the imported file's lines; without ``-g`` edits go to the user's own glossary (created on
first edit, layered over the shipped one, named in every message); ``export`` replaces a file only with
``--force`` and writes a BOM on request.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from translator.cli import cli
from translator.glossary import default_glossary, glossary_file, load_glossary, user_glossary_path

HEADER = "source\ttarget\tvariants\ttype\tcase\tstatus\tnote\n"


def _cli(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _base(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "base.tsv"
    path.write_text(HEADER + rows, "utf-8")
    return path


def _entry(path: Path, source: str):
    return next(e for e in load_glossary([path]).entries if e.source == source)


def test_same_english_other_variants_merges_them_and_says_so(tmp_path):
    base = _base(tmp_path, "老旧小区\told urban residential communities\told residential compounds\n")
    imported = tmp_path / "new.tsv"
    imported.write_text(HEADER + "老旧小区\told urban residential communities\told urban residential areas\n"
                        "市北区\tShibei District\n", "utf-8")
    run = _cli("glossary", "import", imported, "-g", base)
    assert run.exit_code == 0, run.output
    assert "variants merged 1" in run.output and "added 1" in run.output and str(base) in run.output
    assert "pass --replace" not in run.output
    assert _entry(base, "老旧小区").variants == ("old residential compounds", "old urban residential areas")
    again = _cli("glossary", "import", imported, "-g", base)
    assert "unchanged 2" in again.output


def test_add_with_the_same_english_is_not_a_conflict(tmp_path):
    base = _base(tmp_path, "市北区\tShibei District\tShibei\n")
    run = _cli("glossary", "add", "市北区", "Shibei District", "--variant", "Shibei district area", "-g", base)
    assert run.exit_code == 0 and run.output.startswith("variants merged: 市北区 -> Shibei District in " + str(base))
    assert _entry(base, "市北区").variants == ("Shibei", "Shibei district area")


def test_replace_changes_the_english_and_keeps_the_variants(tmp_path):
    base = _base(tmp_path, "老旧小区\told residential areas\told compounds|aging communities\tterm\tinsensitive\tapproved\n")
    refused = _cli("glossary", "add", "老旧小区", "old urban residential communities", "-g", base)
    assert refused.exit_code == 2 and f"{base}:2:" in refused.output and "--replace" in refused.output
    run = _cli("glossary", "add", "老旧小区", "old urban residential communities", "--variant", "old compounds",
               "--replace", "-g", base)
    assert run.exit_code == 0, run.output
    entry = _entry(base, "老旧小区")
    assert entry.target == "old urban residential communities"
    assert entry.variants == ("old compounds", "aging communities")


def test_import_conflict_cites_the_imported_files_line(tmp_path):
    base = _base(tmp_path, "市北区\tShibei District\n")
    imported = tmp_path / "in.csv"
    imported.write_text("zh,en\n青岛,Qingdao\n市北区,North City District\n", "utf-8")
    run = _cli("glossary", "import", imported, "-g", base)
    assert run.exit_code == 2
    assert f"{imported}:3:" in run.output and f"{base}:2" in run.output and "nothing changed" in run.output


def test_edits_without_a_file_go_to_the_users_glossary_layered_over_the_shipped_one(tmp_path):
    shipped = glossary_file()
    before = shipped.read_bytes()
    user = user_glossary_path()  # tests: a fresh path under tmp_path (conftest)
    assert not user.exists()
    run = _cli("glossary", "add", "新质生产力", "new quality productive forces")
    assert run.exit_code == 0, run.output
    assert f"added: 新质生产力 -> new quality productive forces in {user}" in run.output and "(created)" in run.output
    assert user.read_text("utf-8").startswith("# Your own glossary: layered over the shipped one")
    run = _cli("glossary", "add", "市北区", "Shibei")
    assert run.exit_code == 0 and "replaces the shipped entry '市北区' -> 'Shibei District'" in run.output
    assert shipped.read_bytes() == before  # the shipped glossary is never edited implicitly
    layered = default_glossary()
    targets = {e.source: e.target for e in layered.entries}
    assert targets["新质生产力"] == "new quality productive forces" and targets["市北区"] == "Shibei"
    assert layered.files == [str(user), str(shipped)]
    listed = _cli("glossary", "list", "--grep", "新质生产力")
    assert "new quality productive forces" in listed.output
    removed = _cli("glossary", "remove", "新质生产力")
    assert removed.exit_code == 0 and str(user) in removed.output
    refused = _cli("glossary", "remove", "青岛")  # only in the shipped glossary
    assert refused.exit_code == 2
    assert str(user) in refused.output and str(shipped) in refused.output and "-g" in refused.output


def test_export_needs_force_to_replace_and_writes_a_bom_for_excel(tmp_path):
    base = _base(tmp_path, "市北区\tShibei District\n")
    out = tmp_path / "terms.csv"
    out.write_text("keep me", "utf-8")
    refused = _cli("glossary", "export", "--format", "csv", "-o", out, "-g", base)
    assert refused.exit_code == 2 and "--force" in refused.output and out.read_text("utf-8") == "keep me"
    run = _cli("glossary", "export", "--format", "csv", "-o", out, "-g", base, "--force", "--bom")
    assert run.exit_code == 0, run.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "市北区" in data.decode("utf-8-sig")
    assert _cli("glossary", "import", out, "-g", tmp_path / "round.tsv").exit_code == 0  # reads back, BOM and all
    assert _entry(tmp_path / "round.tsv", "市北区").target == "Shibei District"
    assert _cli("glossary", "export", "--format", "tbx", "--bom", "-g", base).exit_code == 2


def test_entries_reviewed_against_official_usage_say_where_their_english_comes_from():
    entries = {e.source: e for e in load_glossary([glossary_file()]).entries}
    official = {"老旧小区": ("old urban residential communities", "old urban residential compounds"),
                "蓝天保卫战": ("keep our skies blue",), "碧水保卫战": ("keep our waters clear",),
                "净土保卫战": ("keep our lands pollution-free",)}
    for source, renderings in official.items():
        entry = entries[source]
        assert entry.target == renderings[0] and set(renderings[1:]) <= set(entry.variants)
        assert "Government Work Report" in entry.note and "variants" in entry.note
