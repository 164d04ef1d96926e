"""Full-text search over messages, in English, Chinese, Japanese and Korean."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.catalog import MATCH_END, MATCH_START, Catalog, open_catalog
from app.catalog.cjk import is_cjk
from app.core.entities import Role
from tests.unit.catalog.factories import gpt, model_file

TEXTS = {
    "zh": "大语言模型应用指南：GPTs与GPT商店",
    "ja": "日本語の文章を検索する",
    "ko": "한국어 검색 테스트",
    "en": "The quick brown fox jumps over the lazy dog",
}


@pytest.fixture
def stored(catalog: Catalog, conversation_id: int) -> dict[str, int]:
    return {lang: catalog.add_message(conversation_id, Role.USER, text).id for lang, text in TEXTS.items()}


def _found(catalog: Catalog, query: str) -> list[int]:
    return [hit.message.id for hit in catalog.search_messages(query)]


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("模型", "zh"),
        ("语言模型", "zh"),
        ("型", "zh"),
        ("GPT", "zh"),
        ("gpts", "zh"),
        ("商店", "zh"),
        ("検索", "ja"),
        ("文章", "ja"),
        ("검색", "ko"),
        ("quick", "en"),
        ("qui", "en"),
        ("brown fo", "en"),
        ("LAZY", "en"),
    ],
)
def test_search_finds(catalog: Catalog, stored: dict[str, int], query: str, lang: str) -> None:
    assert _found(catalog, query) == [stored[lang]]


@pytest.mark.parametrize("query", ["模应", "型语", "검테", "quack", "fox cat"])
def test_search_has_no_false_positives(catalog: Catalog, stored: dict[str, int], query: str) -> None:
    assert _found(catalog, query) == []


@pytest.mark.parametrize(
    "query",
    ['"', '"unbalanced', "*", "**", "AND OR NOT", "NOT", "NEAR(", "NEAR(quick lazy, 2)", "-x", "col:", "content:fox"]
    + ["^", "()", "{content}: fox", "'", "\\", "", "模型*", '"模型" OR "fox"'],
)
def test_fts_syntax_in_a_query_never_raises(catalog: Catalog, stored: dict[str, int], query: str) -> None:
    catalog.search_messages(query)


def test_operators_are_searched_as_words(catalog: Catalog, conversation_id: int) -> None:
    message = catalog.add_message(conversation_id, Role.USER, "cats AND dogs NOT birds")
    assert _found(catalog, "AND dogs NOT") == [message.id]
    assert _found(catalog, "content:cats") == []  # a column filter would have found it


def test_hits_carry_conversation_and_an_unsegmented_snippet(catalog: Catalog, stored: dict[str, int]) -> None:
    [hit] = catalog.search_messages("模型")
    assert hit.message.content == TEXTS["zh"]
    assert (hit.conversation_title, hit.gpt_id) == ("Test chat", "me/helper")
    assert hit.snippet == f"大语言{MATCH_START}模型{MATCH_END}应用指南：GPTs与GPT商店"
    [hit] = catalog.search_messages("검색")
    assert hit.snippet == f"한국어 {MATCH_START}검색{MATCH_END} 테스트"


def test_update_message_reindexes(catalog: Catalog, conversation_id: int) -> None:
    message = catalog.add_message(conversation_id, Role.ASSISTANT, "")
    catalog.update_message(message.id, content="第一版答案")
    assert _found(catalog, "答案") == [message.id]
    catalog.update_message(message.id, content="second draft")
    assert _found(catalog, "答案") == []
    assert _found(catalog, "draft") == [message.id]


def test_deleted_messages_leave_the_index(catalog: Catalog, conversation_id: int, stored: dict[str, int]) -> None:
    catalog.delete_messages_after(conversation_id, stored["ja"])
    assert _found(catalog, "검색") == [] and _found(catalog, "fox") == []
    assert _found(catalog, "検索") == [stored["ja"]]
    catalog.delete_conversation(conversation_id)
    assert _found(catalog, "検索") == [] and _found(catalog, "模型") == []
    leftovers = catalog._conns.read().execute("SELECT count(*) FROM messages_fts").fetchone()[0]
    assert leftovers == 0


def test_best_matches_come_first_and_limit_applies(catalog: Catalog, conversation_id: int) -> None:
    weak = catalog.add_message(conversation_id, Role.USER, "model " + "filler words here " * 30)
    strong = catalog.add_message(conversation_id, Role.USER, "model model model")
    assert _found(catalog, "model") == [strong.id, weak.id]
    assert [h.message.id for h in catalog.search_messages("model", limit=1)] == [strong.id]
    assert catalog.search_messages("model", limit=0) == []


CJK_CHARS = st.sampled_from("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切份ひらがなカタカナ한국어검색테스트日本語文章検索")
ASCII = st.sampled_from("abcXYZ019 .,!?-")


@contextlib.contextmanager
def _fresh_catalog() -> Iterator[Catalog]:
    with tempfile.TemporaryDirectory() as folder:
        with open_catalog(Path(folder) / "c.sqlite3", backups=Path(folder) / "b") as opened:
            opened.save_gpt(gpt(model=opened.add_model(model_file())))
            yield opened


@pytest.fixture(scope="module")
def shared_catalog() -> Iterator[Catalog]:
    """One catalog for every hypothesis example (each example deletes what it added)."""
    with _fresh_catalog() as opened:
        yield opened


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.lists(st.one_of(CJK_CHARS, ASCII), min_size=1, max_size=40).map("".join),
    data=st.data(),
)
def test_any_cjk_substring_is_found(shared_catalog: Catalog, text: str, data: st.DataObject) -> None:
    runs, run = [], ""
    for char in text + " ":
        if is_cjk(char):
            run += char
        elif run:
            runs.append(run)
            run = ""
    if not runs:
        return
    chosen = data.draw(st.sampled_from(runs))
    start = data.draw(st.integers(0, len(chosen) - 1))
    length = data.draw(st.integers(1, min(4, len(chosen) - start)))
    needle = chosen[start : start + length]

    conversation = shared_catalog.create_conversation("me/helper", "property")
    try:
        message = shared_catalog.add_message(conversation.id, Role.USER, text)
        hits = shared_catalog.search_messages(needle, limit=1000)
        assert message.id in [h.message.id for h in hits], (text, needle)
        assert all(needle in h.message.content for h in hits)
    finally:
        shared_catalog.delete_conversation(conversation.id)
