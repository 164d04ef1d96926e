"""Semantic versions (semver 2.0) of GPTs: order them and compute the next one.

A GPT's versions only ever go up, so a rollback or an edit after an import never reuses a number
that a copy elsewhere may already carry. Bumping works on ``major.minor.patch`` and drops any
pre-release or build suffix (``1.2.0-beta.1`` patch -> ``1.2.1``): a GPT edited here is a release.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?",
    re.ASCII,
)


class Bump(enum.StrEnum):
    AUTO = "auto"
    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"


def parse(version: str) -> tuple[int, int, int, tuple[str, ...]] | None:
    """``(major, minor, patch, pre-release parts)``, or ``None`` when ``version`` is not semver."""
    found = _SEMVER.fullmatch(version.strip())
    if found is None:
        return None
    pre = tuple(found.group(4).split(".")) if found.group(4) else ()
    return int(found.group(1)), int(found.group(2)), int(found.group(3)), pre


def _pre_key(pre: tuple[str, ...]) -> tuple:
    """Semver precedence of the pre-release: none sorts after any; numbers before words; shorter first."""
    if not pre:
        return (1,)
    return (0, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre))


def sort_key(version: str) -> tuple:
    """Orders versions by semver precedence; text that is not semver sorts before every version."""
    parsed = parse(version)
    if parsed is None:
        return (0,)
    major, minor, patch, pre = parsed
    return (1, major, minor, patch, _pre_key(pre))


def is_newer(version: str, than: str) -> bool:
    return sort_key(version) > sort_key(than)


def next_version(existing: Iterable[str], bump: Bump) -> str:
    """The version after the highest of ``existing``: a ``bump`` of its major, minor or patch number."""
    versions = [v for v in existing if parse(v) is not None]
    if not versions:
        major, minor, patch = 0, 0, 0
    else:
        major, minor, patch, _pre = parse(max(versions, key=sort_key))  # type: ignore[misc]
    if bump is Bump.MAJOR:
        return f"{major + 1}.0.0"
    if bump is Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
