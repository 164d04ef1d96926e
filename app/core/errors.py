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


class BadTrainingData(InvalidInput):
    """A fine-tuning data file has records that cannot be trained on; each problem names its line."""

    def __init__(self, source: object, problems: Sequence[tuple[int, str]]) -> None:
        self.source = source
        self.problems = tuple(problems)
        listed = "; ".join(f"line {line}: {rule}" for line, rule in self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(f"{source} cannot be used for fine-tuning: {listed}{more}. Fix these lines and load "
                         "the file again.")


class FinetuneUnavailable(KnownError):
    """Fine-tuning needs an optional extra (torch, transformers, peft), or a base it cannot train."""


class RemoteEngineError(EngineError):
    """A remote OpenAI-compatible engine (llama-server, vLLM, Ollama, another GPT Shelf) failed a request.

    The sentence names the engine, so a person with several engines knows which one to look at.
    """


class RemoteUnreachable(RemoteEngineError):
    """Nothing answered at the engine's address (refused, unknown host, TLS failure, connect timeout)."""


class RemoteAuthFailed(RemoteEngineError):
    """The engine refused the API key (HTTP 401 or 403)."""


class RemoteRateLimited(RemoteEngineError):
    """The engine asked to slow down (HTTP 429); ``retry_after`` is its wait in seconds when it said one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class RemoteTimedOut(RemoteEngineError):
    """The engine sent nothing for longer than its timeout (a stalled server or a very slow prefill)."""


class RemoteStreamDropped(RemoteEngineError):
    """The engine's stream ended in the middle of a reply (the server stopped or the network dropped)."""


class CatalogDamaged(CatalogError):
    """The catalog file is damaged or is not a database; it was left untouched.

    ``has_backup`` tells a caller (the CLI, the window at start) whether it can offer to restore the
    newest backup (``gptshelf catalog restore``), which keeps the damaged file aside.
    """

    def __init__(self, message: str, *, path: object, has_backup: bool) -> None:
        self.path = path
        self.has_backup = has_backup
        super().__init__(message)
class BadEvalSet(KnownError):
    """An eval set (``evals.json``) broke one or more rules; each problem names its case and field
    (``cases[2] (greets).checks[0].pattern``)."""

    def __init__(self, problems: Sequence[FieldProblem], source: str = "evals.json") -> None:
        self.problems = tuple(problems)
        self.source = source
        listed = "; ".join(str(p) for p in self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(f"{source} is not a valid eval set: {listed}{more}.")
