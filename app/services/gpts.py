"""Making, editing and versioning GPTs on this machine.

Every save of a changed GPT is a new semver version; older versions stay as snapshots in the
catalog, so an edit can always be undone by :meth:`GPTLibrary.rollback`, which itself adds a
version (nothing is ever overwritten). A GPT is checked with the manifest's own rules before it is
saved, so whatever the library accepts can also be exported and published (docs/gpt-files.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.catalog import Catalog
from app.core.entities import GPT, ChatMessage, GenerationParams, GPTFile, GPTSource, GPTVersion, ModelStatus
from app.core.errors import BadManifest, FieldProblem, InvalidGPT, InvalidInput, NotFound
from app.core.paths import AppPaths
from app.manifest.safe_path import ICON_EXTENSIONS, KNOWLEDGE_EXTENSIONS
from app.services.gpt_changes import (
    CONTENT_FIELDS, auto_bump, content, describe_changes, one_line, prepend_changelog,
)
from app.services.semver import Bump, next_version

MAX_STARTERS = 8
MAX_NAME = 100
MAX_INSTRUCTIONS = 32 * 1024
#: The biggest icon and knowledge document a GPT may carry (an import refuses bigger ones too).
MAX_ICON_BYTES = 2 * 1024 * 1024
MAX_KNOWLEDGE_BYTES = 64 * 1024 * 1024
MAX_KNOWLEDGE_TOTAL = 1024**3

_EDITABLE = frozenset(CONTENT_FIELDS) - {"model_sha256", "adapter_sha256"} | {"model", "adapter"}
# Stand-ins for what a GPT does not decide itself (its hub id, the model's pins) when checking it.
_PLACEHOLDER_SHA = "0" * 64
_PLACEHOLDER_MODEL = {
    "repo": "local/check", "revision": "0" * 40, "default_variant": "default",
    "variants": [{"file": "model.gguf", "quant": "default", "size": 1, "sha256": _PLACEHOLDER_SHA}],
}


@dataclass
class GPTLibrary:
    catalog: Catalog
    paths: AppPaths | None = None
    """The data folder; needed to add icons and knowledge files and to check that files are present."""

    def create(self, name: str, model_key: str, *, instructions: str = "", starters: Sequence[str] = (),
               description: str = "", examples: Sequence[ChatMessage] = (), params: GenerationParams | None = None,
               source: GPTSource = GPTSource.CUSTOM, gpt_id: str | None = None, category: str = "",
               tags: Sequence[str] = (), chat_template: str | None = None, icon: Path | None = None,
               knowledge: Sequence[Path | GPTFile] = (), evals: Path | GPTFile | None = None,
               adapter: str | None = None, adapter_scale: float = 1.0) -> GPT:
        """Make a GPT from an installed model; the name must be new on this machine.

        ``icon`` and ``knowledge`` are files to copy into the store (as :meth:`edit` takes them), so a
        GPT made with them in one go (the wizard) starts at 0.1.0 instead of needing a second version.
        ``adapter`` is an installed LoRA adapter (a sha256, prefix or name) trained on ``model_key``.
        """
        name = name.strip()
        if not name or len(name) > MAX_NAME:
            raise InvalidInput(f"A GPT's name must be 1 to {MAX_NAME} characters long.")
        if len(instructions) > MAX_INSTRUCTIONS:
            raise InvalidInput(f"Instructions are limited to {MAX_INSTRUCTIONS // 1024} KiB.")
        starters = _clean_list(starters)
        if len(starters) > MAX_STARTERS:
            raise InvalidInput(f"A GPT can have at most {MAX_STARTERS} conversation starters, not {len(starters)}.")
        model = self.catalog.get_model(model_key)
        gpt_id = gpt_id or f"local/{slug(name)}"
        for existing in self.catalog.list_gpts():
            if existing.id == gpt_id or existing.name.casefold() == name.casefold():
                raise InvalidInput(f"A GPT named {existing.name!r} already exists; pick another name.")
        gpt = GPT(id=gpt_id, name=name, model_sha256=model.sha256, description=description,
                  instructions=instructions, starters=starters, examples=tuple(examples),
                  params=params or GenerationParams(), source=source, category=category, tags=_clean_list(tags),
                  chat_template=chat_template or None,
                  adapter_sha256=self.catalog.get_model(adapter).sha256 if adapter else None,
                  adapter_scale=float(adapter_scale))
        files = {key: value for key, value in (("icon", icon), ("knowledge", tuple(knowledge)), ("evals", evals))
                 if value}
        with self._staging(files) as staging:
            gpt, staged = self._apply(gpt, files, staging)
            check_gpt(gpt)
            for sha256, path in staged.items():
                _place(path, self._paths().blob(sha256))
            return self.catalog.save_gpt(gpt, note="Created")

    def check(self, draft: GPT, *, new: bool = False, icon: Path | GPTFile | None = None,
              knowledge: Sequence[Path | GPTFile] | None = None) -> list[FieldProblem]:
        """Every reason :meth:`create` (``new``) or :meth:`edit` would refuse ``draft``, saving nothing.

        A form calls this as the person types, so it reads no file's content: files to add are given
        as paths (``icon``, ``knowledge``) and checked by name, type and size only. Each problem names
        its field as a manifest path (``parameters.temperature``, ``knowledge[1]``), plus ``model``
        for a model that is not installed.
        """
        problems: list[FieldProblem] = []
        if icon is not None:
            file, problem = _draft_file(icon, None)
            draft = replace(draft, icon=file)
            if problem:
                problems.append(FieldProblem("icon", problem))
        if knowledge is not None:
            files = []
            for index, item in enumerate(knowledge):
                file, problem = _draft_file(item, "knowledge/")
                files.append(file)
                if problem:
                    problems.append(FieldProblem(f"knowledge[{index}]", problem))
            draft = replace(draft, knowledge=tuple(files))
        try:
            check_gpt(draft)
        except InvalidGPT as exc:
            problems.extend(exc.problems)
        name, gpt_id = draft.name.strip().casefold(), f"local/{slug(draft.name)}" if new else draft.id
        for other in self.catalog.list_gpts() if name else ():
            if (new and other.id == gpt_id) or (other.id != gpt_id and other.name.casefold() == name):
                problems.append(FieldProblem("name", f"is already used by the GPT {other.name!r}; pick another name"))
                break
        try:
            model = self.catalog.get_model(draft.model_sha256) if draft.model_sha256 else None
        except NotFound:
            model = None
        if model is None or model.status is not ModelStatus.INSTALLED:
            problems.append(FieldProblem("model", "must be a model installed on this machine; pick one"))
        elif not new and draft.adapter_sha256 and self.exists(draft.id):
            current = self.get(draft.id)
            if current.adapter_sha256 == draft.adapter_sha256 and current.model_sha256 != draft.model_sha256:
                problems.append(FieldProblem("model", "cannot change while the GPT keeps its adapter, which was "
                                                      "trained on the current model"))
        return problems

    def get(self, key: str) -> GPT:
        return self.catalog.get_gpt(key)

    def list(self) -> list[GPT]:
        return self.catalog.list_gpts()

    def exists(self, key: str) -> bool:
        try:
            self.catalog.get_gpt(key)
        except NotFound:
            return False
        return True

    def update(self, gpt: GPT, **changes: object) -> GPT:
        """Save changes under the same version (no new snapshot); for tests and repairs, not for edits."""
        return self.catalog.save_gpt(replace(gpt, **changes))

    # --- versions -------------------------------------------------------------------------------
    def edit(self, gpt_id: str, *, changelog: str = "", bump: Bump | str = Bump.AUTO, **changes: Any) -> GPT:
        """Change a GPT and save it as a new version; the previous versions are kept.

        ``changes`` take the names of :data:`CONTENT_FIELDS`, except that the model and the adapter
        are given as ``model=`` / ``adapter=`` (a sha256, prefix or name; ``adapter=None`` removes it),
        ``icon=`` as a path to an image (or ``None``), ``knowledge=`` as a list of paths to add
        and :class:`GPTFile` values to keep, and ``evals=`` as the path of an eval set (checked:
        :class:`BadEvalSet` names what is wrong) or ``None``. Nothing changed: the same GPT comes back, no version is
        added. ``bump="auto"`` raises the minor version when the model, instructions, template,
        adapter or knowledge change, else the patch. ``changelog`` is the version's one-line note
        (one is written from the changes when it is empty).
        """
        current = self.get(gpt_id)
        unknown = sorted(set(changes) - _EDITABLE)
        if unknown:
            raise TypeError(f"edit() cannot change {', '.join(unknown)}; it changes {', '.join(sorted(_EDITABLE))}")
        with self._staging(changes) as staging:
            proposed, staged = self._apply(current, changes, staging)
            if content(proposed) == content(current):
                return current
            self._check_name_is_free(proposed)
            if (proposed.adapter_sha256 and proposed.adapter_sha256 == current.adapter_sha256
                    and proposed.model_sha256 != current.model_sha256):
                raise InvalidInput(f"The adapter of {current.name!r} was trained on its current model; remove the "
                                   "adapter (or choose a new one) when you change the model.")
            try:
                kind = Bump(bump)
            except ValueError:
                raise InvalidInput(f"Bump one of: {', '.join(b.value for b in Bump)}; not {bump!r}.") from None
            if kind is Bump.AUTO:
                kind = auto_bump(current, proposed)
            note = one_line(changelog) or describe_changes(current, proposed)
            return self._save_version(current, proposed, kind, note, staged)

    def versions(self, gpt_id: str) -> list[GPTVersion]:
        """Every saved version of a GPT, oldest first; exactly one is ``current``."""
        return self.catalog.gpt_version_list(self.get(gpt_id).id)

    def rollback(self, gpt_id: str, version: str) -> GPT:
        """Make an earlier version current again, saved as a NEW version ("Rolled back to 0.1.0").

        Refused, with the model to reinstall, when that version's model or adapter file is gone. A
        version whose content is the current one changes nothing and returns the GPT as it is.
        """
        current = self.get(gpt_id)
        known = [v.version for v in self.catalog.gpt_version_list(current.id)]
        if version not in known:
            raise NotFound("version", version, f"{current.name} has the versions {', '.join(known)}.")
        old = self.catalog.get_gpt_version(current.id, version)
        restored = replace(current, **{f: getattr(old, f) for f in CONTENT_FIELDS})
        if content(restored) == content(current):
            return current
        files = self.catalog.gpt_version_files(current.id, version)
        self._require_installed(old.model_sha256, files.get("model"), f"Version {version} of {current.name!r}")
        if old.adapter_sha256:
            self._require_installed(old.adapter_sha256, files.get("adapter"),
                                    f"Version {version} of {current.name!r}", what="adapter")
        for item in (old.icon, *old.knowledge, old.evals):
            if item is not None and self.paths is not None and not self.paths.blob(item.sha256).is_file():
                raise InvalidInput(f"Version {version} of {current.name!r} needs the file {item.path}, which is no "
                                   "longer on this machine; it cannot be rolled back.")
        self._check_name_is_free(restored)
        return self._save_version(current, restored, auto_bump(current, restored), f"Rolled back to {version}", {})

    # --- steps ----------------------------------------------------------------------------------
    def _save_version(self, current: GPT, proposed: GPT, kind: Bump, note: str,
                      staged: Mapping[str, Path]) -> GPT:
        history = [v.version for v in self.catalog.gpt_version_list(current.id)]
        version = next_version([*history, current.version], kind)
        candidate = replace(proposed, version=version, changelog=prepend_changelog(current.changelog, version, note))
        check_gpt(candidate, known_as=current.name)
        for sha256, path in staged.items():
            _place(path, self._paths().blob(sha256))
        return self.catalog.save_gpt(candidate, note=note)

    def _apply(self, gpt: GPT, changes: Mapping[str, Any], staging: Path) -> tuple[GPT, dict[str, Path]]:
        """The GPT with ``changes`` applied, and the new files copied (hashed) into ``staging``."""
        values: dict[str, Any] = {}
        staged: dict[str, Path] = {}
        for key, value in changes.items():
            if key == "model":
                values["model_sha256"] = self.catalog.get_model(str(value)).sha256
            elif key == "adapter":
                values["adapter_sha256"] = None if value is None else self.catalog.get_model(str(value)).sha256
            elif key in ("starters", "tags"):
                values[key] = _clean_list(value)
            elif key == "examples":
                values[key] = tuple(value)
            elif key in ("name", "category", "author", "license"):
                values[key] = str(value).strip()
            elif key == "chat_template":
                values[key] = value or None
            elif key == "adapter_scale":
                values[key] = float(value)
            elif key == "icon":
                values[key] = None if value is None else self._file(value, None, staging, staged)
            elif key == "knowledge":
                values[key] = tuple(self._file(item, "knowledge/", staging, staged) for item in value)
            elif key == "evals":
                values[key] = None if value is None else self._evals_file(value, staging, staged)
            else:
                values[key] = value
        return replace(gpt, **values), staged

    def _file(self, item: Path | str | GPTFile, folder: str | None, staging: Path,
              staged: dict[str, Path]) -> GPTFile:
        """A file to keep (a :class:`GPTFile`) or to add (a path: copied into ``staging`` and hashed)."""
        if isinstance(item, GPTFile):
            return item
        source = Path(item).expanduser()
        if not source.is_file():
            raise InvalidInput(f"{source} does not exist or is not a file.")
        limit = MAX_ICON_BYTES if folder is None else MAX_KNOWLEDGE_BYTES
        what = "icon" if folder is None else "knowledge file"
        size = source.stat().st_size
        if size > limit:
            raise InvalidInput(f"{source} is {size / 2**20:.1f} MiB; a GPT's {what} may be at most "
                               f"{limit // 2**20} MiB.")
        if size == 0:
            raise InvalidInput(f"{source} is empty.")
        copy = staging / f"{len(staged)}.part"
        sha256 = _copy_hashing(source, copy)
        staged[sha256] = copy
        name = f"icon{source.suffix.lower()}" if folder is None else f"{folder}{source.name}"
        return GPTFile(path=name, sha256=sha256, size=copy.stat().st_size)

    def _evals_file(self, item: Path | str | GPTFile, staging: Path, staged: dict[str, Path]) -> GPTFile:
        """An eval set to keep (a :class:`GPTFile`), or one to add: read, checked, then staged as ``evals.json``."""
        if isinstance(item, GPTFile):
            return item
        from app.manifest.evalset import EVALS_FILE, MAX_EVALS_BYTES, parse_eval_set  # noqa: PLC0415 - pydantic

        source = Path(item).expanduser()
        if not source.is_file():
            raise InvalidInput(f"{source} does not exist or is not a file.")
        if source.stat().st_size > MAX_EVALS_BYTES:
            raise InvalidInput(f"{source} is larger than {MAX_EVALS_BYTES // 2**20} MiB, the most an eval set may be.")
        parse_eval_set(source.read_bytes(), source=source.name)
        file = self._file(source, "", staging, staged)
        return replace(file, path=EVALS_FILE)

    @contextlib.contextmanager
    def _staging(self, changes: Mapping[str, Any]) -> Iterator[Path]:
        """A temporary folder beside the store for new files (same disk, so placing one is a rename)."""
        if not any(changes.get(k) for k in ("icon", "knowledge", "evals")):
            yield Path()  # no file to add: nothing is created
            return
        if self.paths is None:
            raise InvalidInput("Icons and knowledge files need the data folder; open the library with its paths.")
        with tempfile.TemporaryDirectory(prefix=".gpt-edit-", dir=self.paths.ensure().home) as staging:
            yield Path(staging)

    def _paths(self) -> AppPaths:
        assert self.paths is not None  # _staging refused files without paths
        return self.paths

    def _check_name_is_free(self, gpt: GPT) -> None:
        for other in self.catalog.list_gpts():
            if other.id != gpt.id and other.name.casefold() == gpt.name.casefold():
                raise InvalidInput(f"Another GPT is named {other.name!r} ({other.id}); pick another name.")

    def _require_installed(self, sha256: str, note: Mapping[str, Any] | None, who: str, *, what: str = "model") -> None:
        try:
            model = self.catalog.get_model(sha256)
        except NotFound:
            model = None
        if model is not None and model.status is ModelStatus.INSTALLED and (
                self.paths is None or (self.paths.home / model.path).is_file()):
            return
        name = (model.display_name if model else (note or {}).get("display_name")) or sha256[:12]
        source = (model.source if model else (note or {}).get("source")) or ""
        raise InvalidInput(f"{who} needs the {what} {name!r} (sha256 {sha256[:12]}), which is no longer installed. "
                           f"{reinstall_hint(source, sha256)}")


# --- checking -----------------------------------------------------------------------------------
def manifest_fields(gpt: GPT) -> dict[str, Any]:
    """The parts of ``gpt.json`` that the GPT itself decides, in the manifest's own field names.

    The model and adapter pins (repo, commit, file) come from the model files, not from the GPT,
    and are added by :mod:`app.services.gpt_package`.
    """
    from app.manifest import SCHEMA_ID  # noqa: PLC0415 - pydantic: not on the GUI's start path

    params = gpt.params
    fields_: dict[str, Any] = {
        "schema": SCHEMA_ID, "version": gpt.version, "name": gpt.name, "description": gpt.description,
        "author": gpt.author, "category": gpt.category, "tags": list(gpt.tags), "license": gpt.license,
        "icon": gpt.icon.path if gpt.icon else None, "icon_size": gpt.icon.size if gpt.icon else None,
        "icon_sha256": gpt.icon.sha256 if gpt.icon else None, "instructions": gpt.instructions,
        "conversation_starters": list(gpt.starters),
        "examples": [{"role": m.role.value, "content": m.content} for m in gpt.examples],
        "knowledge": [{"file": k.path, "size": k.size, "sha256": k.sha256} for k in gpt.knowledge],
        "chat_template": gpt.chat_template,
        "parameters": {
            "temperature": float(params.temperature), "top_p": float(params.top_p), "top_k": params.top_k,
            "min_p": float(params.min_p), "repeat_penalty": float(params.repeat_penalty),
            "max_tokens": params.max_tokens, "context_length": params.context_length, "stop": list(params.stop),
        },
        "changelog": gpt.changelog,
        "evals": {"file": gpt.evals.path, "size": gpt.evals.size, "sha256": gpt.evals.sha256} if gpt.evals else None,
    }
    return fields_


def check_gpt(gpt: GPT, *, known_as: str | None = None) -> None:
    """Raise :class:`InvalidGPT` naming every field of ``gpt`` that breaks a manifest rule.

    ``known_as`` is the name the person knows the GPT by (its saved name, while the new one is checked).
    """
    from app.manifest import parse_manifest  # noqa: PLC0415 - pydantic: not on the GUI's start path

    tree = manifest_fields(gpt)
    tree["id"] = "local/check"
    tree["model"] = _PLACEHOLDER_MODEL
    if gpt.adapter_sha256:
        tree["adapter"] = {"file": "adapter.gguf", "size": 1, "sha256": _PLACEHOLDER_SHA,
                           "scale": gpt.adapter_scale, "base_sha256": _PLACEHOLDER_SHA}
    try:
        parse_manifest(tree, source=f"GPT {gpt.name!r}")
    except BadManifest as exc:
        problems = [p for p in exc.problems if not p.location.startswith(("id", "model"))]
        if problems:
            raise InvalidGPT(known_as or gpt.name, problems) from None


def reinstall_hint(source: str, sha256: str) -> str:
    """How to get a model file back, from where it came from (``hub:repo@commit/file`` or a local path)."""
    hub = parse_hub_source(source)
    if hub is not None:
        repo, revision, file = hub
        return f"Reinstall it with: gptshelf hf install {repo} --revision {revision} --variant {file}"
    if source and not source.startswith(("import:", "local:")):
        return f"Import it again with: gptshelf models import {source}"
    return f"Import the GGUF file whose sha256 is {sha256} with: gptshelf models import FILE"


_HUB_SOURCE = re.compile(r"hub:([^@\s]+/[^@\s]+)@([0-9a-f]{40})/(.+)")


def parse_hub_source(source: str) -> tuple[str, str, str] | None:
    """``(repo, commit, file)`` of a model the installer downloaded, from its ``hub:repo@commit/file`` source."""
    found = _HUB_SOURCE.fullmatch(source or "")
    return (found.group(1), found.group(2), found.group(3)) if found else None


def parameter_limits() -> dict[str, tuple[float, float]]:
    """``{field: (lowest, highest)}`` for each number in a GPT's parameters, from the manifest's rules,
    so a form's spin boxes allow exactly what a save accepts."""
    from app.manifest import Parameters  # noqa: PLC0415 - pydantic: not on the GUI's start path

    limits: dict[str, tuple[float, float]] = {}
    for name, info in Parameters.model_fields.items():
        low = next((getattr(m, "ge", None) for m in info.metadata if getattr(m, "ge", None) is not None), None)
        high = next((getattr(m, "le", None) for m in info.metadata if getattr(m, "le", None) is not None), None)
        if low is not None and high is not None:
            limits[name] = (low, high)
    return limits


def file_types(kind: str) -> tuple[str, ...]:
    """The file name endings a GPT accepts for its ``"icon"`` or its ``"knowledge"`` files, sorted."""
    return tuple(sorted(ICON_EXTENSIONS if kind == "icon" else KNOWLEDGE_EXTENSIONS))


def _draft_file(item: Path | str | GPTFile, folder: str | None) -> tuple[GPTFile, str]:
    """A file as a draft GPT names it (its content not read), and what is wrong with it ("" if nothing)."""
    if isinstance(item, GPTFile):
        return item, ""
    source = Path(item).expanduser()
    name = f"icon{source.suffix.lower()}" if folder is None else f"{folder}{source.name}"
    limit = MAX_ICON_BYTES if folder is None else MAX_KNOWLEDGE_BYTES
    size = source.stat().st_size if source.is_file() else 0
    problem = ""
    if not source.is_file():
        problem = f"({source}) does not exist or is not a file"
    elif size == 0:
        problem = "is empty"
    elif size > limit:
        problem = f"is {size / 2**20:.1f} MiB; it may be at most {limit // 2**20} MiB"
    return GPTFile(path=name, sha256=_PLACEHOLDER_SHA, size=max(size, 1)), problem


def _clean_list(values: Sequence[str] | str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    return tuple(s.strip() for s in values if s.strip())


def _copy_hashing(source: Path, target: Path) -> str:
    digest = hashlib.sha256()
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(1024 * 1024):
            digest.update(chunk)
            writer.write(chunk)
    return digest.hexdigest()


def _place(staged: Path, blob: Path) -> None:
    """Move a verified file into the content store; content that is already there is kept as is."""
    if blob.is_file():
        return
    blob.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, blob)


def place_blob(staged: Path, blob: Path) -> bool:
    """Like :func:`_place`, saying whether the blob is new (so a failed import can take it back)."""
    existed = blob.is_file()
    _place(staged, blob)
    return not existed


def slug(name: str) -> str:
    """A readable id part: ASCII when the name allows it, the name's own letters otherwise (Chinese stays)."""
    text = unicodedata.normalize("NFKC", name).strip().lower()
    text = re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE).strip("-._")
    return text[:64] or "gpt"


def ascii_slug(text: str, *, limit: int = 64) -> str:
    """Letters, digits, ``. _ -`` only (accents dropped), as hub repo names and portable file names need."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", folded).strip("-._")[:limit].rstrip("-._")


__all__ = ["GPTLibrary", "check_gpt", "file_types", "manifest_fields", "parameter_limits"]
