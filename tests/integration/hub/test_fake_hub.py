"""The fake hub answers the real huggingface_hub client: repo info, downloads, errors, Range, redirects, lists."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from huggingface_hub import (
    HfApi,
    get_hf_file_metadata,
    hf_hub_download,
    hf_hub_url,
    snapshot_download,
)
from huggingface_hub.errors import EntryNotFoundError, RepositoryNotFoundError, RevisionNotFoundError
from huggingface_hub.utils import get_session

from tests.integration.hub._util import CARD, GGUF, GPT_JSON, git_sha1, sha256
from tests.support.fake_hub import ALICE_TOKEN, FakeHub
from tests.support.fake_hub_fixtures import (  # noqa: F401  (fixtures)
    fake_hub,
    fake_hub_factory,
    hf_cache,
    hf_client_isolated,
    loopback_only,
)


@pytest.fixture
def tiny(fake_hub: FakeHub) -> str:
    return fake_hub.add_repo("alice/tiny", {"model.gguf": GGUF, "gpt.json": GPT_JSON}, card=CARD,
                             tags=["text-generation"], likes=3, downloads=42)


def test_model_info_with_files_metadata(fake_hub: FakeHub, tiny: str) -> None:
    info = HfApi(endpoint=fake_hub.url).model_info("alice/tiny", revision=tiny, files_metadata=True)
    assert info.id == "alice/tiny" and info.sha == tiny
    assert (info.likes, info.downloads, info.private, info.gated) == (3, 42, False, False)
    assert set(info.tags) >= {"text-generation", "gptshelf", "gguf"}
    assert info.card_data.tags == ["gptshelf"] and info.card_data.license == "mit"
    assert info.last_modified is not None
    files = {s.rfilename: s for s in info.siblings}
    assert set(files) == {"model.gguf", "gpt.json", "README.md"}
    gguf = files["model.gguf"]
    assert gguf.size == len(GGUF) and gguf.lfs.sha256 == sha256(GGUF) and gguf.lfs.size == len(GGUF)
    assert gguf.lfs.pointer_size > 0
    assert files["gpt.json"].lfs is None and files["gpt.json"].size == len(GPT_JSON)
    assert files["gpt.json"].blob_id == git_sha1(GPT_JSON)
    plain = HfApi(endpoint=fake_hub.url).model_info("alice/tiny")  # no ?blobs=true: names only
    assert plain.sha == tiny and {s.size for s in plain.siblings} == {None}


def test_dataset_info_and_download(fake_hub: FakeHub, hf_cache: Path) -> None:
    shard = b"\x1f\x8b" + bytes(500)
    sha = fake_hub.add_repo("alice/store-index", {"index.json": b"[]", "shards/0001.jsonl.gz": shard},
                            repo_type="dataset")
    info = HfApi(endpoint=fake_hub.url).dataset_info("alice/store-index", revision="main", files_metadata=True)
    files = {s.rfilename: s for s in info.siblings}
    assert info.sha == sha and files["shards/0001.jsonl.gz"].lfs.sha256 == sha256(shard)
    assert files["index.json"].lfs is None
    path = hf_hub_download("alice/store-index", "shards/0001.jsonl.gz", repo_type="dataset", revision=sha,
                           endpoint=fake_hub.url, cache_dir=hf_cache)
    assert Path(path).read_bytes() == shard
    with pytest.raises(RepositoryNotFoundError):  # a dataset is not a model
        HfApi(endpoint=fake_hub.url).model_info("alice/store-index")


def test_download_by_sha_and_main_and_old_revisions(fake_hub: FakeHub, tiny: str, hf_cache: Path) -> None:
    by_sha = hf_hub_download("alice/tiny", "model.gguf", revision=tiny, endpoint=fake_hub.url, cache_dir=hf_cache)
    assert Path(by_sha).read_bytes() == GGUF
    by_main = hf_hub_download("alice/tiny", "gpt.json", endpoint=fake_hub.url, cache_dir=hf_cache / "b")
    assert Path(by_main).read_bytes() == GPT_JSON and tiny in by_main
    new = fake_hub.commit("alice/tiny", {"gpt.json": b'{"version": 2}', "model.gguf": None})
    assert new != tiny and len(new) == 40
    old = hf_hub_download("alice/tiny", "gpt.json", revision=tiny, endpoint=fake_hub.url, cache_dir=hf_cache / "c")
    assert Path(old).read_bytes() == GPT_JSON
    latest = hf_hub_download("alice/tiny", "gpt.json", revision="main", endpoint=fake_hub.url,
                             cache_dir=hf_cache / "c")
    assert Path(latest).read_bytes() == b'{"version": 2}' and new in latest
    assert HfApi(endpoint=fake_hub.url).model_info("alice/tiny", revision=tiny).sha == tiny
    with pytest.raises(EntryNotFoundError):
        hf_hub_download("alice/tiny", "model.gguf", endpoint=fake_hub.url, cache_dir=hf_cache / "d")
    assert set(fake_hub.files("alice/tiny", tiny)) == {"model.gguf", "gpt.json", "README.md"}


def test_missing_things_raise_the_clients_errors(fake_hub: FakeHub, tiny: str, hf_cache: Path) -> None:
    api = HfApi(endpoint=fake_hub.url)
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("alice/nope")
    with pytest.raises(RepositoryNotFoundError):
        api.dataset_info("alice/nope")
    with pytest.raises(RevisionNotFoundError):
        api.model_info("alice/tiny", revision="f" * 40)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download("alice/nope", "x.gguf", endpoint=fake_hub.url, cache_dir=hf_cache)
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download("alice/tiny", "model.gguf", revision="a" * 40, endpoint=fake_hub.url, cache_dir=hf_cache)
    with pytest.raises(EntryNotFoundError):
        hf_hub_download("alice/tiny", "nope.gguf", revision=tiny, endpoint=fake_hub.url, cache_dir=hf_cache)


def test_file_metadata_headers(fake_hub: FakeHub, tiny: str) -> None:
    lfs = get_hf_file_metadata(hf_hub_url("alice/tiny", "model.gguf", revision=tiny, endpoint=fake_hub.url))
    assert (lfs.commit_hash, lfs.etag, lfs.size) == (tiny, sha256(GGUF), len(GGUF))
    plain = get_hf_file_metadata(hf_hub_url("alice/tiny", "gpt.json", endpoint=fake_hub.url))
    assert (plain.commit_hash, plain.etag, plain.size) == (tiny, git_sha1(GPT_JSON), len(GPT_JSON))


def test_range_requests(fake_hub: FakeHub, tiny: str) -> None:
    url = hf_hub_url("alice/tiny", "model.gguf", revision=tiny, endpoint=fake_hub.url)
    session = get_session()
    whole = session.get(url)
    assert whole.status_code == 200 and whole.content == GGUF and whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["X-Repo-Commit"] == tiny and whole.headers["X-Linked-Size"] == str(len(GGUF))
    part = session.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == GGUF[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(GGUF)}"
    tail = session.get(url, headers={"Range": "bytes=10000-"})
    assert tail.status_code == 206 and tail.content == GGUF[10000:]
    suffix = session.get(url, headers={"Range": "bytes=-4"})
    assert suffix.status_code == 206 and suffix.content == GGUF[-4:]
    assert session.get(url, headers={"Range": f"bytes={len(GGUF)}-"}).status_code == 416
    assert [r.range for r in fake_hub.requests("GET")][1:3] == ["bytes=10-19", "bytes=10000-"]


def test_lfs_redirect_to_cdn_is_followed(fake_hub_factory, hf_cache: Path) -> None:
    hub = fake_hub_factory(redirect_lfs=True)
    sha = hub.add_repo("alice/tiny", {"model.gguf": GGUF, "gpt.json": GPT_JSON})
    meta = get_hf_file_metadata(hf_hub_url("alice/tiny", "model.gguf", revision=sha, endpoint=hub.url),
                                token=ALICE_TOKEN)
    assert meta.location.startswith(hub.cdn_url + "/lfs-cdn/") and meta.size == len(GGUF)
    path = hf_hub_download("alice/tiny", "model.gguf", revision=sha, endpoint=hub.url, cache_dir=hf_cache,
                           token=ALICE_TOKEN)
    assert Path(path).read_bytes() == GGUF
    heads = hub.requests("HEAD")
    assert {(r.server, r.status) for r in heads} == {("hub", 302)}  # HEAD stops at the foreign-origin 302
    (cdn_get,) = [r for r in hub.requests("GET") if r.server == "cdn"]
    assert cdn_get.status == 200 and not cdn_get.authorized  # the client drops the token for the CDN
    small = hf_hub_download("alice/tiny", "gpt.json", revision=sha, endpoint=hub.url, cache_dir=hf_cache)
    assert Path(small).read_bytes() == GPT_JSON
    assert hub.requests()[-1].server == "hub"  # regular files are not redirected
    redirected = get_session().get(hf_hub_url("alice/tiny", "model.gguf", revision=sha, endpoint=hub.url),
                                   headers={"Range": "bytes=4-7"})
    assert redirected.status_code == 206 and redirected.content == GGUF[4:8]


def test_list_models_search_filter_sort(fake_hub: FakeHub) -> None:
    fake_hub.add_repo("alice/Tiny-Chat-GGUF", {"q4.gguf": b"a", "q8.gguf": b"b"}, downloads=5, likes=9)
    fake_hub.add_repo("bob/tiny-base-gguf", {"f16.gguf": b"c"}, downloads=50, likes=1)
    fake_hub.add_repo("bob/tiny-notes", {"notes.txt": b"d"}, downloads=500)
    fake_hub.add_repo("bob/other-gguf", {"x.gguf": b"e"}, downloads=1000)
    fake_hub.add_repo("bob/tiny-data", {"x.gguf": b"f"}, repo_type="dataset")
    api = HfApi(endpoint=fake_hub.url)
    found = list(api.list_models(search="tiny", filter="gguf", sort="downloads", limit=10, full=True))
    assert [m.id for m in found] == ["bob/tiny-base-gguf", "alice/Tiny-Chat-GGUF"]
    assert [s.rfilename for s in found[1].siblings] == ["q4.gguf", "q8.gguf"]
    assert found[1].sha == fake_hub.repo("alice/Tiny-Chat-GGUF").main
    by_likes = list(api.list_models(search="TINY", sort="likes", limit=1))
    assert [m.id for m in by_likes] == ["alice/Tiny-Chat-GGUF"] and by_likes[0].likes == 9
    assert by_likes[0].siblings is None  # not asked for (no full/expand)
    expanded = list(api.list_models(search="notes", expand=["downloads", "siblings"]))
    assert expanded[0].downloads == 500 and expanded[0].siblings[0].rfilename == "notes.txt"
    assert [d.id for d in api.list_datasets(search="tiny")] == ["bob/tiny-data"]


def test_list_models_follows_pages(fake_hub_factory) -> None:
    hub = fake_hub_factory(list_page_size=2)
    for i in range(5):
        hub.add_repo(f"alice/m{i}", {"a.gguf": b"x"}, downloads=i)
    ids = [m.id for m in HfApi(endpoint=hub.url).list_models(filter="gguf", sort="downloads")]
    assert ids == [f"alice/m{i}" for i in (4, 3, 2, 1, 0)]
    assert hub.count("GET", "/api/models") == 3


def test_tree_commits_refs_and_snapshot(fake_hub: FakeHub, tiny: str, hf_cache: Path) -> None:
    fake_hub.commit("alice/tiny", {"knowledge/a.md": b"A", "knowledge/sub/b.md": b"B"}, message="add knowledge")
    api = HfApi(endpoint=fake_hub.url)
    assert set(api.list_repo_files("alice/tiny")) == {"model.gguf", "gpt.json", "README.md", "knowledge/a.md",
                                                     "knowledge/sub/b.md"}
    top = {e.path for e in api.list_repo_tree("alice/tiny")}
    assert top == {"model.gguf", "gpt.json", "README.md", "knowledge"}
    commits = api.list_repo_commits("alice/tiny")
    assert [c.title for c in commits] == ["add knowledge", "add files"] and commits[1].commit_id == tiny
    assert api.list_repo_refs("alice/tiny").branches[0].target_commit == commits[0].commit_id
    (info,) = api.get_paths_info("alice/tiny", ["model.gguf"], revision=tiny)
    assert info.lfs.sha256 == sha256(GGUF)
    folder = snapshot_download("alice/tiny", revision=tiny, endpoint=fake_hub.url, cache_dir=hf_cache)
    assert (Path(folder) / "model.gguf").read_bytes() == GGUF


def test_request_counting_and_cache_hits(fake_hub: FakeHub, tiny: str, hf_cache: Path) -> None:
    for name in ("model.gguf", "gpt.json"):
        hf_hub_download("alice/tiny", name, revision=tiny, endpoint=fake_hub.url, cache_dir=hf_cache)
    assert fake_hub.count("GET", "/resolve/") == 2 and fake_hub.count("HEAD") == 2
    fake_hub.reset_counts()
    hf_hub_download("alice/tiny", "model.gguf", revision=tiny, endpoint=fake_hub.url, cache_dir=hf_cache)
    assert fake_hub.requests() == []  # a file pinned by commit and already cached costs no request


def test_network_guard_refuses_other_addresses(loopback_only: None) -> None:
    with pytest.raises(OSError, match="network guard"):
        socket.create_connection(("10.255.255.1", 443), timeout=0.1)
