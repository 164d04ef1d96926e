"""What a GPT Shelf sends to a remote engine for any valid GPT passes its own API's checks, so one GPT Shelf
can run a GPT on another's API (a GPT may have 8 stop strings, where OpenAI allows 4)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.core.entities import ChatMessage, Role
from app.engine.remote import request_body
from app.manifest.models import MAX_STOPS, Parameters
from app.server.schemas import ChatCompletionRequest


@pytest.mark.parametrize("edge", [
    {"temperature": 0, "top_p": 0, "top_k": 0, "min_p": 0, "repeat_penalty": 0.5, "max_tokens": 1,
     "context_length": 128},
    {"temperature": 2, "top_p": 1, "top_k": 1000, "min_p": 1, "repeat_penalty": 2, "max_tokens": 32768,
     "context_length": 1048576, "stop": [f"stop string {n}".ljust(64, "!") for n in range(MAX_STOPS)]},
])
def test_the_request_for_a_gpt_at_the_edge_of_its_parameters_is_accepted(edge):
    params = Parameters.model_validate(edge).generation_params()
    body = request_body([ChatMessage(Role.SYSTEM, "Be brief."), ChatMessage(Role.USER, "hi")], params, model="gpt")
    accepted = ChatCompletionRequest.model_validate(body)
    assert accepted.stops() == (params.stop or None)
    assert (accepted.max_tokens, accepted.top_k, accepted.repeat_penalty) == (
        params.max_tokens, params.top_k, params.repeat_penalty)


def test_more_stop_strings_than_a_gpt_may_have_are_refused():
    with pytest.raises(ValidationError, match="stop"):
        ChatCompletionRequest.model_validate({"model": "gpt", "messages": [{"role": "user", "content": "hi"}],
                                              "stop": [f"s{n}" for n in range(MAX_STOPS + 1)]})
