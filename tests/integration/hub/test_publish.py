"""Publishing a GPT made here to the fake hub with the real client, checked on the server side, then
installed on a second machine (another data folder, its own keyring entry)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.cli.main import main
from app.core.entities import HubOrigin
from app.core.errors import KnownError
from app.core.paths import AppPaths
from app.hub.errors import HubError, HubNotFound, HubOffline, HubUnauthorized
from app.manifest import dump_manifest
from app.services.container import Services, open_services
from app.services.publish import PublishCancelled, PublishEvent, PublishStep, Visibility
from app.services.secrets import HF_TOKEN
from tests.support.fake_hub import ALICE_READ_TOKEN, ALICE_TOKEN, DEFAULT_TOKENS, FakeHub
from tests.support.store_data import INDEX_REPO, listing_line, publish_index

INDEX_OWNER = "hf_fake_index_owner"
MODEL_REPO = "alice/tiny-GGUF"
GPT_REPO = "alice/sourdough-coach"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)

Machine = Callable[..., Services]


@pytest.fixture
def hub(fake_hub_factory, tiny_model: Path) -> FakeHub:
    """A hub with a tiny GGUF repo and a store index (owned by "gptshelf") that already lists one GPT."""
    hub = fake_hub_factory(lfs_uploads=True, tokens={**DEFAULT_TOKENS, INDEX_OWNER: "gptshelf"})
    hub.add_repo(MODEL_REPO, {"tiny.Q4_K_M.gguf": tiny_model.read_bytes()})
    publish_index(hub, {"shards/0000.jsonl.gz": [listing_line(1)]})
    return hub


@pytest.fixture
def machine(tmp_path_factory: pytest.TempPathFactory, hub: FakeHub) -> Iterator[Machine]:
    """Open a "machine": its own GPTSHELF_HOME and its own keyring entry, pointed at the fake hub."""
    opened: list[Services] = []

    def make(name: str, token: str | None = None) -> Services:
        services = open_services(AppPaths(tmp_path_factory.mktemp(name)), install_starter=False)
        opened.append(services)
        services.secrets.service = f"GPT Shelf on {name}"  # every machine has its own OS keyring
        services.catalog.save_settings(services.settings().updated(hub_endpoint=hub.url,
                                                                   store_index_repo=INDEX_REPO))
        if token:
            services.secrets.set(HF_TOKEN, token)
        return services

    yield make
    for services in opened:
        services.close()


def make_gpt(services: Services, tmp_path: Path, *, knowledge: bool = True, adapter: Path | None = None) -> str:
    """Alice's GPT: a model installed from the hub, instructions, starters, and a knowledge file + icon
    (and, given a GGUF, a LoRA adapter: any GGUF passes the adapter's checks)."""
    model = services.store.hf_install(MODEL_REPO)
    gpt = services.gpts.create("Sourdough Coach", model.sha256, instructions="Answer like a baker.",
                               starters=["How do I feed a starter?"], description="Bread help.", tags=["baking"])
    if knowledge:
        guide, icon = tmp_path / "guide.md", tmp_path / "coach.png"
        guide.write_text("# Feeding\nFlour and water, 1:1.\n", encoding="utf-8")
        icon.write_bytes(PNG)
        evals = tmp_path / "coach-evals.json"
        evals.write_text(json.dumps({"schema": "gptshelf/evals@1", "cases": [
            {"id": "ratio", "prompt": "Feeding ratio?", "checks": [{"type": "contains", "text": "1:1"}]}]}))
        extra = {}
        if adapter is not None:
            extra = {"adapter": services.models.import_gguf(adapter, name="coach adapter").sha256,
                     "adapter_scale": 0.5}
        gpt = services.gpts.edit(gpt.id, icon=icon, knowledge=[guide], license="MIT", evals=evals, **extra)
    return gpt.id


def same_bytes(home: Path, relative: str | Path, expected: bytes) -> bool:
    return (home / relative).read_bytes() == expected


def card_front_matter(card: bytes) -> str:
    return card.decode().split("\n---", 1)[0]


def test_store_publish_is_one_commit_and_a_pr_then_another_machine_installs_it(hub, machine, tmp_path, tiny_models):
    alice = machine("alice", ALICE_TOKEN)
    gpt_id = make_gpt(alice, tmp_path, adapter=tiny_models["plain"])
    gpt = alice.gpts.get(gpt_id)

    result = alice.publisher.publish(gpt_id, Visibility.STORE)

    repo = hub.repo(GPT_REPO)
    assert (result.repo_id, result.commit, result.changed) == (GPT_REPO, repo.main, True)
    assert not repo.private
    assert [c.title for c in repo.history(repo.head)] == [f"Sourdough Coach {gpt.version}", "initial commit"]
    files = hub.files(GPT_REPO)
    assert set(files) == {".gitattributes", "gpt.json", "README.md", "icon.png", "knowledge/guide.md", "adapter.gguf",
                          "evals.json"}
    assert files["adapter.gguf"] == tiny_models["plain"].read_bytes()
    published = json.loads(files["gpt.json"])
    assert (published["id"], published["version"], published["icon"]) == (GPT_REPO, gpt.version, "icon.png")
    assert published["model"]["repo"] == MODEL_REPO and published["model"]["revision"] == hub.repo(MODEL_REPO).main
    front = card_front_matter(files["README.md"])
    assert 'tags:\n- "gptshelf"\n- "baking"' in front and f'base_model: "{MODEL_REPO}"' in front
    assert "license: mit" in front
    icon_upload = "/lfs-upload/" + hashlib.sha256(PNG).hexdigest()
    assert repo.head.files["icon.png"].lfs and hub.count("PUT", icon_upload) == 1  # LFS batch API, not Xet
    assert hub.count(path_contains="xet") == 0

    prs = hub.pull_requests(INDEX_REPO, repo_type="dataset")
    assert [(p.author, p.status, p.title) for p in prs] == [("alice", "open", f"Publish {GPT_REPO} {gpt.version}")]
    assert result.pr_url and result.pr_url.endswith(f"/discussions/{prs[0].num}")
    shard = hub.pr_files(INDEX_REPO, prs[0].num, repo_type="dataset")["shards/0000.jsonl.gz"]
    assert b"org/gpt-1" in __import__("gzip").decompress(shard)  # the other listing is kept

    bob = machine("bob")  # no token at all: a store GPT is public
    bob.store.sync()
    with pytest.raises(KnownError):  # not in the store until the index's maintainers merge the PR
        bob.catalog.get_listing(GPT_REPO)
    hub.merge_pr(INDEX_REPO, prs[0].num, repo_type="dataset")
    bob.store.sync()
    listing = bob.catalog.get_listing(GPT_REPO)
    assert (listing.revision, listing.version, listing.name) == (result.commit, gpt.version, "Sourdough Coach")
    assert listing.shape is not None  # from the model's GGUF header: the fit check works before download
    installed = bob.store.install(GPT_REPO)
    assert (installed.id, installed.version, installed.instructions) == (GPT_REPO, gpt.version, "Answer like a baker.")
    model = bob.catalog.get_model(installed.model_sha256)
    data = (bob.paths.home / model.path).read_bytes()
    assert hashlib.sha256(data).hexdigest() == model.sha256 == gpt.model_sha256 == \
        published["model"]["variants"][0]["sha256"]

    # The GPT's own files came too, byte for byte, and are recorded on the GPT as they were on Alice's.
    assert (installed.icon, installed.knowledge, installed.evals) == (gpt.icon, gpt.knowledge, gpt.evals)
    assert same_bytes(bob.paths.home, bob.paths.blob(installed.evals.sha256), files["evals.json"])
    assert same_bytes(bob.paths.home, bob.paths.blob(installed.icon.sha256), PNG)
    assert same_bytes(bob.paths.home, bob.paths.blob(installed.knowledge[0].sha256), files["knowledge/guide.md"])
    assert (installed.adapter_sha256, installed.adapter_scale) == (gpt.adapter_sha256, 0.5)
    adapter = bob.catalog.get_model(installed.adapter_sha256)
    assert same_bytes(bob.paths.home, adapter.path, tiny_models["plain"].read_bytes())
    assert (installed.license, installed.changelog) == ("MIT", gpt.changelog)
    # ... so an export from Bob's machine carries the same manifest (with the repo as its id) and files.
    exported, files_there = bob.packages.manifest_for(installed)
    assert json.loads(dump_manifest(exported)) == published
    assert sorted(files_there) == ["adapter.gguf", "evals.json", "icon.png", "knowledge/guide.md"]


def test_publish_reports_each_step_in_order(hub, machine, tmp_path):
    alice = machine("alice", ALICE_TOKEN)
    gpt_id = make_gpt(alice, tmp_path)
    events: list[PublishEvent] = []
    alice.publisher.publish(gpt_id, "store", progress=events.append)
    steps = [e.step for e in events]
    order = [PublishStep.ACCOUNT, PublishStep.HASH, PublishStep.UPLOAD, PublishStep.COMMIT, PublishStep.VISIBILITY,
             PublishStep.LISTING, PublishStep.DONE]
    assert sorted(set(steps), key=order.index) == order and steps == sorted(steps, key=order.index)
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    hashed = [e for e in events if e.step is PublishStep.HASH]
    total = sum(len(data) for path, data in hub.files(GPT_REPO).items() if path != ".gitattributes")
    assert hashed[-1].done == hashed[-1].total == total
    assert {e.path for e in events if e.step is PublishStep.UPLOAD} >= {"icon.png", "gpt.json"}
    assert [e.cancellable for e in events if e.step in (PublishStep.UPLOAD, PublishStep.COMMIT)][-2:] == [True, False]

    events.clear()  # the same version again: hashed to compare, nothing uploaded or committed
    alice.publisher.publish(gpt_id, "store", progress=events.append)
    assert PublishStep.UPLOAD not in {e.step for e in events} and PublishStep.COMMIT not in {e.step for e in events}


def test_a_cancel_before_the_commit_leaves_the_hub_as_it_was(hub, machine, tmp_path):
    alice = machine("alice", ALICE_TOKEN)
    gpt_id = make_gpt(alice, tmp_path)
    cancel = threading.Event()

    def stop_at_the_icon(event: PublishEvent) -> None:
        if event.step is PublishStep.UPLOAD and event.path == "icon.png":
            cancel.set()

    with pytest.raises(PublishCancelled, match="cancelled; nothing changed on the hub"):
        alice.publisher.publish(gpt_id, "store", progress=stop_at_the_icon, cancel=cancel)
    with pytest.raises(KeyError):
        hub.repo(GPT_REPO)  # the repo made for this publish is gone again
    assert hub.count("POST", "/commit/") == 0 and hub.pull_requests(INDEX_REPO, repo_type="dataset") == []

    first = alice.publisher.publish(gpt_id, "link")
    alice.gpts.edit(gpt_id, description="Better bread help.")
    cancel.clear()
    with pytest.raises(PublishCancelled):
        alice.publisher.publish(gpt_id, "store", cancel=cancel,
                                progress=lambda e: cancel.set() if e.step is PublishStep.UPLOAD else None)
    repo = hub.repo(GPT_REPO)
    assert (repo.main, repo.private) == (first.commit, False), "an existing repo keeps its last version"
    assert hub.pull_requests(INDEX_REPO, repo_type="dataset") == []


def test_a_link_install_fetches_the_gpts_files_resuming_a_cut_download(hub, machine, tmp_path):
    alice = machine("alice", ALICE_TOKEN)
    gpt = alice.gpts.get(make_gpt(alice, tmp_path))
    alice.publisher.publish(gpt.id, "link")
    bob = machine("bob")
    hub.faults.add("icon.png", reset_after=100)  # the first try is cut off halfway; the downloader retries
    installed = bob.publisher.install_repo(GPT_REPO)
    assert (installed.icon, installed.knowledge) == (gpt.icon, gpt.knowledge)
    assert same_bytes(bob.paths.home, bob.paths.blob(gpt.icon.sha256), PNG)
    ranges = [r.range for r in hub.requests("GET", "icon.png") if r.range]
    assert ranges and ranges[-1].startswith("bytes=100-"), "the retry resumed where the cut left off"


def test_a_hub_file_that_is_not_what_gpt_json_pins_is_refused(hub, machine, tmp_path):
    alice = machine("alice", ALICE_TOKEN)
    alice.publisher.publish(make_gpt(alice, tmp_path), "link")
    hub.commit(GPT_REPO, {"knowledge/guide.md": b"# Feeding\nOnly flour.\n"}, author="mallory")
    bob = machine("bob")
    with pytest.raises(KnownError, match="not the file its gpt.json pins"):
        bob.publisher.install_repo(GPT_REPO)
    assert bob.gpts.list() == []


def test_a_model_from_this_computer_publishes_only_when_its_hub_repo_has_it(hub, machine, tiny_models):
    """The starter model comes from PyPI, not the hub: a GPT on it is published pinned to the repo the
    package names, once the hub's sha256 for that file is the model's (here a tiny model plays it)."""
    alice = machine("alice", ALICE_TOKEN)
    model = alice.models.import_gguf(tiny_models["plain"], name="Tiny starter")
    gpt = alice.gpts.create("Pocket Helper", model.sha256, instructions="Answer briefly.")
    with pytest.raises(KnownError, match="imported from this computer"):
        alice.publisher.publish(gpt.id, "link")
    origin = HubOrigin(model.sha256, "org/starter-GGUF", "starter-q4_k_m.gguf")
    publisher = dataclasses.replace(alice.publisher, known_origins=lambda: (origin,))
    with pytest.raises(KnownError, match="does not have it as org/starter-GGUF/starter-q4_k_m.gguf"):
        publisher.publish(gpt.id, "link")
    hub.add_repo(origin.repo, {origin.file: tiny_models["chatml"].read_bytes()})  # another file by that name
    with pytest.raises(KnownError, match="does not have it as"):
        publisher.publish(gpt.id, "link")
    assert hub.count("POST", "/api/repos/create") == 0

    revision = hub.add_repo(origin.repo, {origin.file: tiny_models["plain"].read_bytes()})
    result = publisher.publish(gpt.id, "link")
    published = json.loads(hub.files(result.repo_id)["gpt.json"])["model"]
    assert (published["repo"], published["revision"], published["variants"][0]["file"]) == \
        (origin.repo, revision, origin.file)
    bob = machine("bob")
    installed = bob.publisher.install_repo(result.repo_id)
    assert installed.model_sha256 == model.sha256
    assert bob.catalog.get_model(model.sha256).source == f"hub:{origin.repo}@{revision}/{origin.file}"


def test_republishing_is_a_no_op_and_a_changed_same_version_is_refused(hub, machine, tmp_path):
    alice = machine("alice", ALICE_TOKEN)
    gpt_id = make_gpt(alice, tmp_path, knowledge=False)
    first = alice.publisher.publish(gpt_id, "link")
    again = alice.publisher.publish(gpt_id, "link")
    assert (again.changed, again.commit, again.pr_url) == (False, first.commit, None)
    assert len(hub.repo(GPT_REPO).commits) == 2  # "initial commit" + the one version

    gpt = alice.gpts.get(gpt_id)
    alice.gpts.update(gpt, instructions="Something else.")  # content changed, version not
    with pytest.raises(KnownError, match=f"Version {gpt.version} of {GPT_REPO} is already on the hub with "
                                         "different content. Edit the GPT to make a new version"):
        alice.publisher.publish(gpt_id, "link")
    assert hub.repo(GPT_REPO).main == first.commit

    edited = alice.gpts.edit(gpt_id, instructions="Answer like a patient baker.")
    newer = alice.publisher.publish(gpt_id, "link")
    assert newer.changed and newer.version == edited.version != gpt.version
    assert json.loads(hub.files(GPT_REPO)["gpt.json"])["instructions"] == "Answer like a patient baker."


def test_visibility_private_link_store_and_back(hub, machine, tmp_path):
    alice = machine("alice", ALICE_TOKEN)
    bob = machine("bob")
    gpt_id = make_gpt(alice, tmp_path, knowledge=False)

    private = alice.publisher.publish(gpt_id, "private")
    assert hub.repo(GPT_REPO).private and private.pr_url is None
    assert hub.pull_requests(INDEX_REPO, repo_type="dataset") == []
    with pytest.raises(HubNotFound, match=r"does not exist .*\(or is private\)"):
        bob.publisher.install_repo(GPT_REPO)

    link = alice.publisher.publish(gpt_id, "link")
    assert not hub.repo(GPT_REPO).private and link.pr_url is None and not link.changed
    gpt = bob.publisher.install_repo(GPT_REPO)
    model = bob.catalog.get_model(gpt.model_sha256)
    assert hashlib.sha256((bob.paths.home / model.path).read_bytes()).hexdigest() == model.sha256
    assert (gpt.id, gpt.instructions) == (GPT_REPO, "Answer like a baker.")

    listed = alice.publisher.publish(gpt_id, "store")
    hub.merge_pr(INDEX_REPO, int(listed.pr_url.rsplit("/", 1)[1]), repo_type="dataset")
    bob.store.sync()
    assert bob.catalog.get_listing(GPT_REPO).revision == listed.commit

    hidden = alice.publisher.publish(gpt_id, "private")
    assert hub.repo(GPT_REPO).private and hidden.pr_url
    unlist = hub.pull_requests(INDEX_REPO, repo_type="dataset")[-1]
    assert unlist.title == f"Unlist {GPT_REPO}" and unlist.status == "open"
    hub.merge_pr(INDEX_REPO, unlist.num, repo_type="dataset")
    report = bob.store.sync()
    assert GPT_REPO in report.changes.removed


def test_a_newer_pr_supersedes_the_open_one(hub, machine, tmp_path):
    alice = machine("alice", ALICE_TOKEN)
    gpt_id = make_gpt(alice, tmp_path, knowledge=False)
    alice.publisher.publish(gpt_id, "store")
    alice.gpts.edit(gpt_id, description="Better bread help.")
    alice.publisher.publish(gpt_id, "store")
    prs = hub.pull_requests(INDEX_REPO, repo_type="dataset")
    assert [p.status for p in prs] == ["closed", "open"]
    assert prs[0].events[-2]["data"]["latest"]["raw"] == f"Superseded by #{prs[1].num}."


def test_bad_tokens_and_a_failed_commit_leave_nothing_half_published(hub, machine, tmp_path):
    alice = machine("alice")
    gpt_id = make_gpt(alice, tmp_path, knowledge=False)
    with pytest.raises(KnownError, match="needs a hub token"):
        alice.publisher.publish(gpt_id, "store")
    alice.secrets.set(HF_TOKEN, "hf_not_a_real_token")
    with pytest.raises(HubUnauthorized, match="Log in with a token that can write"):
        alice.publisher.publish(gpt_id, "store")
    alice.secrets.set(HF_TOKEN, ALICE_READ_TOKEN)
    with pytest.raises(HubUnauthorized, match="can only read.*Log in with a token that can write"):
        alice.publisher.publish(gpt_id, "store")
    alice.secrets.set(HF_TOKEN, ALICE_TOKEN)
    hub.fail_writes("/commit/", status=500)
    with pytest.raises(HubError, match="HTTP 500"):
        alice.publisher.publish(gpt_id, "store")
    with pytest.raises(KeyError):
        hub.repo(GPT_REPO)  # created private, then deleted again: never a repo without gpt.json
    assert (hub.count("POST", "/api/repos/create"), hub.count("DELETE", "/api/repos/delete")) == (1, 1)
    assert hub.pull_requests(INDEX_REPO, repo_type="dataset") == []
    assert alice.publisher.publish(gpt_id, "store").changed  # and it works once the hub does


def test_offline_publish_says_so(hub, machine, tmp_path, fake_hub_factory):
    alice = machine("alice", ALICE_TOKEN)
    gpt_id = make_gpt(alice, tmp_path, knowledge=False)
    gone = fake_hub_factory()
    gone.close()
    alice.catalog.save_settings(alice.settings().updated(hub_endpoint=gone.url))
    with pytest.raises(HubOffline, match="cannot be reached"):
        alice.publisher.publish(gpt_id, "store")


def test_cli_publish_and_install_repo(hub, capsys, memory_keyring, tiny_model):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    for key, value in (("hub_endpoint", hub.url), ("store_index_repo", INDEX_REPO)):
        assert run("settings", "set", key, value)[0] == 0
    assert run("hub", "login", "--token", ALICE_TOKEN)[0] == 0
    assert run("hf", "install", MODEL_REPO, "--gpt-name", "Sourdough Coach")[0] == 0
    code, out, err = run("gpts", "publish", "Sourdough Coach", "--visibility", "link")
    assert code == 0, err
    assert f"as {GPT_REPO} (link)" in out and f"gptshelf gpts install-repo {GPT_REPO}" in out
    assert "publishing: committing" in err and "publishing: done (100%)" in err
    code, out, err = run("gpts", "publish", "Sourdough Coach", "--json")
    assert code == 0, err and json.loads(out)["pr_url"]
    assert run("hub", "logout")[0] == 0
    code, out, err = run("gpts", "publish", "Sourdough Coach")
    assert code == 1 and "token" in err
    code, out, err = run("gpts", "install-repo", GPT_REPO)
    assert code == 0, err and f"({GPT_REPO})" in out
    code, _, err = run("gpts", "install-repo", "alice/nothing-here")
    assert code == 1 and "does not exist" in err
