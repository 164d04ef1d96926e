"""``gptshelf knowledge add | list | query``: a GPT's documents, their index, and what a question retrieves."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.output import Output, human_size
from app.core.errors import InvalidInput
from app.core.knowledge import IndexProgress, IndexReport

if TYPE_CHECKING:
    from app.services.container import Services


def add_parsers(sub: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001 - argparse internals
    knowledge = sub.add_parser("knowledge", help="documents a GPT answers from, with cited sources").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    add = knowledge.add_parser("add", help="add documents or folders to a GPT (a new version) and index them")
    add.add_argument("gpt", help="GPT id or name")
    add.add_argument("paths", nargs="+", metavar="PATH", help="a document, or a folder of them")
    json_flag(add)
    files = knowledge.add_parser("list", help="a GPT's knowledge files and how they are indexed")
    files.add_argument("gpt", help="GPT id or name")
    json_flag(files)
    query = knowledge.add_parser("query", help="the passages a question retrieves (what a reply would be given)")
    query.add_argument("gpt", help="GPT id or name")
    query.add_argument("question")
    query.add_argument("-k", "--limit", type=int, default=6, metavar="N", help="how many passages (default 6)")
    json_flag(query)
    embeddings = knowledge.add_parser("embeddings", help="the embedding model in use and the small ones offered")
    embeddings.add_argument("--install", type=int, metavar="N", help="download and verify offered model N")
    json_flag(embeddings)


def run(args: argparse.Namespace, services: Services, out: Output) -> int:
    knowledge = services.knowledge
    if args.action == "add":
        gpt, report = knowledge.add(args.gpt, [Path(p) for p in args.paths],
                                    progress=None if out.as_json else _progress)
        if out.as_json:
            out.json({"gpt": gpt.id, "version": gpt.version, "report": report})
        else:
            out.write(f"{gpt.name} {gpt.version}: {_summary(report)}")
            for name, reason in report.failed:
                out.write(f"skipped {name}: {reason}")
        return 0
    if args.action == "embeddings":
        return _embeddings(args, services, out)
    if args.action == "list":
        infos = knowledge.files(args.gpt)
        if out.as_json:
            out.json(infos)
        else:
            out.table([(i.name, human_size(i.size), i.status, i.chunk_count or "-", i.error) for i in infos],
                      ["file", "size", "index", "chunks", "problem"])
        return 0
    sources = knowledge.query(args.gpt, args.question, limit=args.limit)
    if out.as_json:
        out.json([{**_plain_source(s)} for s in sources])
        return 0
    if not sources:
        out.write("(nothing found)")
    for source in sources:
        out.write(f"[{source.number}] {source.label}  (chars {source.start}-{source.end})")
        out.write("    " + " ".join(source.text.split())[:300])
    return 0


def _embeddings(args: argparse.Namespace, services: Services, out: Output) -> int:
    from app.services.knowledge import embedding_choices  # noqa: PLC0415

    choices = embedding_choices()
    if args.install is not None:
        if not 1 <= args.install <= len(choices):
            raise InvalidInput(f"--install takes a number from 1 to {len(choices)} (see `gptshelf knowledge embeddings`).")
        model = services.knowledge.install_embedding_model(choices[args.install - 1])
        if out.as_json:
            out.json(model)
        else:
            out.write(f"installed {model.display_name} ({human_size(model.size)}); answers now search by meaning too")
        return 0
    used = services.knowledge.embedding_model()
    if out.as_json:
        out.json({"in_use": used.sha256 if used else None, "offered": choices})
        return 0
    out.write(f"in use: {used.display_name if used else 'none (BM25 keyword search only)'}")
    out.table([(n, c.name, human_size(c.size), ", ".join(c.languages), c.repo) for n, c in enumerate(choices, 1)],
              ["#", "model", "size", "languages", "repo"])
    return 0


def _plain_source(source) -> dict:  # noqa: ANN001
    return {"number": source.number, "file": source.file, "page": source.page, "heading": source.heading,
            "location": source.location, "start": source.start, "end": source.end, "score": source.score,
            "text": source.text}


def _summary(report: IndexReport) -> str:
    parts = [f"{len(report.indexed)} indexed ({report.chunks} chunks)", f"{len(report.skipped)} unchanged"]
    if report.failed:
        parts.append(f"{len(report.failed)} skipped")
    if report.removed:
        parts.append(f"{report.removed} dropped")
    return ", ".join(parts)


def _progress(update: IndexProgress) -> None:
    sys.stderr.write(f"\rindexing {update.done}/{update.total}")
    if update.done == update.total:
        sys.stderr.write("\n")
