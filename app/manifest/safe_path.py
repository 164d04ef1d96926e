"""Paths that a manifest may name, checked before anything joins them to a folder on disk.

A manifest comes from the network, so each path in it is hostile until proven otherwise. Two real
bugs shaped these rules: huggingface_hub's CVE-2026-15717 (absolute, drive-relative and UNC names made
``local_dir / filename`` throw ``local_dir`` away: arbitrary file write, and an NTLM hash leak on
Windows) and Ollama's CVE-2024-37032 (an unchecked digest let ``../`` walk out of the blob store). We
therefore accept only a plain relative path that means the same thing on POSIX *and* Windows:
forward slashes, no ``.``/``..``/empty segments, no drive, UNC or device prefix, no control or
Windows-forbidden characters, no reserved device names, no trailing dot or space, bounded lengths.

The file-type rules live here too: models and adapters are GGUF only, and pickle-based formats are
refused by name (loading a pickle runs code; even ``torch.load(weights_only=True)`` was not safe
before PyTorch 2.6, CVE-2025-32434). This app never unpickles anything.

Checks raise :class:`ValueError` with a sentence fragment ("must ...") that the manifest layer turns
into a :class:`~app.core.errors.FieldProblem`; other layers may call them directly.
"""

from __future__ import annotations

import re
import unicodedata

MAX_PATH_BYTES = 1024
MAX_SEGMENT_BYTES = 255

#: Model weights and LoRA adapters: GGUF only.
GGUF_EXTENSIONS = frozenset({".gguf"})
#: Documents the knowledge indexer can read without running anything (source code is read as text);
#: app/knowledge/extract.py reads exactly these (tests/unit/knowledge checks the two agree).
KNOWLEDGE_EXTENSIONS = frozenset({".txt", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm", ".csv", ".json"}) | {
    ".py", ".js", ".ts", ".tsx", ".jsx", ".java", ".kt", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".go", ".rs",
    ".rb", ".php", ".swift", ".scala", ".sh", ".sql", ".css", ".toml", ".yaml", ".yml", ".ini", ".rst", ".xml",
}
#: Raster images only; no SVG (an XML parser on untrusted input buys nothing for an icon).
ICON_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".webp"})
EVALS_EXTENSIONS = frozenset({".json"})

#: Formats that unpickle (or may unpickle) when loaded: refused wherever they appear.
PICKLE_EXTENSIONS = frozenset({".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".npy"})
#: Not dangerous, but not something llama.cpp can run: say how to fix it.
NON_GGUF_WEIGHT_EXTENSIONS = frozenset({".safetensors"})

_WINDOWS_FORBIDDEN = frozenset('<>:"|?*')
_RESERVED_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{prefix}{digit}" for prefix in ("COM", "LPT") for digit in "123456789\u00b9\u00b2\u00b3"}
)
_DRIVE = re.compile(r"[A-Za-z]:")
# Bidirectional controls make a name display as something else ("txt.exe" shown as "exe.txt").
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _describe_char(char: str) -> str:
    return f"U+{ord(char):04X}"


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def _check_anchor(text: str) -> None:
    """Refuse every way a path can be anchored outside the folder it is joined to."""
    if text.startswith("\\\\") or text.startswith("//"):
        raise ValueError("must be a relative path, not a Windows network (UNC) or device path like \\\\host\\share")
    if text.startswith("/") or text.startswith("\\"):
        raise ValueError("must be a relative path, not an absolute one (it starts with a slash)")
    if _DRIVE.match(text):
        raise ValueError("must be a relative path, not a Windows drive path like C:\\x or C:x")


def _check_segment(segment: str, index: int, count: int) -> None:
    if segment == "":
        if index == count - 1:
            raise ValueError("must name a file, not a folder (it ends with /)")
        raise ValueError("must not contain an empty segment (//)")
    if segment in (".", ".."):
        raise ValueError("must not contain '.' or '..' segments (no walking out of the folder)")
    if segment.endswith(".") or segment.endswith(" "):
        raise ValueError(f"segment {segment!r} must not end with a dot or a space (Windows drops them)")
    if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
        raise ValueError(f"must not have a segment longer than {MAX_SEGMENT_BYTES} bytes (UTF-8)")
    stem = segment.split(".", 1)[0].rstrip(" ").upper()
    if stem in _RESERVED_NAMES:
        raise ValueError(f"segment {segment!r} is a reserved device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9)")


def check_relative_path(text: str) -> str:
    """Return ``text`` unchanged if it is a safe relative file path; raise ``ValueError`` saying why not."""
    if not isinstance(text, str):
        raise ValueError(f"must be a string, not {type(text).__name__}")
    if text == "":
        raise ValueError("must not be empty")
    if len(text) > MAX_PATH_BYTES:
        raise ValueError(f"must be at most {MAX_PATH_BYTES} bytes long (UTF-8)")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (it holds a lone surrogate)") from None
    if size > MAX_PATH_BYTES:
        raise ValueError(f"must be at most {MAX_PATH_BYTES} bytes long (UTF-8)")
    for char in text:
        if _is_control(char):
            raise ValueError(f"must not contain control characters (found {_describe_char(char)})")
        if char in _BIDI_CONTROLS:
            raise ValueError(f"must not contain bidirectional text controls (found {_describe_char(char)})")
    _check_anchor(text)
    if "\\" in text:
        raise ValueError("must use forward slashes (/), not backslashes")
    bad = sorted(set(text) & _WINDOWS_FORBIDDEN)
    if bad:
        raise ValueError(f"must not contain {' '.join(bad)} (not allowed in Windows file names)")
    segments = text.split("/")
    for index, segment in enumerate(segments):
        _check_segment(segment, index, len(segments))
    return text


def extension(path: str) -> str:
    """The lower-cased extension of the last segment (``".gguf"``), or ``""`` when there is none."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def check_file_type(path: str, allowed: frozenset[str]) -> str:
    """Return ``path`` if its extension is in ``allowed``; refuse pickle formats with the reason."""
    ext = extension(path)
    if ext in PICKLE_EXTENSIONS:
        raise ValueError(
            f"must not be a {ext} file: pickle-based formats can run code when loaded, "
            "so GPT Shelf only accepts GGUF models and adapters"
        )
    if ext in NON_GGUF_WEIGHT_EXTENSIONS:
        raise ValueError(f"must not be a {ext} file: GPT Shelf runs GGUF files only; convert it with llama.cpp first")
    if ext not in allowed:
        listed = " ".join(sorted(allowed))
        raise ValueError(f"must end in {listed}" if len(allowed) == 1 else f"must be one of these file types: {listed}")
    return path


def check_gguf_path(text: str) -> str:
    """A safe relative path to a ``.gguf`` file (model weights or a LoRA adapter)."""
    return check_file_type(check_relative_path(text), GGUF_EXTENSIONS)


def check_knowledge_path(text: str) -> str:
    """A safe relative path to a document the knowledge indexer accepts."""
    return check_file_type(check_relative_path(text), KNOWLEDGE_EXTENSIONS)


def check_icon_path(text: str) -> str:
    """A safe relative path to a raster icon."""
    return check_file_type(check_relative_path(text), ICON_EXTENSIONS)


def check_evals_path(text: str) -> str:
    """A relative path to an eval set (``evals.json``), see :mod:`app.manifest.evalset`."""
    return check_file_type(check_relative_path(text), EVALS_EXTENSIONS)
