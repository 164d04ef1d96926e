"""`gptshelf store …` as a new user would run it, against the fake hub, then chatting with what it installed."""

from __future__ import annotations

import json

from app.cli.main import main
from tests.support.store_data import INDEX_REPO, listing_line, publish_index, publish_tiny_gpt


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_new_user_searches_shows_installs_and_chats(capsys, fake_hub, tiny_model):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_tiny_gpt(fake_hub, tiny_model), listing_line(7)]})
    assert run(capsys, "settings", "set", "hub_endpoint", fake_hub.url)[0] == 0
    assert run(capsys, "settings", "set", "store_index_repo", INDEX_REPO)[0] == 0

    code, out, err = run(capsys, "store", "sync")
    assert code == 0, err and "2 new" in out
    code, out, _ = run(capsys, "store", "search", "tiny")
    assert "alice/tiny-helper" in out and "org/gpt-7" not in out
    code, out, _ = run(capsys, "store", "search", "--json")
    ids = [l["id"] for l in json.loads(out)]
    assert "alice/tiny-helper" in ids and "gptshelf/zh-en-translator" in ids, "hub and starter listings together"
    code, out, _ = run(capsys, "store", "search", "翻译", "--json")
    assert any(l["id"] == "gptshelf/zh-en-translator" for l in json.loads(out))
    code, out, _ = run(capsys, "store", "show", "alice/tiny-helper")
    assert code == 0 and "Fits:" in out and "Q4_K_M" in out
    details = json.loads(run(capsys, "store", "show", "alice/tiny-helper", "--json")[1])
    assert details["fit"][0]["fit"]["verdict"] == "fits"

    code, out, err = run(capsys, "store", "install", "alice/tiny-helper")
    assert code == 0, err and "installed Tiny Helper" in out
    code, out, err = run(capsys, "chat", "alice/tiny-helper", "-m", "hello")
    assert code == 0, err and out.strip()
    assert json.loads(run(capsys, "store", "search", "--installed", "--json")[1])[0]["id"] == "alice/tiny-helper"

    code, out, _ = run(capsys, "review", "alice/tiny-helper", "--stars", "4", "--text", "good")
    assert code == 0 and "saved" in out
    code, _, err = run(capsys, "review", "alice/tiny-helper", "--stars", "9")
    assert code == 1 and "stars" in err
    code, out, _ = run(capsys, "store", "uninstall", "alice/tiny-helper")
    assert code == 0 and "uninstalled" in out


def test_offline_sync_says_so_and_the_store_stays_browsable(capsys):
    run(capsys, "settings", "set", "hub_endpoint", "http://127.0.0.1:9")
    code, _, err = run(capsys, "store", "sync")
    assert code == 1 and "cannot be reached" in err
    code, out, _ = run(capsys, "store", "search", "--json")
    assert len(json.loads(out)) >= 12


def test_unknown_listing_and_variant_are_named(capsys, fake_hub, tiny_model):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_tiny_gpt(fake_hub, tiny_model)]})
    run(capsys, "settings", "set", "hub_endpoint", fake_hub.url)
    run(capsys, "settings", "set", "store_index_repo", INDEX_REPO)
    run(capsys, "store", "sync")
    code, _, err = run(capsys, "store", "show", "nobody/nothing")
    assert code == 1 and "nobody/nothing" in err
    code, _, err = run(capsys, "store", "install", "alice/tiny-helper", "--variant", "Q9_Z")
    assert code == 1 and "Q9_Z" in err and "Q4_K_M" in err
