"""Regression tests for the template caps (app.engine.template_caps): each of these once grew the process by GBs.

Found by the templates reliability suite (tests/reliability/test_templates.py); the sizes here are
smaller (50 MB) so a regression costs little, and the caps must refuse them before anything is built.
"""

from __future__ import annotations

import pytest

from app.core.entities import ChatMessage, Role
from app.core.errors import TemplateError
from app.engine.templates import TemplateChoice, render_chat

BIG = 50_000_000
MESSAGES = [ChatMessage(Role.USER, "Hello")]


def render(source: str) -> str:
    return render_chat(TemplateChoice("t", source, "gpt", ()), MESSAGES).text


@pytest.mark.parametrize("source", [
    f"{{{{ 'x'.ljust({BIG}) }}}}",
    f"{{{{ 'x'.zfill({BIG}) }}}}",
    f"{{{{ 'x'|center({BIG}) }}}}",
    f"{{{{ 'a'|indent({BIG}) }}}}",
    f"{{{{ '%{BIG}s' % 'x' }}}}",
    f"{{{{ '%*s' % ({BIG}, 'x') }}}}",
    f"{{{{ '%{BIG}s'|format('x') }}}}",
    f"{{{{ '{{:>{BIG}}}'.format('x') }}}}",
    f"{{{{ messages|tojson(indent={BIG}) }}}}",
    "{{ ('a' * 1000).replace('a', 'b' * 1000) }}",
    "{{ ('a' * 1000)|replace('a', 'b' * 1000) }}",
    "{{ range(1000)|join('x' * 1000) }}",
    "{{ 'x' * 200000 + 'y' * 200000 }}",
    "{% set a = 'x' * 200000 %}{{ a ~ a }}",
    "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% endif %}{% endmacro %}{{ d('x', 30) }}",
])
def test_a_value_past_the_cap_is_refused_before_it_is_built(source: str) -> None:
    with pytest.raises(TemplateError, match="stopped"):
        render(source)


@pytest.mark.parametrize("attack", [
    "{{ raise_exception.__globals__ }}",
    "{% set f = '{0.__globals__}'.format %}{{ f(raise_exception) }}",
    "{{ '{0.__globals__}'|attr('format')(raise_exception) }}",
])
def test_unsafe_attributes_are_refused_not_rendered_as_blank(attack: str) -> None:
    with pytest.raises(TemplateError, match="unsafe"):
        render(attack)


def test_ordinary_uses_of_the_capped_filters_and_methods_still_render() -> None:
    source = ("{% for m in messages %}{{ m.role|center(12) }}|{{ m.content|indent(2, true) }}|"
              "{{ '%-6s' % m.role }}|{{ '{:>6}'.format(m.role) }}|{{ m.content.replace('l', 'L') }}|"
              "{{ ['a', 'b']|join(', ') }}|{{ m.content ~ '!' }}|{{ messages|tojson(indent=1)|length > 0 }}"
              "{% endfor %}")
    assert render(source) == "    user    |  Hello|user  |  user|HeLLo|a, b|Hello!|True"
