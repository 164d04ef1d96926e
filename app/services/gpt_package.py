"""A GPT as ``gpt.json`` v1, and as a portable ``.gptshelf`` file: export and import.

:meth:`GPTPackages.manifest_for` is the one place a GPT becomes a manifest (the hub publisher uses it
too). A ``.gptshelf`` file is a zip of ``gpt.json`` followed by the files it names, in sorted order,
stored uncompressed with fixed timestamps, so the same GPT always gives the same bytes, on any
machine. Import trusts nothing in the file: every entry is checked before anything is written, every
file is sha256-checked while it is staged in a temporary folder, and only then are the files moved
into the store and the GPT recorded, in one catalog transaction. The rules and the reasons are in
docs/gpt-files.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from app.catalog import Catalog
from app.core.entities import GPT, GPTFile, GPTSource, ModelFile, ModelStatus
from app.core.errors import BadEvalSet, BadGGUF, KnownError, InvalidInput, NotFound
from app.core.paths import AppPaths
from app.ggufcheck import check_gguf
from app.manifest import GPTManifest, Variant, dump_manifest, parse_manifest
from app.manifest.evalset import MAX_EVALS_BYTES
from app.manifest.safe_path import check_gguf_path
from app.services.gpt_changes import content
from app.services.gpts import (
    MAX_ICON_BYTES, MAX_KNOWLEDGE_BYTES, MAX_KNOWLEDGE_TOTAL, ascii_slug, manifest_fields, parse_hub_source,
    place_blob, reinstall_hint,
)
from app.services.package_reader import MANIFEST, MODEL_FOLDER, PackageReader, fold, open_package, refusal
from app.services.semver import is_newer
from app.services.staging import STALE_STAGING_SECONDS, remove_stale_staging

SUFFIX = ".gptshelf"
#: The manifest marks a model that is on no hub with the owner ``local`` and this commit.
LOCAL_OWNER = "local"
LOCAL_REVISION = "0" * 40
ADAPTER_FILE = "adapter.gguf"
MAX_ADAPTER_BYTES = 8 * 1024**3
MAX_MODEL_BYTES = 512 * 1024**3
_EPOCH = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1024 * 1024
_REPO_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,95}", re.ASCII)
_QUANT_TOKEN = re.compile(r"I?Q[1-8](?:_[A-Z0-9]+)*|B?F16|F32|F64", re.ASCII | re.IGNORECASE)
_QUANT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,39}", re.ASCII)


def is_local_model(manifest: GPTManifest) -> bool:
    """The model is on no hub: only a ``.gptshelf`` file with ``--with-model`` (or the same GGUF) brings it."""
    return manifest.model.revision == LOCAL_REVISION and manifest.model.repo.split("/")[0] == LOCAL_OWNER


def manifest_id(gpt_id: str) -> str:
    """The GPT's id as a hub repo id (``owner/name``, ASCII); ids made here from non-ASCII names get a hash."""
    owner, _, name = gpt_id.partition("/")
    digest = hashlib.sha256(gpt_id.encode("utf-8")).hexdigest()
    if not _REPO_PART.fullmatch(owner):
        owner = ascii_slug(owner) or LOCAL_OWNER
    if not _REPO_PART.fullmatch(name):
        readable = ascii_slug(name)
        name = f"{readable}-{digest[:8]}" if readable else f"gpt-{digest[:12]}"
    return f"{owner}/{name}"


def package_files(manifest: GPTManifest) -> dict[str, tuple[int, str]]:
    """``{path: (size, sha256)}`` of the GPT's own files that ``gpt.json`` names (the model is apart)."""
    files: dict[str, tuple[int, str]] = {}
    if manifest.icon is not None and manifest.icon_size is not None and manifest.icon_sha256 is not None:
        files[manifest.icon] = (manifest.icon_size, manifest.icon_sha256)
    if manifest.adapter is not None:
        files[manifest.adapter.file] = (manifest.adapter.size, manifest.adapter.sha256)
    for item in manifest.knowledge:
        files[item.file] = (item.size, item.sha256)
    if manifest.evals is not None:
        files[manifest.evals.file] = (manifest.evals.size, manifest.evals.sha256)
    return files


@dataclass
class GPTPackages:
    catalog: Catalog
    paths: AppPaths

    # --- the manifest ---------------------------------------------------------------------------
    def manifest_for(self, gpt: GPT) -> tuple[GPTManifest, dict[str, Path]]:
        """The GPT as ``gpt.json``, and its own files (icon, adapter, knowledge) on disk by manifest path.

        The model is described where it came from: ``repo``/``revision``/``file`` of the hub file the
        installer downloaded, or, for a GGUF imported from this computer, the marker
        ``local/<name>`` at commit ``000…0`` (see :func:`is_local_model`); it is not in the files.
        Raises :class:`BadManifest` (with field paths) when the GPT breaks a manifest rule.
        """
        model = self._record(gpt.model_sha256, gpt, "model")
        repo, revision, file = self._origin(model)
        quant = _quant(model, file)
        tree = manifest_fields(gpt)
        tree["id"] = manifest_id(gpt.id)
        tree["model"] = {
            "repo": repo, "revision": revision, "default_variant": quant,
            "variants": [{"file": file, "quant": quant, "size": model.size, "sha256": model.sha256}],
        }
        files: dict[str, Path] = {}
        if gpt.adapter_sha256:
            adapter = self._record(gpt.adapter_sha256, gpt, "adapter")
            tree["adapter"] = {"file": ADAPTER_FILE, "size": adapter.size, "sha256": adapter.sha256,
                               "scale": gpt.adapter_scale, "base_sha256": model.sha256}
            files[ADAPTER_FILE] = self.paths.home / adapter.path
        for item in (gpt.icon, *gpt.knowledge, gpt.evals):
            if item is not None:
                files[item.path] = self.paths.blob(item.sha256)
        manifest = parse_manifest(tree, source=f"{gpt.name} (as {MANIFEST})").manifest
        missing = sorted(name for name, path in files.items() if not path.is_file())
        if missing:
            raise KnownError(f"{', '.join(missing)} of {gpt.name!r} is missing from the data folder "
                             f"{self.paths.home}; edit the GPT to add the file again.")
        return manifest, files

    def _record(self, sha256: str, gpt: GPT, what: str) -> ModelFile:
        try:
            return self.catalog.get_model(sha256)
        except NotFound:
            raise KnownError(f"The {what} of {gpt.name!r} (sha256 {sha256[:12]}) is not installed. "
                             f"{reinstall_hint('', sha256)}") from None

    def _origin(self, model: ModelFile) -> tuple[str, str, str]:
        hub = parse_hub_source(model.source)
        if hub is not None:
            return hub
        stem = ascii_slug(model.display_name)
        try:
            check_gguf_path(f"{stem}.gguf")
        except ValueError:
            stem = ""
        stem = stem or f"model-{model.sha256[:12]}"
        return f"{LOCAL_OWNER}/{stem}", LOCAL_REVISION, f"{stem}.gguf"

    def housekeeping(self, *, older_than: float = STALE_STAGING_SECONDS) -> int:
        """Remove staging folders that a killed import or edit left in the data folder; returns how many."""
        return remove_stale_staging(self.paths.home, older_than=older_than)

    # --- export ---------------------------------------------------------------------------------
    def export_gpt(self, gpt_id: str, target: Path, *, with_model: bool = False) -> Path:
        """Write the GPT as a ``.gptshelf`` file at ``target`` (a folder gets ``<name>-<version>.gptshelf``).

        Every file is sha256-checked while it is copied in, so a damaged store never leaves as a valid
        package. The file appears whole or not at all (written beside it, then renamed).
        """
        gpt = self.catalog.get_gpt(gpt_id)
        manifest, files = self.manifest_for(gpt)
        pins = package_files(manifest)
        entries = [(name, path, *pins[name]) for name, path in files.items()]
        if with_model:
            variant = manifest.variant()
            model = self.catalog.get_model(gpt.model_sha256)
            entries.append((MODEL_FOLDER + variant.file, self.paths.home / model.path, variant.size, variant.sha256))
        out = _target(Path(target), gpt)
        data = dump_manifest(manifest).encode("utf-8")
        needed = len(data) + sum(size for _, _, size, _ in entries) + _CHUNK
        if shutil.disk_usage(out.parent).free < needed:
            raise KnownError(f"Not enough disk space in {out.parent}: the file needs {needed / 2**20:.0f} MiB.")
        partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
        try:
            with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
                archive.writestr(_entry(MANIFEST), data)
                for name, path, size, sha256 in sorted(entries):
                    _copy_in(archive, name, path, size, sha256)
            os.replace(partial, out)
        except OSError as exc:
            raise KnownError(f"{out} could not be written ({exc.strerror or exc}).") from exc
        finally:
            partial.unlink(missing_ok=True)
        return out

    # --- import ---------------------------------------------------------------------------------
    def import_gpt(self, source: Path) -> GPT:
        """Add the GPT in a ``.gptshelf`` file or a folder; see docs/gpt-files.md for what is refused.

        A GPT that is already here comes in as its new version when the file's version is higher (the
        older versions stay); the same version with the same content changes nothing; anything else is
        refused. The model must be inside the file or installed already.
        """
        source = Path(source).expanduser()
        with contextlib.closing(open_package(source)) as reader:
            manifest = parse_manifest(reader.manifest_bytes(), source=f"{source.name}: {MANIFEST}").manifest
            files = self._checked_files(manifest, source)
            models = {MODEL_FOLDER + v.file: v.size for v in manifest.model.variants}
            present = reader.check_contents({name: size for name, (size, _) in files.items()}, models)
            if len(present) > 1:
                raise refusal(source, f"it carries {len(present)} model files; a package carries at most one")
            variant = self._variant(manifest, present, source)
            existing = self._existing(manifest, source)
            gpt = _gpt_from(manifest, variant, existing, files)
            if existing is not None and existing.version == gpt.version:
                return existing  # the same GPT, already here (_gpt_from refused a different one)
            return self._install(reader, source, manifest, files, variant, gpt)

    def _checked_files(self, manifest: GPTManifest, source: Path) -> dict[str, tuple[int, str]]:
        """The GPT's own files, refused when unpinned, colliding or over their size caps."""
        if manifest.icon is not None and manifest.icon_sha256 is None:
            raise refusal(source, f"{MANIFEST} names the icon {manifest.icon!r} without icon_size and icon_sha256; "
                                  "every file in a package must be pinned")
        files = package_files(manifest)
        taken = {fold(MANIFEST): MANIFEST} | {fold(MODEL_FOLDER + v.file): MODEL_FOLDER + v.file
                                             for v in manifest.model.variants}
        for name in files:
            if fold(name) in taken:
                raise refusal(source, f"{MANIFEST} names {name!r} for two different files")
            taken[fold(name)] = name
        caps = {name: MAX_KNOWLEDGE_BYTES for name in (k.file for k in manifest.knowledge)}
        if manifest.icon is not None:
            caps[manifest.icon] = MAX_ICON_BYTES
        if manifest.adapter is not None:
            caps[manifest.adapter.file] = MAX_ADAPTER_BYTES
        if manifest.evals is not None:
            caps[manifest.evals.file] = MAX_EVALS_BYTES
        for name, (size, _) in files.items():
            if size > caps[name]:
                raise refusal(source, f"{name!r} is {size / 2**20:.1f} MiB; at most {caps[name] // 2**20} MiB "
                                      "are allowed")
        if sum(k.size for k in manifest.knowledge) > MAX_KNOWLEDGE_TOTAL:
            raise refusal(source, f"its knowledge files hold more than {MAX_KNOWLEDGE_TOTAL // 2**30} GiB")
        for variant in manifest.model.variants:
            if variant.size > MAX_MODEL_BYTES:
                raise refusal(source, f"the model {variant.file!r} is larger than {MAX_MODEL_BYTES // 2**30} GiB")
        return files

    def _variant(self, manifest: GPTManifest, present: set[str], source: Path) -> Variant:
        """The model variant to use: the one inside the file, else one installed here (the adapter's own
        base when there is an adapter, else the default first); refused, naming what to install, if none."""
        variants = list(manifest.model.variants)
        if manifest.adapter is not None:
            variants = [v for v in variants if v.sha256 == manifest.adapter.base_sha256]
        else:
            default = manifest.variant()
            variants.sort(key=lambda v: v != default)
        for variant in variants:
            if MODEL_FOLDER + variant.file in present or self._installed(variant.sha256) is not None:
                return variant
        wanted = variants[0]
        size = f"{wanted.size / 2**20:.0f} MiB"
        if is_local_model(manifest):
            raise refusal(source, f"it needs the model {wanted.file} ({size}, sha256 {wanted.sha256[:12]}), which "
                                  "is on no hub and not in the file. Ask for a file exported with --with-model, or "
                                  "import that GGUF first (gptshelf models import FILE) and import this again")
        repo, revision = manifest.model.repo, manifest.model.revision
        raise refusal(source, f"it needs the model {repo}/{wanted.file} ({wanted.quant}, {size}), which is not "
                              f"installed. Install it first with: gptshelf hf install {repo} --revision {revision} "
                              f"--variant {wanted.file}; then import this again")

    def _installed(self, sha256: str) -> ModelFile | None:
        try:
            model = self.catalog.get_model(sha256)
        except NotFound:
            return None
        ok = model.status is ModelStatus.INSTALLED and (self.paths.home / model.path).is_file()
        return model if ok else None

    def _existing(self, manifest: GPTManifest, source: Path) -> GPT | None:
        """The GPT with the file's id, when it may take the file as its next version; refused otherwise."""
        existing = next((g for g in self.catalog.list_gpts() if g.id == manifest.id), None)
        if existing is None or is_newer(manifest.version, existing.version):
            return existing
        if manifest.version == existing.version:
            return existing  # _install compares the content
        raise refusal(source, f"you already have {existing.name!r} {existing.version} ({existing.id}), which is "
                              f"newer than its {manifest.version}. To go back to an earlier version, use: "
                              f"gptshelf gpts rollback {existing.id} VERSION")

    def _install(self, reader: PackageReader, source: Path, manifest: GPTManifest,
                 files: dict[str, tuple[int, str]], variant: Variant, gpt: GPT) -> GPT:
        """Stage and check what the store lacks, then place it and record everything in one transaction."""
        wanted: dict[str, tuple[int, str]] = {n: pin for n, pin in files.items() if not self._blob(pin[1]).is_file()}
        if self._installed(variant.sha256) is None:
            wanted[MODEL_FOLDER + variant.file] = (variant.size, variant.sha256)
        needed = sum(size for size, _ in wanted.values())
        home = self.paths.ensure().home
        if shutil.disk_usage(home).free < needed * 1.05 + 16 * _CHUNK:
            raise refusal(source, f"there is not enough free disk space in {home} "
                                  f"({needed / 2**20:.0f} MiB are needed)")
        placed: list[Path] = []
        with tempfile.TemporaryDirectory(prefix=".import-", dir=home) as staging:
            staged = {name: _stage(reader, source, name, *pin, Path(staging) / f"{i}.part")
                      for i, (name, pin) in enumerate(sorted(wanted.items()))}
            if manifest.evals is not None:
                _check_evals(staged.get(manifest.evals.file, self._blob(manifest.evals.sha256)), manifest.evals.file,
                             source)
            records = self._records(manifest, source, variant, staged)
            try:
                for name, path in staged.items():
                    if place_blob(path, self._blob(wanted[name][1])):
                        placed.append(self._blob(wanted[name][1]))
                note = f"Imported {gpt.version} from {source.name}"
                return self.catalog.save_imported_gpt(records, gpt, note=note)
            except BaseException:
                for blob in placed:
                    blob.unlink(missing_ok=True)
                raise

    def _records(self, manifest: GPTManifest, source: Path, variant: Variant,
                 staged: dict[str, Path]) -> list[ModelFile]:
        """Catalog records for the model and adapter files not installed yet, after the GGUF check."""
        records: list[ModelFile] = []
        wanted = [(MODEL_FOLDER + variant.file, variant.sha256, variant.size, True)]
        if manifest.adapter is not None:
            wanted.append((manifest.adapter.file, manifest.adapter.sha256, manifest.adapter.size, False))
        for name, sha256, size, is_model in wanted:
            if self._installed(sha256) is not None:
                continue
            path = staged.get(name, self._blob(sha256))
            try:
                info = check_gguf(path)
            except BadGGUF as exc:
                raise refusal(source, f"{name!r} is not a usable GGUF model: {exc.reason}") from None
            if is_model and info.vocab_only:
                raise refusal(source, f"{name!r} holds only a vocabulary (no weights), so it cannot chat")
            if is_model and not is_local_model(manifest):
                display = f"{manifest.model.repo.split('/')[-1]} {variant.quant}"
                origin = f"hub:{manifest.model.repo}@{manifest.model.revision}/{variant.file}"
            elif is_model:
                display, origin = Path(variant.file).stem, f"import:{source.name}"
            else:
                display, origin = f"{manifest.name} adapter", f"import:{source.name}"
            records.append(ModelFile(
                sha256=sha256, display_name=display, size=size, status=ModelStatus.INSTALLED, info=info,
                path=self._blob(sha256).relative_to(self.paths.home).as_posix(), source=origin))
        return records

    def _blob(self, sha256: str) -> Path:
        return self.paths.blob(sha256)


def _gpt_from(manifest: GPTManifest, variant: Variant, existing: GPT | None,
              files: dict[str, tuple[int, str]]) -> GPT:
    """The GPT a manifest describes, on ``variant``; checked against ``existing`` of the same version."""
    adapter = manifest.adapter
    icon = None
    if manifest.icon is not None:
        icon = GPTFile(manifest.icon, sha256=files[manifest.icon][1], size=files[manifest.icon][0])
    gpt = GPT(
        id=manifest.id, name=manifest.name, model_sha256=variant.sha256, description=manifest.description,
        instructions=manifest.instructions, starters=manifest.conversation_starters,
        examples=manifest.example_messages(), params=manifest.generation_params(),
        chat_template=manifest.chat_template, adapter_sha256=adapter.sha256 if adapter else None,
        adapter_scale=adapter.scale if adapter else 1.0,
        source=existing.source if existing is not None else GPTSource.IMPORTED, version=manifest.version,
        category=manifest.category, tags=manifest.tags, author=manifest.author, license=manifest.license,
        icon=icon, knowledge=tuple(GPTFile(k.file, k.sha256, k.size) for k in manifest.knowledge),
        changelog=manifest.changelog,
        evals=GPTFile(manifest.evals.file, manifest.evals.sha256, manifest.evals.size) if manifest.evals else None,
    )
    if existing is not None and existing.version == gpt.version:
        mine = replace(existing, params=replace(existing.params, seed=None))
        if content(mine) != content(gpt):
            raise InvalidInput(f"You already have version {gpt.version} of {existing.name!r} ({existing.id}) and it "
                               "differs from the one in this file; nothing was imported. A GPT's version must "
                               "change when its content does.")
    return gpt


def _stage(reader: PackageReader, source: Path, name: str, size: int, sha256: str, target: Path) -> Path:
    """Copy one file out of the package, refusing it unless its size and sha256 are what gpt.json says."""
    digest = hashlib.sha256()
    written = 0
    with reader.open(name) as handle, target.open("wb") as out:
        while chunk := handle.read(_CHUNK):
            written += len(chunk)
            if written > size:
                raise refusal(source, f"{name!r} holds more than the {size} bytes {MANIFEST} says")
            digest.update(chunk)
            out.write(chunk)
    if written != size:
        raise refusal(source, f"{name!r} holds {written} bytes, not the {size} {MANIFEST} says")
    if digest.hexdigest() != sha256:
        raise refusal(source, f"{name!r} does not match {MANIFEST}: its sha256 is {digest.hexdigest()}, "
                              f"{MANIFEST} says {sha256} (the file is damaged or was changed)")
    return target


def _check_evals(path: Path, name: str, source: Path) -> None:
    """Refuse a package whose eval set is not a valid ``gptshelf/evals@1`` file (it is pinned, not checked)."""
    from app.manifest.evalset import parse_eval_set  # noqa: PLC0415 - only for a package with an eval set

    try:
        parse_eval_set(path.read_bytes(), source=name)
    except BadEvalSet as exc:
        raise refusal(source, str(exc).rstrip(".")) from None


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry that is the same on every machine: fixed time, Unix 0644, stored."""
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    return info


def _copy_in(archive: zipfile.ZipFile, name: str, path: Path, size: int, sha256: str) -> None:
    info = _entry(name)
    info.file_size = size
    digest = hashlib.sha256()
    written = 0
    try:
        reader: BinaryIO = path.open("rb")
    except OSError as exc:
        raise KnownError(f"{name} cannot be read from the data folder ({exc.strerror}).") from exc
    with reader, archive.open(info, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            written += len(chunk)
            writer.write(chunk)
    if written != size or digest.hexdigest() != sha256:
        raise KnownError(f"The copy of {name} in the data folder is damaged (its sha256 no longer matches); "
                         "it was not exported. Add the file to the GPT again.")


def _target(target: Path, gpt: GPT) -> Path:
    target = target.expanduser()
    if target.is_dir():
        target = target / f"{ascii_slug(gpt.name) or 'gpt'}-{gpt.version}{SUFFIX}"
    elif not target.suffix:
        target = target.with_name(target.name + SUFFIX)
    if not target.parent.is_dir():
        raise InvalidInput(f"The folder {target.parent} does not exist.")
    return target


def _quant(model: ModelFile, file: str) -> str:
    """The quant name: from the file name (``…-Q4_K_M.gguf``), else the GGUF's file type, else "default"."""
    stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    for token in re.split(r"[-. ]", stem):
        if _QUANT_TOKEN.fullmatch(token):
            return token
    quant = model.info.quantization if model.info else ""
    return quant if _QUANT_NAME.fullmatch(quant) else "default"
