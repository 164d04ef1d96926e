"""A reply held to a grammar: every token obeys it, the picks are exactly those of the grammar first in the
chain over the whole vocabulary (though most tokens check only a cut), and a bad grammar is an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.entities import ChatMessage, ChatResult, FinishReason, GenerationParams, Role
from app.core.errors import EngineError
from app.engine import sampling
from app.engine.client import EngineClient
from app.engine.grammar import json_schema_grammar
from app.engine.protocol import ChatRequest, LoadSpec
from app.engine.sampling import GrammarSampler, steps
from app.engine.templates import choose_template
from app.ggufcheck import check_gguf
from app.manifest.draft import draft_json_schema

llama_cpp = pytest.importorskip("llama_cpp")

SCHEMA = {"type": "object", "properties": {"word": {"type": "string", "pattern": "^[a-z]{1,8}$"},
                                           "count": {"type": "integer"}},
          "required": ["word", "count"], "additionalProperties": False}


def reference(lib, vocab, n_vocab: int, params: GenerationParams, grammar: str, banned: list[int]):
    """The plain chain: ban, the grammar over every token, then the free chain's samplers."""
    chain = lib.llama_sampler_chain_init(lib.llama_sampler_chain_default_params())
    biases = (lib.llama_logit_bias * len(banned))(*((t, float("-inf")) for t in banned))
    lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_logit_bias(n_vocab, len(banned), biases))
    lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_grammar(vocab, grammar.encode(), b"root"))
    make = sampling._make(lib, n_vocab)
    for name, args in steps(params):
        lib.llama_sampler_chain_add(chain, make[name](*args))
    return chain


@pytest.mark.parametrize("params", [
    GenerationParams(temperature=0.0, repeat_penalty=1.3),
    GenerationParams(temperature=1.0, top_k=20, top_p=0.95, min_p=0.01, repeat_penalty=1.2, seed=7),
], ids=["greedy", "sampled"])
def test_the_cut_picks_exactly_what_the_grammar_over_the_whole_vocabulary_picks(tiny_model: Path, params, monkeypatch):
    monkeypatch.setattr(sampling, "CUT", 160)  # below the tiny vocabulary (264), so the cut is really taken
    grammar = json_schema_grammar(draft_json_schema(["coding", "writing"]))
    lib = llama_cpp
    llm = lib.Llama(model_path=str(tiny_model), n_ctx=2048, verbose=False)
    try:
        ctx, vocab, n_vocab = llm._ctx.ctx, llm._model.vocab, llm.n_vocab()
        banned = [t for t in range(n_vocab) if lib.llama_vocab_get_attr(vocab, t) & lib.LLAMA_TOKEN_ATTR_CONTROL
                  and not lib.llama_vocab_is_eog(vocab, t)]
        assert banned, "the tiny model has control tokens (<s>, <|im_start|>) that print as nothing"
        llm.eval(llm.tokenize(b"Write a GPT for bakers as JSON:", add_bos=True))
        theirs = reference(lib, vocab, n_vocab, params, grammar, banned)
        mine = GrammarSampler(lib, ctx, vocab, n_vocab, params, grammar, banned)
        one = (lib.llama_token * 1)()
        picked = []
        try:
            for _ in range(400):
                token = mine.sample()
                assert token == lib.llama_sampler_sample(theirs, ctx, -1)
                assert token not in banned
                if lib.llama_vocab_is_eog(vocab, token):
                    break
                picked.append(token)
                one[0] = token
                assert lib.llama_decode(ctx, lib.llama_batch_get_one(one, 1)) == 0
        finally:
            mine.close()
            lib.llama_sampler_free(theirs)
        assert 0 < mine.full_checks < len(picked), "both the cut and the whole vocabulary were used"
        text = llm.detokenize(picked).decode("utf-8", "replace")
        assert text.lstrip().startswith('{"name"') or text.lstrip().startswith('{ "name"'), text[:40]
    finally:
        llm.close()


@pytest.fixture
def engine():
    client = EngineClient()
    yield client
    client.close()


def ask(engine: EngineClient, model: Path, grammar: str | None, params: GenerationParams):
    request = ChatRequest((ChatMessage(Role.USER, "Give me a word and a count."),), params,
                          choose_template(check_gguf(model)), grammar=grammar)
    items = list(engine.chat(request))
    result = items[-1]
    assert isinstance(result, ChatResult)
    return "".join(i.text for i in items[:-1]), result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_engine_reply_under_a_grammar_is_what_the_schema_allows_and_ends_there(engine, tiny_model, seed):
    engine.load(LoadSpec(str(tiny_model), n_ctx=1024))
    params = GenerationParams(temperature=1.0, max_tokens=200, context_length=1024, seed=seed)
    text, result = ask(engine, tiny_model, json_schema_grammar(SCHEMA), params)
    assert result.finish_reason is FinishReason.STOP, text
    value = json.loads(text)
    assert set(value) == {"word", "count"} and value["word"].isalpha() and isinstance(value["count"], int)


def test_a_grammar_llama_cpp_refuses_is_an_error_and_the_engine_goes_on(engine, tiny_model):
    engine.load(LoadSpec(str(tiny_model), n_ctx=1024))
    params = GenerationParams(temperature=0.0, max_tokens=8, context_length=1024)
    for bad in ('root ::= "unclosed', "word ::= [a-z]+", 'root ::= root "a" | "b"'):
        with pytest.raises(EngineError, match="could not use the grammar"):
            ask(engine, tiny_model, bad, params)
    text, result = ask(engine, tiny_model, None, params)
    assert result.completion_tokens > 0
