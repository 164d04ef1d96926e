"""Tiny random-weight llama GGUF models that the real llama.cpp loads and generates with.

Tests use these so every test can run the real llama.cpp (and the real GGUF checker) in milliseconds,
without downloading a model. A model here is a byte-level BPE ("gpt2") tokenizer over the 256 byte
tokens plus a few merges and special tokens, and a llama transformer of ``n_layers`` blocks of width
``dim`` with random f32 weights: about 0.5 MB with the defaults. Its output is gibberish, which is fine:
tests check the plumbing, not the prose.

What llama.cpp needs from such a file (measured with llama-cpp-python 0.3.36):
- a gpt2 tokenizer needs at least one merge, and every merge result must itself be a token;
- the hyper-parameters ``llama.*`` must agree with the tensor shapes below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import gguf
import numpy as np

BOS = "<s>"
EOS = "</s>"

#: A plain ChatML template, the shape most instruction-tuned GGUFs carry (``tokenizer.chat_template``).
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# Merges in GPT-2 byte-level form ("Ġ" is the space byte); each result is added to the vocabulary.
_MERGES: tuple[tuple[str, str], ...] = (("h", "e"), ("l", "l"), ("Ġ", "t"), ("e", "r"))


def hostile_template(canary: Path) -> str:
    """A chat template in the style of CVE-2024-34359 ("Llama Drama") that writes ``canary`` when rendered.

    It walks ``().__class__.__base__.__subclasses__()`` to ``warnings.catch_warnings``, takes the real
    ``__builtins__`` from its module, imports ``os`` and creates the canary file with ``os.open``. A plain
    ``jinja2.Environment`` executes it; a sandboxed one must refuse (``SecurityError``). It renders a
    normal ChatML prompt afterwards, so a run that silently executes it still looks like it worked.
    """
    target = Path(canary).as_posix().replace("\\", "\\\\").replace("'", "\\'")
    return (
        "{% for c in ().__class__.__base__.__subclasses__() %}"
        "{% if c.__name__ == 'catch_warnings' %}"
        "{% set b = c()._module.__builtins__ %}"
        "{% set os = b['__import__']('os') %}"
        f"{{% set fd = os.open('{target}', os.O_WRONLY + os.O_CREAT) %}}"
        "{% set _ = os.write(fd, 'pwned'.encode()) %}"
        "{% set _ = os.close(fd) %}"
        "{% endif %}"
        "{% endfor %}" + CHATML_TEMPLATE
    )


#: The hostile template aimed at a fixed canary path; prefer :func:`hostile_template` with a tmp path.
HOSTILE_TEMPLATE = hostile_template(Path("/tmp/gptshelf-llama-drama-canary"))


def byte_tokens() -> list[str]:
    """The 256 GPT-2 byte-level tokens, index = byte value (the mapping GPT-2's tokenizer uses)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    printable += list(range(ord("®"), ord("ÿ") + 1))
    table: dict[int, str] = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return [table[b] for b in range(256)]


def vocabulary(extra_specials: Sequence[str] = ("<|im_start|>", "<|im_end|>")) -> tuple[list[str], list[int]]:
    """Tokens and token types of the tiny tokenizer: bytes, merge results, ``<s>``, ``</s>``, extras."""
    tokens = byte_tokens() + [a + b for a, b in _MERGES]
    types = [int(gguf.TokenType.NORMAL)] * len(tokens)
    for special in (BOS, EOS, *extra_specials):
        if special in tokens:
            raise ValueError(f"special token {special!r} is already in the vocabulary")
        tokens.append(special)
        types.append(int(gguf.TokenType.CONTROL))
    return tokens, types


@dataclass(frozen=True)
class LlamaShape:
    """The hyper-parameters of a llama model that must agree with its tensors' shapes."""

    context_length: int
    dim: int
    n_layers: int
    n_ff: int
    n_head: int
    n_head_kv: int
    n_vocab: int


def add_llama_shape(writer: gguf.GGUFWriter, shape: LlamaShape) -> None:
    writer.add_context_length(shape.context_length)
    writer.add_embedding_length(shape.dim)
    writer.add_block_count(shape.n_layers)
    writer.add_feed_forward_length(shape.n_ff)
    writer.add_head_count(shape.n_head)
    writer.add_head_count_kv(shape.n_head_kv)
    writer.add_rope_dimension_count(shape.dim // shape.n_head)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(shape.n_vocab)


def add_tokenizer(writer: gguf.GGUFWriter, tokens: Sequence[str], types: Sequence[int], *, add_bos: bool) -> None:
    """The byte-level BPE tokenizer's metadata (``tokens`` from :func:`vocabulary`, maybe padded)."""
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(list(tokens))
    writer.add_token_types(list(types))
    writer.add_token_scores([0.0] * len(tokens))
    writer.add_token_merges([f"{a} {b}" for a, b in _MERGES])
    writer.add_bos_token_id(tokens.index(BOS))
    writer.add_eos_token_id(tokens.index(EOS))
    if "<|im_end|>" in tokens:
        writer.add_eot_token_id(tokens.index("<|im_end|>"))
    writer.add_add_bos_token(add_bos)


def write_tiny_llama(
    path: Path,
    *,
    chat_template: str | None = None,
    vocab_only: bool = False,
    seed: int = 0,
    n_layers: int = 2,
    dim: int = 64,
    context_length: int = 512,
    name: str = "tiny-llama",
    extra_specials: Sequence[str] = ("<|im_start|>", "<|im_end|>"),
    add_bos: bool = True,
) -> Path:
    """Write a tiny random llama GGUF to ``path`` and return ``path``.

    ``dim`` must be a multiple of 16 (4 heads of ``dim // 4``, 2 KV heads). ``vocab_only`` writes the
    metadata and tokenizer but no tensors (what ``llama_cpp.Llama(..., vocab_only=True)`` can open).
    The same ``seed`` gives the same bytes.
    """
    if dim % 16 or dim <= 0:
        raise ValueError("dim must be a positive multiple of 16")
    path = Path(path)
    tokens, types = vocabulary(extra_specials)
    n_vocab = len(tokens)
    n_head, n_head_kv = 4, 2
    head_dim = dim // n_head
    n_ff = dim * 2

    writer = gguf.GGUFWriter(path, arch="llama")
    writer.add_name(name)
    writer.add_file_type(int(gguf.LlamaFileType.ALL_F32))
    add_llama_shape(writer, LlamaShape(context_length, dim, n_layers, n_ff, n_head, n_head_kv, n_vocab))

    add_tokenizer(writer, tokens, types, add_bos=add_bos)
    if chat_template is not None:
        writer.add_chat_template(chat_template)

    if not vocab_only:
        rng = np.random.default_rng(seed)

        def weight(rows: int, cols: int) -> np.ndarray:
            return (rng.standard_normal((rows, cols)) * 0.02).astype(np.float32)

        def norm() -> np.ndarray:
            return np.ones(dim, dtype=np.float32)

        # numpy shapes are (rows, cols); GGUF stores them reversed (ne[0] = cols).
        writer.add_tensor("token_embd.weight", weight(n_vocab, dim))
        for i in range(n_layers):
            writer.add_tensor(f"blk.{i}.attn_norm.weight", norm())
            writer.add_tensor(f"blk.{i}.attn_q.weight", weight(n_head * head_dim, dim))
            writer.add_tensor(f"blk.{i}.attn_k.weight", weight(n_head_kv * head_dim, dim))
            writer.add_tensor(f"blk.{i}.attn_v.weight", weight(n_head_kv * head_dim, dim))
            writer.add_tensor(f"blk.{i}.attn_output.weight", weight(dim, n_head * head_dim))
            writer.add_tensor(f"blk.{i}.ffn_norm.weight", norm())
            writer.add_tensor(f"blk.{i}.ffn_gate.weight", weight(n_ff, dim))
            writer.add_tensor(f"blk.{i}.ffn_up.weight", weight(n_ff, dim))
            writer.add_tensor(f"blk.{i}.ffn_down.weight", weight(dim, n_ff))
        writer.add_tensor("output_norm.weight", norm())
        writer.add_tensor("output.weight", weight(n_vocab, dim))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


if __name__ == "__main__":  # python -m tests.support.tiny_gguf [OUT.gguf]: write one and try it in llama.cpp
    import sys
    import tempfile

    import llama_cpp

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "tiny.gguf"
    write_tiny_llama(out, chat_template=CHATML_TEMPLATE)
    llm = llama_cpp.Llama(model_path=str(out), n_ctx=256, verbose=False)
    completion = llm.create_completion("hello", max_tokens=8)
    ids = llm.tokenize(b"hello world", add_bos=False)
    sys.stdout.write(f"{out} ({out.stat().st_size} bytes): {completion['usage']}; round trip "
                     f"{llm.detokenize(ids) == b'hello world'}\n")  # fmt: skip
    llm.close()
