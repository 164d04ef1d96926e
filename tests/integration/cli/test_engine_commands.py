"""``gptshelf engines`` and ``gptshelf gpts run-on`` end to end, against a loopback OpenAI-compatible engine."""

from __future__ import annotations

import io
import json

from app.cli.main import main
from tests.support.fake_engine import PIECES, fake_engine, refused_url


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_add_list_check_models_run_on_chat_and_remove(capsys, monkeypatch, tiny_model, memory_keyring):
    with fake_engine() as engine:
        monkeypatch.setattr("sys.stdin", io.StringIO("sk-from-stdin\n"))
        code, out, err = run(capsys, "engines", "add", "Lab box", engine.url + "/v1", "--key", "--timeout", "5")
        assert code == 0, err
        assert f"added Lab box at {engine.url}" in out and 'gptshelf engines check "Lab box"' in out
        assert "sk-from-stdin" in memory_keyring.values()

        code, out, _ = run(capsys, "engines", "list", "--json")
        [listed] = json.loads(out)
        assert (listed["name"], listed["base_url"], listed["has_key"], listed["timeout_seconds"]) == (
            "Lab box", engine.url, True, 5.0)
        assert "sk-from-stdin" not in out

        code, out, _ = run(capsys, "engines", "check", "lab box")
        assert code == 0 and out.startswith("ok: Lab box answered in") and "remote-model-a" in out
        assert engine.requests[-1].headers["Authorization"] == "Bearer sk-from-stdin"
        code, out, _ = run(capsys, "engines", "models", "Lab box")
        assert out.split() == ["MODEL", "OWNED", "BY", "remote-model-a", "fake", "remote-model-b", "fake"]

        assert run(capsys, "models", "import", str(tiny_model), "--name", "tiny")[0] == 0
        assert run(capsys, "gpts", "create", "--name", "Far", "--model", "tiny", "--instructions", "Be brief.")[0] == 0
        code, out, err = run(capsys, "gpts", "run-on", "Far", "Lab box")
        assert code == 1 and "--model" in err
        code, out, _ = run(capsys, "gpts", "run-on", "Far", "Lab box", "--model", "remote-model-b")
        assert out.strip() == "Far runs on: Lab box · remote-model-b"

        code, out, err = run(capsys, "chat", "Far", "-m", "hello")
        assert code == 0, err
        assert "".join(PIECES) in out
        assert engine.chats()[-1].body["model"] == "remote-model-b"

        code, out, _ = run(capsys, "engines", "remove", "Lab box")
        assert out.strip().startswith("removed Lab box; these GPTs run on this computer again: ")
        assert "sk-from-stdin" not in memory_keyring.values()
        code, out, _ = run(capsys, "engines", "list")
        assert out.strip() == "(none)"


def test_a_failed_check_exits_1_with_the_reason_and_bad_input_is_refused(capsys):
    down = refused_url()
    assert run(capsys, "engines", "add", "Down", down)[0] == 0
    code, out, _ = run(capsys, "engines", "check", "Down")
    assert code == 1 and out.startswith("failed: Cannot reach the engine 'Down'")
    code, _, err = run(capsys, "engines", "add", "Bad", "ftp://x")
    assert code == 1 and "http:// or https://" in err
    code, _, err = run(capsys, "engines", "remove", "Nope")
    assert code == 1 and "No engine 'Nope'" in err
