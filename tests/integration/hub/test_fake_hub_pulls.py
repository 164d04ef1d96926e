"""Pull requests, private repos, settings, read tokens and write failures on the fake hub, real client."""

from __future__ import annotations

from pathlib import Path

import pytest
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, hf_hub_download
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

from tests.integration.hub._util import GGUF, GPT_JSON, sha256
from tests.support.fake_hub import ALICE_READ_TOKEN, ALICE_TOKEN, BOB_TOKEN, FakeHub

INDEX = "gptshelf/store-index"


@pytest.fixture
def hub(fake_hub_factory) -> FakeHub:
    hub = fake_hub_factory(lfs_uploads=True, tokens={ALICE_TOKEN: "alice", BOB_TOKEN: "bob",
                                                     ALICE_READ_TOKEN: "alice", "hf_fake_owner": "gptshelf"})
    hub.add_repo(INDEX, {"index.json": b"{}", "shards/0000.jsonl": b"a\n"}, repo_type="dataset")
    return hub


def test_create_pr_commit_opens_a_pull_request_anyone_can_contribute(hub: FakeHub, hf_cache: Path) -> None:
    api = HfApi(endpoint=hub.url, token=ALICE_TOKEN)
    main_before = hub.repo(INDEX, "dataset").main
    info = api.create_commit(INDEX, [CommitOperationAdd("shards/0000.jsonl", b"a\nb\n"),
                                     CommitOperationAdd("big.gguf", GGUF)],
                             commit_message="Add alice/helper", commit_description="New listing",
                             repo_type="dataset", create_pr=True)
    assert info.pr_num == 1 and info.pr_revision == "refs/pr/1" and info.pr_url.endswith("/discussions/1")
    assert hub.repo(INDEX, "dataset").main == main_before  # main untouched
    assert hub.pr_files(INDEX, 1, repo_type="dataset")["shards/0000.jsonl"] == b"a\nb\n"
    got = hf_hub_download(INDEX, "big.gguf", revision="refs/pr/1", repo_type="dataset", endpoint=hub.url,
                          cache_dir=hf_cache)
    assert Path(got).read_bytes() == GGUF  # uploaded through the LFS batch API, readable at the PR ref
    prs = list(api.get_repo_discussions(INDEX, repo_type="dataset", discussion_type="pull_request"))
    assert [(p.num, p.title, p.author, p.status, p.is_pull_request) for p in prs] == \
        [(1, "Add alice/helper", "alice", "open", True)]
    details = api.get_discussion_details(INDEX, 1, repo_type="dataset")
    assert details.target_branch == "refs/heads/main" and details.conflicting_files == []
    assert [e.type for e in details.events] == ["comment", "commit"] and details.events[1].oid == info.oid
    refs = api.list_repo_refs(INDEX, repo_type="dataset", include_pull_requests=True)
    assert [(r.ref, r.target_commit) for r in refs.pull_requests] == [("refs/pr/1", info.oid)]


def test_the_author_updates_the_pr_and_the_owner_merges_it(hub: FakeHub) -> None:
    api = HfApi(endpoint=hub.url)
    api.create_commit(INDEX, [CommitOperationAdd("shards/0000.jsonl", b"a\nb\n")], commit_message="Add b",
                      repo_type="dataset", create_pr=True, token=ALICE_TOKEN)
    second = api.create_commit(INDEX, [CommitOperationAdd("shards/0000.jsonl", b"a\nb2\n"),
                                       CommitOperationDelete("index.json")],
                               commit_message="Fix b", repo_type="dataset", revision="refs/pr/1", token=ALICE_TOKEN)
    assert hub.repo(INDEX, "dataset").refs["refs/pr/1"] == second.oid
    with pytest.raises(HfHubHTTPError) as err:  # not the author, not the owner
        api.create_commit(INDEX, [CommitOperationAdd("x", b"x")], commit_message="x", repo_type="dataset",
                          revision="refs/pr/1", token=BOB_TOKEN)
    assert err.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as err:  # only the owner merges
        api.merge_pull_request(INDEX, 1, repo_type="dataset", token=ALICE_TOKEN)
    assert err.value.response.status_code == 403
    api.merge_pull_request(INDEX, 1, repo_type="dataset", token="hf_fake_owner", comment="Thanks")
    files = hub.files(INDEX, repo_type="dataset")
    assert files == {"shards/0000.jsonl": b"a\nb2\n"}
    details = api.get_discussion_details(INDEX, 1, repo_type="dataset")
    assert details.status == "merged" and details.merge_commit_oid == hub.repo(INDEX, "dataset").main


def test_a_pr_that_clashes_with_main_does_not_merge(hub: FakeHub) -> None:
    api = HfApi(endpoint=hub.url, token=ALICE_TOKEN)
    api.create_commit(INDEX, [CommitOperationAdd("shards/0000.jsonl", b"alice\n")], commit_message="A",
                      repo_type="dataset", create_pr=True)
    api.create_commit(INDEX, [CommitOperationAdd("shards/0000.jsonl", b"bob\n")], commit_message="B",
                      repo_type="dataset", create_pr=True, token=BOB_TOKEN)
    hub.merge_pr(INDEX, 2, repo_type="dataset")
    details = api.get_discussion_details(INDEX, 1, repo_type="dataset")
    assert details.conflicting_files == ["shards/0000.jsonl"]
    with pytest.raises(Exception, match="conflicts"):
        hub.merge_pr(INDEX, 1, repo_type="dataset")
    assert hub.files(INDEX, repo_type="dataset")["shards/0000.jsonl"] == b"bob\n"
    assert [p.status for p in hub.pull_requests(INDEX, repo_type="dataset")] == ["open", "merged"]


def test_private_repos_are_invisible_to_others_and_settings_flip_them(hub: FakeHub, hf_cache: Path) -> None:
    api = HfApi(endpoint=hub.url)
    api.create_repo("alice/secret", private=True, token=ALICE_TOKEN)
    sha = api.create_commit("alice/secret", [CommitOperationAdd("gpt.json", GPT_JSON)], commit_message="v1",
                            token=ALICE_TOKEN).oid
    assert api.model_info("alice/secret", token=ALICE_TOKEN).private is True
    for token in (BOB_TOKEN, False):
        with pytest.raises(RepositoryNotFoundError):
            api.model_info("alice/secret", token=token)
        with pytest.raises(RepositoryNotFoundError):
            hf_hub_download("alice/secret", "gpt.json", revision=sha, endpoint=hub.url, cache_dir=hf_cache,
                            token=token)
        with pytest.raises(RepositoryNotFoundError):
            api.create_commit("alice/secret", [CommitOperationAdd("x", b"x")], commit_message="x",
                              create_pr=True, token=token or BOB_TOKEN)
    assert [m.id for m in api.list_models(author="alice", token=BOB_TOKEN)] == []
    with pytest.raises(HfHubHTTPError) as err:
        api.update_repo_settings("alice/secret", private=False, token=BOB_TOKEN)
    assert err.value.response.status_code == 404
    api.update_repo_settings("alice/secret", private=False, token=ALICE_TOKEN)
    assert api.model_info("alice/secret", token=BOB_TOKEN).private is False
    assert [m.id for m in api.list_models(author="alice")] == ["alice/secret"]


def test_read_tokens_cannot_write_and_repos_can_be_deleted(hub: FakeHub) -> None:
    api = HfApi(endpoint=hub.url)
    assert api.whoami(token=ALICE_READ_TOKEN)["auth"]["accessToken"]["role"] == "read"
    with pytest.raises(HfHubHTTPError) as err:
        api.create_repo("alice/x", token=ALICE_READ_TOKEN)
    assert err.value.response.status_code == 403
    api.create_repo("alice/x", token=ALICE_TOKEN)
    with pytest.raises(HfHubHTTPError) as err:
        api.delete_repo("alice/x", token=BOB_TOKEN)
    assert err.value.response.status_code == 403
    api.delete_repo("alice/x", token=ALICE_TOKEN)
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("alice/x")


def test_a_planned_write_failure_changes_nothing(hub: FakeHub) -> None:
    api = HfApi(endpoint=hub.url, token=ALICE_TOKEN)
    api.create_repo("alice/y")
    hub.fail_writes("/commit/", status=500)
    with pytest.raises(HfHubHTTPError) as err:
        api.create_commit("alice/y", [CommitOperationAdd("big.gguf", GGUF)], commit_message="v1")
    assert err.value.response.status_code == 500
    assert hub.files("alice/y").keys() == {".gitattributes"}
    info = api.create_commit("alice/y", [CommitOperationAdd("big.gguf", GGUF)], commit_message="v1")  # one-shot
    assert api.model_info("alice/y", files_metadata=True).siblings[1].lfs.sha256 == sha256(GGUF)
    assert info.oid == hub.repo("alice/y").main
