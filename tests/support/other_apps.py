"""Model folders laid out like GPT4All's, LM Studio's, Jan's and Ollama's (Linux defaults), with tiny GGUFs.

Each model has different weights (its own seed), so each is its own content; ``lay_out`` returns where
each app's file is, keyed by app, plus a broken ``.gguf`` and a broken Ollama manifest.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.support.tiny_gguf import CHATML_TEMPLATE, write_tiny_llama

OLLAMA_MODEL = "application/vnd.ollama.image.model"


def lay_out(home: Path) -> dict[str, Path]:
    """Build the fixture folders under ``home`` (a fake home folder) and return the model files by app."""
    files = {
        "GPT4All": home / ".local/share/nomic.ai/GPT4All/tiny-gpt4all.Q4_0.gguf",
        "LM Studio": home / ".lmstudio/models/lmstudio-community/Tiny-GGUF/tiny-lmstudio.gguf",
        "LM Studio (old)": home / ".cache/lm-studio/models/TheBloke/Tiny-GGUF/tiny-old.gguf",
        "Jan": home / ".config/Jan/data/models/tiny-jan/model.gguf",
    }
    for seed, (app, path) in enumerate(files.items(), start=10):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_tiny_llama(path, chat_template=CHATML_TEMPLATE, seed=seed, name=f"tiny {app}")
    files["Ollama"] = ollama_model(home / ".ollama/models", "tiny", "latest", seed=20)
    broken = home / ".lmstudio/models/someone/Broken-GGUF/broken.gguf"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_bytes(b"GGUF" + b"\x00" * 60)
    files["broken"] = broken
    bad_manifest = home / ".ollama/models/manifests/registry.ollama.ai/library/gone/latest"
    bad_manifest.parent.mkdir(parents=True, exist_ok=True)
    bad_manifest.write_text(json.dumps({"layers": [{"mediaType": OLLAMA_MODEL, "digest": "sha256:" + "0" * 64}]}))
    return files


def ollama_model(models: Path, name: str, tag: str, *, seed: int) -> Path:
    """An Ollama store holding one model: its blob named by sha256 and a manifest naming the blob."""
    staging = models / "staging.gguf"
    models.mkdir(parents=True, exist_ok=True)
    write_tiny_llama(staging, chat_template=CHATML_TEMPLATE, seed=seed, name=f"ollama {name}")
    digest = hashlib.sha256(staging.read_bytes()).hexdigest()
    blob = models / "blobs" / f"sha256-{digest}"
    blob.parent.mkdir(parents=True, exist_ok=True)
    staging.replace(blob)
    config = models / "blobs" / f"sha256-{'c' * 64}"
    config.write_text("{}")
    manifest = models / "manifests" / "registry.ollama.ai" / "library" / name / tag
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": f"sha256:{'c' * 64}",
                   "size": 2},
        "layers": [
            {"mediaType": OLLAMA_MODEL, "digest": f"sha256:{digest}", "size": blob.stat().st_size},
            {"mediaType": "application/vnd.ollama.image.template", "digest": f"sha256:{'d' * 64}", "size": 10},
        ],
    }))
    return blob


def fake_home(monkeypatch, home: Path) -> Path:  # noqa: ANN001 - pytest's MonkeyPatch
    """Point the home folder and the variables other apps read at ``home`` (Linux layout)."""
    monkeypatch.setenv("HOME", str(home))
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "OLLAMA_MODELS"):
        monkeypatch.delenv(variable, raising=False)
    return home
