"""Search across published profiles: names, acronyms, objectives, countries and organisations.

Text is searched in every language a profile is written in (English, French and Spanish,
rcp/multilingual.py), whatever the language of the page: "Processus de Tripoli" and "Proceso
de Trípoli" find the Tripoli Process from /, /fr/ and /es/; results read in the page's language.
It is searched with PostgreSQL's full-text search (ranked with ``SearchRank``) where the
database is PostgreSQL, each language's columns with that language's text search configuration
(its stemming and stop words: "des migrations irrégulières" finds "migration irrégulière"), and
with a plain case-insensitive match elsewhere (SQLite, locally).
Countries are matched by their names in every language the site speaks, so "Maroc",
"Marruecos" and "Morocco" find the same processes; organisations by name or acronym. Each
kind of match adds to a process's score, and results come best first.
"""

import functools
import operator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Greatest
from django.utils import translation
from django_countries import countries
from django_countries.fields import Country

from rcp.countries import normalise_country_text
from rcp.models import (
    Organisation,
    Participation,
    ParticipationRole,
    Process,
    reading_order_key,
)
from rcp.multilingual import LANGUAGE_CODES, column

# How much each kind of match counts towards a result's rank.
NAME_WEIGHT = 3.0
COUNTRY_WEIGHT = 2.0
ORGANISATION_WEIGHT = 1.5
TEXT_WEIGHT = 1.0
MIN_QUERY_LENGTH = 2

#: PostgreSQL's text search configuration for the columns of each language.
TEXT_SEARCH_CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}


@dataclass
class SearchResult:
    process: Process
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


def matching_country_codes(query: str) -> set[str]:
    """Countries whose name, in any of the site's languages, contains the query."""
    wanted = normalise_country_text(query)
    if len(wanted) < MIN_QUERY_LENGTH:
        return set()
    codes = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for country in countries:
                name = normalise_country_text(country.name)
                if name == wanted or (len(wanted) >= 3 and wanted in name):
                    codes.add(country.code)
    return codes


def matching_countries(query: str) -> list:
    """The countries the query names that take part in a published process, whose pages a
    search offers beside the processes. One query, none when no country matches."""
    codes = matching_country_codes(" ".join(str(query or "").split()))
    if not codes:
        return []
    taking_part = set(
        Participation.objects.published()
        .filter(country__in=codes)
        .values_list("country", flat=True)
        .distinct()
    )
    return sorted(
        (Country(code=code) for code in taking_part),
        key=lambda country: reading_order_key(country.name),
    )


def any_of(conditions) -> Q:
    return functools.reduce(operator.or_, conditions)


def in_any_language(field: str, lookup: str, value) -> Q:
    """``field`` matching ``value`` in any language's column: ``name_en``, ``name_fr``..."""
    return any_of(Q(**{f"{column(field, code)}__{lookup}": value}) for code in LANGUAGE_CODES)


def name_condition(query: str) -> Q:
    """A name containing the query, or an acronym that is the query, in any language."""
    return in_any_language("name", "icontains", query) | in_any_language("acronym", "iexact", query)


def full_text_ranks(published, query: str) -> list[tuple[int, float]]:
    """Processes whose name, acronym or objectives in some language hold every word of the
    query (as websearch reads it) read with that language's stemming and stop words, with
    their best rank. The query is also read word for word ("simple"), for acronyms and names
    a stemmer would cut."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    documents, matches, ranks = {}, [], []
    for language in LANGUAGE_CODES:
        config = TEXT_SEARCH_CONFIGS[language]
        vector = (
            SearchVector(column("name", language), weight="A", config=config)
            + SearchVector(column("acronym", language), weight="A", config="simple")
            + SearchVector(column("objectives", language), weight="C", config=config)
        )
        search_query = SearchQuery(query, search_type="websearch", config=config) | (
            SearchQuery(query, search_type="websearch", config="simple")
        )
        documents[f"document_{language}"] = vector
        matches.append(Q(**{f"document_{language}": search_query}))
        ranks.append(SearchRank(vector, search_query))
    # Matching (every word, in one language), then ranked: a rank above zero alone would
    # also keep processes matching only some of the words.
    return list(
        published.annotate(**documents)
        .filter(any_of(matches))
        .annotate(rank=Greatest(*ranks))
        .values_list("pk", "rank")
    )


def text_matches(query: str) -> dict[int, float]:
    """Process ids whose name, acronym or objectives, in any language, match, with a rank.
    Two queries."""
    published = Process.objects.published()
    scores: dict[int, float] = {}
    for pk in published.filter(name_condition(query)).values_list("pk", flat=True):
        scores[pk] = NAME_WEIGHT
    if connection.vendor == "postgresql":
        for pk, rank in full_text_ranks(published, query):
            scores[pk] = scores.get(pk, 0.0) + TEXT_WEIGHT * (1 + float(rank))
        return scores
    words = [word for word in query.split() if len(word) >= MIN_QUERY_LENGTH]
    if words:
        # Every word in the objectives of one language.
        condition = any_of(
            Q(*(Q(**{f"{column('objectives', language)}__icontains": w}) for w in words))
            for language in LANGUAGE_CODES
        )
        for pk in published.filter(condition).values_list("pk", flat=True):
            scores[pk] = scores.get(pk, 0.0) + TEXT_WEIGHT
    return scores


def search_processes(query: str) -> list[SearchResult]:
    """Published processes matching ``query``, best first. A constant number of queries."""
    query = " ".join(str(query or "").split())
    if len(query) < MIN_QUERY_LENGTH:
        return []
    scores = text_matches(query)
    reasons: dict[int, list[str]] = {pk: ["text"] for pk in scores}

    codes = matching_country_codes(query)
    if codes:
        # A country match counts once per process (its best role), however many of the
        # process's countries match ("Guinea" names four), so it never outweighs a name.
        country_scores: dict[int, float] = {}
        for process_id, role in (
            Participation.objects.published()
            .filter(country__in=codes)
            .values_list("process_id", "role")
        ):
            weight = COUNTRY_WEIGHT if role == ParticipationRole.MEMBER else COUNTRY_WEIGHT / 2
            country_scores[process_id] = max(weight, country_scores.get(process_id, 0.0))
        for process_id, weight in country_scores.items():
            scores[process_id] = scores.get(process_id, 0.0) + weight
            reasons.setdefault(process_id, []).append("country")

    organisation_ids = list(
        Organisation.objects.filter(
            name_condition(query) | Q(english_name__icontains=query)
        ).values_list("pk", flat=True)
    )
    if organisation_ids:
        linked = Process.objects.published().filter(
            Q(organisation_roles__organisation__in=organisation_ids)
            | Q(associated_organisations__in=organisation_ids)
            | Q(secretariat_organisation__in=organisation_ids)
        )
        # Once per process: the joins give a row per combination of its organisations.
        for process_id in linked.values_list("pk", flat=True).distinct():
            scores[process_id] = scores.get(process_id, 0.0) + ORGANISATION_WEIGHT
            reasons.setdefault(process_id, []).append("organisation")

    if not scores:
        return []
    processes = (
        Process.objects.published()
        .with_member_counts()
        .prefetch_related("regions", "associated_organisations")
        .in_bulk(list(scores))
    )
    results = [
        SearchResult(process=processes[pk], score=score, reasons=sorted(set(reasons[pk])))
        for pk, score in scores.items()
        if pk in processes
    ]
    results.sort(key=lambda result: (-result.score, result.process.name))
    return results
