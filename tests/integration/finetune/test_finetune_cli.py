"""``gptshelf finetune``: JSON progress, the perplexity before and after, the adapter saved into the GPT."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from app.finetune.base import missing_packages

pytestmark = pytest.mark.skipif(bool(missing_packages()), reason="needs the finetune extra (torch, transformers, peft)")


def test_finetune_trains_evaluates_and_saves_the_adapter_into_the_gpt(capsys, tiny_model: Path, tiny_chats: Path):
    assert main(["models", "import", str(tiny_model), "--name", "tiny"]) == 0
    assert main(["gpts", "create", "--name", "Colours", "--model", "tiny"]) == 0
    capsys.readouterr()
    code = main(["finetune", "Colours", "--data", str(tiny_chats), "--epochs", "1", "--max-steps", "4",
                 "--max-length", "64", "--lr", "0.01", "--threads", "2", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    events = [json.loads(line) for line in captured.out.splitlines()]
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "prepared" and kinds[-2:] == ["done", "evaluated"]
    assert events[0]["report"]["examples"] == 60 and events[0]["steps"] == 4
    assert [e["step"] for e in events if e["kind"] == "step"] == [1, 2, 3, 4]
    evaluated = events[-1]
    assert evaluated["perplexity_after"] > 0 and evaluated["perplexity_before"] > 0
    assert evaluated["gpt_version"] == "0.2.0"
    assert main(["gpts", "list", "--json"]) == 0
    [gpt] = [g for g in json.loads(capsys.readouterr().out) if g["name"] == "Colours"]
    assert gpt["adapter_sha256"]


def test_bad_data_is_refused_with_its_line_numbers(capsys, tiny_model: Path, tmp_path: Path):
    assert main(["models", "import", str(tiny_model), "--name", "tiny"]) == 0
    assert main(["gpts", "create", "--name", "Colours", "--model", "tiny"]) == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n{oops\n'
                   '{"prompt": "a", "completion": "b"}\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["finetune", "Colours", "--data", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.jsonl cannot be used for fine-tuning" in err
    assert "line 1: the conversation has no assistant message" in err and "line 2: not valid JSON" in err
