"""``gptshelf eval``: its exit status follows regressions (cases that passed in the baseline and fail now).

Real llama.cpp on the tiny random GGUF, greedy. The version that regresses is forced to by its own
setting (``--max-tokens 2`` cannot give the 24-token answer the ``exact`` case was built from), not by
instructions, which cannot steer a random model; see tests/integration/services/test_evals.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.eval_commands import REGRESSION_EXIT
from app.cli.main import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_set(path: Path, cases: list[dict]) -> str:
    path.write_text(json.dumps({"schema": "gptshelf/evals@1", "seed": 3, "cases": cases}), encoding="utf-8")
    return str(path)


@pytest.fixture
def tiny(capsys, tiny_model) -> None:
    code, out, _ = run(capsys, "models", "import", str(tiny_model), "--json")
    model = json.loads(out)["sha256"]
    assert run(capsys, "gpts", "create", "--name", "Tiny", "--model", model, "--instructions", "Be terse.")[0] == 0
    assert run(capsys, "gpts", "edit", "Tiny", "--temperature", "0", "--max-tokens", "24")[0] == 0


def test_the_exit_status_follows_regressions(capsys, tiny, tmp_path):
    probe = write_set(tmp_path / "probe.json", [{"id": "p", "prompt": "Say hi",
                                                 "checks": [{"type": "max_length", "chars": 100000}]}])
    code, out, err = run(capsys, "eval", "Tiny", "--set", probe, "--no-keep", "--json")
    assert code == 0, err
    answer = json.loads(out)["current"]["cases"][0]["output"]
    assert len(answer) > 8, answer  # the short-answer case must fail on this version for the test to mean anything

    evals = write_set(tmp_path / "evals.json", [
        {"id": "same-answer", "prompt": "Say hi", "checks": [{"type": "exact", "text": answer}]},
        {"id": "short-answer", "prompt": "Say hi", "checks": [{"type": "max_length", "chars": 8}]}])
    code, out, _ = run(capsys, "gpts", "edit", "Tiny", "--evals", evals, "--json")
    long_version = json.loads(out)["version"]
    code, out, err = run(capsys, "eval", "Tiny")
    assert code == 0, err
    assert "no earlier run of this eval set" in out and "1/2 cases" in out
    assert run(capsys, "eval", "Tiny")[0] == 0  # the same again: nothing regressed

    code, out, _ = run(capsys, "gpts", "edit", "Tiny", "--max-tokens", "2", "--json")
    short_version = json.loads(out)["version"]
    code, out, err = run(capsys, "eval", "Tiny")
    assert code == REGRESSION_EXIT, (out, err)
    assert "REGRESSIONS (passed before, fail now): same-answer" in out and "fixed: short-answer" in out

    code, out, _ = run(capsys, "eval", "Tiny", "--against", long_version, "--json")
    report = json.loads(out)
    assert code == REGRESSION_EXIT and report["regressions"] == ["same-answer"] and report["fixed"] == ["short-answer"]
    assert (report["baseline"]["label"], report["current"]["label"]) == (long_version, short_version)
    assert run(capsys, "eval", "Tiny", "--against", short_version, "--no-keep")[0] == 0  # itself: no regression

    code, out, _ = run(capsys, "eval", "Tiny", "--history", "--json")
    history = json.loads(out)
    assert code == 0 and [r["label"] for r in history] == [short_version, long_version, short_version,
                                                           long_version, long_version]
    assert [r["passed_cases"] for r in history] == [1, 1, 1, 1, 1] and history[0]["cases"] == []
    code, out, _ = run(capsys, "eval", "Tiny", "--history")
    assert code == 0 and "CHECKS" in out and short_version in out


def test_errors_exit_1_and_say_what_is_wrong(capsys, tiny, tmp_path):
    code, _, err = run(capsys, "eval", "Tiny")
    assert code == 1 and "'Tiny' has no eval set yet" in err
    broken = write_set(tmp_path / "broken.json", [{"id": "x", "prompt": "hi", "checks": [{"type": "regex",
                                                                                          "pattern": "("}]}])
    code, _, err = run(capsys, "gpts", "edit", "Tiny", "--evals", broken)
    assert code == 1 and "broken.json is not a valid eval set: cases[0] (x).checks[0].pattern" in err
    code, _, err = run(capsys, "eval", "Tiny", "--set", broken)
    assert code == 1 and "cases[0] (x).checks[0].pattern" in err
    code, _, err = run(capsys, "eval", "Tiny", "--without-adapter", "--set", broken)
    assert code == 1
