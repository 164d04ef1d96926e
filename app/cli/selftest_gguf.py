"""A tiny random-weight llama GGUF that the self-test writes for itself.

``gptshelf --self-test`` has to prove that the installed app can load a model and stream a reply
without downloading anything, so it makes one: a byte-level BPE ("gpt2") tokenizer over the 256 byte
tokens plus a few merges, ChatML specials, and a 2-block llama of width 64 with random f32 weights
(about 0.3 MB, milliseconds to write). Its output is gibberish; the self-test checks the plumbing.

The same approach as the tests' ``tests/support/tiny_gguf.py`` (which the app may not import, since
tests are not shipped). What llama.cpp needs from such a file: a gpt2 tokenizer needs at least one
merge, every merge result must itself be a token, and the ``llama.*`` hyper-parameters must agree
with the tensor shapes.
"""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

_MERGES = (("h", "e"), ("l", "l"), ("Ġ", "t"), ("e", "r"))  # "Ġ" is GPT-2's byte-level space
_SPECIALS = ("<s>", "</s>", "<|im_start|>", "<|im_end|>")


def _byte_tokens() -> list[str]:
    """GPT-2's byte-to-character table: printable bytes stand for themselves, the rest are shifted past 255."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    table = {b: chr(b) for b in printable}
    shifted = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + shifted)
            shifted += 1
    return [table[b] for b in range(256)]


def write_tiny_model(path: Path, *, seed: int = 0, n_layers: int = 2, dim: int = 64,
                     context_length: int = 512) -> Path:
    """Write the tiny model to ``path`` (the same seed gives the same bytes) and return ``path``."""
    tokens = _byte_tokens() + [a + b for a, b in _MERGES]
    types = [int(gguf.TokenType.NORMAL)] * len(tokens)
    tokens += _SPECIALS
    types += [int(gguf.TokenType.CONTROL)] * len(_SPECIALS)
    n_vocab, n_head, n_head_kv = len(tokens), 4, 2
    head_dim, n_ff = dim // n_head, dim * 2

    writer = gguf.GGUFWriter(Path(path), arch="llama")
    writer.add_name("gptshelf-self-test")
    writer.add_file_type(int(gguf.LlamaFileType.ALL_F32))
    writer.add_context_length(context_length)
    writer.add_embedding_length(dim)
    writer.add_block_count(n_layers)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(n_vocab)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_scores([0.0] * n_vocab)
    writer.add_token_merges([f"{a} {b}" for a, b in _MERGES])
    writer.add_bos_token_id(tokens.index("<s>"))
    writer.add_eos_token_id(tokens.index("</s>"))
    writer.add_eot_token_id(tokens.index("<|im_end|>"))
    writer.add_add_bos_token(True)
    writer.add_chat_template(CHATML_TEMPLATE)

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
    return Path(path)
