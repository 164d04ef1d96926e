"""The caps the GGUF checker enforces, in one place.

They come from docs/research (reliability-security §1.2): llama.cpp's own caps (1 GiB per string or
array) still let a ~160-byte file force GiB allocations, and its loader has had integer overflows in
exactly these fields, so ours are far smaller than upstream's yet far above what real models use
(the largest real vocabularies are ~260k tokens; chat templates are tens of KiB).
"""

from __future__ import annotations

KiB = 1024
MiB = 1024 * KiB

#: The header (metadata + tensor table) must fit in this many bytes; nothing beyond it is read.
READ_BUDGET = 64 * MiB

MAX_TENSORS = 65536
MAX_KV = 65536
MAX_KEY_BYTES = 256
MAX_STRING_BYTES = 1 * MiB
MAX_ARRAY_ELEMENTS = 4 * MiB
MAX_ARRAY_BYTES = 256 * MiB

#: ggml's GGML_MAX_NAME is 64 including the terminating NUL.
MAX_TENSOR_NAME_BYTES = 63
MAX_DIMS = 4

DEFAULT_ALIGNMENT = 32
MAX_ALIGNMENT = 1 * MiB

#: ggml stores shapes and sizes as int64_t.
INT64_MAX = 2**63 - 1

#: Numeric arrays up to this many elements are kept in memory (e.g. per-layer head counts);
#: longer ones are only skipped over, so memory stays bounded whatever the file declares.
KEEP_NUMERIC_ARRAY = 4096
