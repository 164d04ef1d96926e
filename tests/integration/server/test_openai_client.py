"""The official ``openai`` client against a real server: models, chat (whole and streamed), completions,
embeddings, structured replies; a GPT's instructions and parameters apply, the request's override them."""

from __future__ import annotations

import json

import pytest

openai = pytest.importorskip("openai")

SCHEMA = {"type": "object", "properties": {"word": {"type": "string", "pattern": "^[a-z]{1,8}$"},
                                           "count": {"type": "integer"}},
          "required": ["word", "count"], "additionalProperties": False}


def test_models_lists_installed_gpts_and_models_with_their_ids(api, client, services, tiny_gpt):
    listed = {m.id: m for m in client.models.list().data}
    model = services.models.get(tiny_gpt.model_sha256)
    assert set(listed) == {tiny_gpt.id, f"model:{model.sha256[:12]}"}
    assert client.models.retrieve(tiny_gpt.id).id == tiny_gpt.id


def test_chat_with_and_without_streaming_gives_the_same_greedy_reply_and_counts_tokens(api, client):
    messages = [{"role": "user", "content": "Say something."}]
    whole = client.chat.completions.create(model=api.gpt_id, messages=messages)
    text = whole.choices[0].message.content
    assert text and whole.choices[0].finish_reason in ("stop", "length")
    assert whole.usage.completion_tokens > 0
    assert whole.usage.total_tokens == whole.usage.prompt_tokens + whole.usage.completion_tokens

    chunks = list(client.chat.completions.create(model=api.gpt_id, messages=messages, stream=True,
                                                 stream_options={"include_usage": True}))
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed == text
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == whole.choices[0].finish_reason
    assert chunks[-1].usage.completion_tokens == whole.usage.completion_tokens


def test_the_gpts_instructions_apply_and_the_requests_parameters_override_its_own(api, client, services, tiny_gpt):
    messages = [{"role": "user", "content": "Say something."}]
    model_id = f"model:{tiny_gpt.model_sha256[:12]}"
    as_gpt = client.chat.completions.create(model=api.gpt_id, messages=messages, max_tokens=5)
    as_model = client.chat.completions.create(model=model_id, messages=messages, max_tokens=5)
    # The GPT's instructions ("You are terse.") are in its prompt, not in the bare model's.
    assert as_gpt.usage.prompt_tokens > as_model.usage.prompt_tokens
    assert (as_gpt.usage.completion_tokens, as_gpt.choices[0].finish_reason) == (5, "length")
    default = client.chat.completions.create(model=api.gpt_id, messages=messages)
    assert default.usage.completion_tokens == tiny_gpt.params.max_tokens  # the GPT's own max_tokens (24)
    with_system = client.chat.completions.create(
        model=api.gpt_id, max_tokens=5, messages=[{"role": "system", "content": "Answer in French."}, *messages])
    assert with_system.usage.prompt_tokens > as_gpt.usage.prompt_tokens  # added to the GPT's, not instead


def test_frequency_and_presence_penalties_steer_the_reply(api, client):
    """OpenAI's penalties reach llama.cpp's penalty sampler: a greedy reply that repeats itself changes."""
    ask = {"model": api.gpt_id, "messages": [{"role": "user", "content": "Say something."}], "temperature": 0.0,
           "max_tokens": 24, "extra_body": {"repeat_penalty": 1.0}}
    free = client.chat.completions.create(**ask)
    assert client.chat.completions.create(**ask).choices[0].message.content == free.choices[0].message.content
    for penalty in ({"frequency_penalty": 2.0}, {"presence_penalty": 2.0}):
        steered = client.chat.completions.create(**ask, **penalty)
        assert steered.choices[0].message.content != free.choices[0].message.content, penalty


@pytest.mark.parametrize("seed", [1, 2])
def test_a_json_schema_response_format_holds_the_reply_to_the_schema(api, client, seed):
    reply = client.chat.completions.create(
        model=api.gpt_id, messages=[{"role": "user", "content": "A word and a count, as JSON."}],
        temperature=1.0, seed=seed, max_tokens=200,
        response_format={"type": "json_schema", "json_schema": {"name": "thing", "schema": SCHEMA}})
    value = json.loads(reply.choices[0].message.content)
    assert set(value) == {"word", "count"} and value["word"].isalpha() and isinstance(value["count"], int)


def test_completions_continue_a_prompt_with_and_without_streaming(api, client):
    whole = client.completions.create(model=api.gpt_id, prompt="Once upon a time", max_tokens=8)
    assert whole.choices[0].text and whole.usage.completion_tokens == 8
    streamed = "".join(c.choices[0].text for c in client.completions.create(
        model=api.gpt_id, prompt="Once upon a time", max_tokens=8, stream=True) if c.choices)
    assert streamed == whole.choices[0].text
    echoed = client.completions.create(model=api.gpt_id, prompt="Once upon a time", max_tokens=8, echo=True)
    assert echoed.choices[0].text == "Once upon a time" + whole.choices[0].text


def test_embeddings_load_the_model_for_embedding(api, client, services, tiny_gpt):
    result = client.embeddings.create(model=api.gpt_id, input=["first text", "second text"])
    vectors = [d.embedding for d in result.data]
    width = services.models.get(tiny_gpt.model_sha256).info.embedding_length
    assert len(vectors) == 2 and all(len(v) == width for v in vectors)
    assert vectors[0] != vectors[1]
    assert abs(sum(x * x for x in vectors[0]) - 1.0) < 1e-3  # normalised
    assert result.usage.prompt_tokens == result.usage.total_tokens >= 4, "the embedded tokens are the usage"
    # Chat still works beside it (the embedding model has slots of its own).
    assert client.chat.completions.create(model=api.gpt_id, messages=[{"role": "user", "content": "hi"}],
                                          max_tokens=3).usage.completion_tokens == 3


def test_an_empty_message_or_prompt_is_refused_before_a_model_loads(api, client):
    for ask in (lambda: client.completions.create(model=api.gpt_id, prompt="  ", max_tokens=4),
                lambda: client.chat.completions.create(model=api.gpt_id, messages=[{"role": "user", "content": ""}]),
                lambda: client.chat.completions.create(model=api.gpt_id,
                                                       messages=[{"role": "system", "content": "Be brief."}])):
        with pytest.raises(openai.BadRequestError, match="empty"):
            ask()
    assert api.server.slots.state() == {}, "no slot was taken and no model loaded"


def test_an_unknown_model_is_a_404_in_openais_shape(api, client):
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="nobody/nothing", messages=[{"role": "user", "content": "hi"}])
    assert caught.value.body["code"] == "model_not_found" and "nobody/nothing" in caught.value.body["message"]
