"""``gptshelf --self-test``: the check installers run on the installed app (see packaging/).

It runs here from source, in a subprocess like an installer runs it: without a display (it must pick
Qt's offscreen platform itself), with the real llama.cpp in the engine's child process, and in a
temporary data folder of its own, never the one ``GPTSHELF_HOME`` points at.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.llama_build import backends, describe_build, recorded_build

ROOT = Path(__file__).resolve().parents[2]
CHECKS = ("catalog", "window", "modules", "model", "chat", "llama.cpp", "history")


def _env(tmp_path: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(GPTSHELF_HOME=str(home), TMPDIR=str(tmp_path), PYTHONPATH=str(ROOT))
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)


def test_self_test_passes_every_check_offscreen_and_leaves_no_trace(tmp_path: Path):
    home = tmp_path / "persons-home"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = _run([sys.executable, "-m", "app", "--self-test"], _env(scratch, home))

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for check in CHECKS:
        assert any(line.split()[:2] == ["ok", check] for line in lines), f"no ok line for {check}:\n{done.stdout}"
    assert "Qt platform 'offscreen'" in done.stdout  # chosen by itself: no display, no QT_QPA_PLATFORM
    assert "streamed from engine process" in done.stdout
    assert lines[-1].startswith("self-test passed: 7 checks")
    assert "propagateSizeHints" not in done.stderr  # Qt's chatter goes to the log, not the terminal
    assert not home.exists(), "the self-test touched the person's data folder"
    assert list(scratch.iterdir()) == [], "the self-test left its temporary data folder behind"


def test_a_failed_check_is_reported_with_its_reason_and_exits_non_zero(tmp_path: Path):
    """A model that llama.cpp's checker refuses: the model check fails, the ones needing it are skipped."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "import app.cli.selftest as selftest\n"
        "def broken(path, **_):\n"
        "    Path(path).write_bytes(b'GGUF' + bytes(60))\n"
        "    return Path(path)\n"
        "selftest.write_tiny_model = broken\n"
        "from app.cli.main import main\n"
        "sys.exit(main(['--self-test']))\n"
    )
    done = _run([sys.executable, "-c", script], _env(scratch, tmp_path / "home"))

    assert done.returncode == 1, done.stdout + done.stderr
    lines = {line.split()[1]: line for line in done.stdout.splitlines() if line.split()[:1] in (["ok"], ["FAILED"],
                                                                                                    ["skipped"])}
    assert lines["catalog"].startswith("ok") and lines["window"].startswith("ok")
    assert lines["model"].startswith("FAILED") and "self-test.gguf" in lines["model"]
    for dependent in ("chat", "llama.cpp", "history"):
        assert lines[dependent].startswith("skipped"), lines[dependent]
    assert "self-test FAILED: model, chat, llama.cpp, history" in done.stdout
    kept = [p for p in scratch.iterdir() if p.name.startswith("gptshelf-selftest-")]
    assert len(kept) == 1 and (kept[0] / "logs" / "gptshelf.log").exists()  # kept for a bug report
    assert "--- last" in done.stdout and "lines of" in done.stdout  # the log's tail is printed


SYSTEM_INFO_CUDA = ("CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | AVX512 = 0 | LLAMAFILE = 1 | OPENMP = 1 | "
                    "CUDA : ARCHS = 750,860,890 | USE_GRAPHS = 1 | PEER_MAX_BATCH_SIZE = 128 | ")


def test_llama_build_flags_are_read_from_the_system_info_line():
    assert backends(SYSTEM_INFO_CUDA) == {
        "CPU": ["SSE3", "AVX", "AVX2", "LLAMAFILE", "OPENMP"],
        "CUDA": ["ARCHS=750,860,890", "USE_GRAPHS", "PEER_MAX_BATCH_SIZE=128"],
    }
    assert backends("") == {}
    record = {"variant": "cuda", "cmake_args": "-DGGML_CUDA=on -DGGML_NATIVE=OFF", "cpu_native": False}
    line = describe_build(SYSTEM_INFO_CUDA, record)
    assert line.startswith("CPU (SSE3 AVX AVX2 LLAMAFILE OPENMP); CUDA (ARCHS=750,860,890")
    assert line.endswith("cuda installer build, CMAKE_ARGS: -DGGML_CUDA=on -DGGML_NATIVE=OFF")
    assert describe_build("CPU : AVX2 = 1 |", None).endswith("(source install)")


def test_the_bundle_build_record_is_read_only_when_present(tmp_path: Path):
    assert recorded_build(tmp_path) is None  # a source checkout has none
    (tmp_path / "build-info.json").write_text('{"variant": "metal", "cmake_args": ""}', encoding="utf-8")
    assert recorded_build(tmp_path) == {"variant": "metal", "cmake_args": ""}
    (tmp_path / "build-info.json").write_text("not json", encoding="utf-8")
    assert recorded_build(tmp_path) is None


@pytest.mark.parametrize(("libraries", "cmake_args", "variant", "native"), [
    (["libllama.so", "libggml-cpu.so"], "", "cpu", True),
    (["llama.dll", "ggml-cpu.dll", "ggml-cuda.dll"], "-DGGML_CUDA=on -DGGML_NATIVE=OFF", "cuda", False),
    (["libllama.dylib", "libggml-metal.dylib", "libggml-blas.dylib"], "-DGGML_METAL=on", "metal", True),
])
def test_packaging_records_the_llama_cpp_variant_from_its_libraries(tmp_path: Path, libraries: list[str],
                                                                   cmake_args: str, variant: str, native: bool):
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import build_info
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    for name in libraries:
        (tmp_path / name).write_bytes(b"")
    record = build_info.describe(tmp_path, {"CMAKE_ARGS": cmake_args})
    assert (record["variant"], record["cpu_native"], record["libraries"]) == (variant, native, sorted(libraries))
