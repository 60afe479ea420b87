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


DEVICE_CHOICES = ("cpu", "cuda", "cuda:N")


def check_device(device: str) -> str:
    """Return ``device`` when it is ``cpu``, ``cuda`` or ``cuda:N``.

    Raises:
        UnknownNameError: Any other device (``tpu``, ``gpu``, ``cuda:x``); the message lists the valid ones.
    """
    from ..errors import UnknownNameError

    kind, _, index = str(device).partition(":")
    if kind == "cpu" and not index or kind == "cuda" and (not index or index.isdigit()):
        return device
    raise UnknownNameError(f"unknown device {device!r}; valid devices: {', '.join(DEVICE_CHOICES)}")


def _broken(folder: Path, name: str, what: str) -> ModelNotAvailableError:
    return ModelNotAvailableError(f"model folder {folder}: {name} {what}")


def _check_json_object(folder: Path, name: str) -> dict | None:
    import json

    path = folder / name
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _broken(folder, name, f"is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise _broken(folder, name, f"must hold a JSON object, not {type(data).__name__}")
    return data


def _check_safetensors(folder: Path, name: str) -> None:
    """Check a safetensors file's header and that every tensor it lists lies inside the file."""
    import json
    import struct

    path = folder / name
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(8)
        if len(head) < 8:
            raise _broken(folder, name, f"is truncated ({size} bytes)")
        (length,) = struct.unpack("<Q", head)
        if length > min(size - 8, 100_000_000):
            raise _broken(folder, name, "is damaged or not a safetensors file (its header length is impossible)")
        try:
            header = json.loads(fh.read(length))
        except ValueError:
            raise _broken(folder, name, "is damaged or not a safetensors file (unreadable header)") from None
    if not isinstance(header, dict):
        raise _broken(folder, name, "is damaged or not a safetensors file (unreadable header)")
    data_size = size - 8 - length
    for tensor, info in header.items():
        if tensor == "__metadata__":
            continue
        offsets = info.get("data_offsets") if isinstance(info, dict) else None
        if not (isinstance(offsets, list) and len(offsets) == 2 and 0 <= offsets[0] <= offsets[1]):
            raise _broken(folder, name, f"is damaged (tensor {tensor!r} has no valid offsets)")
        if offsets[1] > data_size:
            raise _broken(folder, name, f"is truncated ({size:,} bytes; tensor {tensor!r} needs "
                                        f"{8 + length + offsets[1]:,})")


def _check_sentencepiece(folder: Path) -> None:
    try:
        import sentencepiece as spm
    except ImportError:  # pragma: no cover - a core dependency
        return
    for name in ("source.spm", "target.spm"):
        try:
            spm.SentencePieceProcessor(model_file=str(folder / name))
        except (OSError, RuntimeError):
            raise _broken(folder, name, "is damaged or not a sentencepiece model") from None


def check_model_folder(folder: str | Path, weights: str | None = "transformers") -> None:
    """Check a local model folder's files before a backend loads it.

    Catches what would otherwise surface as a library traceback: a JSON file
    (config.json, vocab.json, tokenizer_config.json) that is not a JSON object,
    a Marian model missing source.spm, target.spm or vocab.json, and missing,
    truncated or garbage weights.

    Args:
        folder: The model directory.
        weights: ``transformers`` (config.json and model.safetensors or pytorch_model.bin),
            ``ctranslate2`` (model.bin) or None (tokenizer files only).

    Raises:
        ModelNotAvailableError: One line naming the folder and the missing or broken file.
    """
    folder = Path(folder)
    config = _check_json_object(folder, "config.json")
    for name in ("tokenizer_config.json", "vocab.json", "generation_config.json"):
        _check_json_object(folder, name)
    if (config or {}).get("model_type") == "marian" or any((folder / f).exists() for f in ("source.spm", "target.spm")):
        for name in ("source.spm", "target.spm", "vocab.json"):
            if not (folder / name).is_file():
                raise _broken(folder, name, "is missing (a Marian model needs source.spm, target.spm and vocab.json)")
            if (folder / name).stat().st_size < 16:
                raise _broken(folder, name, "is empty or truncated")
        _check_sentencepiece(folder)
    if weights == "ctranslate2":
        if not (folder / "model.bin").is_file():
            raise _broken(folder, "model.bin", "is missing (not a CTranslate2 model)")
        return
    if weights != "transformers":
        return
    if config is None:
        raise _broken(folder, "config.json", "is missing")
    present = [n for n in ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json",
                           "pytorch_model.bin.index.json") if (folder / n).is_file()]
    if not present:
        raise _broken(folder, "model.safetensors", "is missing (and there is no pytorch_model.bin)")
    if present[0] == "model.safetensors":
        _check_safetensors(folder, "model.safetensors")
    elif present[0] == "pytorch_model.bin":
        with open(folder / "pytorch_model.bin", "rb") as fh:
            magic = fh.read(4)
        if not (magic == b"PK\x03\x04" or magic[:1] == b"\x80"):  # a torch zip archive, or its legacy pickle
            raise _broken(folder, "pytorch_model.bin", "is damaged or not a torch checkpoint")
