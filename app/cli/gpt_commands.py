"""``gptshelf gpts edit | versions | rollback | export | import | draft``: a GPT's versions, its portable
file, and a first draft written by a model.

Apart from commands.py so the versioning and packaging side of ``gpts`` stays in one place.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.output import Output, human_size
from app.core.entities import GPT
from app.core.errors import InvalidInput
from app.services.semver import Bump

if TYPE_CHECKING:
    from app.services.container import Services

ACTIONS = ("edit", "versions", "rollback", "export", "import", "draft")

#: --option -> GenerationParams field, with its type.
_PARAMS = {"temperature": float, "top_p": float, "top_k": int, "min_p": float, "repeat_penalty": float,
           "max_tokens": int, "context_length": int}


def add_parsers(gpts: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001 - argparse internals
    edit = gpts.add_parser("edit", help="change a GPT; saved as a new version (the old ones are kept)")
    edit.add_argument("id", help="GPT id or name")
    edit.add_argument("--name")
    edit.add_argument("--description")
    text = edit.add_mutually_exclusive_group()
    text.add_argument("--instructions")
    text.add_argument("--instructions-file", metavar="FILE")
    edit.add_argument("--starter", action="append", help="a conversation starter (repeatable; replaces them all)")
    edit.add_argument("--no-starters", action="store_true", help="remove every conversation starter")
    for name, kind in _PARAMS.items():
        edit.add_argument(f"--{name.replace('_', '-')}", type=kind, metavar="N")
    edit.add_argument("--stop", action="append", help="a stop string (repeatable; replaces them all)")
    edit.add_argument("--model", help="another installed model (sha256, prefix or name)")
    edit.add_argument("--category")
    edit.add_argument("--tag", action="append", help="a tag (repeatable; replaces them all)")
    edit.add_argument("--author")
    edit.add_argument("--license")
    icon = edit.add_mutually_exclusive_group()
    icon.add_argument("--icon", metavar="FILE", help="an icon image (.png, .jpg, .jpeg, .webp)")
    icon.add_argument("--no-icon", action="store_true", help="remove the icon")
    edit.add_argument("--add-knowledge", action="append", metavar="FILE", help="add a document (repeatable)")
    edit.add_argument("--remove-knowledge", action="append", metavar="NAME", help="remove a document (repeatable)")
    evals = edit.add_mutually_exclusive_group()
    evals.add_argument("--evals", metavar="FILE", help="the GPT's eval set (a gptshelf/evals@1 .json file, docs/evals.md)")
    evals.add_argument("--no-evals", action="store_true", help="remove the eval set")
    edit.add_argument("--changelog", default="", metavar="TEXT", help="what changed, one line (default: a summary)")
    edit.add_argument("--bump", choices=[b.value for b in Bump], default=Bump.AUTO.value,
                      help="which part of the version to raise (auto: minor when the model, instructions, template, "
                           "adapter or knowledge change, else patch)")
    json_flag(edit)
    versions = gpts.add_parser("versions", help="a GPT's saved versions, oldest first")
    versions.add_argument("id", help="GPT id or name")
    json_flag(versions)
    rollback = gpts.add_parser("rollback", help="make an earlier version current again (as a new version)")
    rollback.add_argument("id", help="GPT id or name")
    rollback.add_argument("version")
    json_flag(rollback)
    export = gpts.add_parser("export", help="write a GPT as a .gptshelf file to share or back up")
    export.add_argument("id", help="GPT id or name")
    export.add_argument("file", help="the file to write (a folder gets NAME-VERSION.gptshelf)")
    export.add_argument("--with-model", action="store_true", help="put the model's GGUF inside the file too")
    json_flag(export)
    imp = gpts.add_parser("import", help="add a GPT from a .gptshelf file or a folder with a gpt.json")
    imp.add_argument("source", metavar="FILE_OR_FOLDER")
    json_flag(imp)
    draft = gpts.add_parser("draft", help="have an installed model draft a GPT from your description "
                                          "(name, description, instructions, starters, category, tags)")
    draft.add_argument("description", help="the GPT you want, in your own words (any language)")
    draft.add_argument("--model", required=True, help="the model that writes it: sha256, prefix or name")
    draft.add_argument("--seed", type=int, help="a fixed seed, for the same draft again")
    draft.add_argument("--save", action="store_true", help="create the GPT from the draft on the same model")
    json_flag(draft)


def run(args: argparse.Namespace, services: Services, out: Output) -> int:
    handler = {"edit": _edit, "versions": _versions, "rollback": _rollback, "export": _export,
               "import": _import, "draft": _draft}[args.action]
    return handler(args, services, out)


def _edit(args: argparse.Namespace, services: Services, out: Output) -> int:
    before = services.gpts.get(args.id)
    gpt = services.gpts.edit(before.id, changelog=args.changelog, bump=args.bump, **_changes(args, before))
    if out.as_json:
        out.json(gpt)
    elif gpt.version == before.version:
        out.write(f"{gpt.name}: nothing changed (still {gpt.version})")
    else:
        out.write(f"{gpt.name}: {before.version} -> {gpt.version} ({gpt.changelog.splitlines()[0].split(': ', 1)[-1]})")
    return 0


def _changes(args: argparse.Namespace, gpt: GPT) -> dict[str, Any]:
    """Only what was given on the command line; everything else keeps its value."""
    changes: dict[str, Any] = {}
    for name in ("name", "description", "instructions", "model", "category", "author", "license"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.instructions_file:
        try:
            changes["instructions"] = Path(args.instructions_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{args.instructions_file} cannot be read as UTF-8 text ({exc}).") from exc
    if args.no_starters or args.starter is not None:
        changes["starters"] = [] if args.no_starters else args.starter
    if args.tag is not None:
        changes["tags"] = args.tag
    params = {name: getattr(args, name) for name in _PARAMS if getattr(args, name) is not None}
    if args.stop is not None:
        params["stop"] = tuple(args.stop)
    if params:
        changes["params"] = dataclasses.replace(gpt.params, **params)
    if args.no_icon or args.icon:
        changes["icon"] = None if args.no_icon else Path(args.icon)
    if args.no_evals or args.evals:
        changes["evals"] = None if args.no_evals else Path(args.evals)
    if args.add_knowledge or args.remove_knowledge:
        remove = set(args.remove_knowledge or ())
        unknown = remove - {k.path for k in gpt.knowledge} - {k.path.rsplit("/", 1)[-1] for k in gpt.knowledge}
        if unknown:
            have = ", ".join(k.path for k in gpt.knowledge) or "none"
            raise InvalidInput(f"{gpt.name!r} has no knowledge file {sorted(unknown)[0]!r} (it has: {have}).")
        kept = [k for k in gpt.knowledge if k.path not in remove and k.path.rsplit("/", 1)[-1] not in remove]
        changes["knowledge"] = [*kept, *(Path(p) for p in args.add_knowledge or ())]
    return changes


def _versions(args: argparse.Namespace, services: Services, out: Output) -> int:
    versions = services.gpts.versions(args.id)
    if out.as_json:
        out.json(versions)
        return 0
    out.table([(v.version, "*" if v.current else "", v.created_at[:16].replace("T", " "),
                v.model_name or v.model_sha256[:12], v.changelog) for v in versions],
              ("VERSION", "CURRENT", "SAVED", "MODEL", "CHANGES"))
    return 0


def _rollback(args: argparse.Namespace, services: Services, out: Output) -> int:
    before = services.gpts.get(args.id)
    gpt = services.gpts.rollback(before.id, args.version)
    if out.as_json:
        out.json(gpt)
    elif gpt.version == before.version:
        out.write(f"{gpt.name} {gpt.version} already is what {args.version} was; nothing changed")
    else:
        out.write(f"{gpt.name}: rolled back to {args.version} as {gpt.version}")
    return 0


def _export(args: argparse.Namespace, services: Services, out: Output) -> int:
    from app.services.gpt_package import is_local_model  # noqa: PLC0415 - parsing the command line stays light

    gpt = services.gpts.get(args.id)
    path = services.packages.export_gpt(gpt.id, Path(args.file), with_model=args.with_model)
    manifest, _files = services.packages.manifest_for(gpt)
    needs_model = is_local_model(manifest) and not args.with_model
    if out.as_json:
        out.json({"path": str(path), "size": path.stat().st_size, "id": manifest.id, "version": manifest.version,
                  "with_model": args.with_model, "model_on_a_hub": not is_local_model(manifest)})
        return 0
    out.write(f"wrote {path} ({human_size(path.stat().st_size)}): {gpt.name} {gpt.version}")
    if needs_model:
        out.write("note: its model was imported from this computer, not from a hub, so whoever imports this file "
                  "needs the same GGUF already; add --with-model to put it inside")
    return 0


def _import(args: argparse.Namespace, services: Services, out: Output) -> int:
    before = {g.id: g.version for g in services.gpts.list()}
    gpt = services.packages.import_gpt(Path(args.source))
    if out.as_json:
        out.json(gpt)
    elif before.get(gpt.id) == gpt.version:
        out.write(f"{gpt.name} {gpt.version} ({gpt.id}) is already here; nothing changed")
    elif gpt.id in before:
        out.write(f"updated {gpt.name} ({gpt.id}) from {before[gpt.id]} to {gpt.version}; "
                  f"the earlier versions are kept (gptshelf gpts versions {gpt.id})")
    else:
        out.write(f"imported {gpt.name} {gpt.version} ({gpt.id}); chat with: gptshelf chat {gpt.id}")
    return 0


def _draft(args: argparse.Namespace, services: Services, out: Output) -> int:
    draft = services.drafter.draft(args.description, args.model, seed=args.seed)
    saved = None
    if args.save:
        saved = services.gpts.create(draft.name, draft.model_sha256, instructions=draft.instructions,
                                     starters=draft.starters, description=draft.description,
                                     category=draft.category, tags=draft.tags)
    if out.as_json:
        out.json({"draft": draft, "saved": saved})
        return 0
    out.fields([("name", draft.name), ("description", draft.description), ("category", draft.category),
                ("tags", ", ".join(draft.tags) or "-")])
    out.write("starters:")
    for starter in draft.starters:
        out.write(f"  - {starter}")
    out.write("instructions:")
    for line in draft.instructions.splitlines():
        out.write(f"  {line}")
    model = services.models.get(draft.model_sha256).display_name
    out.write(f"(drafted by {model}: {draft.tokens} tokens in {draft.seconds:.1f} s)")
    if saved is not None:
        out.write(f"created {saved.name} ({saved.id}); chat with: gptshelf chat {saved.id}")
    else:
        out.write("edit it in the app (My GPTs > New GPT…), or run again with --save to create it as it is")
    return 0
