"""llama-bench, built from the exact llama.cpp the app runs, and run on the app's own libraries.

    python -m bench.llama_bench            # build (once) and print what would be measured against

The speed figures of `make bench` are ratios against llama.cpp's own benchmark tool. For that ratio to
say something about the app's code (and not about compiler flags or a different llama.cpp commit),
llama-bench is compiled from the sources vendored in the sdist of the installed llama-cpp-python,
then run with ``LD_LIBRARY_PATH`` pointing at the installed ``llama_cpp/lib`` and without any RPATH,
so the ``libllama``/``libggml*`` it loads are the very files the app loads. The build (several minutes
on two cores) happens once under ``bench/.build/`` (git-ignored; no llama.cpp code is committed) and
later runs reuse it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from app.core.errors import KnownError

log = logging.getLogger("bench.llama_bench")

BUILD_ROOT = Path(__file__).resolve().parent / ".build"
PACKAGE = "llama-cpp-python"
APP_LIBRARIES = ("libllama", "libggml", "libggml-base", "libggml-cpu")
#: Only the benchmark tool is wanted; everything else llama.cpp can build is switched off.
CMAKE_FLAGS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=ON",
    "-DLLAMA_BUILD_TOOLS=ON",
    "-DLLAMA_BUILD_COMMON=ON",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_SERVER=OFF",
    "-DLLAMA_BUILD_APP=OFF",
    "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_CURL=OFF",
    "-DCMAKE_SKIP_RPATH=ON",  # no RPATH: the libraries can only come from LD_LIBRARY_PATH (the app's)
)


class BenchToolError(KnownError):
    """llama-bench could not be fetched, built or run."""


@dataclass(frozen=True)
class LlamaBench:
    """A built llama-bench and what the benchmark report says about it."""

    binary: str
    lib_folder: str
    package_version: str
    commit: str
    cmake_flags: tuple[str, ...]
    build_seconds: float
    app_system_info: str

    @property
    def environment(self) -> dict[str, str]:
        """The app's libraries first; the tool's own helper library (llama-common) next to it."""
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = os.pathsep.join([self.lib_folder, str(Path(self.binary).parent)])
        return env

    def loaded_libraries(self) -> dict[str, str]:
        """Where each llama.cpp library resolves from, as the dynamic loader sees it (``ldd``)."""
        out = subprocess.run(["ldd", self.binary], env=self.environment, capture_output=True, text=True,
                             check=False).stdout
        found = {}
        for line in out.splitlines():
            match = re.match(r"\s*(lib(?:llama|ggml)[\w.-]*\.so[\w.]*)\s+=>\s+(\S+)", line)
            if match:
                found[match.group(1)] = match.group(2)
        return found

    def verify_app_libraries(self) -> None:
        """Refuse to measure if any llama.cpp library would not come from the app's own folder."""
        found = self.loaded_libraries()
        app = Path(self.lib_folder).resolve()
        wrong = {name: path for name, path in found.items()
                 if name.startswith(("libllama.", "libggml")) and Path(path).resolve().parent != app}
        missing = [stem for stem in ("libllama", "libggml") if not any(n.startswith(stem + ".") for n in found)]
        if wrong or missing:
            raise BenchToolError(f"llama-bench would not run on the app's libraries in {app} "
                                 f"(resolved: {found}); delete {BUILD_ROOT} and run `make bench` again.")

    def run(self, model: Path, *, n_prompt: int = 0, n_gen: int = 0, depth: int = 0, threads: int = 2,
            flash_attn: str = "auto", repack: bool = True, repetitions: int = 1, timeout: float = 600) -> dict:
        """One llama-bench test (its JSON record); ``avg_ts`` is tokens per second.

        ``flash_attn`` and ``repack`` (extra weight buffer types) must be what the app's engine uses.
        """
        args = [self.binary, "-m", str(model), "-p", str(n_prompt), "-n", str(n_gen), "-d", str(depth),
                "-t", str(threads), "-r", str(repetitions), "-ngl", "0", "-fa", flash_attn,
                "--repack", "1" if repack else "0", "-o", "jsonl"]
        done = subprocess.run(args, env=self.environment, capture_output=True, text=True, timeout=timeout,
                              check=False)
        records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not records:
            raise BenchToolError(f"llama-bench failed on {model.name} (exit {done.returncode}): "
                                 f"{done.stderr.strip()[-400:]}")
        return records[-1]


def installed_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise BenchToolError(f"{PACKAGE} is not installed; run `make install` first.") from exc


def app_lib_folder() -> Path:
    """The installed ``llama_cpp/lib``, found without importing llama_cpp (which would load it here)."""
    files = metadata.files(PACKAGE) or []
    for file in files:
        if file.name.startswith("libllama.so") and file.parent.as_posix().endswith("llama_cpp/lib"):
            return Path(file.locate()).resolve().parent
    raise BenchToolError(f"The installed {PACKAGE} has no llama_cpp/lib/libllama.so; reinstall it from source.")


def ensure(root: Path = BUILD_ROOT) -> LlamaBench:
    """The cached llama-bench for the installed llama-cpp-python, building it first if needed."""
    version = installed_version()
    stamp = root / f"llama-bench-{version}.json"
    if stamp.exists():
        fields = json.loads(stamp.read_text())
        built = LlamaBench(**{**fields, "cmake_flags": tuple(fields["cmake_flags"])})
        if Path(built.binary).exists() and Path(built.lib_folder).exists():
            return built
    built = _build(root, version)
    stamp.write_text(json.dumps(asdict(built), indent=1))
    return built


def _build(root: Path, version: str) -> LlamaBench:
    root.mkdir(parents=True, exist_ok=True)
    sources = _unpacked_sdist(root, version)
    llama_cpp = sources / "vendor" / "llama.cpp"
    commit = vendored_commit(sources, version)
    build = root / f"build-{version}"
    flags = (*CMAKE_FLAGS, f"-DLLAMA_BUILD_COMMIT={commit}", "-G", "Ninja" if shutil.which("ninja") else
             "Unix Makefiles")
    started = time.monotonic()
    log.info("building llama-bench %s (llama.cpp %s) in %s; this takes a few minutes once", version, commit, build)
    _call(["cmake", "-S", str(llama_cpp), "-B", str(build), *flags], "configure llama.cpp with cmake")
    _call(["cmake", "--build", str(build), "--target", "llama-bench", "-j", str(os.cpu_count() or 2)],
          "build llama-bench")
    seconds = time.monotonic() - started
    # Keep only the tool and its helper library, away from the build tree's own libllama/libggml.
    out = root / f"llama-bench-{version}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    binary = build / "bin" / "llama-bench"
    if not binary.is_file():
        raise BenchToolError(f"The llama-bench build in {build} produced no binary; delete {root} and try again.")
    shutil.copy2(binary, out / "llama-bench")
    for helper in (build / "bin").glob("lib*.so*"):  # the tool's own helpers (llama-common, llama-bench-impl)
        if not helper.name.startswith(("libllama.", "libggml")):
            shutil.copy2(helper, out / helper.name, follow_symlinks=True)
    lib_folder = app_lib_folder()
    built = LlamaBench(binary=str(out / "llama-bench"), lib_folder=str(lib_folder), package_version=version,
                       commit=commit, cmake_flags=tuple(flags), build_seconds=round(seconds, 1),
                       app_system_info=_app_system_info())
    built.verify_app_libraries()
    return built


def _unpacked_sdist(root: Path, version: str) -> Path:
    folder = root / f"llama_cpp_python-{version}"
    if (folder / "vendor" / "llama.cpp" / "CMakeLists.txt").exists():
        return folder
    archive = root / f"llama_cpp_python-{version}.tar.gz"
    if not archive.exists():
        _call([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
               f"{PACKAGE}=={version}", "-d", str(root)], f"download the {PACKAGE} {version} sdist from PyPI")
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    return folder


def vendored_commit(sources: Path, version: str) -> str:
    """The llama.cpp commit the sdist vendors: its CHANGELOG names it under the release's heading."""
    changelog = (sources / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split(f"## [{version}]", 1)[-1].split("\n## [", 1)[0]
    match = re.search(r"llama\.cpp@([0-9a-f]{7,40})", section)
    return match.group(1) if match else "unknown"


def _app_system_info() -> str:
    """What the app's llama.cpp build reports (its CPU features), asked in a child so this process stays clean."""
    code = "import llama_cpp; print(llama_cpp.llama_print_system_info().decode())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _call(args: list[str], what: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchToolError(f"Could not {what} (exit {done.returncode}): {(done.stderr or done.stdout)[-800:]}")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    tool = ensure()
    print(json.dumps(asdict(tool), indent=1))
    print(json.dumps(tool.loaded_libraries(), indent=1))
