"""Suite 6, the local API: where it listens, what it refuses, and what many streaming clients that leave
mid-reply leave behind.

- ``gptshelf serve`` with its defaults is started as a child process; psutil lists the listening
  sockets of it and of its children: every one must be on a loopback address.
- Hundreds of hostile requests (no key, a wrong key in many shapes, a foreign Host, a body past the cap,
  numbers out of range), made from a table and a seeded generator: every one must be refused with its
  own status (401, 403, 413 or 422), never served and never a 5xx.
- Many streaming clients at once on one slot, each of which reads to the end, leaves mid-stream, or
  leaves while queued: no 5xx and no error event, every slot free and the queue empty afterwards, no
  model process still in a call, and the next request is served.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

from app.core.entities import FinishReason
from app.manifest.models import MAX_STOPS
from app.server.config import MAX_BODY_BYTES
from tests.integration.server.conftest import services, start_api, tiny_gpt
from tests.integration.server.http_helpers import request, wait_for
from tests.reliability.figures import Figures, size

__all__ = ["services", "tiny_gpt"]  # fixtures, shared with the API's integration tests

REFUSED = {401, 403, 413, 422}
GOOD_KEY = "<the server's key>"
"""Stands for the key the server made, in requests built before it exists."""
SEED = 6
SLOTS = 2
LONG = 2000
"""max_tokens of a client that leaves: its reply must stop well before."""
"""Model processes (slots) for the streaming clients: several, so that every one of them must be freed."""


def _listening(process: psutil.Process) -> list[tuple[str, int]]:
    found = []
    for proc in [process, *process.children(recursive=True)]:
        try:
            found += [(c.laddr.ip, c.laddr.port) for c in proc.net_connections(kind="inet")
                      if c.status == psutil.CONN_LISTEN]
        except psutil.NoSuchProcess:
            continue
    return found


def test_gptshelf_serve_with_its_defaults_listens_on_loopback_only(gptshelf_home: Path, figures: Figures) -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PYTHONUNBUFFERED": "1"}
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    # --port 0: the default port may be taken on a shared machine; the address is the default one
    child = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", "0"], cwd=root, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        line = child.stdout.readline() if child.stdout else ""
        assert "serving the local API at" in line, (line, child.stderr.read() if child.poll() is not None else "")
        port = urlsplit(line.split(" at ", 1)[1].split()[0]).port
        sockets = _listening(psutil.Process(child.pid))
        assert (port is not None) and any(p == port for _, p in sockets), sockets
        answer = request(f"http://127.0.0.1:{port}/v1", "GET", "/health")
        assert answer.status == 200
        sockets = _listening(psutil.Process(child.pid))
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    foreign = [s for s in sockets if not _loopback(s[0])]
    figures.record("6 API", f"`gptshelf serve` defaults: listening sockets off loopback (of {len(sockets)}: "
                   f"{', '.join(sorted({ip for ip, _ in sockets}))})", len(foreign), "0", not foreign)
    assert not foreign


def _loopback(ip: str) -> bool:
    import ipaddress

    return ipaddress.ip_address(ip).is_loopback


# --- hostile requests ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hostile:
    kind: str
    method: str
    path: str
    expected: int
    key: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: object = None
    raw: bytes | None = None
    chunked: bool = False


ODD_PATHS = ("/v1%2fmodels", "/v1/./models", "/v1/models/", "/v1//models", "/%76%31/models", "/v1/models?key=x",
             "/v1", "/v1/", "/v1/chat/completions/", "/v1/../v1/models")
"""Other spellings of /v1 paths (the server decodes and routes them as /v1): all need the key."""
ENDPOINTS = (("GET", "/v1/models"), ("GET", "/v1/models/anything"), ("POST", "/v1/chat/completions"),
             ("POST", "/v1/completions"), ("POST", "/v1/embeddings"), ("GET", "/v1/nothing-here"),
             ("DELETE", "/v1/models"))


def _wrong_keys(good: str, rng: random.Random, guesses: int) -> list[str]:
    """Authorization headers that must all be refused: malformed, other schemes, near misses of the key."""
    prefix, ident, secret = good.split("_", 2)
    flipped = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    shapes = ["", "Bearer", "Bearer ", f"Basic {good}", f"Token {good}", f"Bearer{good}", f"{good}",
              f"Bearer {good}x", f"Bearer {good[:-1]}", f"Bearer {good.upper()}", f"Bearer {prefix}_{ident}_{flipped}",
              f"Bearer {prefix}_{ident}_", f"Bearer {prefix}_00000000_{secret}", "Bearer gsk_", "Bearer null",
              f"Bearer {good} {good}", "Bearer " + "a" * 4000, "Bearer ' OR 1=1 --",
              "Bearer \u00e9\u00e9"]
    shapes += ["Bearer " + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789_") for _ in range(len(good)))
               for _ in range(guesses)]
    return shapes


def _hostile_requests(api, rng: random.Random, copies: int) -> list[Hostile]:
    port = api.server.port
    chat = {"model": api.gpt_id, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2}
    cases: list[Hostile] = []
    for method, path in ENDPOINTS:
        body = chat if method == "POST" else None
        cases.append(Hostile("no key", method, path, 401, body=body))
    for path in ODD_PATHS:
        cases.append(Hostile("no key", "GET", path, 401))
    for method in ("HEAD", "OPTIONS", "TRACE", "PATCH", "PUT"):
        cases.append(Hostile("no key", method, "/v1/models", 401))
        for header in _wrong_keys(api.key, rng, copies // 25):
            cases.append(Hostile("wrong key", method, path, 401, headers=(("Authorization", header),), body=body))
        cases.append(Hostile("wrong key", method, path, 401, headers=(("X-Api-Key", api.key),), body=body))
    hosts = ["evil.example", f"evil.example:{port}", "localhost", "127.0.0.1", f"localhost:{port + 1}",
             f"127.0.0.1:{port}0", f"localhost.evil.example:{port}", f"127.0.0.1.nip.io:{port}",
             f"192.168.1.20:{port}", f"10.0.0.1:{port}", f"0.0.0.0:{port}", f"[::ffff:127.0.0.1]x:{port}",
             f"[::1]{port}", f"localhost:{port}:{port}", f"user@localhost:{port}", f"localhost:+{port}",
             f"localhost: {port}x", f"LOCALHOST.:{port}", "", ":", f":{port}", f"[::1:{port}",
             f"%6cocalhost:{port}"]
    for method, path in ENDPOINTS + (("GET", "/openapi.json"), ("GET", "/health")):
        for host in hosts:
            body = chat if method == "POST" else None
            cases.append(Hostile("wrong Host", method, path, 403, key=api.key, headers=(("Host", host),), body=body))
    big = b'{"model": "x", "messages": [], "pad": "' + b"a" * MAX_BODY_BYTES + b'"}'
    for path in ("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models"):
        for extra in (0, 1, 4096):
            raw = big + b" " * extra
            cases.append(Hostile("oversized body", "POST", path, 413, key=api.key, raw=raw))
            cases.append(Hostile("oversized body", "POST", path, 413, key=api.key, raw=raw, chunked=True))
        cases.append(Hostile("oversized body", "POST", path, 413, key=api.key,
                             headers=(("Content-Length", str(10**12)),), raw=b"{}"))
    cases += _out_of_range(api.gpt_id, rng, copies)
    return cases


RANGES = {  # field: values outside its range (and of the wrong type)
    "temperature": (-0.001, 2.001, 1e308, -1e308, "hot", [1]),
    "top_p": (-0.1, 1.0001, 7, "x"), "top_k": (-1, 1001, 2**63, 0.5, "five"), "min_p": (-0.5, 1.5),
    "repeat_penalty": (0, -1, 2.01), "presence_penalty": (-2.1, 2.1), "frequency_penalty": (-3, 3),
    "max_tokens": (0, -1, 32769, 10**9, 1.5, "ten"), "seed": (-1, 2**32, 2**64, 0.5), "n": (0, 2, 100),
    "stop": ("", [""], ["a"] * (MAX_STOPS + 1), "s" * 201, 5), "user": ("u" * 257,), "model": ("", "m" * 201, 5, None),
    "stream": ("yes-please", 2, [True]),
}
BOUNDS = (("temperature", 0.0, 2.0, False), ("top_p", 0.0, 1.0, False), ("min_p", 0.0, 1.0, False),
          ("repeat_penalty", 0.0, 2.0, False), ("presence_penalty", -2.0, 2.0, False),
          ("frequency_penalty", -2.0, 2.0, False), ("top_k", 0, 1000, True), ("max_tokens", 1, 32768, True),
          ("seed", 0, 2**32 - 1, True), ("n", 1, 1, True))
CHAT_RANGES = {
    "messages": ([], None, "hi", [{"role": "user", "content": "x" * 200_001}], [{"role": "wizard", "content": "x"}],
                 [{"role": "user", "content": 5}], [{"role": "user", "content": "x"}] * 1001),
    "max_completion_tokens": (0, 32769),
}


def _out_of_range(gpt_id: str, rng: random.Random, copies: int) -> list[Hostile]:
    cases = []
    base_chat = {"model": gpt_id, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2}
    base_text = {"model": gpt_id, "prompt": "hi", "max_tokens": 2}
    for path, base, ranges in (("/v1/chat/completions", base_chat, {**RANGES, **CHAT_RANGES}),
                               ("/v1/completions", base_text, {**RANGES, "prompt": (["a", "b"], [], 5, None)})):
        for field, values in ranges.items():
            for value in values:
                body = {**base, field: value}
                if value is None:
                    body.pop(field)
                cases.append(Hostile("out of range", "POST", path, 422, key=GOOD_KEY, body=body))
    for _ in range(copies):  # random numbers past each numeric bound, from just past to far past
        path, base = rng.choice((("/v1/chat/completions", base_chat), ("/v1/completions", base_text)))
        field, low, high, integer = rng.choice(BOUNDS)
        step = rng.choice((1, 10**rng.randint(1, 30))) if integer else rng.choice((1e-6, 0.01, 1.0, 1e10, 1e300))
        value = low - step if rng.random() < 0.5 else high + step
        cases.append(Hostile("out of range", "POST", path, 422, key=GOOD_KEY, body={**base, field: value}))
    return cases


def _send(api, case: Hostile) -> int:
    key = api.key if case.key == GOOD_KEY else case.key
    headers = dict(case.headers)
    if not case.chunked:
        return request(api.url, case.method, case.path, key=key, body=case.body, raw=case.raw, headers=headers).status
    parts = urlsplit(api.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        data = case.raw or b""
        conn.request(case.method, case.path, body=(data[i:i + 65536] for i in range(0, len(data), 65536)),
                     encode_chunked=True, headers={"Authorization": f"Bearer {key}", **headers})
        response = conn.getresponse()
        response.read()
        return response.status
    except (BrokenPipeError, ConnectionResetError):
        return 413  # refused before the whole body was sent: the server closed the connection after its 413
    finally:
        conn.close()


def test_every_hostile_request_is_refused_with_its_own_status(services, tiny_gpt, figures: Figures,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    api = start_api(services, tiny_gpt.id)
    try:
        rng = random.Random(SEED)
        cases = _hostile_requests(api, rng, copies=size(150, 1500))
        outcomes = [(case, _send(api, case)) for case in cases]
        slots = api.server.slots.state()
    finally:
        api.server.stop()
    by_kind: dict[str, list[tuple[Hostile, int]]] = {}
    for case, status in outcomes:
        by_kind.setdefault(case.kind, []).append((case, status))
    wrong = [(c.kind, c.method, c.path, c.headers, str(c.body)[:120], s) for c, s in outcomes
             if s not in REFUSED or s != c.expected]
    refused = sum(s in REFUSED for _, s in outcomes)
    detail = ", ".join(f"{kind} {sum(s == group[0][0].expected for _, s in group)}/{len(group)}"
                       for kind, group in by_kind.items())
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    figures.record("6 API", f"hostile requests refused with 401/403/413/422 ({detail})",
                   f"{100 * refused / len(outcomes):.1f}% of {len(outcomes):,}", "100%",
                   refused == len(outcomes) and not wrong)
    figures.record("6 API", "hostile requests that reached a model (slots used) / errors logged",
                   f"{len(slots)} / {len(errors)}", "0 / 0", not slots and not errors)
    assert not wrong, wrong[:20]
    assert not slots, "a refused request reached a model's queue"
    assert not errors, errors[:5]


# --- many streaming clients that leave --------------------------------------------------------------

@dataclass
class Client:
    plan: str  # "finish", "leave mid-stream", "leave while queued"
    max_tokens: int
    events_before_leaving: int
    status: int | None = None
    error_events: int = 0
    done: bool = False


def _stream(api, client: Client, rng: random.Random, started: threading.Barrier) -> Client:
    parts = urlsplit(api.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    body = {"model": api.gpt_id, "stream": True, "max_tokens": client.max_tokens,
            "messages": [{"role": "user", "content": f"Tell me story number {rng.randint(0, 9)}."}]}
    started.wait()
    conn.request("POST", "/v1/chat/completions", body=json.dumps(body),
                 headers={"Authorization": f"Bearer {api.key}", "Content-Type": "application/json"})
    try:
        if client.plan == "leave while queued":
            time.sleep(rng.uniform(0.0, 0.5))  # the connection closes at a random moment, answered or not
            return client
        response = conn.getresponse()
        client.status = response.status
        if response.status != 200:
            response.read()
            return client
        events = 0
        while True:
            line = response.readline()
            if not line:
                break
            text = line.decode().strip()
            if not text.startswith("data: "):
                continue
            events += 1
            if text == "data: [DONE]":
                client.done = True
                break
            if '"error"' in text:
                client.error_events += 1
            if client.plan == "leave mid-stream" and events >= client.events_before_leaving:
                break
        return client
    finally:
        try:
            conn.sock.shutdown(socket.SHUT_RDWR)  # type: ignore[union-attr]
        except (OSError, AttributeError):
            pass
        conn.close()


def test_concurrent_streaming_clients_that_leave_get_no_5xx_and_free_every_slot(
        services, tiny_gpt, figures: Figures, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    count = size(8, 32)
    rng = random.Random(SEED)
    plans = ["finish", "leave mid-stream", "leave while queued"]
    chosen = [plans[i] if i < len(plans) else rng.choice(plans) for i in range(count)]  # every plan at least once
    clients = [Client(plan, rng.randint(8, 24) if plan == "finish" else LONG, rng.randint(1, 8)) for plan in chosen]
    api = start_api(services, tiny_gpt.id, slots=SLOTS)
    key = tiny_gpt.model_sha256
    try:
        slots = api.server.slots
        barrier = threading.Barrier(count)
        with ThreadPoolExecutor(count) as pool:
            finished = list(pool.map(lambda c: _stream(api, c[1], random.Random(SEED + c[0]), barrier),
                                     enumerate(clients)))
        assert slots.wait_idle(key, 120), "a slot stayed busy after every client had gone"
        assert wait_for(lambda: slots.state()[key].waiting == 0), "a request stayed in the queue"
        assert wait_for(lambda: len([f for f in slots.recent if f.key == key]) >= count), \
            "a request never ended"
        state = slots.state()[key]
        in_call = [e for q in slots._queues.values() for s in q.slots for e in s.pool.engines() if not _idle(e)]
        ended = [f for f in slots.recent if f.key == key]
        follow = request(api.url, "POST", "/v1/chat/completions", key=api.key, body={
            "model": api.gpt_id, "max_tokens": 3, "messages": [{"role": "user", "content": "Still there?"}]})
    finally:
        api.server.stop()
    statuses = [c.status for c in finished if c.status is not None]
    five = [s for s in statuses if s >= 500]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    left = [c for c in finished if c.plan != "finish"]
    cut_short = [f for f in ended if f.finish_reason is FinishReason.CANCELLED or f.finish_reason is None]
    overran = [f for f in ended if f.finish_reason is FinishReason.CANCELLED and f.completion_tokens >= LONG]
    whole = [c for c in finished if c.plan == "finish"]
    figures.record("6 API", f"{count} concurrent streaming clients on {SLOTS} slots ({len(left)} leave mid-stream or queued, "
                   f"{len(cut_short)} replies cut short): 5xx answers / error events / errors logged",
                   f"{len(five)} / {sum(c.error_events for c in finished)} / {len(errors)}", "0 / 0 / 0",
                   not five and not any(c.error_events for c in finished) and not errors)
    figures.record("6 API", "after them: slots busy / requests queued / model processes in a call; "
                   "next request served", f"{state.busy} / {state.waiting} / {len(in_call)}; {follow.status}",
                   "0 / 0 / 0; 200", (state.busy, state.waiting, len(in_call), follow.status) == (0, 0, 0, 200))
    assert not five and not errors, (five, errors[:5])
    assert not any(c.error_events for c in finished)
    assert all(c.done and c.status == 200 for c in whole), whole
    assert (state.busy, state.waiting, in_call) == (0, 0, [])
    assert not overran, "a reply whose client left ran to its max_tokens"
    assert follow.status == 200 and follow.json()["choices"][0]["finish_reason"] == "length"


def _idle(engine) -> bool:  # noqa: ANN001
    """True when no thread is inside a call of this model process (a reply still generating holds its lock)."""
    lock = engine._lock  # noqa: SLF001 - the one honest sign that no call is in progress
    if lock.acquire(blocking=False):
        lock.release()
        return True
    return False

