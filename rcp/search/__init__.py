"""Search across published profiles: names, acronyms, objectives, countries, focus areas,
organisations and meeting places, forgiving the way people write them.

What is searched
    Every text in every language a profile is written in (English, French and Spanish,
    rcp/multilingual.py), whatever the language of the page: "Processus de Tripoli" and
    "Proceso de Trípoli" find the Tripoli Process from /, /fr/ and /es/; results read in the
    page's language. A process is found by its own text (name, acronym, objectives), or by a
    focus area, an organisation (taking part, associated or its secretariat) or a meeting
    (title, city, country) holding every word of the query, or by a country it names.

How
    On PostgreSQL with full-text search over stored, GIN-indexed vectors, one per language and
    table, kept up to date by the database on every write (rcp/search/vectors.py), read with
    each language's text search configuration (its stemming and stop words: "des migrations
    irrégulières" finds "migration irrégulière") and word for word, ranked with ``SearchRank``
    (names weigh more than objectives); elsewhere (SQLite, locally) with a plain
    case-insensitive match. On both, a name containing the query, or an acronym that is the
    query, counts most (rcp/search/query.py).

Countries
    Named by any name the imports' matcher knows (rcp.countries.resolve_country: "UK", "Ivory
    Coast", "Swaziland", "Czech Republic", "Burma", codes) or by a part of their name in any
    language ("Maroc", "Marruecos" and "Morocco" find the same processes); the page offers the
    pages of the countries found.

The page
    Results come best first, at most :data:`SHOWN`, each with a snippet of what matched, its
    words marked (rcp/search/snippets.py). A query that finds nothing gets a "did you mean"
    (rcp/search/suggestions.py) when a close one finds something. A search costs a constant
    number of queries, whatever the number of profiles.
"""

import html
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country

from rcp.models import Organisation, Process, ProcessFocusArea, reading_order_key
from rcp.multilingual import LANGUAGE_CODES, SOURCE_LANGUAGE, column, fallback_language
from rcp.search import snippets, suggestions
from rcp.search.query import (
    MAX_QUERY_LENGTH,
    MIN_QUERY_LENGTH,
    SHOWN,
    Matches,
    clean_query,
    find,
    fold,
    matching_country_codes,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "MIN_QUERY_LENGTH",
    "SHOWN",
    "SearchPage",
    "SearchResult",
    "clean_query",
    "matching_countries",
    "matching_country_codes",
    "search",
    "search_processes",
]

SEPARATOR = "\x1f"  # between the parts of a text read in one subquery


@dataclass
class SearchResult:
    process: Process
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    snippet: object = None
    snippet_label: str = ""
    snippet_language: str | None = None


@dataclass
class SearchPage:
    """What the search page shows for a query."""

    query: str
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    countries: list = field(default_factory=list)
    suggestion: str | None = None


def shown(field_name: str, language: str):
    """``field_name`` as a page in ``language`` shows it: its translation, else its English.
    ``field_name`` may follow a relation: ``"focus_area__name"``."""
    prefix, _dot, name = field_name.rpartition("__")
    prefix = f"{prefix}__" if prefix else ""
    text = TextField()
    english = Cast(F(prefix + column(name, SOURCE_LANGUAGE)), text)
    if language == SOURCE_LANGUAGE:
        return Coalesce(english, Value(""), output_field=text)
    translated = NullIf(Cast(F(prefix + column(name, language)), text), Value(""))
    return Coalesce(translated, english, Value(""), output_field=text)


def snippet_sources(matches: Matches, language: str) -> dict:
    """Subqueries reading, for each result shown, the first focus area, organisation and
    meeting that matched, as the reader's page names them."""
    conditions = matches.conditions
    process = OuterRef("pk")
    focus_area = (
        ProcessFocusArea.objects.filter(process=process, focus_area__in=conditions.focus_areas)
        .order_by("position")
        .values_list(shown("focus_area__name", language))[:1]
    )
    organisation = (
        Organisation.objects.filter(pk__in=conditions.organisations)
        .filter(
            Q(process_roles__process=process)
            | Q(associated_processes=process)
            | Q(secretariat_of=process)
        )
        .order_by("pk")
        .values_list(
            Concat(
                shown("name", language),
                Value(SEPARATOR),
                shown("acronym", language),
                output_field=TextField(),
            )
        )[:1]
    )
    meeting = (
        conditions.meetings.filter(process=process)
        .order_by("-start_date")
        .values_list(
            Concat(
                shown("title", language),
                Value(SEPARATOR),
                shown("city", language),
                Value(SEPARATOR),
                Cast(F("country"), TextField()),
                output_field=TextField(),
            )
        )[:1]
    )
    return {
        "snippet_focus_area": Subquery(focus_area),
        "snippet_organisation": Subquery(organisation),
        "snippet_meeting": Subquery(meeting),
    }


def _organisation_text(value: str) -> str:
    name, _sep, acronym = value.partition(SEPARATOR)
    return f"{name} ({acronym})" if acronym else name


def _meeting_text(value: str) -> str:
    title, city, country = [*value.split(SEPARATOR), "", "", ""][:3]
    parts = [title, city, str(Country(code=country).name) if country else ""]
    return ", ".join(part for part in parts if part)


def _snippet(result: SearchResult, matches: Matches, terms: snippets.Terms) -> None:
    """The best of the result's matched texts, its words marked; else its objectives' start."""
    process = result.process
    objectives = " ".join(html.unescape(strip_tags(process.objectives_html)).split())
    countries = sorted(
        (str(Country(code=code).name) for code in matches.country_codes.get(process.pk, [])),
        key=reading_order_key,
    )
    candidates = [
        ("", objectives, fallback_language(process, "objectives")),
        (_("Focus areas:"), process.snippet_focus_area or "", None),
        (_("Organisations:"), _organisation_text(process.snippet_organisation or ""), None),
        (_("Meetings:"), _meeting_text(process.snippet_meeting or ""), None),
        (_("Countries:"), ", ".join(countries), None),
    ]
    best = None
    for label, text, language in candidates:
        if not text:
            continue
        marked, score = snippets.highlight(text, terms)
        if marked is not None and (best is None or score > best[0]):
            best = (score, marked, label, language)
    if best is None and objectives:
        best = (0, snippets.beginning(objectives), "", candidates[0][2])
    if best is not None:
        _score, result.snippet, result.snippet_label, result.snippet_language = best


def _results(matches: Matches, query: str, language: str) -> list[SearchResult]:
    """The best results, loaded for their cards and snippets. Three queries."""
    best = matches.best(SHOWN)
    if not best:
        return []
    processes = (
        Process.objects.published()
        .with_member_counts()
        .annotate(**snippet_sources(matches, language))
        .prefetch_related("regions", "associated_organisations")
        .in_bulk(best)
    )
    terms = snippets.Terms.of(query, [str(country.name) for country in matches.countries])
    results = []
    for pk in best:
        if pk in processes:
            result = SearchResult(
                process=processes[pk], score=matches.scores[pk], reasons=matches.reasons[pk]
            )
            _snippet(result, matches, terms)
            results.append(result)
    results.sort(key=lambda result: (-result.score, result.process.name))
    return results


def _suggestion(query: str, language: str) -> str | None:
    """The first suggestion that finds something: at most two searches."""
    for suggestion in suggestions.suggestions(query, language):
        if fold(suggestion) != fold(query) and find(clean_query(suggestion)).scores:
            return suggestion
    return None


def search(query: str, *, language: str | None = None) -> SearchPage:
    """Everything the search page shows for ``query``, in ``language`` (by default the
    active one). A constant number of queries, whatever the number of profiles."""
    language = language or translation.get_language() or SOURCE_LANGUAGE
    if language not in LANGUAGE_CODES:
        language = SOURCE_LANGUAGE
    query = clean_query(query)
    page = SearchPage(query=query)
    if len(query) < MIN_QUERY_LENGTH:
        return page
    with translation.override(language):
        matches = find(query)
        page.total = len(matches.scores)
        page.countries = matches.countries
        page.results = _results(matches, query, language)
        if not page.total:
            page.suggestion = _suggestion(query, language)
    return page


def search_processes(query: str) -> list[SearchResult]:
    """The best published processes matching ``query``, best first."""
    return search(query).results


def matching_countries(query: str) -> list:
    """The countries the query names that take part in a published process."""
    return find(clean_query(query)).countries
