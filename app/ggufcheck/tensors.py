"""The tensor table: per-tensor rules, then the layout of the data section.

These are the fields behind most llama.cpp loader CVEs (``ne`` overflows in ``ggml_nbytes``, tensor
offset + size past the end of the file as in Ollama's "Bleeding Llama"), so every size is computed
with Python integers and compared with the bytes really present before llama.cpp sees the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

from app.ggufcheck import limits
from app.ggufcheck.reader import BoundedReader, Reject, q


@dataclass(frozen=True)
class TensorInfo:
    """One row of the tensor table, with its element count and byte size already computed."""

    index: int
    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int
    n_elements: int
    n_bytes: int

    @property
    def type_name(self) -> str:
        return GGMLQuantizationType(self.ggml_type).name


def read_tensor_infos(r: BoundedReader, n_tensors: int) -> list[TensorInfo]:
    """Read and check ``n_tensors`` rows at the reader's position."""
    tensors: list[TensorInfo] = []
    seen: dict[str, int] = {}
    for j in range(n_tensors):
        tensors.append(_read_one(r, j, seen))
    return tensors


def _read_one(r: BoundedReader, j: int, seen: dict[str, int]) -> TensorInfo:
    where = f"tensor info {j}"
    n = r.u64(where)
    if n == 0:
        raise Reject(f"tensor {j} has an empty name")
    if n > limits.MAX_TENSOR_NAME_BYTES:
        raise Reject(f"tensor {j} name length {n} exceeds {limits.MAX_TENSOR_NAME_BYTES} bytes")
    raw = r.take(n, where)
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Reject(f"tensor {j} name is not valid utf-8 ({raw!r})") from None
    if name in seen:
        raise Reject(f"duplicate tensor name {q(name)} (tensors {seen[name]} and {j})")
    seen[name] = j
    where = f"tensor info {j} ({q(name)})"

    n_dims = r.u32(where)
    if not 1 <= n_dims <= limits.MAX_DIMS:
        raise Reject(f"tensor {q(name)} has n_dims {n_dims} (allowed 1..{limits.MAX_DIMS})")
    shape = tuple(r.u64(where) for _ in range(n_dims))
    for d, ne in enumerate(shape):
        if ne < 1:
            raise Reject(f"tensor {q(name)} has ne[{d}] = 0 (every dimension must be at least 1)")
        if ne > limits.INT64_MAX:
            raise Reject(f"tensor {q(name)} has ne[{d}] = {ne}, which overflows int64")
    n_elements = 1
    for ne in shape:
        n_elements *= ne
    if n_elements > limits.INT64_MAX:
        raise Reject(f"tensor {q(name)} has {n_elements} elements, which overflows int64")

    ggml_type = r.u32(where)
    if ggml_type not in GGML_QUANT_SIZES:
        raise Reject(f"tensor {q(name)} has unknown or retired ggml type {ggml_type}")
    block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ggml_type)]
    if shape[0] % block:
        type_name = GGMLQuantizationType(ggml_type).name
        raise Reject(
            f"tensor {q(name)} has ne[0] = {shape[0]}, not a multiple of the {type_name} block size {block}"
        )
    n_bytes = n_elements // block * type_size
    if n_bytes > limits.INT64_MAX:
        raise Reject(f"tensor {q(name)} is {n_bytes} bytes, which overflows int64")
    offset = r.u64(where)
    return TensorInfo(j, name, shape, ggml_type, offset, n_elements, n_bytes)


def align_up(pos: int, alignment: int) -> int:
    return (pos + alignment - 1) // alignment * alignment


def check_layout(tensors: list[TensorInfo], data_start: int, file_size: int, alignment: int) -> None:
    """Offsets aligned, every tensor inside the data section, and no two tensors sharing bytes."""
    if not tensors:
        return
    if data_start > file_size:
        raise Reject(
            f"file ends before the tensor data section (it would start at byte {data_start}, "
            f"the file has {file_size})"
        )
    data_len = file_size - data_start
    for t in tensors:
        if t.offset % alignment:
            raise Reject(f"tensor {q(t.name)} offset {t.offset} is not a multiple of the alignment {alignment}")
        if t.offset + t.n_bytes > data_len:
            raise Reject(
                f"tensor {q(t.name)} (data offset {t.offset}, {t.n_bytes} bytes) extends past the end "
                f"of the file (the data section has {data_len} bytes)"
            )
    ordered = sorted(tensors, key=lambda t: (t.offset, t.index))
    for a, b in zip(ordered, ordered[1:]):
        if b.offset < a.offset + a.n_bytes:
            raise Reject(f"tensors {q(a.name)} and {q(b.name)} overlap (at data offset {b.offset})")
