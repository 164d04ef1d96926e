"""The dependency rule of DESIGN.md §1, checked on the source: who may import whom."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"

# package -> packages of ours it may import (itself always allowed)
ALLOWED = {
    "core": set(),
    "manifest": {"core"},
    "ggufcheck": {"core"},
    "catalog": {"core", "manifest"},
    "engine": {"core"},
    "finetune": {"core", "engine"},
    "hub": {"core", "manifest"},
    "knowledge": {"core", "catalog", "engine"},
    "services": {"core", "manifest", "catalog", "engine", "ggufcheck", "hub", "knowledge", "finetune"},
    "server": {"core", "manifest", "catalog", "engine", "ggufcheck", "hub", "services"},
    "cli": {"core", "services", "engine", "ggufcheck", "catalog", "manifest", "hub", "ui", "server", "finetune"},
    "ui": {"core", "services", "server"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def sources() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py"))


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(APP)))
def test_only_the_ui_imports_qt(path: Path):
    if path.relative_to(APP).parts[0] == "ui":
        return
    qt = {name for name in imports_of(path) if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6")}
    assert not qt, f"{path.relative_to(APP)} imports {qt}; only app/ui may import Qt"


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(APP)))
def test_each_layer_imports_only_the_layers_below_it(path: Path):
    parts = path.relative_to(APP).parts
    if len(parts) == 1:
        return  # app/__init__.py
    layer = parts[0]
    assert layer in ALLOWED, f"new package app/{layer}: add it to the dependency rule here and in DESIGN"
    ours = {name.split(".")[1] for name in imports_of(path) if name.startswith("app.") and name.count(".") >= 1}
    forbidden = ours - ALLOWED[layer] - {layer}
    assert not forbidden, f"app/{'/'.join(parts)} imports app.{forbidden}, which {layer} may not use"


def test_nothing_imports_llama_cpp_outside_the_engine_worker():
    for path in sources():
        if path.name == "worker.py":
            continue
        assert "llama_cpp" not in {n.split(".")[0] for n in imports_of(path)}, path


def test_no_star_imports_and_no_prints_in_library_code():
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert all(a.name != "*" for a in node.names), f"star import in {path}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                assert False, f"print() in {path}:{node.lineno}; use logging (or the CLI's Output)"
