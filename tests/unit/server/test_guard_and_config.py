"""The API's Host rule (DNS rebinding), its settings' ranges, and its error shape, without a server."""

from __future__ import annotations

import pytest

from app.core.errors import InvalidInput
from app.core.settings import Settings
from app.server.config import ServerConfig, is_loopback
from app.server.errors import validation_error
from app.server.guard import Guard, _split_host


def guard(host: str = "127.0.0.1", port: int = 8421) -> Guard:
    return Guard(lambda *_: None, config=ServerConfig(host=host, port=port), keys=None, port=lambda: port)


@pytest.mark.parametrize("host", ["localhost:8421", "127.0.0.1:8421", "[::1]:8421", "LOCALHOST:8421"])
def test_loopback_names_with_the_port_pass(host):
    assert guard().host_allowed(host)


@pytest.mark.parametrize("host", [
    "localhost", "127.0.0.1", "localhost:8422", "evil.example:8421", "localhost.evil.example:8421",
    "192.168.1.2:8421", "127.0.0.2:8421", "[::1]", "[::1]8421", "localhost:84210", "localhost:-1", ":8421", "",
    "localhost:8421:8421",
])
def test_anything_else_is_refused_on_a_loopback_server(host):
    assert not guard().host_allowed(host)


def test_a_chosen_bind_address_passes_and_every_interface_admits_ip_addresses_but_never_names():
    lan = guard(host="192.168.1.2")
    assert lan.host_allowed("192.168.1.2:8421") and lan.host_allowed("localhost:8421")
    assert not lan.host_allowed("10.0.0.1:8421")
    named = guard(host="studio.local")
    assert named.host_allowed("studio.local:8421") and not named.host_allowed("other.local:8421")
    every = guard(host="0.0.0.0")
    assert every.host_allowed("10.0.0.7:8421") and every.host_allowed("[fe80::1]:8421")
    assert not every.host_allowed("rebind.attacker.example:8421")


def test_split_host_reads_names_ipv6_and_ports():
    assert _split_host("[::1]:80") == ("::1", 80)
    assert _split_host("example:1") == ("example", 1)
    assert _split_host("example") == (None, None)


def test_the_config_defaults_to_loopback_and_range_checks_its_values():
    config = ServerConfig.from_settings(Settings())
    assert (config.host, config.port, config.slots, config.loopback_only) == ("127.0.0.1", 8421, 1, True)
    assert config.url() == "http://127.0.0.1:8421/v1"
    assert ServerConfig(host="::1").url(9) == "http://[::1]:9/v1"
    assert ServerConfig(host="0.0.0.0").url() == "http://127.0.0.1:8421/v1"
    for bad in ({"port": 70000}, {"port": -1}, {"slots": 0}, {"slots": 17}, {"host": " "}, {"idle_seconds": -1}):
        with pytest.raises(InvalidInput):
            ServerConfig(**bad)
    assert ServerConfig.from_settings(Settings(), host="0.0.0.0", port=9000).loopback_only is False


@pytest.mark.parametrize(("host", "loopback"), [("localhost", True), ("127.0.0.1", True), ("127.8.0.1", True),
                                                ("::1", True), ("[::1]", True), ("0.0.0.0", False),
                                                ("192.168.0.1", False), ("example.com", False)])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_a_validation_error_names_the_field_in_openais_shape():
    error = validation_error([{"loc": ("body", "temperature"), "msg": "Input should be less than or equal to 2"},
                              {"loc": ("body", "top_p"), "msg": "bad"}])
    assert error.status == 422 and error.param == "temperature"
    assert error.body() == {"error": {"message": "temperature: Input should be less than or equal to 2 (and 1 more "
                                                 "problems).", "type": "invalid_request_error",
                                      "param": "temperature", "code": "invalid_value"}}
