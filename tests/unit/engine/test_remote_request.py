"""What a remote engine is sent and how its answers are read, without a network: the request body, the
Retry-After header, engine addresses."""

from __future__ import annotations

import email.utils
import time

import pytest

from app.core.entities import ChatMessage, GenerationParams, Role
from app.core.errors import InvalidInput
from app.core.remote import checked_timeout, normalise_base_url
from app.engine.remote import request_body, retry_after_seconds


def test_the_body_carries_the_messages_as_built_and_every_parameter_of_the_gpt():
    params = GenerationParams(temperature=0.3, top_p=0.8, top_k=20, min_p=0.1, repeat_penalty=1.2, max_tokens=99,
                              stop=("###", "END"), seed=5, frequency_penalty=0.5, presence_penalty=-0.25)
    messages = (ChatMessage(Role.SYSTEM, "Be brief."), ChatMessage(Role.USER, "hi"))
    body = request_body(messages, params, model="llama-3.1-70b")
    assert body == {
        "model": "llama-3.1-70b", "stream": True,
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
        "temperature": 0.3, "top_p": 0.8, "max_tokens": 99, "top_k": 20, "min_p": 0.1, "repeat_penalty": 1.2,
        "stop": ["###", "END"], "seed": 5, "frequency_penalty": 0.5, "presence_penalty": -0.25,
    }


def test_no_stop_no_seed_and_no_grammar_are_left_out_and_a_grammar_goes_as_llama_cpps_field():
    body = request_body((ChatMessage(Role.USER, "hi"),), GenerationParams(), model="m")
    assert not {"stop", "seed", "grammar", "frequency_penalty", "presence_penalty"} & set(body)
    assert request_body((), GenerationParams(), model="m", grammar='root ::= "a"')["grammar"] == 'root ::= "a"'


@pytest.mark.parametrize(("header", "seconds"), [("7", 7.0), (" 2.5 ", 2.5), ("-3", 0.0), (None, None), ("", None),
                                                  ("soon", None)])
def test_retry_after_in_seconds(header, seconds):
    assert retry_after_seconds(header) == seconds


def test_retry_after_as_an_http_date_is_seconds_from_now():
    later = email.utils.formatdate(time.time() + 120, usegmt=True)
    assert 100 <= retry_after_seconds(later) <= 121
    assert retry_after_seconds(email.utils.formatdate(time.time() - 60, usegmt=True)) == 0.0


@pytest.mark.parametrize(("text", "base"), [
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("HTTP://Host:8080/v1/", "http://Host:8080"),
    ("https://gpu.example/openai/v1", "https://gpu.example/openai"),
    ("  http://localhost:11434/v1  ", "http://localhost:11434"),
])
def test_addresses_are_normalised_to_the_base_without_v1(text, base):
    assert normalise_base_url(text) == base


@pytest.mark.parametrize("value", [0, -1, 3601, "x", None])
def test_a_timeout_out_of_range_is_refused(value):
    with pytest.raises(InvalidInput, match="timeout"):
        checked_timeout(value)
