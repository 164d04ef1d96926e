"""Full-text search that works for Chinese, Japanese and Korean as well as for spaced languages.

SQLite's ``unicode61`` tokenizer splits text only at spaces and punctuation, so a whole CJK sentence
such as ``大语言模型应用指南`` is one token and a search for ``模型`` finds nothing. The ``trigram``
tokenizer finds three-character words but never one- or two-character ones, which are most CJK words.

So the catalog indexes a *segmented* copy of each text in which every CJK, Kana and Hangul character
stands alone between separators and becomes its own token. A query turns each CJK run into a phrase
of its characters (``"模 型"``); FTS5 phrases require adjacent tokens, so the phrase matches exactly
where the original text contains that substring, for words of any length. Latin words become quoted
terms, the last one a prefix (``"hel"*``), so whatever a person types can never be read as FTS5
syntax.

The separator is U+200B ZERO WIDTH SPACE rather than a plain space: ``unicode61`` treats it as a
separator all the same, and because ordinary text almost never contains it, :func:`unsegment` can
remove exactly the separators :func:`segment` added and give back the text as written (a plain space
between two CJK characters in the original survives).

Both sides are NFKC-normalised first, so fullwidth ``ＧＰＴ`` finds ``GPT``, halfwidth ``ｶﾀｶﾅ`` finds
``カタカナ`` and compatibility ideographs find their unified forms. CJK punctuation (``，。：「」``) is
left as written: it separates words either way, and excerpts of Chinese text should keep it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

SEPARATOR = "\u200b"

# Scripts written without spaces between words (plus Hangul, whose words carry attached particles:
# 검색은 must be found by 검색). Punctuation inside these blocks is a separator for unicode61 anyway.
_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK Radicals Supplement, Kangxi Radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # Kana repeat marks
    (0x3038, 0x303C),  # Hangzhou numerals 10-30, iteration and masu marks
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x31A0, 0x31BF),  # Bopomofo Extended
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7AF),  # Hangul Syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF66, 0xFF9F),  # Halfwidth Katakana (NFKC folds most of them)
    (0x1B000, 0x1B16F),  # Kana Supplement, Kana Extended-A, Small Kana Extension
    (0x20000, 0x3FFFF),  # Supplementary and Tertiary Ideographic Planes (extensions B onwards)
)
_CJK_CLASS = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in _CJK_RANGES)
# A CJK character with any combining marks or variation selectors that follow it (が, 葛󠄀).
_MARKS_CLASS = "\u0300-\u036f\u3099\u309a\ufe00-\ufe0f\U000e0100-\U000e01ef"
_CJK_UNIT = f"[{_CJK_CLASS}][{_MARKS_CLASS}]*"
# CJK symbols and fullwidth punctuation, which NFKC would turn into ASCII punctuation.
_KEEP_AS_WRITTEN = re.compile("[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+")
_SEPARATORS = re.compile(f"{SEPARATOR}{{2,}}")
_MAX_TERMS = 32
_MAX_QUERY_CHARS = 500  # a pasted page is not a search; bound the work FTS5 is asked to do


@functools.cache
def _cjk_unit() -> re.Pattern[str]:
    """The CJK patterns, compiled on first use: their large character classes take milliseconds to
    compile, and the GUI's start opens the catalog without searching it (docs/benchmarks.md)."""
    return re.compile(_CJK_UNIT)


@functools.cache
def _cjk_run() -> re.Pattern[str]:
    return re.compile(f"(?:{_CJK_UNIT})+")


def is_cjk(char: str) -> bool:
    """True for a character that is written without spaces around it and so is indexed alone."""
    return _cjk_unit().fullmatch(char) is not None


def normalise(text: str) -> str:
    """NFKC, except for CJK punctuation, which is kept as written."""
    parts: list[str] = []
    position = 0
    for match in _KEEP_AS_WRITTEN.finditer(text):
        parts.append(unicodedata.normalize("NFKC", text[position : match.start()]))
        parts.append(match.group(0))
        position = match.end()
    parts.append(unicodedata.normalize("NFKC", text[position:]))
    return "".join(parts)


def segment(text: str) -> str:
    """The text as it is stored in a full-text index: normalised, every CJK character its own token."""
    normalised = normalise(text)
    spaced = _cjk_unit().sub(lambda m: f"{SEPARATOR}{m.group(0)}{SEPARATOR}", normalised)
    return _SEPARATORS.sub(SEPARATOR, spaced).strip(SEPARATOR)


def unsegment(text: str) -> str:
    """Undo :func:`segment`'s separators, e.g. in an excerpt made by FTS5's ``snippet()``."""
    return text.replace(SEPARATOR, "")


def fts_query(user_text: str) -> str | None:
    """An FTS5 MATCH expression for what a person typed, or None when there is nothing to search for.

    Every term is a quoted string, so quotes, ``*``, ``AND``/``OR``/``NOT``, ``NEAR(``, ``-x`` and
    ``column:`` are searched as text, never obeyed. Terms are ANDed; the last Latin word is a prefix
    so results appear while a word is still being typed.
    """
    terms = fts_terms(user_text)
    return " ".join(terms) if terms else None


def fts_terms(user_text: str) -> list[str]:
    """The quoted terms of :func:`fts_query`, in order (the last one may end in ``*``); empty for nothing.

    Separate so that a caller can rewrite one term (the store search expands the prefix term into the
    words it stands for) without parsing FTS5 syntax back.
    """
    terms: list[tuple[bool, str]] = []
    for piece in normalise(user_text[:_MAX_QUERY_CHARS]).split():
        for cjk, run in _runs(piece):
            if cjk:
                chars = [unit for unit in _cjk_unit().findall(run) if _is_token_char(unit[0])]
                if chars:
                    terms.append((True, _quote(" ".join(chars))))
            elif any(_is_token_char(c) for c in run):
                terms.append((False, _quote(run)))
    if not terms:
        return []
    terms = terms[:_MAX_TERMS]
    parts = [term for _, term in terms]
    if not terms[-1][0]:
        parts[-1] += "*"
    return parts


def _runs(piece: str) -> Iterator[tuple[bool, str]]:
    """Split a whitespace-free piece into alternating CJK and other runs, in order."""
    position = 0
    for match in _cjk_run().finditer(piece):
        if match.start() > position:
            yield False, piece[position : match.start()]
        yield True, match.group(0)
        position = match.end()
    if position < len(piece):
        yield False, piece[position:]


def _is_token_char(char: str) -> bool:
    """Mirror unicode61's default token characters (categories L*, N* and Co)."""
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
