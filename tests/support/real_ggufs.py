"""Real GGUF files to test the checker against: the ``ggml-vocab-*.gguf`` files in the llama-cpp-python sdist.

llama.cpp ships about twenty vocabulary-only GGUFs (real tokenizers of real model families) in its
``models/`` folder, and the llama-cpp-python source distribution vendors them. They are looked for,
in order, in ``$GPTSHELF_LLAMA_SDIST`` (a folder holding the unpacked sdist or its ``.tar.gz``) and in
``bench/.build/`` (where ``make bench`` and ``make test-reliability`` put the sdist of the installed
version). Nothing is downloaded here; the caller skips with a message when none are found.
"""

from __future__ import annotations

import os
import tarfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SDIST_VARIABLE = "GPTSHELF_LLAMA_SDIST"


def _version() -> str:
    return metadata.version("llama-cpp-python")


def _folders() -> list[Path]:
    found = [Path(os.environ[SDIST_VARIABLE])] if os.environ.get(SDIST_VARIABLE) else []
    return [*found, ROOT / "bench" / ".build"]


def vocab_ggufs() -> list[Path]:
    """The sdist's vocabulary GGUFs (unpacking just those from the archive once), or [] when there is no sdist."""
    name = f"llama_cpp_python-{_version()}"
    for folder in _folders():
        unpacked = folder / name / "vendor" / "llama.cpp" / "models"
        found = sorted(unpacked.glob("ggml-vocab-*.gguf"))
        if found:
            return found
        archive = folder / f"{name}.tar.gz"
        if archive.exists():
            return _unpack_vocab(archive, folder / f"{name}-vocab")
    return []


def _unpack_vocab(archive: Path, target: Path) -> list[Path]:
    found = sorted(target.glob("ggml-vocab-*.gguf"))
    if found:
        return found
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        for member in tar:
            base = Path(member.name).name
            if member.isfile() and base.startswith("ggml-vocab-") and base.endswith(".gguf"):
                source = tar.extractfile(member)
                if source is not None:
                    partial = target / f"{base}.partial"
                    partial.write_bytes(source.read())
                    partial.replace(target / base)
    return sorted(target.glob("ggml-vocab-*.gguf"))
