"""``translator qa`` and ``evaluate``: check and score translations made elsewhere."""

from __future__ import annotations

import json

import click

from .options import glossary_options, library_errors


@click.command()
@click.option("--src", required=True, type=click.Path(allow_dash=True), help="Source lines (one segment per line).")
@click.option("--hyp", required=True, type=click.Path(allow_dash=True), help="Translations, line-aligned with --src.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@click.option("--severity", type=click.Choice(["warning", "error"]), default="warning", show_default=True,
              help="Report issues of this severity or worse. warning: every issue. error: only translations "
                   "that are wrong (empty, untranslated or copied output, repetition loops, a missing glossary term, "
                   "an amount whose value, scale or unit changed or was dropped); leaves out warnings such as a "
                   "dropped date or small count and a mildly short or long output.")
@glossary_options
@library_errors
def qa(src: str, hyp: str, as_json: bool, severity: str, glossaries: tuple[str, ...], no_glossary: bool) -> None:
    """Check translations (numbers, units, terms, untranslated, degenerate); exit 0 even with issues."""
    from ..evaluation.qa import qa_files
    from ..glossary import resolve_glossary

    report = qa_files(src, hyp, resolve_glossary(glossaries, not no_glossary), min_severity=severity)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    for rep in report.lines:
        for f in rep.issues:
            click.echo(f"line {rep.line}\t{f.check}\t{f.severity}\t{f.message}")
    summary = report.summary
    counts = ", ".join(f"{k} {v}" for k, v in sorted(summary["by_check"].items())) or "no issues"
    click.echo(f"{summary['flagged_lines']} of {summary['lines']} lines flagged: {counts}", err=True)


@click.command()
@click.option("--hyp", default=None, type=click.Path(allow_dash=True), help="Translations, one segment per line.")
@click.option("--ref", default=None, type=click.Path(), help="Reference translations, line-aligned.")
@click.option("--src", default=None, type=click.Path(), help="Source lines: adds term accuracy and number fidelity.")
@click.option("--summary", "summary_file", default=None, type=click.Path(), help="A summary (txt, or json from `summarize`).")
@click.option("--ref-summary", default=None, type=click.Path(), help="The reference summary (text).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--metric", "metrics", multiple=True, metavar="NAME",
              help="Only this metric (repeatable): bleu, chrf, ter, term_accuracy, number_fidelity [default: all]. "
                   "TER is the slow one (minutes on a few thousand lines).")
@glossary_options
@library_errors
def evaluate(hyp: str | None, ref: str | None, src: str | None, summary_file: str | None, ref_summary: str | None,
             as_json: bool, metrics: tuple[str, ...], glossaries: tuple[str, ...], no_glossary: bool) -> None:
    """Score translations (BLEU, chrF, TER; terms and numbers with --src) or a summary (ROUGE, aligned BLEU/chrF)."""
    from ..evaluation import evaluate_files
    from ..evaluation.summary import evaluate_summary
    from ..glossary import resolve_glossary

    if summary_file or ref_summary:
        if not (summary_file and ref_summary):
            raise click.UsageError("--summary and --ref-summary go together")
        if metrics:
            raise click.UsageError("--metric chooses translation metrics (--hyp/--ref), not summary scores")
        report = evaluate_summary(summary_file, ref_summary, ref, resolve_glossary(glossaries, not no_glossary))
        scores, extra = report["scores"], {"sentences": report["sentences"]}
    else:
        if not (hyp and ref):
            raise click.UsageError("give --hyp and --ref (or --summary and --ref-summary)")
        glossary = resolve_glossary(glossaries, not no_glossary) if src else None
        scores, lines = evaluate_files(hyp, ref, src, glossary, list(metrics))
        extra = {"lines": lines}
    if as_json:
        click.echo(json.dumps(extra | {"scores": [s.to_dict() for s in scores]}, ensure_ascii=False, indent=2))
        return
    width = max(len(s.name) for s in scores)
    for s in scores:
        click.echo(f"{s.name:<{width}}  {s.score:6.2f}  {s.signature}")
    for sent in extra.get("sentences", []):
        for f in sent["flags"]:
            click.echo(f"{sent['segment_id']}\t{f['check']}\t{f['message']}")
