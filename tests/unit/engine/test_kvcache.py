"""The bookkeeping behind KV cache reuse: shared prefixes and the byte-bounded store of left conversations."""

from __future__ import annotations

from app.engine.kvcache import SavedState, StateCache, common_prefix, reusable


def state(key: str, tokens: list[int], size: int = 10) -> SavedState:
    return SavedState(key, tuple(tokens), data=b"x" * size, size=size)


def test_common_prefix_counts_the_shared_leading_tokens():
    assert common_prefix([1, 2, 3, 4], [1, 2, 9]) == 2
    assert common_prefix([1, 2], [1, 2, 3]) == 2
    assert common_prefix([], [1]) == 0
    assert common_prefix((5, 6), [5, 6]) == 2


def test_a_follow_up_reuses_everything_cached_and_a_repeat_keeps_one_token_to_evaluate():
    history = list(range(100))
    assert reusable(history, [*history, 7, 8]) == 100, "a follow-up evaluates only its own tokens"
    assert reusable(history, history) == 99, "the same prompt again re-evaluates its last token for logits"
    assert reusable([*history, 5, 5], [*history[:50], 1]) == 50, "an edit keeps what precedes it"
    assert reusable([], [1, 2]) == 0 and reusable([1], []) == 0


def test_the_cache_drops_the_least_recently_used_to_stay_within_its_budget():
    cache = StateCache(capacity=25)
    assert cache.put(state("a", [1, 2])) and cache.put(state("b", [3]))
    cache.best("a", [1, 2, 3])  # a is used: b becomes the oldest
    assert cache.put(state("c", [4]))
    assert cache.keys() == ["a", "c"] and cache.size == 20


def test_a_state_larger_than_the_budget_is_refused_and_a_conversation_keeps_one_state():
    cache = StateCache(capacity=25)
    assert not cache.put(state("a", [1], size=26))
    assert cache.put(state("a", [1])) and cache.put(state("a", [1, 2]))
    assert len(cache) == 1 and cache.pop("a").tokens == (1, 2) and cache.pop("a") is None
    assert not StateCache(capacity=0).put(state("a", [1], size=1))


def test_best_prefers_the_longest_shared_prefix_and_the_conversations_own_state_on_a_tie():
    cache = StateCache(capacity=100)
    cache.put(state("other", [1, 2, 3, 4, 5]))
    cache.put(state("mine", [1, 2, 3, 9]))
    found, shared = cache.best("mine", [1, 2, 3, 4, 5, 6])
    assert (found.key, shared) == ("other", 5), "another chat with the same system prompt can seed a new one"
    found, shared = cache.best("mine", [1, 2, 3, 7])
    assert (found.key, shared) == ("mine", 3)
    assert cache.best("x", [8]) == (None, 0)
