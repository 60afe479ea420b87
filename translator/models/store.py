"""Where models come from: a local directory, the local model store, or the HF hub.

Nothing here downloads at import time. ``resolve_model`` only looks at the
file system; the backends call ``from_pretrained`` on what it returns, so the
ordinary Hugging Face cache and ``HF_HUB_OFFLINE`` apply.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelNotAvailableError

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-zh-en"
CT2_SUBDIR = "ctranslate2"


def store_dir() -> Path:
    """Return the local model store (``TRANSLATOR_MODELS_DIR`` or the user data dir)."""
    env = os.environ.get("TRANSLATOR_MODELS_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("translator")) / "models"


def stored_models() -> list[Path]:
    """Return the model folders in the local store (none if it does not exist yet)."""
    store = store_dir()
    return sorted(p for p in store.iterdir() if p.is_dir()) if store.is_dir() else []


def store_name(model_id: str) -> str:
    """Return the folder name a hub id gets in the store (``a/b`` -> ``a--b``)."""
    return model_id.replace("/", "--")


@dataclass(frozen=True)
class ModelRef:
    """A resolved model reference.

    Attributes:
        model_id: What the user asked for.
        load_from: What to pass to ``from_pretrained`` (a directory or a hub id).
        local_dir: The local directory, when there is one.
    """

    model_id: str
    load_from: str
    local_dir: Path | None

    @property
    def ct2_dir(self) -> Path | None:
        """Return the converted CTranslate2 model beside the local copy, if present."""
        if self.local_dir is None:
            candidate = store_dir() / store_name(self.model_id) / CT2_SUBDIR
        else:
            candidate = self.local_dir / CT2_SUBDIR
            if (self.local_dir / "model.bin").is_file():  # the directory *is* a ct2 model
                return self.local_dir
        return candidate if (candidate / "model.bin").is_file() else None


def hub_snapshot(model: str) -> str | None:
    """Return the commit of the locally cached snapshot of hub model ``model`` (its ``main``), or None.

    Reads the Hugging Face cache only (refs/main -> snapshots/<commit>); never the network.
    """
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover - transformers depends on it
        return None
    try:
        path = try_to_load_from_cache(model, "config.json")
    except ValueError:  # not a valid repo id
        return None
    return Path(path).parent.name if isinstance(path, str) else None


def model_fingerprint(model: str) -> str:
    """Return a fingerprint of the model's files: names, sizes and mtimes for a local model,
    the cached snapshot's commit for a hub id (``hub:uncached`` before its first download).

    Used in segment-cache keys, so rebuilding or replacing a local model, or a new revision of a
    hub model in the Hugging Face cache, invalidates its cached segments.
    """
    import hashlib

    ref = resolve_model(model)
    if ref.local_dir is None:
        return f"hub:{hub_snapshot(model) or 'uncached'}"
    h = hashlib.sha256()
    for folder in (ref.local_dir, ref.local_dir / CT2_SUBDIR):
        if not folder.is_dir():
            continue
        for f in sorted(p for p in folder.iterdir() if p.is_file()):
            st = f.stat()
            h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


def resolve_model(model: str) -> ModelRef:
    """Resolve a model id or directory without touching the network.

    Args:
        model: A directory path or a hub id such as ``Helsinki-NLP/opus-mt-zh-en``.

    Returns:
        The :class:`ModelRef` to load.

    Raises:
        ModelNotAvailableError: ``model`` looks like a path but is not a model directory.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file() and not (path / "model.bin").is_file():
            raise ModelNotAvailableError(
                f"model directory {str(path)!r} has no config.json (nor a CTranslate2 model.bin); "
                "it is not a model. Build a test model with `translator models build-tiny DIR` "
                "or download one with `translator models download ID`."
            )
        return ModelRef(model, str(path), path)
    looks_like_path = model.startswith((".", "/", "~")) or os.sep in model.strip("/").replace("/", "", 1)
    if looks_like_path or path.exists():
        raise ModelNotAvailableError(f"model directory {model!r} does not exist")
    stored = store_dir() / store_name(model)
    if (stored / "config.json").is_file():
        return ModelRef(model, str(stored), stored)
    return ModelRef(model, model, None)


def hub_offline() -> bool:
    """Return True when ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) is set, read at call time."""
    return any(os.environ.get(v, "").strip().lower() in ("1", "true", "yes", "on") for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def model_missing_error(model: str, reason: object) -> ModelNotAvailableError:
    """Build the clear error shown when a model cannot be loaded."""
    offline = " (HF_HUB_OFFLINE is set, so nothing is downloaded)" if hub_offline() else ""
    first = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
    return ModelNotAvailableError(
        f"model {model!r} is not available{offline}: {first}\n"
        f"Get it on a machine with internet access with `translator models download {model}` "
        f"(stored in {store_dir()}), then copy that folder here, or pass --model DIR "
        "pointing to a local copy; `translator models build-tiny DIR` builds an offline test model."
    )


def download_model(model_id: str, dest: Path | None = None) -> Path:
    """Download a hub model into the store (or ``dest``) and return the folder.

    Raises:
        ModelNotAvailableError: The hub could not be reached or has no such model.
    """
    if hub_offline():
        raise ModelNotAvailableError(
            f"cannot download {model_id!r}: HF_HUB_OFFLINE is set. Run `translator models download {model_id}` "
            "on a machine with internet access and copy the folder it prints, or pass --model DIR.")
    from huggingface_hub import snapshot_download

    target = dest or store_dir() / store_name(model_id)
    try:
        snapshot_download(model_id, local_dir=str(target))
    except Exception as exc:  # noqa: BLE001 - hub errors come in many types
        raise model_missing_error(model_id, exc) from exc
    return target


def quiet_transformers() -> None:
    """Silence transformers' progress bars and warnings (our errors say what went wrong)."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def load_tokenizer(model: str, folder: str | Path | None = None):
    """Load the transformers tokenizer of ``model`` (from ``folder`` when given), honouring HF_HUB_OFFLINE.

    Raises:
        ModelNotAvailableError: Not cached offline, not on the hub, or a broken folder (names the model).
    """
    from transformers import AutoTokenizer

    quiet_transformers()
    source = str(folder) if folder is not None else resolve_model(model).load_from
    try:
        return AutoTokenizer.from_pretrained(source, local_files_only=hub_offline())
    except (OSError, ValueError) as exc:
        raise model_missing_error(model, exc) from exc


def load_seq2seq(model: str):
    """Load ``model``'s tokenizer and seq2seq model (torch) the ordinary way, honouring HF_HUB_OFFLINE.

    Returns:
        ``(tokenizer, model)``.

    Raises:
        ModelNotAvailableError: Not cached offline, not on the hub, or a broken folder (names the model).
    """
    from transformers import AutoModelForSeq2SeqLM

    tokenizer = load_tokenizer(model)
    try:  # read the offline flag now: huggingface_hub reads it only once, at import
        return tokenizer, AutoModelForSeq2SeqLM.from_pretrained(resolve_model(model).load_from,
                                                                local_files_only=hub_offline())
    except (OSError, ValueError) as exc:
        raise model_missing_error(model, exc) from exc
