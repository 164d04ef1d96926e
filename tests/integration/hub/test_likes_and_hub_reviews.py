"""Likes and hub reviews through the store service, against the fake hub with the real client."""

from __future__ import annotations

import pytest
from huggingface_hub import HfApi

from app.core.paths import AppPaths
from app.services.container import open_services
from app.services.secrets import HF_TOKEN
from app.services.store import HubOffline, HubReview, HubUnauthorized, LikeState, TokenMissing
from tests.support.fake_hub import ALICE_TOKEN, BOB_TOKEN
from tests.support.store_data import INDEX_REPO, listing_line, publish_index

GPT = "org/gpt-0"


@pytest.fixture
def services(gptshelf_home, fake_hub):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        opened.catalog.save_settings(opened.settings().updated(hub_endpoint=fake_hub.url, store_index_repo=INDEX_REPO))
        publish_index(fake_hub, {"shards/0000.jsonl.gz": [listing_line(0)]})
        fake_hub.add_repo(GPT, {"README.md": b"# x"}, likes=3)
        opened.store.sync()
        yield opened


def test_like_state_without_a_token_has_the_count_but_not_the_users_side(services):
    assert services.store.like_state(GPT) == LikeState(likes=3, liked=None)


def test_like_and_unlike_return_the_hubs_count_and_the_state_follows(services, fake_hub):
    services.secrets.set(HF_TOKEN, ALICE_TOKEN)
    assert services.store.like_state(GPT) == LikeState(3, False)
    assert services.store.like(GPT) == LikeState(4, True)
    assert "alice" in fake_hub.repo(GPT).likers
    assert services.store.like_state(GPT) == LikeState(4, True)
    assert services.store.like(GPT, liked=False) == LikeState(3, False)
    assert services.store.like_state(GPT) == LikeState(3, False)


def test_like_without_a_token_or_with_a_refused_one_is_a_known_error(services, fake_hub):
    with pytest.raises(TokenMissing, match="hub token"):
        services.store.like(GPT)
    services.secrets.set(HF_TOKEN, "hf_not_a_real_token")
    with pytest.raises(HubUnauthorized, match="check your token"):
        services.store.like(GPT)
    with pytest.raises(HubUnauthorized):  # the hub refuses a bad token even on public reads
        services.store.like_state(GPT)
    assert fake_hub.repo(GPT).likes == 3


def test_hub_reviews_have_author_stars_text_and_date_and_skip_other_discussions(services, fake_hub):
    api = HfApi(endpoint=fake_hub.url, token=BOB_TOKEN)
    api.create_discussion(GPT, title="Does it speak French?", description="?")
    services.secrets.set(HF_TOKEN, ALICE_TOKEN)
    number = services.store.publish_review(GPT, 3, "Decent")
    services.store.publish_review(GPT, 5)
    assert services.catalog.list_reviews(GPT) == [], "publish_review keeps no local copy"
    reviews = services.store.hub_reviews(GPT)
    assert [(r.author, r.stars, r.text) for r in reviews] == [("alice", 5, ""), ("alice", 3, "Decent")]
    assert isinstance(reviews[0], HubReview) and reviews[1].number == number
    assert reviews[1].created_at[:4].isdigit() and "T" in reviews[1].created_at
    author, title, text = reviews[1][:3]  # still unpacks like the old (author, title, text) tuples
    assert (author, title, text) == ("alice", "Review: ★★★☆☆", "Decent")


def test_review_with_publish_keeps_the_local_review_when_publishing_fails(services):
    with pytest.raises(TokenMissing):
        services.store.review(GPT, 4, "nice", publish=True)
    assert [r.text for r in services.catalog.list_reviews(GPT)] == ["nice"]


def test_hub_reviews_offline_is_hub_offline(services):
    services.catalog.save_settings(services.settings().updated(hub_endpoint="http://127.0.0.1:9"))
    with pytest.raises(HubOffline, match="cannot be reached"):
        services.store.hub_reviews(GPT)
