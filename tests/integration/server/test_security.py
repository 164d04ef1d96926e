"""The API's guard on a real server: keys (401), Host header (403), body size (413), ranges (422), no CORS."""

from __future__ import annotations

import pytest

from tests.integration.server.http_helpers import request

CHAT = "/v1/chat/completions"


def chat_body(gpt_id: str, **extra: object) -> dict:
    return {"model": gpt_id, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2, **extra}


def assert_openai_error(answer, status: int, code: str | None = None) -> dict:
    assert answer.status == status, answer.body
    error = answer.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def test_a_missing_or_wrong_key_is_401_and_a_revoked_key_stops_working(api, services):
    assert_openai_error(request(api.url, "GET", "/v1/models"), 401, "invalid_api_key")
    assert_openai_error(request(api.url, "GET", "/v1/models", key="gsk_00000000_wrong"), 401, "invalid_api_key")
    assert_openai_error(request(api.url, "GET", "/v1/models", key=api.key + "x"), 401, "invalid_api_key")
    assert_openai_error(request(api.url, "POST", CHAT, body=chat_body(api.gpt_id)), 401, "invalid_api_key")
    assert request(api.url, "GET", "/v1/models", key=api.key).status == 200
    services.api_keys.revoke("tests")
    assert_openai_error(request(api.url, "GET", "/v1/models", key=api.key), 401, "invalid_api_key")


def test_the_openai_client_with_a_wrong_key_gets_an_authentication_error(api):
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=api.url, api_key="gsk_deadbeef_nope", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        client.models.list()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "localhost:1", "127.0.0.1",
                                  "attacker.localhost.evil:{port}", "192.168.1.20:{port}", ""])
def test_a_foreign_host_header_is_403_even_with_a_good_key(api, host):
    answer = request(api.url, "GET", "/v1/models", key=api.key,
                     headers={"Host": host.format(port=api.server.port)})
    assert_openai_error(answer, 403, "forbidden_host")


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}"])
def test_the_loopback_names_with_the_port_are_served(api, host):
    answer = request(api.url, "GET", "/v1/models", key=api.key, headers={"Host": host.format(port=api.server.port)})
    assert answer.status == 200


def test_a_body_over_one_mebibyte_is_413_with_or_without_content_length(api):
    big = b'{"model": "x", "messages": [], "pad": "' + b"a" * (1024 * 1024) + b'"}'
    assert_openai_error(request(api.url, "POST", CHAT, key=api.key, raw=big), 413, "request_too_large")
    assert_openai_error(chunked_post(api, CHAT, big), 413, "request_too_large")  # counted as it arrives


def chunked_post(api, path: str, data: bytes):
    """A body sent in chunks, with no Content-Length to trust."""
    import http.client
    from urllib.parse import urlsplit

    from tests.integration.server.http_helpers import Answer

    parts = urlsplit(api.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("POST", path, body=(data[i:i + 65536] for i in range(0, len(data), 65536)), encode_chunked=True,
                     headers={"Authorization": f"Bearer {api.key}", "Content-Type": "application/json"})
        response = conn.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read())
    finally:
        conn.close()


@pytest.mark.parametrize(("field", "value"), [
    ("temperature", -0.1), ("temperature", 2.5), ("top_p", 1.5), ("top_k", -1), ("max_tokens", 0),
    ("max_tokens", -5), ("max_tokens", 10**9), ("n", 2), ("seed", -1), ("seed", 2**64), ("repeat_penalty", 0),
    ("presence_penalty", 3), ("min_p", -0.5),
])
def test_a_number_out_of_range_is_422_naming_the_field(api, field, value):
    error = assert_openai_error(request(api.url, "POST", CHAT, key=api.key, body=chat_body(api.gpt_id, **{field: value})),
                                422, "invalid_value")
    assert error["param"] == field and field in error["message"]


def test_malformed_bodies_are_4xx_in_openais_shape(api):
    assert_openai_error(request(api.url, "POST", CHAT, key=api.key, raw=b"{not json"), 422)
    assert_openai_error(request(api.url, "POST", CHAT, key=api.key, body={"model": api.gpt_id}), 422)
    assert_openai_error(request(api.url, "POST", CHAT, key=api.key, body=chat_body(api.gpt_id, messages=[])), 422)
    last_not_user = chat_body(api.gpt_id, messages=[{"role": "assistant", "content": "hello"}])
    assert_openai_error(request(api.url, "POST", CHAT, key=api.key, body=last_not_user), 400)
    bad_schema = chat_body(api.gpt_id, response_format={"type": "json_schema", "json_schema": {"name": "x"}})
    assert_openai_error(request(api.url, "POST", CHAT, key=api.key, body=bad_schema), 400)
    assert_openai_error(request(api.url, "GET", "/v1/nothing-here", key=api.key), 404)


def test_no_cors_header_is_ever_sent(api):
    origin = {"Origin": "https://evil.example"}
    for method, path in (("GET", "/v1/models"), ("OPTIONS", "/v1/models"), ("GET", "/openapi.json")):
        answer = request(api.url, method, path, key=api.key,
                         headers={**origin, "Access-Control-Request-Method": "GET"})
        assert not any(name.startswith("access-control-") for name in answer.headers), (method, path)


def test_the_server_binds_loopback_only_by_default(services, tiny_gpt):
    from app.server.config import ServerConfig

    config = ServerConfig.from_settings(services.settings())
    assert (config.host, config.loopback_only, services.settings().api_enabled) == ("127.0.0.1", True, False)


def test_embeddings_as_floats_over_plain_http(api):
    answer = request(api.url, "POST", "/v1/embeddings", key=api.key, body={"model": api.gpt_id, "input": "hello"})
    assert answer.status == 200
    data = answer.json()["data"]
    assert len(data) == 1 and all(isinstance(x, float) for x in data[0]["embedding"])
