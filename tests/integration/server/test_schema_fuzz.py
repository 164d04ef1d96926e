"""schemathesis against the running server's /openapi.json: generated requests never get a 5xx.

Driven through schemathesis' strategies with hypothesis directly (its pytest plugin does not load with
this pytest). Bounded (a few examples per operation and mode) so that it runs in seconds. Half of the
generated bodies name the installed GPT, so requests reach the engine, not only the 404 of an unknown
model; their token budgets are capped to keep the tiny model's replies short.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

MAX_TOKENS = 8
EXAMPLES = 10


def aim(body: object, gpt_id: str, flip: bool) -> None:
    if not isinstance(body, dict):
        return
    if flip and "model" in body:
        body["model"] = gpt_id
    for field in ("max_tokens", "max_completion_tokens"):
        if isinstance(body.get(field), int) and body[field] > MAX_TOKENS:
            body[field] = MAX_TOKENS


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_generated_requests_never_get_a_server_error(api, mode):
    schema = schemathesis.openapi.from_url(f"{api.origin}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{o.method.upper()} {o.path}" for o in operations} >= {
        "GET /v1/models", "POST /v1/chat/completions", "POST /v1/completions", "POST /v1/embeddings"}
    seen: list[int] = []
    for operation in operations:
        strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode))

        @given(case=strategy)
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            aim(case.body, api.gpt_id, flip=len(seen) % 2 == 0)
            response = case.call(base_url=api.origin, headers={"Authorization": f"Bearer {api.key}"}, timeout=120)
            seen.append(response.status_code)
            assert response.status_code < 500, (case.method, case.path, case.body, response.text)

        check()
    assert seen and all(status < 500 for status in seen)
    if mode == "positive":
        assert 200 in seen  # some requests really reached the engine
