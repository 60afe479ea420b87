"""``translator models``: list, download, build, convert and shortlist models."""

from __future__ import annotations

from pathlib import Path

import click

from .options import library_errors


@click.group()
def models() -> None:
    """List, download, build and convert models."""


@models.command("list")
def models_list() -> None:
    """List models known to work, and what is in the local store."""
    from ..models.catalogue import CATALOGUE
    from ..models.store import stored_models

    for m in CATALOGUE:
        click.echo(f"{m['id']}\t{m['family']}\t{m['notes']}")
    for folder in stored_models():
        click.echo(f"[local] {folder}")


@models.command()
@click.argument("model_id")
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None, help="Folder [default: the model store].")
@library_errors
def download(model_id: str, output: str | None) -> None:
    """Download MODEL_ID from the Hugging Face hub (needs internet)."""
    from ..models.store import download_model

    click.echo(str(download_model(model_id, Path(output) if output else None)))


def _shapes() -> list[str]:
    from ..models.tiny import SHAPES  # light: no torch until a model is built

    return list(SHAPES)


@models.command("build-tiny")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--shape", type=click.Choice(_shapes()), default="tiny", show_default=True,
              help="tiny (tests), opus-mt-zh-en's exact shape on its real tokenizer (speed measurements), or "
                   "tiny-real-tokenizer (tiny weights on the real tokenizer).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed for the weights.")
@click.option("--force", is_flag=True, help="Overwrite an existing folder.")
@library_errors
def build_tiny(directory: str, shape: str, seed: int, force: bool) -> None:
    """Build a random-weight MarianMT model in DIRECTORY (gibberish output by design)."""
    from ..models.tiny import build_model

    out = build_model(directory, shape=shape, seed=seed, force=force)
    click.echo(f"built {shape} model in {out} (random weights: its translations are gibberish by design)")


def _quantizations() -> tuple[str, ...]:
    from ..engines.ctranslate2_engine import QUANTIZATIONS

    return QUANTIZATIONS


@models.command()
@click.argument("model")
@click.option("--to", "target", type=click.Choice(["ct2"]), default="ct2", show_default=True, help="Target format.")
@click.option("--quantization", type=click.Choice(_quantizations()), default="int8",
              show_default=True, help="Weight type of the converted model.")
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None,
              help="Output folder [default: MODEL_DIR/ctranslate2, where --backend auto finds it].")
@click.option("--force", is_flag=True, help="Overwrite an existing conversion.")
@library_errors
def convert(model: str, target: str, quantization: str, output: str | None, force: bool) -> None:
    """Convert MODEL (hub id or directory) for the CTranslate2 backend."""
    from ..engines.ctranslate2_engine import convert_model

    out = convert_model(model, output, quantization, force)
    click.echo(f"converted {model} to CTranslate2 ({quantization}) in {out}")


@models.command("build-vmap")
@click.argument("model")
@click.option("--src", required=True, type=click.Path(exists=True, dir_okay=False), help="Source lines of a parallel corpus.")
@click.option("--ref", required=True, type=click.Path(exists=True, dir_okay=False), help="Their translations, line-aligned.")
@click.option("--per-token", type=click.IntRange(1), default=50, show_default=True, help="Candidates kept per source token.")
@click.option("--always", type=click.IntRange(0), default=1000, show_default=True, help="Most frequent target tokens always allowed.")
@library_errors
def build_vmap(model: str, src: str, ref: str, per_token: int, always: int) -> None:
    """Build the CTranslate2 vocabulary shortlist (vmap.txt) of a converted MODEL from a parallel corpus."""
    from ..engines.ctranslate2_engine import CTranslate2Engine
    from ..models.vmap import build_model_vmap

    path, tokens = build_model_vmap(CTranslate2Engine(model), src, ref, per_token, always)
    click.echo(f"wrote {path} ({tokens} source tokens); use it with --backend ctranslate2 --vmap")
