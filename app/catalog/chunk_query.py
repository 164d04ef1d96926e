"""The full-text side of knowledge retrieval: a question turned into an FTS5 query over chunks.

A store search ANDs what a person typed (every word must match). A question is different: "how long
is the warranty on the X200?" shares only a few words with the passage that answers it, so the terms
are ORed and BM25 ranks passages by how many rare terms they hold. Common English function words are
left out (they would only add cost; BM25 gives them almost no weight anyway).

Chinese has no spaces, and chunks are stored segmented one character per token (:mod:`app.catalog.cjk`).
A Chinese question becomes its overlapping two-character phrases (``保修期多久`` → ``"保 修" OR "修 期"
OR "期 多" OR "多 久"``): a phrase matches where those two characters stand together, which is how
Chinese words of two or more characters are found without a dictionary, and the irrelevant pairs are
rare in the passages and cost nothing.

In a big index, a word that most passages hold says almost nothing about which one answers (its inverse
document frequency is near zero) yet makes BM25 score every passage holding it: such words are left out
of the query (:func:`common_words`), as long as another word is left.
"""

from __future__ import annotations

import re

from app.catalog.cjk import is_cjk, normalise

MAX_TERMS = 64
_MAX_QUESTION_CHARS = 2_000
_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have how i if in into is it its "
    "me my of on or our should so than that the their them then there these they this to was we were what when "
    "where which who whom why will with would you your about tell please".split()
)


def question_terms(question: str) -> list[str]:
    """The quoted FTS5 terms of a question, in order, without repeats (at most :data:`MAX_TERMS`)."""
    terms: list[str] = []
    seen: set[str] = set()

    def add(term: str) -> None:
        if term not in seen and len(terms) < MAX_TERMS:
            seen.add(term)
            terms.append(term)

    for cjk, run in _runs(normalise(question[:_MAX_QUESTION_CHARS])):
        if cjk:
            chars = [c for c in run if c.isalnum()]
            if len(chars) == 1:
                add(_quote(chars[0]))
            for first, second in zip(chars, chars[1:], strict=False):
                add(_quote(f"{first} {second}"))
        else:
            for word in _WORD.findall(run.lower()):
                if word not in _STOPWORDS and (len(word) > 1 or word.isdigit()):
                    add(_quote(word))
    return terms


def question_query(question: str) -> str | None:
    """``"t1" OR "t2" ...`` for the question, or None when it holds nothing to search for."""
    terms = question_terms(question)
    return " OR ".join(terms) if terms else None


def document_token(sha256: str) -> str:
    """The token that marks a chunk's document in ``knowledge_fts.doc`` (one unicode61 token)."""
    return "k" + sha256.lower()


def scoped_query(terms: list[str], documents: list[str], *, everything: bool = False) -> str | None:
    """Quoted terms (:func:`question_terms`) limited to chunks of ``documents`` (sha256s); None when
    nothing can match. ``everything``: the documents are all the index holds, so no scope is needed.
    """
    if not terms or not documents:
        return None
    terms = " OR ".join(terms)
    if everything:
        return f"text : ({terms})"
    scope = " OR ".join(document_token(sha) for sha in documents)
    return f"doc : ({scope}) AND text : ({terms})"


def _runs(text: str) -> list[tuple[bool, str]]:
    """The text split into alternating CJK and other runs, in order."""
    runs: list[tuple[bool, str]] = []
    for char in text:
        cjk = is_cjk(char)
        if runs and runs[-1][0] == cjk:
            runs[-1] = (cjk, runs[-1][1] + char)
        else:
            runs.append((cjk, char))
    return runs


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def plain_word(term: str) -> str | None:
    """The word inside a quoted single-word term (``'"warranty"'`` → ``warranty``); None for a phrase."""
    inner = term[1:-1]
    return None if " " in inner or '"' in inner else inner
