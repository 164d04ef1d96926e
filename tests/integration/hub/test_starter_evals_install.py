"""A starter-catalog GPT installed from the store gets the eval set the app ships for it."""

from __future__ import annotations

import json

import pytest

from app.core.paths import AppPaths
from app.hub.listing_format import parse_lines
from app.hub.sync import STARTER
from app.services.container import open_services
from app.services.starter_catalog import starter_eval_set
from tests.support.store_data import INDEX_REPO, publish_tiny_gpt


@pytest.fixture
def services(gptshelf_home, fake_hub):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        opened.catalog.save_settings(opened.settings().updated(hub_endpoint=fake_hub.url,
                                                               store_index_repo=INDEX_REPO))
        yield opened


def install_as_starter(services, fake_hub, tiny_model, gpt_id: str):
    line = publish_tiny_gpt(fake_hub, tiny_model)
    line.pop("manifest_file")
    line["id"] = gpt_id
    services.catalog.apply_shards(STARTER, {"starter.jsonl": ("0" * 64, parse_lines(json.dumps(line) + "\n",
                                                                                       source="t").listings)}, keep=[])
    return services.store.install(gpt_id)


def test_a_starter_catalog_gpt_comes_with_its_shipped_eval_set_and_runs_it(services, fake_hub, tiny_model):
    gpt = install_as_starter(services, fake_hub, tiny_model, "gptshelf/pocket-helper")
    shipped = starter_eval_set("gptshelf/pocket-helper").read_bytes()
    assert gpt.evals is not None and gpt.evals.path == "evals.json"
    assert services.paths.blob(gpt.evals.sha256).read_bytes() == shipped
    eval_set, sha256 = services.evals.eval_set_of(gpt)
    runs = services.evals.start(eval_set, [services.evals.current(gpt.id)], evals_sha256=sha256).run()
    assert runs[0].total_cases == len(eval_set.cases) and all(c.output for c in runs[0].cases)
    exported = services.packages.export_gpt(gpt.id, services.paths.home / "out.gptshelf")
    assert services.packages.manifest_for(gpt)[0].evals.sha256 == gpt.evals.sha256 and exported.is_file()


def test_a_listing_the_app_ships_no_eval_set_for_installs_without_one(services, fake_hub, tiny_model):
    assert install_as_starter(services, fake_hub, tiny_model, "gptshelf/no-such-set").evals is None
