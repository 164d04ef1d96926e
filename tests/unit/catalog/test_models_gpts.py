"""Settings, models and GPTs survive a round trip through the catalog."""

from __future__ import annotations

import dataclasses

import pytest

from app.catalog import open_catalog
from app.core.entities import GPT, ChatMessage, GenerationParams, GPTSource, ModelInfo, ModelStatus, Role
from app.core.errors import InvalidInput, NotFound
from app.core.settings import GpuOffload, Settings, Theme
from tests.unit.catalog.factories import gpt, model_file, sha

INFO = ModelInfo(
    architecture="llama",
    name="Tiny",
    file_size=1234,
    gguf_version=3,
    tensor_count=12,
    parameter_count=1_000_000,
    quantization="Q4_K_M",
    context_length=2048,
    block_count=2,
    embedding_length=64,
    head_count=4,
    head_count_kv=2,
    vocab_size=32000,
    tokenizer_model="llama",
    chat_template="{{ messages }}",
    bos_token="<s>",
    eos_token="</s>",
    eot_tokens=("<|eot_id|>", "<|end|>"),
)


def test_settings_round_trip(catalog) -> None:
    assert catalog.load_settings() == Settings()
    changed = Settings().updated(theme="dark", gpu_offload="20", threads=6, https_proxy="http://p:3128")
    assert catalog.save_settings(changed) == changed
    assert catalog.load_settings() == changed
    assert catalog.load_settings().gpu_offload == GpuOffload.parse(20)
    assert catalog.load_settings().theme is Theme.DARK


def test_settings_survive_reopening_and_bad_values_fall_back(paths) -> None:
    database, backups = paths
    with open_catalog(database, backups=backups) as catalog:
        catalog.save_settings(Settings().updated(language="zh_CN", threads=4))
        conn = catalog._conns.db.conn
        conn.execute("UPDATE settings SET value = '\"sideways\"' WHERE key = 'theme'")
        conn.execute("INSERT INTO settings VALUES ('from_a_newer_app', '1')")
    with open_catalog(database, backups=backups) as catalog:
        loaded = catalog.load_settings()
        assert (loaded.language, loaded.threads, loaded.theme) == ("zh_CN", 4, Theme.SYSTEM)
        catalog.save_settings(loaded)
        keys = {r[0] for r in catalog._conns.read().execute("SELECT key FROM settings")}
        assert "from_a_newer_app" in keys


def test_model_round_trip_with_gguf_info(catalog) -> None:
    stored = catalog.add_model(model_file(info=INFO))
    assert stored.info == INFO and isinstance(stored.info.eot_tokens, tuple)
    assert stored.added_at.endswith("Z")
    assert catalog.get_model(stored.sha256) == stored
    assert catalog.list_models() == [stored]


def test_add_model_is_an_upsert_that_keeps_added_at(catalog) -> None:
    first = catalog.add_model(model_file())
    again = catalog.add_model(dataclasses.replace(model_file(), display_name="Renamed", status=ModelStatus.MISSING))
    assert again.added_at == first.added_at
    assert (again.display_name, again.status) == ("Renamed", ModelStatus.MISSING)
    assert len(catalog.list_models()) == 1


def test_add_model_wants_a_sha256(catalog) -> None:
    with pytest.raises(InvalidInput, match="sha256"):
        catalog.add_model(dataclasses.replace(model_file(), sha256="abc"))
    upper = catalog.add_model(dataclasses.replace(model_file(), sha256=model_file().sha256.upper()))
    assert upper.sha256 == model_file().sha256


def test_get_model_by_prefix_name_or_not_at_all(catalog) -> None:
    tiny = catalog.add_model(model_file("Tiny Llama"))
    small = catalog.add_model(model_file("Small Qwen"))
    assert catalog.get_model(tiny.sha256[:6]) == tiny
    assert catalog.get_model(small.sha256[:10].upper()) == small
    assert catalog.get_model("tiny llama") == tiny
    assert catalog.get_model("SMALL QWEN") == small
    with pytest.raises(NotFound):
        catalog.get_model("nothing like it")
    with pytest.raises(NotFound):
        catalog.get_model(tiny.sha256[:5])  # too short to be a prefix, and not a name


def test_an_ambiguous_prefix_names_the_candidates(catalog) -> None:
    # Find two names whose digests share a 6-digit prefix is slow; store crafted digests instead.
    first = catalog.add_model(dataclasses.replace(model_file("One"), sha256="abcdef" + "0" * 58))
    second = catalog.add_model(dataclasses.replace(model_file("Two"), sha256="abcdef" + "1" * 58))
    with pytest.raises(InvalidInput) as raised:
        catalog.get_model("abcdef")
    assert "One" in str(raised.value) and "Two" in str(raised.value)
    assert catalog.get_model("abcdef0") == first
    assert catalog.get_model("abcdef1") == second


def test_set_model_status(catalog) -> None:
    model = catalog.add_model(model_file())
    assert catalog.set_model_status(model.sha256, ModelStatus.DOWNLOADING).status is ModelStatus.DOWNLOADING
    with pytest.raises(NotFound):
        catalog.set_model_status(sha("other"), ModelStatus.MISSING)


def test_remove_model_is_refused_while_a_gpt_uses_it(catalog) -> None:
    model = catalog.add_model(model_file())
    catalog.save_gpt(gpt("me/a", "Writer", model))
    catalog.save_gpt(gpt("me/b", "Coder", model))
    with pytest.raises(InvalidInput) as raised:
        catalog.remove_model(model.sha256)
    assert "'Writer'" in str(raised.value) and "'Coder'" in str(raised.value)
    catalog.delete_gpt("me/a")
    catalog.delete_gpt("me/b")
    assert catalog.remove_model(model.sha256) == model
    assert catalog.list_models() == []
    with pytest.raises(NotFound):
        catalog.remove_model(model.sha256)


def _full_gpt(model_sha256: str) -> GPT:
    return GPT(
        id="owner/translator",
        name="Translator 翻译",
        model_sha256=model_sha256,
        description="Translates between Chinese and English.",
        instructions="You translate.",
        starters=("Translate: hello", "翻译：你好"),
        examples=(ChatMessage(Role.USER, "hello"), ChatMessage(Role.ASSISTANT, "你好")),
        params=GenerationParams(temperature=0.2, top_k=20, stop=("</s>", "<|im_end|>"), seed=42),
        chat_template="{% for m in messages %}{{ m.content }}{% endfor %}",
        adapter_sha256=sha("adapter"),
        adapter_scale=0.75,
        source=GPTSource.STORE,
        version="1.2.0",
        category="language",
        tags=("translation", "中文"),
    )


def test_gpt_round_trip(catalog) -> None:
    model = catalog.add_model(model_file())
    original = _full_gpt(model.sha256)
    saved = catalog.save_gpt(original)
    assert dataclasses.replace(saved, created_at="", updated_at="") == original
    assert saved.created_at and saved.updated_at == saved.created_at
    assert catalog.get_gpt("owner/translator") == saved
    assert catalog.get_gpt("TRANSLATOR 翻译") == saved
    assert catalog.list_gpts() == [saved]


def test_saving_a_new_version_keeps_the_old_snapshot(catalog) -> None:
    model = catalog.add_model(model_file())
    first = catalog.save_gpt(_full_gpt(model.sha256))
    second = catalog.save_gpt(dataclasses.replace(first, version="1.3.0", instructions="You translate well."))
    assert second.created_at == first.created_at and second.updated_at >= first.updated_at
    assert [v for v, _ in catalog.gpt_versions(first.id)] == ["1.2.0", "1.3.0"]
    assert catalog.get_gpt_version(first.id, "1.2.0").instructions == "You translate."
    assert catalog.get_gpt_version(first.id, "1.3.0") == second
    # Saving the same version again refreshes its snapshot instead of adding one.
    catalog.save_gpt(dataclasses.replace(second, description="Now shorter."))
    assert [v for v, _ in catalog.gpt_versions(first.id)] == ["1.2.0", "1.3.0"]
    assert catalog.get_gpt_version(first.id, "1.3.0").description == "Now shorter."


def test_a_gpt_needs_its_model_first(catalog) -> None:
    with pytest.raises(NotFound, match="model"):
        catalog.save_gpt(gpt())
    assert catalog.list_gpts() == []


def test_get_gpt_not_found_and_ambiguous_names(catalog) -> None:
    model = catalog.add_model(model_file())
    catalog.save_gpt(gpt("a/helper", "Helper", model))
    catalog.save_gpt(gpt("b/helper", "helper", model))
    with pytest.raises(InvalidInput, match="a/helper, b/helper"):
        catalog.get_gpt("HELPER")
    with pytest.raises(NotFound):
        catalog.get_gpt("nobody")


def test_delete_gpt_removes_its_versions_but_keeps_conversations(catalog) -> None:
    model = catalog.add_model(model_file())
    saved = catalog.save_gpt(gpt(model=model))
    conversation = catalog.create_conversation(saved.id, "Kept")
    assert catalog.delete_gpt(saved.id) == saved
    assert catalog.gpt_versions(saved.id) == []
    assert catalog.get_conversation(conversation.id).gpt_id == saved.id
    with pytest.raises(NotFound):
        catalog.delete_gpt(saved.id)


def test_unknown_keys_in_stored_json_are_ignored(catalog) -> None:
    model = catalog.add_model(model_file(info=INFO))
    catalog.save_gpt(gpt(model=model))
    conn = catalog._conns.db.conn
    conn.execute("UPDATE gpts SET params = json_set(params, '$.mirostat', 2)")
    conn.execute("UPDATE model_files SET info = json_set(info, '$.rope_theta', 10000.0)")
    assert catalog.get_gpt("me/helper").params == GenerationParams()
    assert catalog.get_model(model.sha256).info == INFO
