"""Write ``build-info.json``: which llama.cpp build a bundle carries, so ``gptshelf info`` can say it.

The spec calls :func:`write` at build time and ships the file as ``resources/build-info.json``. The
variant is read from the libraries llama-cpp-python installed (a ``ggml-cuda`` library means a CUDA
build, ``ggml-metal`` a Metal one), and the CMake flags from ``CMAKE_ARGS`` as the release workflow
set them when it built llama-cpp-python, so a bug report from an installed app names the exact build.

Run by hand: ``python packaging/build_info.py OUT.json``.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

BACKENDS = ("cuda", "metal", "vulkan", "hip", "sycl", "blas")


def llama_library_folder() -> Path:
    """llama-cpp-python's ``lib`` folder, found without importing it (import loads the libraries)."""
    for file in importlib.metadata.files("llama_cpp_python") or ():
        if file.parts[:2] == ("llama_cpp", "lib"):
            return Path(file.locate()).parent
    raise SystemExit("llama-cpp-python is not installed in this Python; run `make install` first.")


def describe(folder: Path, environ: dict[str, str]) -> dict[str, object]:
    names = sorted(p.name for p in folder.iterdir())
    backends = ["cpu"] + [b for b in BACKENDS if any(f"ggml-{b}" in n for n in names)]
    variant = next((b for b in ("cuda", "metal", "vulkan", "hip", "sycl") if b in backends), "cpu")
    cmake_args = environ.get("CMAKE_ARGS", "")
    return {
        "variant": variant,
        "backends": backends,
        "cmake_args": cmake_args,
        # GGML_NATIVE is on unless turned off: such a build uses every instruction of the build machine's
        # CPU and may crash with "illegal instruction" on an older one, so release builds turn it off.
        "cpu_native": not re.search(r"GGML_NATIVE=(OFF|0|FALSE|NO)\b", cmake_args, re.IGNORECASE),
        "llama_cpp_python": importlib.metadata.version("llama_cpp_python"),
        "libraries": names,
        "platform": f"{sys.platform}-{platform.machine().lower()}",
        "python": platform.python_version(),
        "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
    }


def _commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True,
                              timeout=10, check=False, cwd=Path(__file__).resolve().parent)
    except OSError:
        return ""
    return done.stdout.strip()


def write(target: Path) -> dict[str, object]:
    info = describe(llama_library_folder(), dict(os.environ))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build-info.json")
    sys.stdout.write(json.dumps(write(out), indent=2) + "\n")
