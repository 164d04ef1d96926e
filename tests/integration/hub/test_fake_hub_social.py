"""Likes, whoami, discussions and publishing (create repo, upload, commit) on the fake hub, real client."""

from __future__ import annotations

from pathlib import Path

import pytest
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, constants, hf_hub_download
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.utils import get_session

from tests.integration.hub._util import CARD, GGUF, GPT_JSON, sha256
from tests.support.fake_hub import ALICE_TOKEN, BOB_TOKEN, FakeHub
from tests.support.fake_hub_fixtures import (  # noqa: F401  (fixtures)
    fake_hub,
    fake_hub_factory,
    hf_cache,
    hf_client_isolated,
    loopback_only,
)


@pytest.fixture
def api(fake_hub: FakeHub) -> HfApi:
    fake_hub.add_repo("alice/tiny", {"gpt.json": GPT_JSON}, likes=2)
    return HfApi(endpoint=fake_hub.url)


def test_whoami(api: HfApi) -> None:
    assert api.whoami(token=ALICE_TOKEN)["name"] == "alice"
    with pytest.raises(HfHubHTTPError) as err:
        api.whoami(token="hf_wrong")
    assert err.value.response.status_code == 401


def test_like_and_unlike_need_a_token(fake_hub: FakeHub, api: HfApi) -> None:
    like_url = f"{fake_hub.url}/api/models/alice/tiny/like"  # 2.4.0 has no HfApi.like: the app POSTs it
    assert get_session().post(like_url).status_code == 401
    assert get_session().post(like_url, headers={"Authorization": f"Bearer {ALICE_TOKEN}"}).status_code == 200
    assert get_session().post(like_url, headers={"Authorization": f"Bearer {BOB_TOKEN}"}).status_code == 200
    assert api.model_info("alice/tiny").likes == 4
    assert api.list_liked_repos("alice", token=False).models == ["alice/tiny"]
    assert api.list_liked_repos(token=BOB_TOKEN).models == ["alice/tiny"]  # user from whoami
    assert sorted(u.username for u in api.list_repo_likers("alice/tiny")) == ["alice", "bob"]
    with pytest.raises(HfHubHTTPError) as err:
        api.unlike("alice/tiny", token=False)
    assert err.value.response.status_code == 401 and not isinstance(err.value, RepositoryNotFoundError)
    with pytest.raises(HfHubHTTPError) as err:
        api.unlike("alice/tiny", token="hf_wrong")
    assert err.value.response.status_code == 401
    api.unlike("alice/tiny", token=ALICE_TOKEN)
    assert api.model_info("alice/tiny").likes == 3 and fake_hub.repo("alice/tiny").likes == 3
    with pytest.raises(RepositoryNotFoundError):
        api.unlike("alice/nope", token=ALICE_TOKEN)


def test_discussions_round_trip(fake_hub_factory) -> None:
    hub = fake_hub_factory(discussions_page_size=2)
    hub.add_repo("alice/tiny", {"gpt.json": GPT_JSON})
    api = HfApi(endpoint=hub.url)
    review = api.create_discussion("alice/tiny", "★★★★☆ Nice", description="Works offline.", token=BOB_TOKEN)
    assert (review.num, review.author, review.status, review.is_pull_request) == (1, "bob", "open", False)
    assert review.events[0].content == "Works offline."
    for i in range(4):
        api.create_discussion("alice/tiny", f"review {i}", description=f"text {i}", token=ALICE_TOKEN)
    listed = list(api.get_repo_discussions("alice/tiny"))  # 3 pages of 2
    assert [d.num for d in listed] == [5, 4, 3, 2, 1] and listed[-1].title == "★★★★☆ Nice"
    comment = api.comment_discussion("alice/tiny", 1, "Thanks!", token=ALICE_TOKEN)
    assert comment.content == "Thanks!" and comment.author == "alice"
    api.change_discussion_status("alice/tiny", 1, "closed", token=ALICE_TOKEN)
    details = api.get_discussion_details("alice/tiny", 1)
    assert [getattr(e, "content", None) for e in details.events] == ["Works offline.", "Thanks!", None]
    assert details.status == "closed" and details.events[-1].new_status == "closed"
    assert [d.num for d in api.get_repo_discussions("alice/tiny", author="bob")] == [1]
    with pytest.raises(HfHubHTTPError) as err:
        api.create_discussion("alice/tiny", "anon", token=False)
    assert err.value.response.status_code == 401
    assert len(hub.repo("alice/tiny").discussions) == 5


def test_create_repo_and_upload_round_trip(fake_hub: FakeHub, hf_cache: Path, tmp_path: Path) -> None:
    api = HfApi(endpoint=fake_hub.url, token=ALICE_TOKEN)
    url = api.create_repo("alice/published", exist_ok=True)
    assert url.repo_id == "alice/published"
    assert api.create_repo("alice/published", exist_ok=True).repo_id == "alice/published"  # 409 tolerated
    with pytest.raises(HfHubHTTPError) as err:
        api.create_repo("alice/published")
    assert err.value.response.status_code == 409
    adapter = tmp_path / "adapter.gguf"
    adapter.write_bytes(GGUF)
    api.upload_file(path_or_fileobj=CARD.encode(), path_in_repo="README.md", repo_id="alice/published")
    info = api.upload_file(path_or_fileobj=str(adapter), path_in_repo="adapter.gguf", repo_id="alice/published",
                           commit_message="add adapter")
    commit = api.create_commit("alice/published", [
        CommitOperationAdd("gpt.json", GPT_JSON), CommitOperationAdd("knowledge/a.md", b"# A"),
    ], commit_message="v1")
    assert len(commit.oid) == 40 and commit.oid == fake_hub.repo("alice/published").main
    model = api.model_info("alice/published", files_metadata=True)
    files = {s.rfilename: s for s in model.siblings}
    assert set(files) == {".gitattributes", "README.md", "adapter.gguf", "gpt.json", "knowledge/a.md"}
    assert files["adapter.gguf"].lfs.sha256 == sha256(GGUF)  # stored in LFS by the hub's rule
    assert "gptshelf" in model.tags and model.sha == commit.oid
    got = hf_hub_download("alice/published", "adapter.gguf", revision=info.oid, endpoint=fake_hub.url,
                          cache_dir=hf_cache)
    assert Path(got).read_bytes() == GGUF
    api.create_commit("alice/published", [CommitOperationDelete("knowledge/")], commit_message="drop")
    assert "knowledge/a.md" not in fake_hub.files("alice/published")
    assert "knowledge/a.md" in fake_hub.files("alice/published", commit.oid)  # history kept
    assert [c.title for c in api.list_repo_commits("alice/published")][:2] == ["drop", "v1"]


def test_writes_need_the_owner(fake_hub: FakeHub) -> None:
    api = HfApi(endpoint=fake_hub.url)
    with pytest.raises(HfHubHTTPError) as err:
        api.create_repo("bob/thing", token=ALICE_TOKEN)
    assert err.value.response.status_code == 403
    fake_hub.add_repo("bob/thing", {"a.txt": b"a"})
    with pytest.raises(HfHubHTTPError) as err:
        api.upload_file(path_or_fileobj=b"x", path_in_repo="b.txt", repo_id="bob/thing", token=ALICE_TOKEN)
    assert err.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as err:
        api.upload_file(path_or_fileobj=b"x", path_in_repo="b.txt", repo_id="bob/thing", token=False)
    assert err.value.response.status_code == 401
    with pytest.raises(ValueError, match="Invalid metadata"):
        api.upload_file(path_or_fileobj=b"---\ntags: [a\n---\n", path_in_repo="README.md", repo_id="bob/thing",
                        token=BOB_TOKEN)
    assert set(fake_hub.files("bob/thing")) == {"a.txt"}


def test_lfs_upload_through_the_batch_api(fake_hub_factory, monkeypatch: pytest.MonkeyPatch,
                                          hf_cache: Path) -> None:
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)  # the fake hub does not speak Xet
    hub = fake_hub_factory(lfs_uploads=True)
    api = HfApi(endpoint=hub.url, token=ALICE_TOKEN)
    api.create_repo("alice/big")
    info = api.upload_file(path_or_fileobj=GGUF, path_in_repo="adapter.gguf", repo_id="alice/big")
    assert [r.method for r in hub.requests(path_contains="lfs")] == ["POST", "PUT", "POST"]  # batch, put, verify
    assert not [r for r in hub.requests("PUT")][0].authorized  # like a presigned S3 URL
    got = hf_hub_download("alice/big", "adapter.gguf", revision=info.oid, endpoint=hub.url, cache_dir=hf_cache)
    assert Path(got).read_bytes() == GGUF
    hub.reset_counts()
    api.upload_file(path_or_fileobj=GGUF, path_in_repo="copy.gguf", repo_id="alice/big")
    assert hub.count("PUT") == 0  # the blob is already there: the batch API says so, no re-upload


def test_lfs_upload_with_xet_enabled_fails_clearly(fake_hub_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", False)
    hub = fake_hub_factory(lfs_uploads=True)
    api = HfApi(endpoint=hub.url, token=ALICE_TOKEN)
    api.create_repo("alice/big")
    with pytest.raises(ConnectionError, match="501"):  # raised by hf_xet (Rust), not as an HfHubHTTPError
        api.upload_file(path_or_fileobj=GGUF, path_in_repo="adapter.gguf", repo_id="alice/big")
    assert hub.count("GET", "/xet-write-token/") >= 1
    assert hub.files("alice/big").keys() == {".gitattributes"}
