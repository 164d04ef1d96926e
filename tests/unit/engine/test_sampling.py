"""The sampler chain's order: llama-cpp-python's, with an exact top-k cut before the repeat penalty."""

from __future__ import annotations

from app.core.entities import GenerationParams
from app.engine.sampling import CUT, PENALTY_LAST_N, exact_cut, steps


def names(params: GenerationParams) -> list[str]:
    return [name for name, _ in steps(params)]


def test_greedy_without_penalty_is_one_argmax():
    assert steps(GenerationParams(temperature=0.0, repeat_penalty=1.0)) == [("greedy", ())]


def test_a_repeat_penalty_runs_on_a_top_k_cut_large_enough_to_be_exact():
    greedy = steps(GenerationParams(temperature=0.0, repeat_penalty=1.15))
    assert greedy == [("top_k", (1 + PENALTY_LAST_N,)), ("penalties", (PENALTY_LAST_N, 1.15, 0.0, 0.0)),
                      ("greedy", ())]
    chain = steps(GenerationParams(temperature=0.7, top_k=40, repeat_penalty=1.1, seed=3))
    assert chain[:3] == [("top_k", (40 + PENALTY_LAST_N,)), ("penalties", (PENALTY_LAST_N, 1.1, 0.0, 0.0)),
                         ("top_k", (40,))]
    assert names(GenerationParams())[3:] == ["top_p", "min_p", "temp", "dist"]
    assert chain[-1] == ("dist", (3,))


def test_penalties_that_raise_logits_or_no_top_k_see_the_whole_vocabulary():
    assert names(GenerationParams(temperature=0.7, top_k=40, repeat_penalty=0.9))[:2] == ["penalties", "top_k"]
    assert names(GenerationParams(temperature=0.7, top_k=0, repeat_penalty=1.1))[0] == "penalties"


def test_frequency_and_presence_penalties_join_the_penalty_sampler():
    chain = steps(GenerationParams(temperature=0.7, top_k=40, repeat_penalty=1.0, frequency_penalty=0.5,
                                   presence_penalty=0.25))
    assert chain[:3] == [("top_k", (40 + PENALTY_LAST_N,)), ("penalties", (PENALTY_LAST_N, 1.0, 0.5, 0.25)),
                         ("top_k", (40,))], "penalties that only lower seen tokens keep the exact cut"
    raised = names(GenerationParams(temperature=0.7, top_k=40, repeat_penalty=1.1, presence_penalty=-0.5))
    assert raised[:2] == ["penalties", "top_k"], "a negative one raises logits: the whole vocabulary"


def test_neutral_settings_add_no_sampler():
    chain = names(GenerationParams(temperature=0.5, top_k=0, top_p=1.0, min_p=0.0, repeat_penalty=1.0))
    assert chain == ["temp", "dist"]


def test_a_grammar_checks_only_a_cut_where_the_chain_keeps_fewer_candidates_first():
    assert exact_cut(GenerationParams(temperature=0.7, top_k=40, repeat_penalty=1.1)) == 40 + PENALTY_LAST_N
    assert exact_cut(GenerationParams(temperature=0.7, top_k=40, repeat_penalty=1.0)) == 40
    assert exact_cut(GenerationParams(temperature=0.0, repeat_penalty=1.0)) == 1
    assert exact_cut(GenerationParams(temperature=0.0, repeat_penalty=1.2)) == 1 + PENALTY_LAST_N


def test_without_a_first_top_k_only_the_whole_vocabulary_is_exact():
    assert exact_cut(GenerationParams(temperature=0.7, top_k=0)) == 0
    assert exact_cut(GenerationParams(temperature=0.7, top_k=40, repeat_penalty=0.9)) == 0
    assert exact_cut(GenerationParams(temperature=0.7, top_k=CUT, repeat_penalty=1.0)) == CUT
    assert exact_cut(GenerationParams(temperature=0.7, top_k=CUT + 1, repeat_penalty=1.0)) == 0
