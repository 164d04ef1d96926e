"""The engine's sampler chain picks exactly what llama-cpp-python's order (penalty over the whole
vocabulary first) picks, though it runs the penalty on a top-k cut only."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.entities import GenerationParams
from app.engine.sampling import PENALTY_LAST_N, sampler_chain

llama_cpp = pytest.importorskip("llama_cpp")


def reference(params: GenerationParams, n_vocab: int):
    """llama-cpp-python's own chain: penalties on every candidate, then the rest."""
    lib = llama_cpp
    chain = lib.llama_sampler_chain_init(lib.llama_sampler_chain_default_params())
    lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_penalties(
        n_vocab, PENALTY_LAST_N, params.repeat_penalty, params.frequency_penalty, params.presence_penalty))
    if params.temperature <= 0:
        lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_greedy())
    else:
        lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_top_k(params.top_k))
        lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_top_p(params.top_p, 1))
        lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_min_p(params.min_p, 1))
        lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_temp(params.temperature))
        lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_dist(params.seed))
    return chain


@pytest.mark.parametrize("params", [
    GenerationParams(temperature=0.0, repeat_penalty=1.6),
    GenerationParams(temperature=1.5, top_k=20, top_p=0.95, min_p=0.01, repeat_penalty=1.6, seed=11),
    GenerationParams(temperature=0.0, repeat_penalty=1.0, frequency_penalty=1.5, presence_penalty=0.5),
    GenerationParams(temperature=1.5, top_k=20, top_p=0.95, min_p=0.01, repeat_penalty=1.0,
                     frequency_penalty=1.0, presence_penalty=1.0, seed=11),
], ids=["greedy", "sampled", "greedy-openai-penalties", "sampled-openai-penalties"])
def test_the_top_k_cut_before_the_penalty_changes_no_choice(tiny_model: Path, params: GenerationParams):
    llm = llama_cpp.Llama(model_path=str(tiny_model), n_ctx=512, verbose=False)
    try:
        ctx, n_vocab = llm._ctx.ctx, llm.n_vocab()
        one = (llama_cpp.llama_token * 1)()
        prompt = llm.tokenize(b"hello there, general kenobi", add_bos=True)
        llm.eval(prompt)
        theirs = reference(params, n_vocab)
        picked = []
        with sampler_chain(llama_cpp, n_vocab, params) as ours:
            for _ in range(150):
                mine = llama_cpp.llama_sampler_sample(ours, ctx, -1)
                assert mine == llama_cpp.llama_sampler_sample(theirs, ctx, -1)
                picked.append(mine)
                one[0] = mine
                assert llama_cpp.llama_decode(ctx, llama_cpp.llama_batch_get_one(one, 1)) == 0
        llama_cpp.llama_sampler_free(theirs)
        assert len(set(picked)) > 20, "the penalty steered the choices (a loop would repeat few tokens)"
    finally:
        llm.close()
