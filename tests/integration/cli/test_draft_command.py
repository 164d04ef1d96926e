"""``gptshelf gpts draft``: a model drafts a GPT from a description, shown for people or as JSON, and saved
with ``--save``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from tests.support.tiny_gguf import CHATML_TEMPLATE, write_tiny_llama


@pytest.fixture(scope="module")
def long_tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Room for a random model's whole draft (see tests/integration/services/test_drafting.py)."""
    return write_tiny_llama(tmp_path_factory.mktemp("draft") / "tiny-long.gguf", chat_template=CHATML_TEMPLATE,
                            context_length=8192, name="tiny-long", seed=3)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def model_id(capsys, long_tiny) -> str:
    code, out, err = run(capsys, "models", "import", str(long_tiny), "--json")
    assert code == 0, err
    return json.loads(out)["sha256"][:12]


def test_draft_prints_the_draft_as_json_and_for_people_and_saves_it(capsys, model_id):
    code, out, err = run(capsys, "gpts", "draft", "A tutor for chemistry.", "--model", model_id, "--seed", "1",
                         "--json")
    assert code == 0, err
    shown = json.loads(out)
    draft = shown["draft"]
    assert shown["saved"] is None and draft["model_sha256"].startswith(model_id)
    assert set(draft) >= {"name", "description", "instructions", "starters", "category", "tags", "tokens"}

    code, out, err = run(capsys, "gpts", "draft", "A tutor for chemistry.", "--model", model_id, "--seed", "1")
    assert code == 0, err
    assert out.startswith("name ") and "\nstarters:\n  - " in out and "\ninstructions:\n  " in out
    assert "drafted by tiny-long" in out and "--save" in out

    code, out, err = run(capsys, "gpts", "draft", "A tutor for chemistry.", "--model", model_id, "--seed", "1",
                         "--save", "--json")
    assert code == 0, err
    saved = json.loads(out)["saved"]
    assert saved["name"] == draft["name"] and saved["instructions"] == draft["instructions"]
    code, out, _ = run(capsys, "gpts", "list", "--json")
    assert saved["id"] in [g["id"] for g in json.loads(out)]


def test_draft_without_a_description_or_a_known_model_says_what_to_do(capsys, model_id):
    code, _out, err = run(capsys, "gpts", "draft", "  ", "--model", model_id)
    assert code == 1 and "Describe the GPT you want first" in err
    code, _out, err = run(capsys, "gpts", "draft", "A tutor.", "--model", "no-such-model")
    assert code == 1 and "No model 'no-such-model'" in err
