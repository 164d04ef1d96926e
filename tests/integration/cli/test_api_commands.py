"""``gptshelf api-keys`` and ``gptshelf serve``: keys made, listed and revoked; a headless server that answers
with a session key and stops on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from app.cli.main import main
from tests.integration.server.http_helpers import request

ROOT = Path(__file__).resolve().parents[3]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_api_keys_are_created_listed_and_revoked(capsys, memory_keyring):
    code, out, _ = run(capsys, "api-keys", "create", "my editor", "--json")
    assert code == 0
    made = json.loads(out)
    assert made["name"] == "my editor" and made["secret"].startswith(f"gsk_{made['id']}_")
    assert made["secret"] not in json.dumps(list(memory_keyring.values()))  # only a digest is kept
    code, out, _ = run(capsys, "api-keys", "list", "--json")
    assert [(k["id"], k["name"], k["last_used_at"]) for k in json.loads(out)] == [(made["id"], "my editor", None)]
    assert "secret" not in out
    code, _, err = run(capsys, "api-keys", "create", "my editor")
    assert code == 1 and "already exists" in err
    code, out, _ = run(capsys, "api-keys", "revoke", "my editor")
    assert code == 0 and made["id"] in out
    assert json.loads(run(capsys, "api-keys", "list", "--json")[1]) == []
    assert not memory_keyring
    code, _, err = run(capsys, "api-keys", "revoke", "my editor")
    assert code == 1 and "No API key" in err


def test_serve_runs_headless_with_a_session_key_and_stops_on_ctrl_c(gptshelf_home, capsys):
    env = {**os.environ, "GPTSHELF_HOME": str(gptshelf_home), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", "0", "--session-key"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("serving the local API at http://127.0.0.1:"), first + (proc.stderr.read() if
                                                                                         proc.poll() is not None else "")
        url = first.split(" at ", 1)[1].split(" ", 1)[0]
        key = proc.stdout.readline().strip().rsplit(" ", 1)[1]
        assert request(url, "GET", "/v1/models").status == 401
        answer = request(url, "GET", "/v1/models", key=key)
        assert answer.status == 200 and answer.json()["object"] == "list"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
    assert proc.returncode in (0, 130)
    assert json.loads(run(capsys, "api-keys", "list", "--json")[1]) == []  # the session key is gone


def test_serve_refuses_a_port_in_use_with_a_sentence(capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        code, _, err = run(capsys, "serve", "--port", str(taken.getsockname()[1]))
    assert code == 1 and "already in use" in err
