"""Snippets: the part of a result's text that matched, with the matched words in ``<mark>``.

Cut from the text of the reader's language (a text not yet translated in its English), in
Python, so that SQLite and PostgreSQL show the same snippet. The text is escaped piece by
piece and only the ``<mark>`` elements are markup: whatever an editor wrote (``<script>``
included) stays text. A word matches a query word it begins with, or that shares most of
its beginning ("migrations" for "migration", "irrégulière" for "irrégulières"), accents and
case aside; the names of the countries a query names ("UK": "United Kingdom") match as
phrases.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rcp.search.query import fold

WORD = re.compile(r"\w+")
WORDS_BEFORE, WORDS_AFTER = 8, 24
#: What may join two marked words into one mark: "Royaume-Uni", "Côte d'Ivoire".
JOINING = " -'’\u00a0"
#: Words too common to mark when the query has others: "Africa and Europe" marks two words.
STOP_WORDS = frozenset(
    "a an and at by de del des du el en et for in l la las le les los of on or par para por "
    "pour the to un una une y".split()
)


@dataclass(frozen=True)
class Terms:
    """What to mark: folded query words, and phrases (each a tuple of folded words)."""

    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, query: str, phrases=()) -> "Terms":
        words = [word for word in fold(query).split() if word]
        if len(words) > 1:
            words = [word for word in words if word not in STOP_WORDS and len(word) > 1]
        return cls(
            words=tuple(dict.fromkeys(words)),
            phrases=tuple(tuple(fold(phrase).split()) for phrase in phrases if fold(phrase)),
        )


def word_matches(word: str, term: str) -> bool:
    if word == term:
        return True
    if len(term) >= 3 and word.startswith(term):
        return True
    shared = 0
    for a, b in zip(word, term, strict=False):
        if a != b:
            break
        shared += 1
    return shared >= 4 and shared >= min(len(word), len(term)) - 2


def _marked(tokens: list[str], terms: Terms) -> set[int]:
    marked = {
        index
        for index, token in enumerate(tokens)
        if any(word_matches(token, term) for term in terms.words)
    }
    for phrase in terms.phrases:
        length = len(phrase)
        for index in range(len(tokens) - length + 1):
            if tuple(tokens[index : index + length]) == phrase:
                marked.update(range(index, index + length))
    return marked


def highlight(line: str, terms: Terms) -> tuple[SafeString | None, int]:
    """``line`` cut around its first match, matches marked, and how many distinct query words
    and phrases it matched; ``(None, 0)`` when it matches none."""
    folded = fold(line)
    beginnings = [term[:4] for term in terms.words] + [phrase[0] for phrase in terms.phrases]
    if not any(beginning in folded for beginning in beginnings):
        return None, 0  # most texts of most results: no word to mark, told cheaply
    spans = [(match.start(), match.end()) for match in WORD.finditer(line)]
    tokens = [fold(line[start:end]) for start, end in spans]
    marked = _marked(tokens, terms)
    if not marked:
        return None, 0
    found = {tokens[index] for index in marked}
    score = sum(any(word_matches(token, term) for token in found) for term in terms.words)
    score += sum(1 for phrase in terms.phrases if set(phrase) <= found)
    first = min(marked)
    start, end = max(0, first - WORDS_BEFORE), min(len(spans), first + WORDS_AFTER)
    pieces = ["… "] if start > 0 else []
    position = spans[start][0] if start > 0 else 0
    open_mark = False
    for index in range(start, end):
        word_start, word_end = spans[index]
        gap = line[position:word_start]
        if open_mark and (index not in marked or gap.strip(JOINING)):
            pieces.append("</mark>")
            open_mark = False
        pieces.append(escape(gap))
        if index in marked and not open_mark:
            pieces.append("<mark>")
            open_mark = True
        pieces.append(escape(line[word_start:word_end]))
        position = word_end
    if open_mark:
        pieces.append("</mark>")
    if end < len(spans):
        pieces.append(escape(line[position : spans[end][0]].rstrip()) + " …")
    else:
        pieces.append(escape(line[position:]))
    return mark_safe("".join(pieces)), score


def beginning(line: str) -> SafeString:
    """The start of ``line``, unmarked: for a result that matched words the snippet cannot
    point at (a stem, a country's other name)."""
    spans = [match.span() for match in WORD.finditer(line)]
    if len(spans) <= WORDS_AFTER:
        return escape(line)
    return mark_safe(escape(line[: spans[WORDS_AFTER - 1][1]]) + " …")
