"""What the drafting model is told: the keys, the categories, an example in the description's language."""

from __future__ import annotations

import json

from app.core.entities import Role
from app.manifest.draft import draft_json_schema, parse_draft
from app.services.drafting import (
    EXAMPLE, EXAMPLE_ZH, copied_example, draft_instructions, example_turns, language_hint,
)

CATEGORIES = ["coding", "learning", "writing"]


def test_the_instructions_name_every_key_of_the_schema_and_the_categories():
    text = draft_instructions(CATEGORIES)
    for key in draft_json_schema()["properties"]:
        assert f'"{key}"' in text
    assert "one of: coding, learning, writing." in text
    assert "one or two words" in draft_instructions([])


def test_a_description_in_chinese_japanese_or_korean_gets_told_its_language():
    assert language_hint("一个帮我写周报的助手") == "所有字段都用中文写。"
    assert language_hint("料理のレシピを考えるアシスタント") == "すべての値を日本語で書いてください。"
    assert language_hint("요리 도우미") == "모든 값을 한국어로 쓰세요."
    assert language_hint("A tutor for chemistry, café-style") == ""
    assert draft_instructions(CATEGORIES, "写周报").endswith("\n所有字段都用中文写。")


def test_the_example_is_a_valid_draft_in_the_language_of_the_description():
    for description, example in (("A chemistry tutor", EXAMPLE), ("化学老师", EXAMPLE_ZH)):
        user, reply = example_turns(CATEGORIES, description)
        assert (user.role, user.content, reply.role) == (Role.USER, example[0], Role.ASSISTANT)
        fields = parse_draft(reply.content)
        assert fields.category == "learning", "the example picks a category the model may pick too"
        assert copied_example(fields.description, fields.instructions)
    assert json.loads(example_turns([], "x")[1].content)["category"] == "fitness"


def test_a_draft_of_its_own_is_not_taken_for_the_example():
    assert not copied_example("Explains chemistry with kitchen examples.", "You are a patient chemistry tutor.")
