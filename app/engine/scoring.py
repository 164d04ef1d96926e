"""How well a loaded model predicts given tokens: the summed negative log-likelihood, and optionally the logits.

Fine-tuning measures a LoRA with it (validation perplexity with and without the adapter, through llama.cpp
itself, on the very tokens the training used) and checks an exported adapter against the trainer's logits.
Each sequence is decoded from an empty cache in batches that ask llama.cpp for every position's logits;
the log-softmax runs in numpy (llama-cpp-python's own dependency), one batch at a time.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

from app.core.entities import ScoreResult
from app.core.errors import EngineError
from app.engine.protocol import ScoreRequest


def score(lib: Any, llm: Any, request: ScoreRequest, cancel: Any) -> ScoreResult:
    """Sum ``-log p(token[i] | tokens before)`` over the positions ``request.targets`` marks, for every sequence.

    The context's KV cache is cleared before each sequence and left empty afterwards.
    """
    ctx = llm.ctx
    mem = lib.llama_get_memory(ctx)
    n_vocab = lib.llama_vocab_n_tokens(llm.vocab)
    n_batch = int(llm.n_batch)
    n_ctx = llm.n_ctx()
    batch = lib.llama_batch_init(n_batch, 0, 1)
    nll, counted, logits_out = 0.0, 0, []
    try:
        for tokens, targets in zip(request.sequences, request.targets, strict=True):
            if len(tokens) > n_ctx:
                raise EngineError(f"A sequence of {len(tokens)} tokens does not fit in the context of {n_ctx}.")
            lib.llama_memory_seq_rm(mem, 0, -1, -1)
            rows: list[np.ndarray] = []
            for start in range(0, len(tokens), n_batch):
                if cancel.value:
                    raise EngineError("The evaluation was cancelled.")
                chunk = tokens[start:start + n_batch]
                batch.n_tokens = len(chunk)
                for i, token in enumerate(chunk):
                    batch.token[i] = token
                    batch.pos[i] = start + i
                    batch.n_seq_id[i] = 1
                    batch.seq_id[i][0] = 0
                    batch.logits[i] = 1
                code = lib.llama_decode(ctx, batch)
                if code != 0:
                    raise EngineError(f"llama.cpp could not evaluate the text (llama_decode returned {code}).")
                pointer = ctypes.cast(lib.llama_get_logits(ctx), ctypes.POINTER(ctypes.c_float))
                rows.append(np.ctypeslib.as_array(pointer, shape=(len(chunk), n_vocab)).copy())
            logits = np.concatenate(rows) if rows else np.zeros((0, n_vocab), dtype=np.float32)
            wanted = [i for i in range(1, len(tokens)) if targets[i]]
            if wanted:
                picked = logits[[i - 1 for i in wanted]].astype(np.float64)
                top = picked.max(axis=1, keepdims=True)
                log_norm = np.log(np.exp(picked - top).sum(axis=1)) + top[:, 0]
                nll += float((log_norm - picked[np.arange(len(wanted)), [tokens[i] for i in wanted]]).sum())
                counted += len(wanted)
            if request.logits:
                logits_out.append(logits.tolist())
    finally:
        lib.llama_memory_seq_rm(mem, 0, -1, -1)
        lib.llama_batch_free(batch)
    return ScoreResult(nll=nll, tokens=counted, logits=tuple(logits_out) if request.logits else None)
