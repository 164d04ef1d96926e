"""The errors a person can act on.

Every failure is either *known* (a subclass of :class:`KnownError` whose ``str()`` is a sentence
that says what went wrong and what to do) or a *bug* (anything else, logged with its traceback).
Third-party exceptions are translated into these at the edge of the package that calls them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class KnownError(Exception):
    """A failure with a message meant for the person using the app."""


class InvalidInput(KnownError):
    """A value typed by the person (an option, a setting, a file) is not acceptable."""


class NotFound(KnownError):
    """A GPT, model, conversation or file that was asked for does not exist."""

    def __init__(self, kind: str, key: object, hint: str = "") -> None:
        self.kind = kind
        self.key = key
        message = f"No {kind} {key!r} was found."
        super().__init__(f"{message} {hint}".strip())


class BadGGUF(KnownError):
    """A file is not a GGUF model this app can safely hand to llama.cpp."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path} is not a usable GGUF model: {reason}.")


@dataclass(frozen=True)
class FieldProblem:
    """One rule that one field of a manifest broke; ``location`` is a dotted path like ``model.variants[0].sha256``."""

    location: str
    rule: str

    def __str__(self) -> str:
        return f"{self.location or '(top level)'}: {self.rule}"


class BadManifest(KnownError):
    """A gpt.json manifest broke one or more rules; each problem names its field path."""

    def __init__(self, problems: Sequence[FieldProblem], source: str = "gpt.json") -> None:
        self.problems = tuple(problems)
        self.source = source
        listed = "; ".join(str(p) for p in self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(f"{source} is not a valid GPT manifest: {listed}{more}.")


class InvalidGPT(InvalidInput):
    """A GPT's fields break the rules of its manifest; each problem names the field (``parameters.temperature``).

    Editing and creating check a GPT with the manifest's own rules, so whatever is saved can also be
    exported and published; a form can highlight the fields from ``problems``.
    """

    def __init__(self, name: str, problems: Sequence[FieldProblem]) -> None:
        self.name = name
        self.problems = tuple(problems)
        listed = "; ".join(str(p) for p in self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(f"The GPT {name!r} cannot be saved: {listed}{more}.")


class TemplateError(KnownError):
    """A chat template could not be rendered safely (syntax error, forbidden access, size or time cap)."""


class EngineError(KnownError):
    """llama.cpp refused a request (load failed, context too small...)."""


class EngineCrashed(EngineError):
    """The llama.cpp child process died; the next request starts a new one."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"The model process stopped unexpectedly ({reason}). Send the message again to restart it.")


class CatalogError(KnownError):
    """The local catalog database cannot be opened or is damaged."""


class BadEvalSet(KnownError):
    """An eval set (``evals.json``) broke one or more rules; each problem names its case and field
    (``cases[2] (greets).checks[0].pattern``)."""

    def __init__(self, problems: Sequence[FieldProblem], source: str = "evals.json") -> None:
        self.problems = tuple(problems)
        self.source = source
        listed = "; ".join(str(p) for p in self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(f"{source} is not a valid eval set: {listed}{more}.")
