"""``gptshelf models scan``, ``models link`` and ``history import``: bring models and chats from other apps."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.output import Output, human_size
from app.core.errors import InvalidInput

if TYPE_CHECKING:
    from app.services.container import Services
    from app.services.model_scan import Candidate, LinkOutcome
    from app.services.models import LinkResult

MODEL_ACTIONS = ("scan", "link")
HISTORY_ACTIONS = ("import",)


def add_model_parsers(models: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001 - argparse internals
    scan = models.add_parser("scan", help="find models GPT4All, LM Studio, Jan and Ollama keep on this machine")
    scan.add_argument("folders", nargs="*", metavar="FOLDER", help="also look in these folders")
    scan.add_argument("--only", action="store_true", help="look only in the folders given, not the apps' defaults")
    scan.add_argument("--link", action="store_true", help="link every model found that is not linked yet")
    json_flag(scan)
    link = models.add_parser("link", help="use a GGUF where it is, without copying it (it is never deleted)")
    link.add_argument("path")
    link.add_argument("--name", help="display name (default: the file's name)")
    json_flag(link)


def add_history_parsers(history: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001
    imp = history.add_parser("import", help="import a ChatGPT export (.zip or conversations.json), Jan threads "
                                            "or LM Studio conversations; importing again adds nothing twice")
    imp.add_argument("path", metavar="FILE")
    imp.add_argument("--gpt", help="attach the conversations to this GPT (default: imported:<app>)")
    json_flag(imp)


def run_models(args: argparse.Namespace, services: Services, out: Output) -> int:
    if args.action == "link":
        result = services.scanner.link_path(Path(args.path), name=args.name, progress=_progress())
        _finish_progress()
        if out.as_json:
            out.json(_link_json(result))
        else:
            model = result.model
            verb = "linked" if result.added else "already in GPT Shelf as"
            out.write(f"{verb} {model.display_name} ({human_size(model.size)}) {model.sha256[:12]}: {model.path}")
        return 0
    if args.only and not args.folders:
        raise InvalidInput("models scan --only needs at least one FOLDER to look in.")
    result = services.scanner.scan([Path(f) for f in args.folders], defaults=not args.only)
    outcomes = services.scanner.link_all(result.new, progress=_progress()) if args.link else []
    _finish_progress()
    if out.as_json:
        out.json({"searched": [{"app": f.app, "path": str(f.path)} for f in result.searched],
                  "models": [_candidate_json(c) for c in result.candidates],
                  "refused": [{"app": r.app, "path": str(r.path), "reason": r.reason} for r in result.refused],
                  "linked": [_outcome_json(o) for o in outcomes]})
        return 0 if all(not o.error for o in outcomes) else 1
    out.write(f"searched {len(result.searched)} folders: " + (", ".join(str(f.path) for f in result.searched) or "none"))
    out.table([(c.app, c.name, c.quant, human_size(c.size), c.fit.verdict.value if c.fit else "-",
                "linked" if c.linked else "new", c.path) for c in result.candidates],
              ("APP", "NAME", "QUANT", "SIZE", "FIT", "STATE", "PATH"))
    for refusal in result.refused:
        out.write(f"refused {refusal.path}: {refusal.reason}")
    for outcome in outcomes:
        if outcome.error:
            out.write(f"not linked {outcome.candidate.path}: {outcome.error}")
        else:
            out.write(f"linked {outcome.candidate.name} as {outcome.result.model.sha256[:12]}")
    if result.new and not args.link:
        out.write(f"{len(result.new)} not linked yet: run `gptshelf models scan --link` to use them in place.")
    return 0 if all(not o.error for o in outcomes) else 1


def run_history(args: argparse.Namespace, services: Services, out: Output) -> int:
    report = services.history_import.import_path(Path(args.path), gpt_id=args.gpt)
    failed = [{"name": f.name, "reason": f.reason} for f in report.failed]
    if out.as_json:
        out.json({"source": report.source, "gpt": report.gpt_id, "added": report.added,
                  "already_imported": report.already, "failed": failed})
        return 0
    out.write(f"imported {len(report.added)} conversations from {report.source} into {report.gpt_id}"
              f" ({report.already} were already here, {len(report.failed)} could not be read)")
    for failure in report.failed:
        out.write(f"skipped {failure.name}: {failure.reason}")
    return 0


def _progress() -> Any:
    """Hashing progress on stderr, one line rewritten in place (stdout stays clean for --json)."""
    def report(name: str, done: int, total: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\rhashing {name}: {done * 100 // max(total, 1)}%")
            sys.stderr.flush()

    return report


def _finish_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\n")


def _candidate_json(candidate: Candidate) -> dict[str, Any]:
    return {"app": candidate.app, "name": candidate.name, "path": str(candidate.path), "size": candidate.size,
            "quant": candidate.quant, "architecture": candidate.info.architecture, "sha256": candidate.sha256,
            "fit": candidate.fit.verdict.value if candidate.fit else None,
            "fit_explanation": candidate.fit.explanation if candidate.fit else None, "linked": candidate.linked}


def _link_json(result: LinkResult) -> dict[str, Any]:
    model = result.model
    return {"sha256": model.sha256, "name": model.display_name, "path": model.path, "size": model.size,
            "owned": model.owned, "added": result.added}


def _outcome_json(outcome: LinkOutcome) -> dict[str, Any]:
    found = {"path": str(outcome.candidate.path), "error": outcome.error or None}
    return found | (_link_json(outcome.result) if outcome.result else {})
