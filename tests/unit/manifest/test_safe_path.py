"""The path validator: every class of dangerous path is refused with a reason, ordinary ones pass."""

from __future__ import annotations

import pytest

from app.manifest.safe_path import (
    check_file_type,
    check_gguf_path,
    check_icon_path,
    check_knowledge_path,
    check_relative_path,
    extension,
)

GOOD = [
    "adapter.gguf",
    "knowledge/guide.md",
    "知识/指南.md",
    "données/résumé.txt",
    "a/b/c/d/e.gguf",
    "model-Q4_K_M.gguf",
    ".hidden/file.md",
    "console.md",  # only the exact device names are reserved
    "com10.txt",
    "lpt0.md",
    "nul_byte.md",
    "a b/c d.md",
    "a" * 255,
    "x/" * 400 + "y",
]

BAD = [
    # (path, words the reason must contain)
    ("", "must not be empty"),
    ("/etc/passwd", "absolute"),
    ("/", "absolute"),
    ("\\x", "absolute"),
    ("C:\\x", "drive"),
    ("C:/x", "drive"),
    ("C:x", "drive"),
    ("c:", "drive"),
    ("\\\\host\\share\\x", "UNC"),
    ("//host/share/x", "UNC"),
    ("\\\\?\\C:\\x", "UNC"),
    ("\\\\.\\pipe\\x", "UNC"),
    ("knowledge\\guide.md", "backslash"),
    ("..", "'..'"),
    ("../x.gguf", "'..'"),
    ("a/../../b.md", "'..'"),
    ("a/..", "'..'"),
    (".", "'.'"),
    ("./a.md", "'.'"),
    ("a/./b.md", "'.'"),
    ("a//b.md", "empty segment"),
    ("knowledge/", "folder"),
    ("a\x00.md", "control"),
    ("a\nb.md", "control"),
    ("a\tb.md", "control"),
    ("a\x7f.md", "control"),
    ("a\x85.md", "control"),
    ("txt\u202egpj.md", "bidirectional"),
    ("a.md:stream", "Windows"),
    ("what?.md", "Windows"),
    ("a*.md", "Windows"),
    ('a".md', "Windows"),
    ("a|b.md", "Windows"),
    ("<a>.md", "Windows"),
    ("CON", "reserved"),
    ("con", "reserved"),
    ("con.txt", "reserved"),
    ("Aux.md", "reserved"),
    ("prn.tar.gz", "reserved"),
    ("NUL", "reserved"),
    ("nul .txt", "reserved"),
    ("dir/COM1", "reserved"),
    ("com9.gguf", "reserved"),
    ("LPT1.md", "reserved"),
    ("lpt9", "reserved"),
    ("COM\u00b9.md", "reserved"),
    ("CONIN$", "reserved"),
    ("con/x.md", "reserved"),
    ("notes.", "dot or a space"),
    ("notes ", "dot or a space"),
    ("dir /a.md", "dot or a space"),
    ("...", "dot or a space"),
    ("a" * 256, "255 bytes"),
    ("é" * 128, "255 bytes"),  # 256 bytes in UTF-8, 128 characters
    ("x/" * 512 + "y", "1024 bytes"),
    ("a" * 2000, "1024 bytes"),
    ("a\ud800.md", "surrogate"),
]


@pytest.mark.parametrize("path", GOOD)
def test_safe_paths_pass_unchanged(path: str) -> None:
    assert check_relative_path(path) == path


@pytest.mark.parametrize(("path", "reason"), BAD)
def test_unsafe_paths_are_refused_with_a_reason(path: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        check_relative_path(path)
    assert reason in str(caught.value)


def test_non_strings_are_refused() -> None:
    with pytest.raises(ValueError, match="must be a string"):
        check_relative_path(b"a.md")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "ext"),
    [("a.gguf", ".gguf"), ("a.GGUF", ".gguf"), ("a/b.tar.gz", ".gz"), ("noext", ""), (".hidden", ""), ("d.x/noext", "")],
)
def test_extension(path: str, ext: str) -> None:
    assert extension(path) == ext


@pytest.mark.parametrize("path", ["adapter.gguf", "w/model-Q4_K_M.GGUF"])
def test_gguf_paths(path: str) -> None:
    assert check_gguf_path(path) == path


@pytest.mark.parametrize("ext", [".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".npy", ".PKL"])
@pytest.mark.parametrize("check", [check_gguf_path, check_knowledge_path, check_icon_path])
def test_pickle_formats_are_refused_everywhere_with_the_reason(ext: str, check) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError) as caught:
        check(f"weights/model{ext}")
    message = str(caught.value)
    assert "pickle" in message and "run code" in message


def test_safetensors_is_refused_with_a_hint() -> None:
    with pytest.raises(ValueError, match="convert it with llama.cpp"):
        check_gguf_path("model.safetensors")


@pytest.mark.parametrize("path", ["model.txt", "model", "model.gguf.zip", "model.ggml"])
def test_models_must_be_gguf(path: str) -> None:
    with pytest.raises(ValueError, match=r"must end in \.gguf"):
        check_gguf_path(path)


@pytest.mark.parametrize("ext", [".txt", ".md", ".pdf", ".docx", ".html", ".htm", ".csv", ".json", ".MD", ".py", ".rs"])
def test_knowledge_types_allowed(ext: str) -> None:
    assert check_knowledge_path(f"knowledge/doc{ext}") == f"knowledge/doc{ext}"


@pytest.mark.parametrize("path", ["doc.exe", "doc.zip", "doc.gguf", "doc.svg", "doc"])
def test_other_knowledge_types_refused(path: str) -> None:
    with pytest.raises(ValueError, match=r"must be one of these file types: \.c \.cc .* \.txt \.xml \.yaml \.yml"):
        check_knowledge_path(path)


def test_icon_types() -> None:
    assert check_icon_path("icon.PNG") == "icon.PNG"
    with pytest.raises(ValueError, match="file types"):
        check_icon_path("icon.svg")


def test_file_type_check_runs_after_path_check() -> None:
    with pytest.raises(ValueError, match="'..'"):
        check_gguf_path("../evil.gguf")
    with pytest.raises(ValueError, match="must end in"):
        check_file_type("a.txt", frozenset({".gguf"}))
