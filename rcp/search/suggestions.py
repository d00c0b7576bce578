""" "Did you mean": the query with each unknown word replaced by the closest word of the
published profiles ("Eriteria": "Eritrea"), else the country the countries' matcher suggests
(rcp.countries.suggest_country, which knows every name and alias); a suggestion that names a
country is given in the reader's language ("Érythrée" on /fr/). Python's difflib compares the
words, on SQLite and PostgreSQL alike.

The words are those of the published profiles only (names, acronyms, countries taking part,
focus areas, organisations, meeting places): a draft's name never appears in a suggestion,
and the search page offers one only if it finds something. They are read in one query, once
per change of the data (rcp.data_version), not on every search.
"""

import difflib
import re
import threading

from django.db.models import F
from django.utils import translation
from django_countries.fields import Country

from rcp import data_version
from rcp.countries import resolve_country, suggest_country
from rcp.models import FocusArea, Meeting, Organisation, Participation, Process
from rcp.multilingual import LANGUAGE_CODES, column
from rcp.search.query import fold

CUTOFF = 0.8
MIN_WORD_LENGTH = 4  # shorter words are left as written: too many words are close to them
WORD = re.compile(r"\w+")


def _columns(field_name: str) -> list:
    return [column(field_name, language) for language in LANGUAGE_CODES]


def _published_names():
    """(English, French, Spanish) names of everything published, in one query; a country is
    its code, three times."""
    published = Process.objects.published()
    sources = [
        published.values_list(*_columns("name")),
        published.values_list(*_columns("acronym")),
        FocusArea.objects.published().values_list(*_columns("name")),
        Organisation.objects.published().values_list(*_columns("name")),
        Organisation.objects.published().values_list(*_columns("acronym")),
        Meeting.objects.filter(process__in=published).values_list(*_columns("city")),
        Participation.objects.published()
        .annotate(fr=F("country"), es=F("country"))
        .values_list("country", "fr", "es"),
    ]
    first, *rest = (source.order_by() for source in sources)
    return first.union(*rest)


class _Vocabulary:
    """Each language's words (folded form: as written), for the data version it was read at."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version: str | None = None
        self.words: dict[str, dict[str, str]] = {}
        self.by_length: dict[str, dict[int, list[str]]] = {}

    def read(self) -> None:
        words: dict[str, dict[str, str]] = {language: {} for language in LANGUAGE_CODES}
        countries = set()
        for row in _published_names():
            if len(row[0] or "") == 2 and row[0] == row[1] == row[2] and row[0].isupper():
                countries.add(row[0])
            for language, text in zip(LANGUAGE_CODES, row, strict=False):
                self._add(words[language], text)
        for language in LANGUAGE_CODES:
            with translation.override(language):
                for code in countries:
                    self._add(words[language], str(Country(code=code).name))
        self.words = words
        self.by_length = {language: _by_length(words[language]) for language in LANGUAGE_CODES}

    @staticmethod
    def _add(words: dict[str, str], text) -> None:
        for word in WORD.findall(str(text or "")):
            words.setdefault(fold(word), word)


_vocabulary = _Vocabulary()


def vocabulary() -> _Vocabulary:
    """The words of the published profiles. One query, two when the data changed."""
    version = data_version.in_database()
    with _vocabulary.lock:
        if version != _vocabulary.version:
            _vocabulary.read()
            _vocabulary.version = version
        return _vocabulary


def _by_length(words: dict[str, str]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for word in words:
        grouped.setdefault(len(word), []).append(word)
    return grouped


def _closest(word: str, by_length: dict[int, list[str]]) -> str | None:
    # A ratio of 0.8 needs lengths within 2/3 and 3/2 of each other: the others never match.
    candidates = [
        candidate
        for length in range(len(word) * 2 // 3, len(word) * 3 // 2 + 2)
        for candidate in by_length.get(length, ())
    ]
    matches = difflib.get_close_matches(word, candidates, n=1, cutoff=CUTOFF)
    return matches[0] if matches else None


def suggestions(query: str, language: str) -> list[str]:
    """What the reader most likely meant by ``query``, the likeliest first (at most two: the
    query with its words corrected, and a country the countries' matcher suggests); none when
    nothing is close."""
    known = vocabulary()
    everything = set().union(*known.words.values())
    order = [language, *(code for code in LANGUAGE_CODES if code != language)]
    corrected, changed = [], False
    for written in query.split():
        folded = fold(written)
        if len(folded) < MIN_WORD_LENGTH or folded in everything:
            corrected.append(written)
            continue
        for code in order:
            match = _closest(folded, known.by_length[code])
            if match:
                corrected.append(known.words[code][match])
                changed = True
                break
        else:
            corrected.append(written)
    found = []
    if changed:
        suggestion = " ".join(corrected)
        found.append(_country_name(resolve_country(suggestion), language) or suggestion)
    english = suggest_country(query)
    if english:
        found.append(_country_name(resolve_country(english), language))
    return [suggestion for suggestion in dict.fromkeys(found) if suggestion]


def _country_name(code: str | None, language: str) -> str | None:
    if code is None:
        return None
    with translation.override(language):
        return str(Country(code=code).name)
