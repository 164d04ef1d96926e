"""The sandbox chat templates render in: Jinja's immutable sandbox plus caps on every way to build a huge value.

The sandbox stops escapes (CVE-2024-34359 style attribute walks; CVE-2024-56326 and CVE-2025-27516
went through ``str.format``, fixed in Jinja 3.1.6), but not a template that asks for memory: the
reliability suite (tests/reliability/test_templates.py) rendered ``'x'.ljust(900000000)``,
``'%900000000s' % x``, ``x|center(...)``, ``x|indent(...)``, ``tojson(indent=...)``, a macro that
doubles a string forty times and a 2,000-fold ``~`` concatenation, each growing the process by 2-3
GB and running for up to 25 s, past the time cap (one C call cannot be interrupted). So every value a
single operation builds is checked *before* it is built against :data:`MAX_VALUE_CHARS`:

* ``*`` ``+`` ``%`` ``**`` on strings and lists (``%`` by the widths in its format string);
* ``~`` (concatenation), compiled to :meth:`CappedSandbox.capped_concat` by :class:`_CappedCodeGenerator`;
* widths and counts given to ``str`` methods (ljust, center, zfill, expandtabs, replace, join, format)
  and to filters (center, indent, wordwrap, format, join, replace, tojson's indent...);
* unsafe attribute access raises instead of rendering as an empty string, so an escape attempt is
  refused with a message rather than silently blanked.

What a loop accumulates in a macro or a ``{% set %}`` block is many small values: the renderer's
watchdog (:func:`app.engine.templates._render_capped`) stops a render whose memory grows past
:data:`MAX_RENDER_BYTES`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from app.core.errors import TemplateError

MAX_OUTPUT_CHARS = 256 * 1024
MAX_VALUE_CHARS = MAX_OUTPUT_CHARS
"""No single value a template builds may be longer than what it may output."""
MAX_RENDER_BYTES = 192 * 2**20
"""How far a render may grow the process's resident memory before the watchdog stops it.

The budget a render must stay within is 256 MiB, but the watchdog only looks every few ms and a loop that
builds strings keeps growing until the next look: stopped at 256 MiB (looking every 10 ms) the peak rise
of the reliability suite's bombs was 290-332 MiB; stopped at 192 MiB (every 5 ms), 218-229 MiB."""

_PERCENT_WIDTHS = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_SIZED_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})


def too_big(what: str) -> TemplateError:
    return TemplateError(f"The chat template {what} larger than {MAX_VALUE_CHARS // 1024} KiB and was stopped.")


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict)) else 0


def _check_width(value: Any, what: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_VALUE_CHARS:
        raise TemplateError(f"The chat template asked for a {what} of {value:,} (cap {MAX_VALUE_CHARS:,}) "
                            "and was stopped.")


def check_percent(fmt: str, args: Any) -> None:
    """``fmt % args`` would build nothing larger than the cap (widths and precisions checked)."""
    star = False
    for width, precision in _PERCENT_WIDTHS.findall(fmt):
        for number in (width, precision):
            if number == "*":
                star = True
            elif number:
                _check_width(int(number), "width")
    if star:
        for arg in args if isinstance(args, tuple) else (args,):
            _check_width(arg, "width")


def check_format(fmt: str) -> None:
    """``fmt.format(...)``: no width or precision in a replacement field beyond the cap."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format raises the same error itself
    for _literal, _name, spec, _conversion in fields:
        for number in re.findall(r"\d+", spec or ""):
            _check_width(int(number), "width")


def _check_replace(text: Any, old: Any, new: Any, count: Any = -1) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        times = len(text) + 1 if old == "" else text.count(old)
        if isinstance(count, int) and count >= 0:
            times = min(times, count)
        if len(text) + times * (len(new) - len(old)) > MAX_VALUE_CHARS:
            raise too_big("built a replacement")


def _check_join(separator: Any, items: list[Any]) -> None:
    if isinstance(separator, str) and len(separator) * max(len(items) - 1, 0) + sum(map(_length, items)) > MAX_VALUE_CHARS:
        raise too_big("joined a value")


def _check_result(value: Any, what: str) -> Any:
    if _length(value) > MAX_VALUE_CHARS:
        raise too_big(what)
    return value


def cap_filters(filters: dict[str, Callable[..., Any]]) -> None:
    """Wrap every filter: widths and counts checked before it runs, its result after."""
    for name, function in list(filters.items()):
        filters[name] = _capped_filter(name, function)


_SIZED_FILTERS = frozenset({"center", "wordwrap", "truncate", "tojson", "batch", "slice", "pprint"})


def _capped_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    # Filters that ask for the context, eval context or environment get it first (jinja_pass_arg).
    skip = 1 if hasattr(function, "jinja_pass_arg") else 0

    def capped(*args: Any, **kwargs: Any) -> Any:
        passed, value, rest = args[:skip], args[skip] if len(args) > skip else None, [*args[skip + 1:]]
        if name == "format" and isinstance(value, str):
            check_percent(value, tuple(rest))
        elif name == "replace" and len(rest) >= 2:
            _check_replace(value, *rest[:3])
        elif name == "join" and value is not None:
            value = list(value)
            _check_join(rest[0] if rest else kwargs.get("d", ""), value)
        elif name == "indent" and isinstance(value, str):
            width = (rest or [kwargs.get("width", 4)])[0]
            prefix = len(width) if isinstance(width, str) else width
            if isinstance(prefix, int) and prefix * (value.count("\n") + 1) + len(value) > MAX_VALUE_CHARS:
                raise too_big("indented a value")
        elif name in _SIZED_FILTERS:
            for number in (*rest, *kwargs.values()):
                _check_width(number, f"{name} filter argument")
        head = (*passed, value) if len(args) > skip else passed
        return _check_result(function(*head, *rest, **kwargs), f"filter {name} built a value")

    if skip:
        capped.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
    return capped


class _CappedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b ~ ...`` to a call that measures the pieces before joining them."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.capped_concat(context, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class CappedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with every operator, method and filter that can build a big value capped."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _CappedCodeGenerator

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise TemplateError("The chat template raised a number to a huge power and was stopped.")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_VALUE_CHARS:
                    raise too_big("built a value")
        if operator == "+" and _length(left) + _length(right) > MAX_VALUE_CHARS:
            raise too_big("built a value")
        if operator == "%" and isinstance(left, str):
            check_percent(left, right)
        return super().call_binop(context, operator, left, right)

    def capped_concat(self, context: Any, values: tuple[Any, ...]) -> str:
        pieces = [v if isinstance(v, str) else str(v) for v in values]
        if sum(map(len, pieces)) > MAX_VALUE_CHARS:
            raise too_big("concatenated a value")
        return markup_join(pieces) if context.eval_ctx.autoescape else str_join(pieces)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's names
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str):
            if name in _SIZED_METHODS:
                for value in (*args, *kwargs.values()):
                    _check_width(value, f"str.{name} width")
            elif name == "replace":
                _check_replace(owner, *args)
            elif name == "join" and args:
                items = list(args[0])
                _check_join(owner, items)
                args = (items, *args[1:])
        for value in (*args, *kwargs.values()):
            if _length(value) > MAX_VALUE_CHARS:
                raise too_big("passed a value")
        return _check_result(super().call(__context, __obj, *args, **kwargs), "built a value")

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        check_format(str(value.__self__))
        return wrapped

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe.")
