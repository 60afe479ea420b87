"""Where models come from: a local directory, the local model store, or the HF hub.

Nothing here downloads at import time. ``resolve_model`` only looks at the
file system; the backends call ``from_pretrained`` on what it returns, so the
ordinary Hugging Face cache and ``HF_HUB_OFFLINE`` apply.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelNotAvailableError, TranslatorError

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
    """Return a fingerprint of the model's files: a hash of their names and contents for a local model,
    the cached snapshot's commit for a hub id (``hub:uncached`` before its first download).

    Used in segment-cache keys, so replacing a local model with different files, or a new revision of a
    hub model in the Hugging Face cache, invalidates its cached segments, while rebuilding or copying
    identical files keeps them. Content hashes are remembered by (path, size, mtime) in
    ``model-hashes.json`` beside the segment cache, so an unchanged model is not read again.
    """
    import hashlib

    ref = resolve_model(model)
    if ref.local_dir is None:
        return f"hub:{hub_snapshot(model) or 'uncached'}"
    memo = _HashMemo()
    h = hashlib.sha256()
    for folder in (ref.local_dir, ref.local_dir / CT2_SUBDIR):
        if not folder.is_dir():
            continue
        for f in sorted(p for p in folder.iterdir() if p.is_file()):
            h.update(f"{f.name}:{memo.content_hash(f)};".encode())
    memo.save()
    return h.hexdigest()[:16]


def model_identity(model: str) -> str:
    """Return what a model is, not how it was named: ``files:<content hash>`` for a model on disk, however its
    path is typed (``models/tiny``, ``./models/tiny``, its absolute path, a symlink, a copy), and
    ``<hub id>@hub:<snapshot>`` for a hub model that is not stored here.

    The segment cache and ``batch``'s resume key on this (see :func:`model_fingerprint`). A model folder that is
    not on this machine (a Ray driver whose workers hold the model) is named as typed.
    """
    try:
        fingerprint = model_fingerprint(model)
    except ModelNotAvailableError:
        return f"{model}@not-on-this-machine"
    return f"{model}@{fingerprint}" if fingerprint.startswith("hub:") else f"files:{fingerprint}"


class _HashMemo:
    """File content hashes remembered by (resolved path, size, mtime); a damaged memo is simply rebuilt."""

    def __init__(self) -> None:
        import json

        from ..paths import default_cache_path

        self.path = default_cache_path().with_name("model-hashes.json")
        try:
            self.known: dict[str, str] = json.loads(self.path.read_text("utf-8"))
            if not isinstance(self.known, dict):
                self.known = {}
        except (OSError, ValueError):
            self.known = {}
        self.changed = False

    def content_hash(self, file: Path) -> str:
        import hashlib

        st = file.stat()
        key = f"{file.resolve()}:{st.st_size}:{st.st_mtime_ns}"
        if key not in self.known:
            h = hashlib.sha256()
            with open(file, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            self.known[key] = h.hexdigest()
            self.changed = True
        return self.known[key]

    def save(self) -> None:
        """Write the memo atomically; a cache folder that cannot be written only costs re-hashing next time."""
        if not self.changed:
            return
        import json

        from ..textio import write_atomic

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(self.known))
        except (OSError, TranslatorError):
            pass


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
        f"(stored in {store_dir()}), then copy that folder here, or give a local model directory as the model "
        "(--model DIR); set HF_HUB_OFFLINE=1 to never wait for the hub; `translator models build-tiny DIR` "
        "builds an offline test model."
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


def hub_reachable(timeout: float = 3.0) -> bool:
    """Return True when the Hugging Face hub (``HF_ENDPOINT`` or huggingface.co) accepts a connection within ``timeout`` s."""
    import socket
    from urllib.parse import urlparse

    url = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    try:
        with socket.create_connection((url.hostname or "huggingface.co", url.port or 443), timeout=timeout):
            return True
    except OSError:
        return False


def ensure_fetchable(model: str) -> None:
    """Fail fast when ``model`` would have to come from a hub that cannot be reached.

    Without this, transformers retries for more than a minute before its error.
    A local directory, a model in the store or in the Hugging Face cache, and
    HF_HUB_OFFLINE=1 (nothing is fetched) need no network and pass at once.

    Raises:
        ModelNotAvailableError: The model is not here and the hub does not answer.
    """
    ref = resolve_model(model)
    if ref.local_dir is not None or hub_offline() or hub_snapshot(model) is not None:
        return
    if not hub_reachable():
        raise model_missing_error(model, "it is not in the local store or the Hugging Face cache, and the hub "
                                  "cannot be reached (no network?)")


def ensure_available(model: str) -> None:
    """Fail fast when ``model`` cannot be loaded on this machine: not a local folder, not in the store or
    the Hugging Face cache, and the hub switched off (HF_HUB_OFFLINE) or unreachable.

    What a driver checks before it starts worker processes on this machine, so a missing model is one
    error (exit 2), not every document failing in every worker.

    Raises:
        ModelNotAvailableError: The model is not here and cannot be fetched (names the model).
    """
    ref = resolve_model(model)
    if ref.local_dir is not None or ref.ct2_dir is not None or hub_snapshot(model) is not None:
        return
    if hub_offline():
        raise model_missing_error(model, "it is not in the local store or the Hugging Face cache")
    ensure_fetchable(model)


def load_tokenizer(model: str, folder: str | Path | None = None):
    """Load the transformers tokenizer of ``model`` (from ``folder`` when given), honouring HF_HUB_OFFLINE.

    Raises:
        ModelNotAvailableError: Not cached offline, not on the hub, or a broken folder (names the model).
    """
    from transformers import AutoTokenizer

    quiet_transformers()
    if folder is None:
        ensure_fetchable(model)
    ref = resolve_model(model)
    source = str(folder) if folder is not None else ref.load_from
    try:
        return AutoTokenizer.from_pretrained(source, local_files_only=hub_offline())
    except Exception as exc:  # noqa: BLE001 - tokenizer libraries raise many types for bad files
        raise _load_failure(model, Path(folder) if folder is not None else ref.local_dir, exc) from exc


def load_seq2seq(model: str):
    """Load ``model``'s tokenizer and seq2seq model (torch) the ordinary way, honouring HF_HUB_OFFLINE.

    Returns:
        ``(tokenizer, model)``.

    Raises:
        ModelNotAvailableError: Not cached offline, not on the hub, or a broken folder (names the model).
    """
    from transformers import AutoModelForSeq2SeqLM

    tokenizer = load_tokenizer(model)
    ref = resolve_model(model)
    try:  # read the offline flag now: huggingface_hub reads it only once, at import
        return tokenizer, AutoModelForSeq2SeqLM.from_pretrained(ref.load_from, local_files_only=hub_offline())
    except Exception as exc:  # noqa: BLE001 - torch/safetensors/transformers raise many types for bad files
        raise _load_failure(model, ref.local_dir, exc) from exc


def _load_failure(model: str, folder: Path | None, exc: BaseException) -> ModelNotAvailableError:
    """The one-line error for a model that failed to load: missing (hub id) or broken (a local folder)."""
    if folder is None:
        return model_missing_error(model, exc)
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ModelNotAvailableError(f"model folder {folder}: cannot be loaded ({type(exc).__name__}: {first})")


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
