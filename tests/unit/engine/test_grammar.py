"""The JSON Schema to GBNF conversion: llama-cpp-python's own converter, run without loading llama.cpp."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.core.errors import EngineError
from app.engine.grammar import json_schema_grammar
from app.manifest.draft import draft_json_schema

ROOT = Path(__file__).resolve().parents[3]


def rules(grammar: str) -> dict[str, str]:
    return dict(line.split(" ::= ", 1) for line in grammar.splitlines())


def test_the_draft_schema_becomes_a_grammar_of_its_keys_in_order_with_the_categories():
    grammar = rules(json_schema_grammar(draft_json_schema(["coding", "writing"])))
    assert grammar["root"] == ('"{" space name-kv "," space description-kv "," space instructions-kv "," space '
                               'conversation-starters-kv "," space category-kv "," space tags-kv "}" space')
    assert grammar["category"] == '"\\"coding\\"" | "\\"writing\\""'
    assert grammar["space"] == '" "?', "after the object, at most a space: then the reply must end"
    assert grammar["name-1"].startswith("[\\x20-\\x21\\x23-\\x5B"), "a name's characters are the pattern's class"
    assert grammar["name"].count("name-1") == 59, "up to 60 characters: the first, then 59 more"


def test_converting_never_loads_llama_cpp_into_the_app_process():
    code = ("import sys; from app.engine.grammar import json_schema_grammar; "
            "g = json_schema_grammar({'type': 'object', 'properties': {'a': {'type': 'string'}}}); "
            "print('root ::=' in g, [m for m in sys.modules if m.split('.')[0] == 'llama_cpp'])")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert done.stdout.strip() == "True []", done.stderr


def test_a_schema_the_converter_cannot_handle_is_an_engine_error():
    with pytest.raises(EngineError, match="cannot be turned into a grammar"):
        json_schema_grammar({"type": "string", "pattern": "no anchors"})
