"""The shared records a legacy page names: organisations, focus areas and regions.

Every profile uses the same records, so a page's "IOM" is the organisation on file whenever
one matches: by acronym (and name, when several share the acronym), else by name or English
name, else (a bare upper-case name) by acronym; a focus area by name or web address; a region
by name. A record the page names that is not on file is planned as new, and an organisation
on file gains only what it lacks: an acronym or English name, and the end of one that ceased
to exist (:mod:`rcp.legacy.ceased_organisations`), with its successor.

The records are read in a fixed number of queries whatever the page's length, and nothing is
written here: planning an import (:mod:`rcp.legacy.plan`) shows the editor what would change,
and the import saves :attr:`References.to_save`, in order, before the profile.
"""

import functools
import operator

from django.db.models import Q
from django.utils.text import capfirst, slugify

from rcp.legacy.ceased_organisations import find_ceased
from rcp.legacy.profile import ParsedOrganisation
from rcp.models import FocusArea, Organisation, Region
from rcp.multilingual import LANGUAGE_CODES, SOURCE_LANGUAGE, column, text_in

#: Names looked up per query: SQLite refuses an expression nested deeper than 1,000 levels, and
#: a chain of ORs nests one level per condition (a hostile page may name thousands).
LOOKUP_BATCH = 200


def _same(stored: str, written: str) -> bool:
    """The comparison of ``iexact``: the same text, whatever the case."""
    return bool(stored) and stored.casefold() == written.casefold()


def _matching(model, conditions: list[Q]) -> list:
    found: dict[int, object] = {}
    for start in range(0, len(conditions), LOOKUP_BATCH):
        batch = conditions[start : start + LOOKUP_BATCH]
        for record in model.objects.filter(functools.reduce(operator.or_, batch)):
            found[record.pk] = record
    return sorted(found.values(), key=lambda record: (_english(record, "name"), record.pk))


def _english(record, field: str) -> str:
    """The English text of a translated field (named explicitly: ``record.name`` reads the
    active language, and the admin may be in French)."""
    return text_in(record, field, SOURCE_LANGUAGE)


def _in_any(field: str, text: str, languages) -> Q:
    """``field`` is ``text`` (whatever the case) in one of ``languages``."""
    return functools.reduce(
        operator.or_, [Q(**{f"{column(field, language)}__iexact": text}) for language in languages]
    )


def _organisation_conditions(parsed: ParsedOrganisation, languages=(SOURCE_LANGUAGE,)) -> list[Q]:
    conditions = [_in_any("name", parsed.name, languages), Q(english_name__iexact=parsed.name)]
    if parsed.acronym:
        conditions.append(_in_any("acronym", parsed.acronym, languages))
    elif parsed.name.isupper():
        conditions.append(_in_any("acronym", parsed.name, languages))
    ceased = find_ceased(parsed.name, parsed.acronym)
    if ceased:
        conditions += _organisation_conditions(_successor(ceased))
    return conditions


def _successor(ceased) -> ParsedOrganisation:
    return ParsedOrganisation(name=ceased.successor_name, acronym=ceased.successor_acronym)


class References:
    """The records a page names, read once; ``organisation()``, ``focus_area()`` and
    ``region()`` give the record to use for a name, planning it if it is not on file.

    The names are English ones (new records are written in English); ``any_language`` looks
    organisations up by their names in every language instead, for a translated page, which
    only finds them (:meth:`find_organisation`)."""

    def __init__(
        self,
        *,
        organisations: list[ParsedOrganisation] = (),
        focus_areas: list[str] = (),
        regions: list[str] = (),
        any_language: bool = False,
    ):
        self.languages = LANGUAGE_CODES if any_language else (SOURCE_LANGUAGE,)
        self.to_save: list = []
        #: What the import changes in organisations on file, as (organisation, [(label, old,
        #: new)]), for the preview.
        self.completed: list[tuple[Organisation, list[tuple[str, str, str]]]] = []
        self._resolved: dict[tuple[str, str], Organisation] = {}
        self._queued: set[int] = set()
        # The organisations by acronym, and by name or English name (casefolded), each list
        # in the order of the organisations' names, as a query's first() would take them.
        self._by_acronym: dict[str, list[Organisation]] = {}
        self._by_name: dict[str, list[Organisation]] = {}
        for organisation in self._load_organisations(organisations, self.languages):
            self._index(organisation)
        self._focus_areas_by_name: dict[str, FocusArea] = {}
        self._focus_areas_by_slug: dict[str, FocusArea] = {}
        found_areas = _matching(
            FocusArea,
            [Q(name_en__iexact=name) | Q(slug=slugify(name)[:150]) for name in focus_areas],
        )
        for area in reversed(found_areas):  # the first by name wins
            self._focus_areas_by_name[_english(area, "name").casefold()] = area
            self._focus_areas_by_slug[area.slug] = area
        self._regions: dict[str, Region] = {}
        for region in reversed(_matching(Region, [Q(name_en__iexact=name) for name in regions])):
            self._regions[_english(region, "name").casefold()] = region

    @staticmethod
    def _load_organisations(organisations, languages) -> list[Organisation]:
        conditions = [
            c for parsed in organisations for c in _organisation_conditions(parsed, languages)
        ]
        found = _matching(Organisation, conditions)
        # An organisation on file that ceased needs its successor too (its own name may not be
        # the page's): a second query, for those not read yet.
        successors = [
            condition
            for organisation in found
            if (
                ceased := find_ceased(
                    _english(organisation, "name"), _english(organisation, "acronym")
                )
            )
            and organisation.ceased_year is None
            for condition in _organisation_conditions(_successor(ceased))
        ]
        if successors:
            known = {organisation.pk for organisation in found}
            found += [o for o in _matching(Organisation, successors) if o.pk not in known]
        return found

    @property
    def new(self) -> list:
        """The records the import adds to the shared lists."""
        return [record for record in self.to_save if record.pk is None]

    def _queue(self, record) -> None:
        if id(record) not in self._queued:
            self._queued.add(id(record))
            self.to_save.append(record)

    # Organisations ---------------------------------------------------------------------------

    def _index(self, organisation: Organisation) -> None:
        texts = [(self._by_name, organisation.english_name)]
        for language in self.languages:
            texts += [
                (self._by_acronym, text_in(organisation, "acronym", language)),
                (self._by_name, text_in(organisation, "name", language)),
            ]
        for index, text in texts:
            if not text:
                continue
            found = index.setdefault(text.casefold(), [])
            if not any(known is organisation for known in found):
                found.append(organisation)
                found.sort(key=lambda known: _english(known, "name"))

    def _match(self, parsed: ParsedOrganisation) -> Organisation | None:
        if parsed.acronym:
            same_acronym = self._by_acronym.get(parsed.acronym.casefold(), [])
            found = next(
                (
                    o
                    for o in same_acronym
                    if any(_same(text_in(o, "name", lang), parsed.name) for lang in self.languages)
                ),
                same_acronym[0] if len(same_acronym) == 1 else None,
            )
            if found is not None:
                return found
        same_name = self._by_name.get(parsed.name.casefold(), [])
        if same_name:
            return same_name[0]
        if not parsed.acronym and parsed.name.isupper():
            return next(iter(self._by_acronym.get(parsed.name.casefold(), [])), None)
        return None

    def find_organisation(self, parsed: ParsedOrganisation) -> Organisation | None:
        """The organisation on file for ``parsed``, or None: nothing is planned."""
        return self._match(parsed)

    def organisation(self, parsed: ParsedOrganisation) -> Organisation:
        """The organisation on file for ``parsed``, or a new one."""
        key = (parsed.name.casefold(), parsed.acronym.casefold())
        if key in self._resolved:
            return self._resolved[key]
        found = self._match(parsed)
        changes = []
        if found is None:
            found = Organisation(
                name_en=parsed.name, acronym_en=parsed.acronym, english_name=parsed.english_name
            )
        else:
            for name, field in (("acronym_en", "acronym"), ("english_name", "english_name")):
                if not getattr(found, name) and getattr(parsed, field):
                    setattr(found, name, getattr(parsed, field))
                    changes.append((_label(Organisation, field), "", getattr(parsed, field)))
        # Found by the names that follow, as a saved one would be.
        self._index(found)
        self._resolved[key] = found
        ceased = find_ceased(_english(found, "name"), _english(found, "acronym"))
        if ceased and found.ceased_year is None:
            found.ceased_year = ceased.ceased_year
            # Before ``found``: the successor is saved first.
            found.succeeded_by = self.organisation(_successor(ceased))
            changes.append((_label(Organisation, "ceased_year"), "", str(ceased.ceased_year)))
            changes.append((_label(Organisation, "succeeded_by"), "", str(found.succeeded_by)))
        if found.pk is None:
            self._queue(found)
        elif changes:
            self._queue(found)
            self.completed.append((found, changes))
        return found

    # Focus areas and regions -----------------------------------------------------------------

    def focus_area(self, name: str) -> FocusArea:
        """By name (whatever the case), else by web address; or a new one."""
        slug = slugify(name)[:150]
        found = self._focus_areas_by_name.get(name.casefold())
        found = found or self._focus_areas_by_slug.get(slug)
        if found is None:
            found = FocusArea(name_en=name, slug=slug)
            self._focus_areas_by_name[name.casefold()] = self._focus_areas_by_slug[slug] = found
            self._queue(found)
        return found

    def region(self, name: str) -> Region:
        found = self._regions.get(name.casefold())
        if found is None:
            found = Region(name_en=name, slug=slugify(name)[:100])
            self._regions[name.casefold()] = found
            self._queue(found)
        return found


def record_key(record) -> tuple:
    """Names a record, saved or planned, in plain data (a planned one has no primary key)."""
    if record is None:
        return ()
    if record.pk is not None:
        return (record._meta.label, record.pk)
    return (
        record._meta.label,
        "new",
        _english(record, "name"),
        _english(record, "acronym") if hasattr(record, "acronym_en") else "",
    )


def _label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)
