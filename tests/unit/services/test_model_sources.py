"""Other apps' default model folders, per operating system, as pure functions of home and variables."""

from __future__ import annotations

import json
from pathlib import Path

from app.services.model_sources import (
    LINUX, MACOS, WINDOWS, default_folders, gguf_files, ollama_models, ollama_name, system_name,
)


def _by_app(system: str, home: str, environ: dict[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for folder in default_folders(system, home, environ):
        found.setdefault(folder.app, []).append(str(folder.path))
    return found


def test_windows_folders_follow_localappdata_appdata_and_the_user_profile():
    found = _by_app(WINDOWS, r"C:\Users\ana", {"LOCALAPPDATA": r"D:\Local", "APPDATA": r"C:\Users\ana\AppData\Roaming"})
    assert found["GPT4All"] == [r"D:\Local\nomic.ai\GPT4All"]
    assert found["LM Studio"] == [r"C:\Users\ana\.lmstudio\models", r"C:\Users\ana\.cache\lm-studio\models"]
    assert r"C:\Users\ana\AppData\Roaming\Jan\data\models" in found["Jan"]
    assert found["Ollama"] == [r"C:\Users\ana\.ollama\models"]


def test_windows_without_the_variables_uses_the_profile_defaults():
    found = _by_app(WINDOWS, r"C:\Users\ana", {})
    assert found["GPT4All"] == [r"C:\Users\ana\AppData\Local\nomic.ai\GPT4All"]
    assert r"C:\Users\ana\AppData\Roaming\Jan\data\models" in found["Jan"]


def test_macos_folders_are_in_application_support():
    found = _by_app(MACOS, "/Users/ana", {})
    assert found["GPT4All"] == ["/Users/ana/Library/Application Support/nomic.ai/GPT4All"]
    assert found["LM Studio"] == ["/Users/ana/.lmstudio/models", "/Users/ana/.cache/lm-studio/models"]
    assert "/Users/ana/Library/Application Support/Jan/data/models" in found["Jan"]
    assert "/Users/ana/jan/models" in found["Jan"]
    assert found["Ollama"] == ["/Users/ana/.ollama/models"]


def test_linux_folders_follow_xdg_and_the_ollama_service_user():
    found = _by_app(LINUX, "/home/ana", {})
    assert found["GPT4All"] == ["/home/ana/.local/share/nomic.ai/GPT4All"]
    assert "/home/ana/.config/Jan/data/models" in found["Jan"]
    assert found["Ollama"] == ["/home/ana/.ollama/models", "/usr/share/ollama/.ollama/models"]
    moved = _by_app(LINUX, "/home/ana", {"XDG_DATA_HOME": "/data", "XDG_CONFIG_HOME": "/conf"})
    assert moved["GPT4All"] == ["/data/nomic.ai/GPT4All"]
    assert "/conf/Jan/data/models" in moved["Jan"]


def test_ollama_models_overrides_ollamas_folder_on_every_system():
    for system, home, override in ((LINUX, "/home/ana", "/srv/ollama"), (MACOS, "/Users/ana", "/Volumes/x/ollama"),
                                   (WINDOWS, r"C:\Users\ana", r"E:\ollama")):
        assert _by_app(system, home, {"OLLAMA_MODELS": override})["Ollama"] == [override]


def test_system_name_maps_sys_platform():
    assert [system_name(p) for p in ("win32", "darwin", "linux", "freebsd14")] == [WINDOWS, MACOS, LINUX, LINUX]


def test_ollama_names_drop_the_default_registry_and_library():
    assert ollama_name("registry.ollama.ai", "library", "llama3.2", "3b") == "llama3.2:3b"
    assert ollama_name("registry.ollama.ai", "ana", "poet", "latest") == "ana/poet:latest"
    assert ollama_name("hf.co", "bartowski", "Qwen-GGUF", "Q4_K_M") == "hf.co/bartowski/Qwen-GGUF:Q4_K_M"


def test_ollama_manifests_name_their_blobs_and_broken_ones_say_why(tmp_path: Path):
    digest = "ab" * 32
    (tmp_path / "blobs").mkdir()
    (tmp_path / "blobs" / f"sha256-{digest}").write_bytes(b"GGUF")
    manifests = tmp_path / "manifests" / "registry.ollama.ai" / "library"
    for name, body in (("good", {"layers": [{"mediaType": "application/vnd.ollama.image.model",
                                             "digest": f"sha256:{digest}", "size": 4}]}),
                       ("nolayer", {"layers": [{"mediaType": "application/vnd.ollama.image.template",
                                                "digest": f"sha256:{digest}"}]}),
                       ("gone", {"layers": [{"mediaType": "application/vnd.ollama.image.model",
                                             "digest": "sha256:" + "0" * 64}]}),
                       ("baddigest", {"layers": [{"mediaType": "application/vnd.ollama.image.model", "digest": "md5:1"}]})):
        (manifests / name).mkdir(parents=True)
        (manifests / name / "latest").write_text(json.dumps(body))
    (manifests / "notjson").mkdir()
    (manifests / "notjson" / "latest").write_text("{")
    found, refused = ollama_models(tmp_path)
    assert [(m.name, m.sha256, m.size) for m in found] == [("good:latest", digest, 4)]
    reasons = {path.parent.name: reason for path, reason in refused}
    assert set(reasons) == {"gone", "baddigest", "notjson"}
    assert "is not in" in reasons["gone"] and "not a sha256" in reasons["baddigest"]
    assert "cannot be read" in reasons["notjson"]


def test_gguf_files_walks_nested_folders_but_not_hidden_ones(tmp_path: Path):
    for relative in ("a/b/one.gguf", "two.GGUF", ".hidden/three.gguf", "a/readme.md"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(b"x")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in gguf_files(tmp_path)) == ["a/b/one.gguf", "two.GGUF"]
