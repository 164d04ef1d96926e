"""Every GPT of the shipped starter catalog, and the starter GPT, comes with a valid eval set."""

from __future__ import annotations

import json

from app.manifest.evalset import parse_eval_set
from app.services.starter import STARTER_GPT_ID
from app.services.starter_catalog import starter_catalog, starter_eval_set


def test_every_starter_catalog_gpt_and_the_starter_gpt_has_a_valid_eval_set() -> None:
    ids = [json.loads(line)["id"] for line in starter_catalog().read_text(encoding="utf-8").splitlines() if line]
    assert len(ids) >= 20
    for gpt_id in [*ids, STARTER_GPT_ID]:
        path = starter_eval_set(gpt_id)
        assert path is not None, f"no eval set shipped for {gpt_id}"
        eval_set = parse_eval_set(path.read_bytes(), source=path.name)
        assert len(eval_set.cases) >= 3, gpt_id


def test_other_ids_have_none_and_cannot_name_a_path_outside_the_folder() -> None:
    assert starter_eval_set("alice/unknown") is None
    assert starter_eval_set("../../etc/passwd") is None and starter_eval_set("no-owner") is None
