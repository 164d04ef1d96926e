"""Suite 7, secrets: without a keyring the token lives for the session only and the person is told;
after a working session with a token (login, sync, install, a review posted, a refused token),
a scan of everything the app wrote (data folder: logs, catalog, WAL, caches, backups) and of what it
printed and logged (DEBUG included) finds no token.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from app.cli.main import main
from app.core.paths import AppPaths
from app.services.container import open_services
from app.services.secrets import HF_TOKEN, Secrets
from tests.reliability.figures import Figures
from tests.support.fake_hub import ALICE_TOKEN
from tests.support.store_data import INDEX_REPO, publish_index, publish_tiny_gpt

WRONG_TOKEN = "hf_WrongTokenThatTheHubRefuses42"
TOKEN_SHAPE = re.compile(rb"hf_[A-Za-z0-9]{20,}")  # a real hub token: hf_ and 34 letters and digits


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """One CLI command as a person runs it (with --verbose: DEBUG on stderr); its log handlers removed after."""
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        code = main(["--verbose", *args])
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
    out = capsys.readouterr()
    return code, out.out + out.err


def found_in(data: bytes, tokens: list[str]) -> list[str]:
    hits = [t for t in tokens if t.encode() in data]
    hits += [m.decode() for m in TOKEN_SHAPE.findall(data)]
    return hits


def test_without_a_keyring_the_token_is_kept_for_the_session_only_and_the_person_is_told(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, gptshelf_home: Path,
        figures: Figures) -> None:
    import keyring
    import keyring.backends.fail

    keyring.set_keyring(keyring.backends.fail.Keyring())
    token = "hf_SessionOnlyToken123456"
    code, said = run(capsys, "hub", "login", "--token", token)
    assert code == 0 and "no system keyring is available: the token is kept for this run only" in said
    secrets = Secrets()
    assert secrets.set(HF_TOKEN, token) is False and secrets.get(HF_TOKEN) == token and not secrets.persistent
    assert Secrets().get(HF_TOKEN) is None, "a new session must not find the token"
    written = [str(p) for p in gptshelf_home.rglob("*") if p.is_file() and token.encode() in p.read_bytes()]
    figures.record("7 secrets", "no keyring: token kept for the session only, person told, files holding it",
                   len(written), "0", not written)
    assert not written


def test_a_session_with_a_token_leaves_no_token_anywhere(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
                                                         fake_hub, tiny_model: Path, gptshelf_home: Path,
                                                         figures: Figures) -> None:
    caplog.set_level(logging.DEBUG)
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_tiny_gpt(fake_hub, tiny_model)]})
    said = []
    steps = [("hub", "login", "--token", ALICE_TOKEN), ("settings", "set", "hub_endpoint", fake_hub.url),
             ("settings", "set", "store_index_repo", INDEX_REPO), ("store", "sync"),
             ("store", "install", "alice/tiny-helper"),
             ("review", "alice/tiny-helper", "--stars", "5", "--text", "good", "--publish"),
             ("hub", "login", "--token", WRONG_TOKEN),
             ("review", "alice/tiny-helper", "--stars", "4", "--text", "again", "--publish")]
    codes = []
    for step in steps:
        code, text = run(capsys, *step)
        codes.append(code)
        said.append(text)
    assert codes[:6] == [0] * 6, list(zip(steps, codes, said))
    assert codes[7] == 1, "the hub refuses the wrong token"
    # Everything the app wrote on disk, printed and logged (DEBUG records of every library included).
    tokens = [ALICE_TOKEN, WRONG_TOKEN]
    with open_services(AppPaths(gptshelf_home), install_starter=False) as services:
        services.catalog.backup(AppPaths(gptshelf_home).backups, "scan")  # the backups hold what the catalog holds
    files = [p for p in gptshelf_home.rglob("*") if p.is_file()]
    leaks = [f"{p.relative_to(gptshelf_home)}: {found_in(p.read_bytes(), tokens)}" for p in files
             if found_in(p.read_bytes(), tokens)]
    leaks += [f"output of {step}: {found_in(text.encode(), tokens)}" for step, text in zip(steps, said)
              if found_in(text.encode(), tokens[1:] if step[:2] == ("hub", "login") else tokens)]
    records = "\n".join(caplog.text.splitlines()).encode()
    leaks += [f"log records: {found_in(records, tokens)}"] if found_in(records, tokens) else []
    logs = [p for p in files if p.parent.name == "logs"]
    assert logs, "the session wrote no log file to scan"
    figures.record("7 secrets", f"tokens found in {len(files)} files (logs, catalog, caches, backups), "
                   "printed output and DEBUG log records", len(leaks), "0", not leaks)
    assert not leaks
