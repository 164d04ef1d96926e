"""The ``gptshelf`` command, end to end in a temporary GPTSHELF_HOME, with the real llama.cpp."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main

GPTSHELF = Path(sys.executable).with_name("gptshelf")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys, *args: str):
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_info_names_llama_cpp_and_the_data_folder(capsys, gptshelf_home):
    data = run_json(capsys, "info")
    assert data["data_folder"] == str(gptshelf_home.resolve())
    assert data["llama_cpp"] and any(d["kind"] == "cpu" for d in data["devices"])


def test_models_inspect_accepts_valid_and_vocab_only_files_and_rejects_broken_ones(capsys, tiny_models, tmp_path):
    assert run_json(capsys, "models", "inspect", str(tiny_models["chatml"]))["architecture"] == "llama"
    assert run_json(capsys, "models", "inspect", str(tiny_models["vocab"]))["vocab_only"] is True
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(tiny_models["chatml"].read_bytes()[:1000])
    code, _, err = run(capsys, "models", "inspect", str(broken))
    assert code == 1 and "not a usable GGUF" in err
    code, _, err = run(capsys, "models", "inspect", str(tmp_path / "missing.gguf"))
    assert code == 1 and "does not exist" in err


def test_models_template_shows_the_gguf_template_or_the_fallback(capsys, tiny_models, tmp_path):
    data = run_json(capsys, "models", "template", str(tiny_models["chatml"]))
    assert data["origin"] == "gguf" and "<|im_start|>assistant\n" in data["prompt"]
    code, out, _ = run(capsys, "models", "template", str(tiny_models["plain"]))
    assert code == 0 and "fallback" in out and "stop strings:" in out
    messages = tmp_path / "messages.json"
    messages.write_text(json.dumps([{"role": "user", "content": "你好"}]), encoding="utf-8")
    assert "你好" in run_json(capsys, "models", "template", str(tiny_models["chatml"]), "--messages", str(messages))["prompt"]
    messages.write_text(json.dumps([{"role": "robot", "content": "x"}]), encoding="utf-8")
    code, _, err = run(capsys, "models", "template", str(tiny_models["chatml"]), "--messages", str(messages))
    assert code == 1 and "robot" in err


def test_models_template_refuses_a_hostile_template(capsys, tmp_path):
    from tests.support.tiny_gguf import hostile_template, write_tiny_llama

    canary = tmp_path / "canary"
    model = write_tiny_llama(tmp_path / "hostile.gguf", chat_template=hostile_template(canary))
    code, _, err = run(capsys, "models", "template", str(model))
    assert code == 1 and "unsafe" in err and not canary.exists()


def test_import_create_chat_and_history_flow(capsys, tiny_model, gptshelf_home):
    model = run_json(capsys, "models", "import", str(tiny_model), "--name", "Tiny model")
    assert model["status"] == "installed" and (gptshelf_home / model["path"]).is_file()
    assert [m["display_name"] for m in run_json(capsys, "models", "list")].count("Tiny model") == 1
    code, out, err = run(capsys, "gpts", "create", "--name", "Helper", "--model", model["sha256"][:8],
                         "--instructions", "Answer in one line.", "--starter", "Hi", "--starter", "Help me")
    assert code == 0, err
    gpts = {g["name"]: g for g in run_json(capsys, "gpts", "list")}
    assert gpts["Helper"]["starters"] == ["Hi", "Help me"]
    code, out, err = run(capsys, "chat", "Helper", "-m", "hello")
    assert code == 0, err and out.strip()
    conversations = run_json(capsys, "history", "list")
    assert len(conversations) == 1 and conversations[0]["message_count"] == 2
    cid = str(conversations[0]["id"])
    shown = run_json(capsys, "history", "show", cid)
    assert [m["status"] for m in shown["messages"]] == ["complete", "complete"]
    assert run_json(capsys, "history", "search", "hello")[0]["message"]["content"] == "hello"
    target = gptshelf_home / "export.md"
    assert run(capsys, "history", "export", cid, "--format", "md", "-o", str(target))[0] == 0
    assert "## User" in target.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "history", "export", cid, "--format", "json")
    assert json.loads(out)["conversation"]["id"] == int(cid)
    code, out, _ = run(capsys, "history", "pin", cid)
    assert code == 0 and out.startswith("pinned") and run_json(capsys, "history", "list")[0]["pinned"] is True
    assert run(capsys, "history", "pin", cid, "--off")[0] == 0 and not run_json(capsys, "history", "list")[0]["pinned"]
    code, _, err = run(capsys, "history", "pin", "999")
    assert code == 1 and "999" in err


def test_errors_name_what_was_wrong(capsys, tiny_model):
    code, _, err = run(capsys, "chat", "nobody", "-m", "hi")
    assert code == 1 and "nobody" in err
    code, _, err = run(capsys, "gpts", "create", "--name", "X", "--model", "deadbeef")
    assert code == 1 and "deadbeef" in err
    code, _, err = run(capsys, "settings", "set", "gpu_offload", "lots")
    assert code == 1 and "gpu_offload" in err
    code, _, err = run(capsys, "history", "show", "999")
    assert code == 1 and "999" in err


def test_settings_persist(capsys):
    run(capsys, "settings", "set", "gpu_offload", "off")
    run(capsys, "settings", "set", "hub_endpoint", "https://hf-mirror.example")
    settings = run_json(capsys, "settings", "show")
    assert settings["gpu_offload"] == "off" and settings["hub_endpoint"] == "https://hf-mirror.example"


def test_home_option_beats_the_environment(capsys, tmp_path):
    other = tmp_path / "other-home"
    assert run_json(capsys, "--home", str(other), "gpts", "list") is not None
    assert (other / "catalog.sqlite3").exists()


def test_listing_commands_are_empty_lists_on_a_new_home(capsys):
    for command in (("models", "list"), ("history", "list")):
        assert isinstance(run_json(capsys, *command), list)


@pytest.mark.skipif(not GPTSHELF.exists(), reason="the gptshelf script is not installed in this environment")
def test_ctrl_c_stops_the_reply_not_the_program(tiny_model, gptshelf_home):
    """The installed command in an interactive loop: SIGINT mid-reply cancels it; the loop goes on."""
    env = {**os.environ, "GPTSHELF_HOME": str(gptshelf_home), "PYTHONUNBUFFERED": "1"}
    subprocess.run([GPTSHELF, "models", "import", str(tiny_model), "--name", "tiny"], env=env, check=True)
    subprocess.run([GPTSHELF, "gpts", "create", "--name", "Long", "--model", "tiny"], env=env, check=True)
    # A long greedy reply so that the interrupt lands mid-stream.
    script = (
        "import sys; from app.core.paths import AppPaths; from app.services.container import open_services;"
        "from app.core.entities import GenerationParams as P;"
        "s = open_services(AppPaths.resolve(None, __import__('os').environ), install_starter=False);"
        "g = s.gpts.get('Long'); s.gpts.update(g, params=P(temperature=0.0, max_tokens=3500)); s.close()"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
    proc = subprocess.Popen([GPTSHELF, "chat", "Long"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1)
    assert proc.stdin and proc.stdout
    proc.stdin.write("hello\n")
    proc.stdin.flush()
    proc.stdout.readline()  # the greeting
    proc.stdout.read(5)  # the reply has started streaming
    proc.send_signal(signal.SIGINT)
    proc.stdin.write("/exit\n")
    proc.stdin.flush()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "(reply stopped)" in err
    data = subprocess.run([GPTSHELF, "history", "list", "--json"], env=env, capture_output=True, text=True,
                          check=True)
    cid = json.loads(data.stdout)[0]["id"]
    shown = json.loads(subprocess.run([GPTSHELF, "history", "show", str(cid), "--json"], env=env,
                                      capture_output=True, text=True, check=True).stdout)
    assert [m["status"] for m in shown["messages"]] == ["complete", "cancelled"]
