"""Malformed GGUFs are rejected with BadGGUF and a reason naming what was wrong, using little memory.

The corpus lives in malformed_cases.py; a hypothesis test adds random byte mutations.
"""

from __future__ import annotations

import struct
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.entities import ModelInfo
from app.core.errors import BadGGUF
from app.ggufcheck import check_gguf
from app.ggufcheck.reader import BoundedReader, Reject
from tests.unit.ggufcheck.gguf_bytes import ARRAY, F32, STRING, base_model
from tests.unit.ggufcheck.malformed_cases import HUGE, all_cases, tolerated_token_ids

CASES = all_cases()


@pytest.mark.parametrize("data", [c[1] for c in tolerated_token_ids()], ids=[c[0] for c in tolerated_token_ids()])
def test_special_ids_outside_the_vocabulary_are_dropped_not_fatal(
    data: bytes, write_bytes: Callable[[bytes], Path]
) -> None:
    info = check_gguf(write_bytes(data))
    assert isinstance(info, ModelInfo)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 200


@pytest.mark.parametrize(("data", "phrases"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rejected_with_reason(data: bytes, phrases: tuple[str, ...], write_bytes: Callable[[bytes], Path]) -> None:
    path = write_bytes(data)
    with pytest.raises(BadGGUF) as caught:
        check_gguf(path)
    reason = caught.value.reason
    assert reason and reason == reason.strip()
    assert reason[0].islower() or reason[0] in "'\"", reason
    assert caught.value.path == path
    if phrases:
        assert any(p in reason.lower() for p in phrases), f"{reason!r} does not mention any of {phrases}"


def _peak_bytes(path: Path) -> int:
    tracemalloc.start()
    try:
        with pytest.raises(BadGGUF):
            check_gguf(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


HUGE_CASES = [c for c in CASES if any(str(n) in c[0] for n in HUGE) or "4m" in c[0]]


@pytest.mark.parametrize("data", [c[1] for c in HUGE_CASES], ids=[c[0] for c in HUGE_CASES])
def test_huge_declared_lengths_allocate_little(data: bytes, write_bytes: Callable[[bytes], Path]) -> None:
    assert _peak_bytes(write_bytes(data)) < 4 * 2**20  # well under the 64 MiB bar


def test_big_but_present_arrays_allocate_little(write_bytes: Callable[[bytes], Path]) -> None:
    """A 2M-element array and a 60k-string array are walked, not kept (the file is then rejected)."""
    raw = base_model()
    raw.kvs.append(("x.floats", ARRAY, (F32, [0.0] * 2_000_000)))
    raw.kvs.append(("x.strings", ARRAY, (STRING, ["tok"] * 60_000)))
    raw.kvs.append(("tokenizer.ggml.bos_token_id", STRING, "dup"))  # makes it fail at the very end
    path = write_bytes(raw.build().data)
    assert path.stat().st_size > 6 * 2**20
    assert _peak_bytes(path) < 8 * 2**20


def test_read_budget() -> None:
    """The header may not extend past the read budget, even when the file has the bytes."""
    with tempfile.TemporaryFile() as f:
        f.write(b"\0" * 10_000)
        f.flush()
        r = BoundedReader(f, 10_000, budget=1000)
        r.skip(900, "somewhere")
        with pytest.raises(Reject, match="read budget"):
            r.take(200, "the metadata")


def test_file_shrinking_while_read_is_a_rejection() -> None:
    with tempfile.TemporaryFile() as f:
        f.write(b"\0" * 100)
        f.flush()
        r = BoundedReader(f, 10_000)  # claims more than is there, as if the file shrank
        with pytest.raises(Reject, match="shrank"):
            r.take(500, "the metadata")


# --- random mutations --------------------------------------------------------------------------

_BASE = base_model().build()
_FIELDS = sorted(_BASE.marks.values())


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    buf = bytearray(_BASE.data)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["byte", "field32", "field64"]))
        if kind == "byte":
            pos = draw(st.integers(0, len(buf) - 1))
            buf[pos] = draw(st.integers(0, 255))
        else:
            pos = draw(st.sampled_from(_FIELDS))
            fmt = "<I" if kind == "field32" else "<Q"
            if pos + struct.calcsize(fmt) <= len(buf):
                value = draw(st.one_of(st.integers(0, 300), st.sampled_from([2**31, 2**32 - 1, 2**63, 2**64 - 1])))
                struct.pack_into(fmt, buf, pos, value % (2**32 if fmt == "<I" else 2**64))
    if draw(st.booleans()):
        del buf[draw(st.integers(0, len(buf))) :]
    return bytes(buf)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated())
def test_mutations_pass_or_raise_badgguf_only(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "m.gguf"
        path.write_bytes(data)
        try:
            info = check_gguf(path)
        except BadGGUF as exc:
            assert exc.reason
        else:
            assert isinstance(info, ModelInfo)


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(0, 20_000), flips=st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 255)), max_size=4))
def test_tiny_model_mutations(tiny_model_bytes: bytes, cut: int, flips: list[tuple[int, int]]) -> None:
    buf = bytearray(tiny_model_bytes[: max(cut, 1)] if cut < 20_000 else tiny_model_bytes)
    for pos, value in flips:
        if pos < len(buf):
            buf[pos] = value
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "m.gguf"
        path.write_bytes(bytes(buf))
        try:
            check_gguf(path)
        except BadGGUF as exc:
            assert exc.reason


@pytest.fixture(scope="module")
def tiny_model_bytes(tiny_model: Path) -> bytes:
    return tiny_model.read_bytes()
