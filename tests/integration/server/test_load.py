"""Load on a real server: 16 streaming clients at once, a client that leaves mid-stream or while queued,
parallel slots, and models unloaded when idle."""

from __future__ import annotations

import http.client
import json
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from app.core.entities import FinishReason
from tests.integration.server.conftest import start_api
from tests.integration.server.http_helpers import wait_for as _wait_for

openai = pytest.importorskip("openai")

LONG = 3000


def stream_all(api, max_tokens: int = 16) -> tuple[str, str | None]:
    client = openai.OpenAI(base_url=api.url, api_key=api.key, max_retries=0, timeout=300)
    text, finish = "", None
    for chunk in client.chat.completions.create(model=api.gpt_id, stream=True, max_tokens=max_tokens,
                                                messages=[{"role": "user", "content": "Tell me a story."}]):
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
    return text, finish


def open_stream(api, max_tokens: int = LONG) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """Start a streamed chat over a raw connection (so the test decides when the client goes away)."""
    parts = urlsplit(api.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    body = {"model": api.gpt_id, "stream": True, "max_tokens": max_tokens,
            "messages": [{"role": "user", "content": "Tell me a long story."}],
            # The tiny model's greedy reply ends (EOS) after ~50 tokens, sooner than a test's client leaves on a
            # fast machine; a grammar that wants a longer string than max_tokens allows keeps it generating.
            "response_format": {"type": "json_schema", "json_schema": {"name": "story", "schema": {
                "type": "object", "properties": {"story": {"type": "string", "minLength": max_tokens + 1}},
                "required": ["story"]}}}}
    conn.request("POST", "/v1/chat/completions", body=json.dumps(body),
                 headers={"Authorization": f"Bearer {api.key}", "Content-Type": "application/json"})
    return conn, conn.getresponse()


def read_events(response: http.client.HTTPResponse, count: int) -> list[str]:
    events = []
    while len(events) < count:
        line = response.readline().decode().strip()
        if line.startswith("data: "):
            events.append(line[6:])
    return events


def leave(conn: http.client.HTTPConnection) -> None:
    """The client goes away: the socket is closed mid-stream, nothing more is read."""
    import socket

    conn.sock.shutdown(socket.SHUT_RDWR)
    conn.close()


def test_sixteen_concurrent_streaming_clients_all_finish_and_none_gets_a_5xx(api):
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: stream_all(api), range(16)))
    assert len(results) == 16
    assert all(text and finish in ("stop", "length") for text, finish in results), results
    assert len({text for text, _ in results}) == 1  # greedy: every client got the same whole reply
    assert all(f.finish_reason is not FinishReason.CANCELLED for f in api.server.slots.recent)


def test_a_client_that_leaves_mid_stream_stops_its_generation_and_frees_the_slot(api, tiny_gpt):
    conn, response = open_stream(api)
    assert response.status == 200
    events = read_events(response, 4)
    assert json.loads(events[0])["choices"][0]["delta"]["role"] == "assistant"
    leave(conn)
    slots = api.server.slots
    assert slots.wait_idle(tiny_gpt.model_sha256, 60), "the slot stayed busy after its client left"
    ended = slots.recent[-1]
    assert ended.finish_reason is FinishReason.CANCELLED
    assert ended.completion_tokens < LONG  # the engine stopped early, not at max_tokens
    text, finish = stream_all(api, max_tokens=4)  # the freed slot serves the next client
    assert finish == "length"


def test_a_client_that_leaves_while_queued_never_generates(api, tiny_gpt):
    slots = api.server.slots
    first_conn, first = open_stream(api)
    read_events(first, 2)  # the only slot is busy generating the first reply
    second_conn = http.client.HTTPConnection(urlsplit(api.url).hostname, urlsplit(api.url).port, timeout=60)
    body = {"model": api.gpt_id, "stream": True, "max_tokens": LONG,
            "messages": [{"role": "user", "content": "Me too."}]}
    second_conn.request("POST", "/v1/chat/completions", body=json.dumps(body),
                        headers={"Authorization": f"Bearer {api.key}", "Content-Type": "application/json"})
    assert _wait_for(lambda: slots.state()[tiny_gpt.model_sha256].waiting == 1), "the second request never queued"
    leave(second_conn)
    assert _wait_for(lambda: slots.state()[tiny_gpt.model_sha256].waiting == 0)
    leave(first_conn)
    assert slots.wait_idle(tiny_gpt.model_sha256, 60)
    queued, first_reply = [f for f in slots.recent if f.key == tiny_gpt.model_sha256][-2:]
    assert (queued.finish_reason, queued.completion_tokens) == (None, 0)  # it left the queue, never generated
    assert first_reply.finish_reason is FinishReason.CANCELLED and first_reply.completion_tokens < LONG


def test_two_slots_generate_two_replies_at_once(services, tiny_gpt):
    api = start_api(services, tiny_gpt.id, slots=2)
    try:
        slots = api.server.slots
        opened = [open_stream(api) for _ in range(2)]
        for _, response in opened:
            read_events(response, 3)
        state = slots.state()[tiny_gpt.model_sha256]
        assert (state.busy, state.loaded, state.waiting) == (2, 2, 0)
        for conn, _ in opened:
            leave(conn)
        assert slots.wait_idle(tiny_gpt.model_sha256, 60)
    finally:
        api.server.stop()


def test_a_model_unused_for_the_idle_time_is_unloaded_and_loads_again_on_the_next_request(services, tiny_gpt):
    api = start_api(services, tiny_gpt.id, idle_seconds=0.001)  # the janitor may beat the test to it: both fine
    try:
        slots = api.server.slots
        assert stream_all(api, max_tokens=2)[1] == "length"
        assert _wait_for(lambda: slots.unload_idle() >= 0 and slots.state()[tiny_gpt.model_sha256].loaded == 0)
        assert stream_all(api, max_tokens=2)[1] == "length"
    finally:
        api.server.stop()


def test_too_many_waiting_requests_get_429_not_5xx(services, tiny_gpt):
    api = start_api(services, tiny_gpt.id, max_waiting=1)
    try:
        conn, response = open_stream(api)
        read_events(response, 2)
        queued_conn = http.client.HTTPConnection(urlsplit(api.url).hostname, urlsplit(api.url).port, timeout=60)
        body = {"model": api.gpt_id, "max_tokens": 2, "messages": [{"role": "user", "content": "wait"}]}
        headers = {"Authorization": f"Bearer {api.key}", "Content-Type": "application/json"}
        queued_conn.request("POST", "/v1/chat/completions", body=json.dumps(body), headers=headers)
        assert _wait_for(lambda: api.server.slots.state()[tiny_gpt.model_sha256].waiting == 1)
        from tests.integration.server.http_helpers import request

        refused = request(api.url, "POST", "/v1/chat/completions", key=api.key, body=body)
        assert refused.status == 429 and refused.json()["error"]["code"] == "rate_limit_exceeded"
        leave(conn)
        assert queued_conn.getresponse().status == 200  # the queued one is served once the slot frees
        queued_conn.close()
    finally:
        api.server.stop()

