"""``gptshelf finetune``: JSON progress, the perplexity before and after, the adapter saved into the GPT."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from app.finetune.base import missing_packages

pytestmark = pytest.mark.skipif(bool(missing_packages()), reason="needs the finetune extra (torch, transformers, peft)")

NEVER = {"id": "never", "prompt": "colour of item 2?", "checks": [{"type": "contains", "text": "\u2603\u2603"}]}


def colours_with_evals(tiny_model: Path, folder: Path, cases: list[dict]) -> None:
    """The GPT "Colours" on the tiny model, with an eval set of ``cases``."""
    assert main(["models", "import", str(tiny_model), "--name", "tiny"]) == 0
    assert main(["gpts", "create", "--name", "Colours", "--model", "tiny"]) == 0
    evals = folder / "evals.json"
    evals.write_text(json.dumps({"schema": "gptshelf/evals@1", "cases": cases}), encoding="utf-8")
    assert main(["gpts", "edit", "Colours", "--evals", str(evals)]) == 0


def test_finetune_trains_evaluates_and_saves_the_adapter_into_the_gpt(capsys, tiny_model: Path, tiny_chats: Path,
                                                                      tmp_path: Path):
    # One case every answer passes, one none can (the snowman is not in the tiny model's training data).
    colours_with_evals(tiny_model, tmp_path, [
        {"id": "any", "prompt": "colour of item 1?", "checks": [{"type": "max_length", "chars": 100000}]}, NEVER])
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
    assert evaluated["evals"]["total"] == 2 and evaluated["evals"]["seed"] == 42
    assert (evaluated["evals"]["passed_before"], evaluated["evals"]["passed_after"]) == (1, 1)
    assert evaluated["evals"]["regressions"] == [] == evaluated["evals"]["fixed"]
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


def test_the_eval_line_follows_the_perplexity_and_no_evals_skips_it(capsys, tiny_model: Path, tiny_chats: Path,
                                                                     tmp_path: Path):
    colours_with_evals(tiny_model, tmp_path, [NEVER])
    quick = ["--data", str(tiny_chats), "--epochs", "1", "--max-steps", "1", "--max-length", "64", "--threads", "2",
             "--no-save"]
    capsys.readouterr()
    assert main(["finetune", "Colours", *quick]) == 0
    lines = capsys.readouterr().out.splitlines()
    perplexity = next(i for i, line in enumerate(lines) if line.startswith("validation perplexity"))
    assert lines[perplexity + 1] == "evals: 0/1 before -> 0/1 after (no case changed)"
    assert main(["finetune", "Colours", *quick, "--no-evals", "--json"]) == 0
    evaluated = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert evaluated["kind"] == "evaluated" and evaluated["evals"] is None and evaluated["gpt_version"] is None
