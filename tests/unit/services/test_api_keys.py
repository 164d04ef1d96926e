"""API keys over a real catalog and the test keyring: made, checked, revoked; only digests are stored."""

from __future__ import annotations

import pytest

from app.catalog import open_catalog
from app.core.errors import InvalidInput, KnownError, NotFound
from app.services.api_keys import ApiKeys
from app.services.secrets import Secrets


@pytest.fixture
def keys(tmp_path):
    catalog = open_catalog(tmp_path / "c.sqlite3", backups=tmp_path / "b")
    yield ApiKeys(catalog, Secrets())
    catalog.close()


def test_a_made_key_verifies_and_only_its_digest_is_kept(keys, memory_keyring):
    made = keys.create("  my   editor ")
    assert made.key.name == "my editor" and made.persistent
    assert made.secret.startswith(f"gsk_{made.key.id}_") and len(made.secret) > 40
    assert made.secret not in repr(memory_keyring) and len(memory_keyring) == 1
    assert keys.verify(made.secret) == made.key
    assert keys.list()[0].last_used_at is not None  # noted on use


def test_a_fresh_service_verifies_from_the_keyring(keys, memory_keyring):
    made = keys.create("scripts")
    again = ApiKeys(keys.catalog, Secrets())
    assert again.verify(made.secret).id == made.key.id


@pytest.mark.parametrize("presented", ["", "gsk", "gsk__", "Bearer x", "gsk_00000000_abc", "sk-openai-style"])
def test_anything_else_does_not_verify(keys, presented):
    keys.create("real")
    assert keys.verify(presented) is None


def test_a_key_with_a_changed_secret_or_another_keys_id_does_not_verify(keys):
    first, second = keys.create("one"), keys.create("two")
    assert keys.verify(first.secret[:-1] + ("A" if first.secret[-1] != "A" else "B")) is None
    swapped = f"gsk_{second.key.id}_{first.secret.split('_', 2)[2]}"
    assert keys.verify(swapped) is None


def test_a_revoked_key_stops_working_even_in_another_service_that_cached_it(keys, memory_keyring):
    made = keys.create("temporary")
    other = ApiKeys(keys.catalog, Secrets())
    assert other.verify(made.secret) is not None  # cached there now
    assert keys.revoke("temporary").id == made.key.id
    assert other.verify(made.secret) is None and keys.verify(made.secret) is None
    assert not memory_keyring and keys.list() == []
    with pytest.raises(NotFound):
        keys.revoke("temporary")


def test_names_are_required_unique_and_short(keys):
    keys.create("taken")
    for bad in ("", "   ", "x" * 65, "taken"):
        with pytest.raises(InvalidInput):
            keys.create(bad)
    assert [k.name for k in keys.list()] == ["taken"]


def test_without_a_keyring_a_command_cannot_make_a_key_and_the_app_gets_a_session_key(keys, monkeypatch):
    import keyring
    import keyring.backends.fail

    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(KnownError, match="no usable system keyring"):
        keys.create("cli", session_only=False)
    assert keys.list() == []
    made = keys.create("gui")
    assert not made.persistent and keys.verify(made.secret) is not None
