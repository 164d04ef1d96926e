"""Suite 4, templates: hostile chat templates through the GGUF path and the manifest path.

Each payload (sandbox escapes in the style of CVE-2024-34359, CVE-2024-56326 and CVE-2025-27516, loop,
recursion and memory bombs, a 10 MB template, include/import/extends) is rendered the way the app
renders a template, in a child process with an address-space cap (tests/reliability/template_child.py).
Figures: escapes (a canary file written, or Python internals in the output), payloads stopped with a
known error, the slowest stop and the largest rise in memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.engine.templates import RENDER_SECONDS
from tests.reliability.figures import Figures
from tests.support.tiny_gguf import CHATML_TEMPLATE, hostile_template

ROOT = Path(__file__).resolve().parents[2]
MEMORY_RISE_CAP_MIB = 256
BIG = 900_000_000


def payloads(canary: Path) -> list[dict[str, str]]:
    target = canary.as_posix()
    wide = "{% set a = 'x' * 250000 %}{% set b = " + " ~ ".join(["a"] * 2000) + " %}{{ b|length }}"
    named = {
        "llama drama (CVE-2024-34359): subclasses to os.open": hostile_template(canary),
        "mro walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "function globals": "{{ raise_exception.__globals__ }}",
        "stored str.format (CVE-2024-56326)":
            "{% set f = '{0.__globals__}'.format %}{{ f(raise_exception) }}",
        "format through attr (CVE-2025-27516)": "{{ '{0.__globals__}'|attr('format')(raise_exception) }}",
        "attr chain to subclasses": "{{ (messages|attr('__class__')|attr('__mro__'))[1]|attr('__subclasses__')() }}",
        "template reference internals": "{{ self._TemplateReference__context.environment }}",
        "mutate the messages": "{% set _ = messages.append({'role': 'user', 'content': 'x'}) %}" + CHATML_TEMPLATE,
        "lipsum/cycler globals to os": "{{ cycler.__init__.__globals__.os.popen('touch " + target + "').read() }}",
        "nested loops": "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}"
                        "{% endfor %}{% endfor %}{% endfor %}",
        "huge range": "{% for i in range(999999999) %}{% endfor %}",
        "huge power": "{{ 2 ** 100000000 }}",
        "recursive macro": "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        "doubling macro": "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s|length }}{% endif %}"
                          "{% endmacro %}{{ d('x', 40) }}",
        "wide concatenation": wide,
        "loop accumulating in a macro": "{% macro m() %}{% for i in range(10000) %}{{ 'x' * 250000 }}{% endfor %}"
                                        "{% endmacro %}{{ m()|length }}",
        "loop accumulating in a set block": "{% set x %}{% for i in range(10000) %}{{ 'x' * 250000 }}{% endfor %}"
                                            "{% endset %}{{ x|length }}",
        "str.ljust width": f"{{{{ 'x'.ljust({BIG})|length }}}}",
        "center filter width": f"{{{{ 'x'|center({BIG})|length }}}}",
        "indent filter width": f"{{{{ 'a\\nb'|indent({BIG})|length }}}}",
        "percent width": f"{{{{ ('%{BIG}s' % 'x')|length }}}}",
        "format filter width": f"{{{{ '%{BIG}s'|format('x')|length }}}}",
        "str.format width": f"{{{{ '{{:>{BIG}}}'.format('x')|length }}}}",
        "tojson indent": f"{{{{ messages|tojson(indent={BIG})|length }}}}",
        "str.replace growth": "{{ ('a' * 200000).replace('a', 'b' * 200000)|length }}",
        "replace filter growth": "{{ ('a' * 200000)|replace('a', 'b' * 200000)|length }}",
        "join separator growth": "{{ range(10000)|join('x' * 200000)|length }}",
        "10 MB template": "{# " + "x" * (10 * 2**20) + " #}" + CHATML_TEMPLATE,
        "include": "{% include 'etc/passwd' %}",
        "import": "{% import 'macros.j2' as m %}{{ m }}",
        "extends": "{% extends '/etc/passwd' %}",
    }
    return [{"name": name, "source": source} for name, source in named.items()]


def run_child(route: str, items: list[dict[str, str]], work: Path) -> list[dict]:
    spec = work / f"{route}.json"
    spec.write_text(json.dumps(items))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "tests.reliability.template_child", route, str(spec), str(work)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(results) == len(items), f"the renderer died (exit {done.returncode}): {done.stderr[-3000:]}"
    return results


@pytest.mark.parametrize("route", ["gguf", "manifest"])
def test_hostile_templates_are_stopped_within_caps_and_never_escape(route: str, tmp_path: Path,
                                                                     figures: Figures) -> None:
    canary = tmp_path / "canary"
    items = payloads(canary)
    results = run_child(route, items, tmp_path)
    escaped = [r["name"] for r in results if r["outcome"] == "escaped"] + (["canary written"] if canary.exists() else [])
    not_stopped = [f"{r['name']}: {r['outcome']} {r['message'][:120]}" for r in results if r["outcome"] != "refused"]
    slowest = max(r["seconds"] for r in results)
    rise = max(r["rise_mib"] for r in results)
    suite = f"4 templates ({route} path)"
    figures.record(suite, f"escapes in {len(items)} hostile templates", len(escaped), "0", not escaped)
    figures.record(suite, "stopped with a known error", f"{len(items) - len(not_stopped)}/{len(items)}",
                   f"{len(items)}/{len(items)}", not not_stopped)
    figures.record(suite, "slowest stop", f"{slowest:.2f} s", f"<= {RENDER_SECONDS + 1:g} s",
                   slowest <= RENDER_SECONDS + 1)
    figures.record(suite, "largest rise in peak memory", f"{rise:.0f} MiB", f"< {MEMORY_RISE_CAP_MIB} MiB",
                   rise < MEMORY_RISE_CAP_MIB)
    assert not escaped
    assert not not_stopped, not_stopped
    assert rise < MEMORY_RISE_CAP_MIB
