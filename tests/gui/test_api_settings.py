"""Settings › Local API driven as a person would: make a key (shown once), turn the server on, use it with the
key, revoke it, turn the server off; a port in use is explained and the switch goes back off."""

from __future__ import annotations

import socket

import pytest

from app.ui.settings_page import SettingsPage
from tests.integration.server.http_helpers import request


@pytest.fixture
def page(qtbot, services, jobs):
    made = SettingsPage(services, jobs)
    qtbot.addWidget(made)
    made.resize(900, 900)
    made.show()
    yield made
    made.api.stop_now()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_api_is_off_by_default_and_serves_with_a_key_made_in_settings(qtbot, page, services):
    section = page.api_section
    assert not section.enabled.isChecked() and section.url.text() == "Off"
    section.key_name.setText("my editor")
    section.create_button.click()
    qtbot.waitUntil(lambda: section.new_key.text().startswith("gsk_"), timeout=10_000)
    secret = section.new_key.text()
    assert section.new_key_note.isVisible()
    assert [section.keys.topLevelItem(i).text(0) for i in range(section.keys.topLevelItemCount())] == ["my editor"]

    section.port.setValue(free_port())
    section.enabled.setChecked(True)
    qtbot.waitUntil(lambda: section.url.text().startswith("http://127.0.0.1:"), timeout=30_000)
    assert not section.port.isEnabled()  # the address cannot change while it runs
    url = section.url.text()
    assert services.settings().api_enabled and services.settings().api_port == section.port.value()
    assert request(url, "GET", "/v1/models", key=secret).status == 200
    assert request(url, "GET", "/v1/models").status == 401

    section.keys.topLevelItem(0).setSelected(True)
    section.revoke_button.click()
    qtbot.waitUntil(lambda: section.keys.topLevelItemCount() == 0, timeout=10_000)
    assert request(url, "GET", "/v1/models", key=secret).status == 401

    section.enabled.setChecked(False)
    qtbot.waitUntil(lambda: section.url.text() == "Off" and section.port.isEnabled(), timeout=30_000)
    assert not services.settings().api_enabled
    with pytest.raises(OSError):
        request(url, "GET", "/v1/models", key=secret)


def test_a_port_in_use_is_explained_and_the_switch_goes_back_off(qtbot, page, services):
    section = page.api_section
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        section.port.setValue(taken.getsockname()[1])
        section.enabled.setChecked(True)
        qtbot.waitUntil(lambda: section.state.isVisible(), timeout=30_000)
    assert "already in use" in section.state.text()
    qtbot.waitUntil(lambda: not section.enabled.isChecked() and section.url.text() == "Off", timeout=10_000)
    assert not services.settings().api_enabled


def test_a_key_needs_a_name(qtbot, page):
    section = page.api_section
    section.create_button.click()
    assert section.key_error.isVisible() and "name" in section.key_error.text()
