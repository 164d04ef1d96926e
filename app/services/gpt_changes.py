"""What changed between two versions of a GPT: its content, the version bump an edit earns, the changelog.

Apart from :mod:`app.services.gpts` (which saves versions) because the wizard's Save step asks the same
questions of a draft before anything is saved.
"""

from __future__ import annotations

from dataclasses import fields

from app.core.entities import GPT, GenerationParams
from app.core.errors import InvalidInput
from app.services.semver import Bump

MAX_NOTE = 500
MAX_CHANGELOG_BYTES = 8 * 1024

#: What a version is made of; id, source, version, changelog and the times describe it instead.
CONTENT_FIELDS = (
    "name", "description", "instructions", "starters", "examples", "params", "chat_template", "model_sha256",
    "adapter_sha256", "adapter_scale", "category", "tags", "author", "license", "icon", "knowledge", "evals",
)
#: Changes to these change what the GPT answers, so "auto" bumps the minor version for them.
_MINOR_FIELDS = frozenset({"model_sha256", "instructions", "chat_template", "adapter_sha256", "adapter_scale",
                           "knowledge"})
_LABELS = {
    "starters": "conversation starters", "chat_template": "chat template", "model_sha256": "model",
    "adapter_sha256": "adapter", "adapter_scale": "adapter scale", "knowledge": "knowledge files",
    "evals": "eval set",
}


def content(gpt: GPT) -> tuple:
    return tuple(getattr(gpt, f) for f in CONTENT_FIELDS)


def auto_bump(old: GPT, new: GPT) -> Bump:
    changed = {f for f in CONTENT_FIELDS if getattr(old, f) != getattr(new, f)}
    return Bump.MINOR if changed & _MINOR_FIELDS else Bump.PATCH


def describe_changes(old: GPT, new: GPT) -> str:
    """A changelog note for an edit that came without one: "Changed the instructions, temperature."."""
    labels: list[str] = []
    for name in CONTENT_FIELDS:
        if getattr(old, name) == getattr(new, name):
            continue
        if name == "params":
            labels += [f.name.replace("_", " ") for f in fields(GenerationParams)
                       if getattr(old.params, f.name) != getattr(new.params, f.name)]
        else:
            labels.append(_LABELS.get(name, name))
    return f"Changed {', '.join(labels)}." if labels else "No changes."


def one_line(note: str) -> str:
    """A changelog note as one line of at most :data:`MAX_NOTE` characters (runs of spaces become one)."""
    text = " ".join(note.split())
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"A changelog note may be at most {MAX_NOTE} characters; this one has {len(text)}.")
    return text


def prepend_changelog(changelog: str, version: str, note: str) -> str:
    """The manifest changelog with ``version: note`` on top; the oldest lines go beyond 8 KiB."""
    lines = [f"{version}: {note}", *changelog.splitlines()]
    while len(lines) > 1 and len("\n".join(lines).encode("utf-8")) > MAX_CHANGELOG_BYTES:
        lines.pop()
    return "\n".join(lines)
