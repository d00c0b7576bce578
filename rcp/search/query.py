"""Finding and ranking the published profiles a query matches (see rcp/search/__init__.py).

Everything a query may match is asked in one query of the processes: their own text (names,
acronyms, objectives), their focus areas, organisations and meetings (subqueries), each a
condition of its own, so that a process is found when one of them holds every word; countries
are asked in a second query, of the participations. Each kind of match adds to the score.
"""

import functools
import operator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.utils import translation
from django_countries import countries
from django_countries.fields import Country

from rcp.countries import normalise_country_text, resolve_country
from rcp.models import (
    FocusArea,
    Meeting,
    Organisation,
    Participation,
    ParticipationRole,
    Process,
    ProcessFocusArea,
    ProcessOrganisation,
    reading_order_key,
)
from rcp.multilingual import LANGUAGE_CODES, column
from rcp.search import vectors

# How much each kind of match counts towards a result's rank.
NAME_WEIGHT = 3.0
COUNTRY_WEIGHT = 2.0
FOCUS_AREA_WEIGHT = 1.5
ORGANISATION_WEIGHT = 1.5
MEETING_WEIGHT = 1.0
TEXT_WEIGHT = 1.0
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
#: Results shown on the page, best first: beyond, adding words narrows the search.
SHOWN = 20


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case, accents and punctuation folded, as the countries' matcher reads names (kept: a
    snippet folds the same words again and again)."""
    return normalise_country_text(text)


def clean_query(query) -> str:
    """The query as searched: control characters (NUL included) dropped, spaces collapsed, at
    most :data:`MAX_QUERY_LENGTH` characters."""
    text = str(query or "")[: MAX_QUERY_LENGTH * 4]
    text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


@functools.cache
def _country_names(language: str) -> tuple[tuple[str, str], ...]:
    with translation.override(language):
        return tuple((country.code, fold(country.name)) for country in countries)


def matching_country_codes(query: str) -> set[str]:
    """Countries the query names: by a name containing it in any of the site's languages, or
    by any name the imports' matcher knows (rcp.countries.resolve_country: "UK", "Ivory
    Coast", "Swaziland", "Czech Republic", "Burma", codes)."""
    wanted = fold(query)
    if len(wanted) < MIN_QUERY_LENGTH:
        return set()
    codes = set()
    for language, _name in settings.LANGUAGES:
        for code, name in _country_names(language):
            if name == wanted or (len(wanted) >= 3 and wanted in name):
                codes.add(code)
    resolved = resolve_country(query)
    if resolved:
        codes.add(resolved)
    return codes


def any_of(conditions) -> Q:
    return functools.reduce(operator.or_, (Q(condition) for condition in conditions))


def _full_text() -> bool:
    return connection.vendor == "postgresql"


def containing(fields: list[str], query: str) -> Q:
    """One of ``fields`` (in every language of a translated one) containing the query."""
    return any_of(Q(**{f"{name}__icontains": query}) for name in fields)


def in_every_language(field_name: str) -> list[str]:
    return [column(field_name, language) for language in LANGUAGE_CODES]


def name_condition(query: str) -> Q:
    """A process's name containing the query, or its acronym being the query, in any
    language."""
    return containing(in_every_language("name"), query) | any_of(
        Q(**{f"{name}__iexact": query}) for name in in_every_language("acronym")
    )


def own_text_condition(query: str, full_text: bool) -> Q | None:
    """A process's own text (name, acronym, objectives) holding every word of the query."""
    if full_text:
        return Q(vectors.StoredMatch(query))
    words = [word for word in query.split() if len(word) >= MIN_QUERY_LENGTH]
    if not words:
        return None
    # Every word in the objectives of one language.
    return any_of(
        Q(*(Q(**{f"{column('objectives', language)}__icontains": w}) for w in words))
        for language in LANGUAGE_CODES
    )


def text_condition(fields: list[str], query: str, full_text: bool) -> Q:
    """A row of a part (focus area, organisation, meeting) whose text holds the query: its
    stored vectors on PostgreSQL (which read names word for word too), else its fields."""
    if full_text:
        return Q(vectors.StoredMatch(query))
    return containing(fields, query)


def matching_focus_areas(query: str, full_text):
    return FocusArea.objects.filter(
        text_condition(in_every_language("name"), query, full_text)
    ).values("pk")


def matching_organisations(query: str, full_text):
    fields = [*in_every_language("name"), "english_name"]
    acronym = any_of(Q(**{f"{name}__iexact": query}) for name in in_every_language("acronym"))
    return Organisation.objects.filter(text_condition(fields, query, full_text) | acronym).values(
        "pk"
    )


def matching_meetings(query: str, full_text, codes: set[str]):
    fields = [*in_every_language("title"), *in_every_language("city")]
    condition = text_condition(fields, query, full_text)
    if codes:
        condition |= Q(country__in=codes)
    return Meeting.objects.filter(condition)


@dataclass
class Conditions:
    """The conditions of a query on the processes and their parts, as subqueries: for the
    search, and again for the snippets of the results shown."""

    query: str
    codes: set[str]
    full_text: bool = False

    @classmethod
    def of(cls, query: str, codes: set[str]) -> "Conditions":
        return cls(query, codes, _full_text() and bool(fold(query)))

    @functools.cached_property
    def focus_areas(self):
        return matching_focus_areas(self.query, self.full_text)

    @functools.cached_property
    def organisations(self):
        return matching_organisations(self.query, self.full_text)

    @functools.cached_property
    def meetings(self):
        return matching_meetings(self.query, self.full_text, self.codes)

    def annotations(self) -> dict:
        """Whether each kind of text matched, as booleans. The parts are asked as ``IN``
        subqueries that do not depend on the row (each run once, then looked up), not as
        ``EXISTS`` per process: PostgreSQL's planner then reckons the search cheap, as it is,
        instead of compiling it (JIT) for a cost it would never have."""
        organisations = self.organisations
        through = Process.associated_organisations.through

        def flag(condition):
            return ExpressionWrapper(condition, output_field=BooleanField())

        own = own_text_condition(self.query, self.full_text)
        return {
            "named": flag(name_condition(self.query)),
            "own_text": flag(own) if own is not None else Value(False),
            "in_focus_areas": flag(
                Q(
                    pk__in=ProcessFocusArea.objects.filter(focus_area__in=self.focus_areas).values(
                        "process"
                    )
                )
            ),
            "in_organisations": flag(
                Q(
                    pk__in=ProcessOrganisation.objects.filter(
                        organisation__in=organisations
                    ).values("process")
                )
                | Q(pk__in=through.objects.filter(organisation__in=organisations).values("process"))
                | Q(secretariat_organisation__in=organisations)
            ),
            "in_meetings": flag(Q(pk__in=self.meetings.values("process"))),
        }

    def rank(self):
        """PostgreSQL's rank of a process's own text (names over objectives), else None."""
        return vectors.StoredRank(self.query) if self.full_text else None


@dataclass
class Matches:
    """Every published process a query matches, with its score and why."""

    conditions: Conditions | None = None
    scores: dict[int, float] = field(default_factory=dict)
    reasons: dict[int, list[str]] = field(default_factory=dict)
    #: The countries named that each process takes part in.
    country_codes: dict[int, list[str]] = field(default_factory=dict)

    @property
    def countries(self) -> list[Country]:
        codes = {code for found in self.country_codes.values() for code in found}
        return sorted(
            (Country(code=code) for code in codes),
            key=lambda country: reading_order_key(country.name),
        )

    def best(self, count: int) -> list[int]:
        """The ids of the best ``count`` results (ties: the profile created first)."""
        return sorted(self.scores, key=lambda pk: (-self.scores[pk], pk))[:count]


KINDS = {
    "own_text": TEXT_WEIGHT,
    "in_focus_areas": FOCUS_AREA_WEIGHT,
    "in_organisations": ORGANISATION_WEIGHT,
    "in_meetings": MEETING_WEIGHT,
}


def text_matches(conditions: Conditions, matches: Matches) -> None:
    """The processes whose text or parts match: one query."""
    annotations = conditions.annotations()
    found = Process.objects.published().order_by().annotate(**annotations)
    found = found.filter(any_of(Q(**{name: True}) for name in annotations))
    rank = conditions.rank()
    names = list(annotations)
    if rank is not None:
        found = found.annotate(rank=rank)
    rows = found.values_list("pk", *names, *(["rank"] if rank is not None else []))
    for pk, *flags in rows:
        values = dict(zip(names, flags, strict=False))
        text_rank = float(flags[-1] or 0) if rank is not None else 0.0
        score, reasons = 0.0, []
        if values["named"]:
            score += NAME_WEIGHT
            reasons.append("name")
        for kind, weight in KINDS.items():
            if values[kind]:
                score += weight + (text_rank if kind == "own_text" else 0.0)
                reasons.append(kind)
        matches.scores[pk] = score
        matches.reasons[pk] = reasons


def country_matches(codes: set[str], matches: Matches) -> None:
    """The processes taking part in a country the query names: one query, none when the query
    names no country. A country match counts once per process (its best role), however many
    of the process's countries match ("Guinea" names four), so it never outweighs a name."""
    if not codes:
        return
    best: dict[int, float] = {}
    for process_id, role, code in (
        Participation.objects.published()
        .filter(country__in=codes)
        .values_list("process_id", "role", "country")
    ):
        weight = COUNTRY_WEIGHT if role == ParticipationRole.MEMBER else COUNTRY_WEIGHT / 2
        best[process_id] = max(weight, best.get(process_id, 0.0))
        matches.country_codes.setdefault(process_id, []).append(code)
    for process_id, weight in best.items():
        matches.scores[process_id] = matches.scores.get(process_id, 0.0) + weight
        matches.reasons.setdefault(process_id, []).append("country")


def find(query: str) -> Matches:
    """Published processes matching ``query`` (cleaned), with their scores. Two queries (one
    when the query names no country)."""
    if len(query) < MIN_QUERY_LENGTH:
        return Matches()
    codes = matching_country_codes(query)
    conditions = Conditions.of(query, codes)
    matches = Matches(conditions=conditions)
    text_matches(conditions, matches)
    country_matches(codes, matches)
    return matches
