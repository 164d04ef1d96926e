"""Segmenting text for the index and turning what a person types into a safe FTS5 query."""

from __future__ import annotations

import pytest

from app.catalog.cjk import SEPARATOR, fts_query, is_cjk, segment, unsegment

SENTENCE = "大语言模型应用指南：GPTs与GPT商店"


def test_every_cjk_character_stands_alone() -> None:
    tokens = [t for t in segment(SENTENCE).replace("：", SEPARATOR).split(SEPARATOR) if t]
    assert tokens == ["大", "语", "言", "模", "型", "应", "用", "指", "南", "GPTs", "与", "GPT", "商", "店"]


@pytest.mark.parametrize(
    "text",
    [SENTENCE, "日本語の文章を検索する", "한국어 검색 테스트", "你好 世界", "plain English, no change", "", "混合mixed文本"],
)
def test_unsegment_gives_back_the_text_as_written(text: str) -> None:
    assert unsegment(segment(text)) == text


def test_fullwidth_and_halfwidth_forms_are_normalised_but_cjk_punctuation_kept() -> None:
    assert unsegment(segment("ＧＰＴ商店。ｶﾀｶﾅ")) == "GPT商店。カタカナ"
    assert fts_query("ＧＰＴ") == '"GPT"*'


@pytest.mark.parametrize("char", ["模", "㐀", "𠀀", "あ", "カ", "ｶ", "한", "ㄱ", "々", "豈"])
def test_cjk_characters(char: str) -> None:
    assert is_cjk(char)


@pytest.mark.parametrize("char", ["a", "1", "é", "：", "。", " ", "Я"])
def test_not_cjk_characters(char: str) -> None:
    assert not is_cjk(char)


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("模型", '"模 型"'),
        ("型", '"型"'),
        ("hello wor", '"hello" "wor"*'),
        ("GPT商店", '"GPT" "商 店"'),
        ("商店 GPT", '"商 店" "GPT"*'),
        ("日本語の検索", '"日 本 語 の 検 索"'),
        ('say "hi"', '"say" """hi"""*'),
        ("AND OR NOT", '"AND" "OR" "NOT"*'),
        ("NEAR(a b)", '"NEAR(a" "b)"*'),
        ("-x", '"-x"*'),
        ("col:value", '"col:value"*'),
        ("模型。", '"模 型"'),
    ],
)
def test_fts_query(typed: str, query: str) -> None:
    assert fts_query(typed) == query


@pytest.mark.parametrize("typed", ["", "   ", '"', "*", "()", "。、！", "- + :"])
def test_nothing_to_search_for(typed: str) -> None:
    assert fts_query(typed) is None
