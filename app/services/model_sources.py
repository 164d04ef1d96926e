"""Where other local-AI apps keep their GGUF models, and how to name what is found there.

Each app's default folders are pure functions of the operating system, the home folder and an
environment-like mapping (never ``os.environ`` itself), so every OS's answer is tested on any OS. Paths
come back as ``PurePath`` of that OS's flavour; the scanner turns them into real paths.

Ollama keeps no ``.gguf`` files: a model is a manifest (``manifests/<host>/<namespace>/<name>/<tag>``,
JSON) whose layer of media type ``application/vnd.ollama.image.model`` names a blob
``blobs/sha256-<hex>`` by its digest. :func:`ollama_models` reads the manifests to give each blob its
``name:tag``.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

log = logging.getLogger(__name__)

WINDOWS, MACOS, LINUX = "windows", "macos", "linux"
GPT4ALL, LM_STUDIO, JAN, OLLAMA, PICKED = "GPT4All", "LM Studio", "Jan", "Ollama", "folder"
OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
OLLAMA_REGISTRY = "registry.ollama.ai"
MAX_DEPTH = 6
"""How deep a folder walk goes (LM Studio nests publisher/repo/file; nothing needs more)."""
MAX_MANIFEST_BYTES = 1 << 20
_DIGEST = re.compile(r"sha256[:-]([0-9a-f]{64})")


@dataclass(frozen=True)
class ModelFolder:
    """A folder where an app keeps models; ``ollama`` folders hold manifests and blobs, not GGUF files."""

    app: str
    path: PurePath
    ollama: bool = False


@dataclass(frozen=True)
class OllamaModel:
    name: str
    """``name:tag`` as ``ollama list`` shows it (``library/`` and the default registry left out)."""
    blob: Path
    sha256: str
    size: int | None


def system_name(platform: str) -> str:
    """``sys.platform`` as one of windows, macos, linux (any other Unix is treated as Linux)."""
    if platform.startswith("win"):
        return WINDOWS
    if platform == "darwin":
        return MACOS
    return LINUX


def default_folders(system: str, home: PurePath | str, environ: Mapping[str, str]) -> list[ModelFolder]:
    """The folders GPT4All, LM Studio, Jan and Ollama use by default on ``system``, most common first.

    ``environ`` supplies LOCALAPPDATA / APPDATA (Windows), XDG_DATA_HOME / XDG_CONFIG_HOME (Linux) and
    OLLAMA_MODELS (everywhere: Ollama's own override of its model folder).
    """
    flavour = PureWindowsPath if system == WINDOWS else PurePosixPath
    home = flavour(home)
    if system == WINDOWS:
        local = flavour(environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
        roaming = flavour(environ.get("APPDATA") or home / "AppData" / "Roaming")
        gpt4all = [local / "nomic.ai" / "GPT4All"]
        jan = [roaming / "Jan" / "data"]
    elif system == MACOS:
        support = home / "Library" / "Application Support"
        gpt4all = [support / "nomic.ai" / "GPT4All"]
        jan = [support / "Jan" / "data"]
    else:
        data = flavour(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
        config = flavour(environ.get("XDG_CONFIG_HOME") or home / ".config")
        gpt4all = [data / "nomic.ai" / "GPT4All"]
        jan = [config / "Jan" / "data"]
    jan.append(home / "jan")  # Jan before 0.5 kept everything in ~/jan
    folders = [ModelFolder(GPT4ALL, p) for p in gpt4all]
    folders += [ModelFolder(LM_STUDIO, home / ".lmstudio" / "models"),
                ModelFolder(LM_STUDIO, home / ".cache" / "lm-studio" / "models")]
    folders += [ModelFolder(JAN, p / sub) for p in jan for sub in ("models", "llamacpp/models")]
    override = environ.get("OLLAMA_MODELS")
    if override:
        folders.append(ModelFolder(OLLAMA, flavour(override), ollama=True))
    else:
        folders.append(ModelFolder(OLLAMA, home / ".ollama" / "models", ollama=True))
        if system == LINUX:  # the Linux install script runs Ollama as its own user
            folders.append(ModelFolder(OLLAMA, PurePosixPath("/usr/share/ollama/.ollama/models"), ollama=True))
    return folders


def gguf_files(folder: Path, cancel: object = None) -> Iterator[Path]:
    """Every ``*.gguf`` file under ``folder`` (not following folder links, at most MAX_DEPTH deep), sorted
    per folder; an unreadable sub-folder is skipped and logged."""
    root_depth = len(folder.parts)
    for current, dirs, files in os.walk(folder, onerror=lambda exc: log.info("cannot read %s", exc.filename)):
        if cancel is not None and cancel.is_set():  # type: ignore[attr-defined]
            return
        here = Path(current)
        if len(here.parts) - root_depth >= MAX_DEPTH:
            dirs.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.lower().endswith(".gguf") and not name.startswith("."):
                yield here / name


def ollama_models(folder: Path) -> tuple[list[OllamaModel], list[tuple[Path, str]]]:
    """The models an Ollama folder holds, named from its manifests, and the manifests that could not be
    used, each with why. Models that are not GGUF weights (no model layer) are left out silently."""
    manifests = folder / "manifests"
    found: list[OllamaModel] = []
    refused: list[tuple[Path, str]] = []
    if not manifests.is_dir():
        return found, refused
    for path in sorted(p for p in manifests.rglob("*") if p.is_file()):
        parts = path.relative_to(manifests).parts
        if len(parts) != 4 or any(part.startswith(".") for part in parts):
            continue
        try:
            layer = _model_layer(path)
        except ValueError as exc:
            refused.append((path, str(exc)))
            continue
        if layer is None:
            continue
        digest, size = layer
        blob = folder / "blobs" / f"sha256-{digest}"
        if not blob.is_file():
            refused.append((path, f"its model blob {blob.name} is not in {blob.parent}"))
            continue
        found.append(OllamaModel(ollama_name(*parts), blob, digest, size))
    return found, refused


def ollama_name(host: str, namespace: str, name: str, tag: str) -> str:
    if host == OLLAMA_REGISTRY:
        return f"{name}:{tag}" if namespace == "library" else f"{namespace}/{name}:{tag}"
    return f"{host}/{namespace}/{name}:{tag}"


def _model_layer(manifest: Path) -> tuple[str, int | None] | None:
    """(sha256, size) of the manifest's model layer, None when it has none; ValueError says what is wrong."""
    try:
        if manifest.stat().st_size > MAX_MANIFEST_BYTES:
            raise ValueError("the manifest is larger than 1 MiB")
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the manifest cannot be read ({exc})") from exc
    layers = data.get("layers") if isinstance(data, dict) else None
    if not isinstance(layers, list):
        raise ValueError("the manifest has no list of layers")
    for layer in layers:
        if isinstance(layer, dict) and layer.get("mediaType") == OLLAMA_MODEL_LAYER:
            match = _DIGEST.fullmatch(str(layer.get("digest", "")))
            if match is None:
                raise ValueError(f"the model layer's digest {layer.get('digest')!r} is not a sha256")
            size = layer.get("size")
            return match.group(1), size if isinstance(size, int) and size >= 0 else None
    return None
