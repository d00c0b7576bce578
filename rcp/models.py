"""The profile of a migration dialogue, normalised so that every list and count comes from data.

A :class:`Process` (an RCP, an inter-regional forum or a global process) has
countries taking part in it (:class:`Participation`), organisations taking part
in it (:class:`ProcessOrganisation`), focus areas, chairs and meetings. Display
rules (the "81 Members (...)" header, sorted country lists, date styles) live
here so the admin, the public pages, the importers and the tests share them.
"""

import functools
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from rcp.addresses import address
from rcp.countries import country_name_choices
from rcp.dates import DatePrecision, format_date_range, truncate_to_precision
from rcp.history_records import changeset
from rcp.multilingual import SOURCE_LANGUAGE, text_in
from rcp.text import (
    FormattedTextField,
    formatted_text_summary,
    render_formatted_text,
    validate_formatted_text_length,
    validate_no_editorial_markers,
)

EARLIEST_YEAR = 1900

FORMATTED_TEXT_HELP = _(
    "Plain text. Leave an empty line between paragraphs. Start lines with “- ” for a "
    "bulleted list. *Asterisks* give emphasis; [link text](https://example.org) makes a "
    "link. HTML is not kept."
)


class WebAddressField(models.URLField):
    """A URL field whose form adds "https://" when an editor leaves out the scheme."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


def spreadsheet_permissions(model_name: str, plural: str) -> list[tuple[str, str]]:
    """The permissions django-import-export checks (see IMPORT_EXPORT_*_PERMISSION_CODE)."""
    return [
        (f"import_{model_name}", f"Can import {plural} from CSV or Excel"),
        (f"export_{model_name}", f"Can export {plural} to CSV or Excel"),
    ]


def reading_order_key(text: str) -> str:
    """Sort key that ignores case and accents, so "Côte d'Ivoire" sorts beside "Croatia"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def country_names() -> dict[str, tuple[str, str]]:
    """Every country as ``code: (name, sort key)`` in the page's language, the sort key being
    the name's :func:`reading_order_key`: a table made once per language, as django-countries
    translates a name anew on every look-up, and a profile page names each of its countries
    three times (sorting, the list, the JSON-LD) and the data set 80,000 times."""
    return _country_names(translation.get_language() or SOURCE_LANGUAGE)


@functools.cache
def _country_names(language: str) -> dict[str, tuple[str, str]]:
    with translation.override(language):
        return {code: (name, reading_order_key(name)) for code, name in country_name_choices()}


def country_name(code: str) -> str:
    """The name of the country ``code`` in the page's language (see :func:`country_names`)."""
    found = country_names().get(code)
    return found[0] if found else str(Country(code).name)


def join_with_and(parts: list[str]) -> str:
    """Join phrases as a sentence does: "A", "A and B", "A, B and C"."""
    if len(parts) <= 1:
        return "".join(parts)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(parts[:-1]), "last": parts[-1]}


def validate_not_in_future(year: int | None) -> None:
    if year is not None and year > timezone.now().year:
        raise ValidationError(
            _("%(year)s is in the future: enter the year it actually happened."),
            code="future_year",
            params={"year": year},
        )


class RegionQuerySet(models.QuerySet):
    def published(self):
        """The regions a published profile covers: those the public site offers as a filter."""
        return self.filter(pk__in=Process.objects.published().values("regions"))


class RegionManager(models.Manager.from_queryset(RegionQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Region(models.Model):
    """A world region a process covers, e.g. "Africa", "Asia and the Pacific"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)

    objects = RegionManager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        permissions = spreadsheet_permissions("region", "regions")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name_en)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.slug,)


class OrganisationQuerySet(models.QuerySet):
    def published(self):
        """The organisations a published profile names (taking part, associated or as its
        secretariat): those with a public page. One query, no duplicates."""
        published = Process.objects.published()
        return self.filter(
            Q(pk__in=ProcessOrganisation.objects.published().values("organisation"))
            | Q(pk__in=published.values("associated_organisations"))
            | Q(pk__in=published.values("secretariat_organisation"))
        )


class OrganisationManager(models.Manager.from_queryset(OrganisationQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organisation(models.Model):
    """An organisation that takes part in processes, reused across all of them."""

    name = models.CharField(
        _("name"),
        max_length=250,
        unique=True,
        help_text=_("The official name, e.g. “Economic Community of West African States”."),
    )
    acronym = models.CharField(
        _("acronym"), max_length=30, blank=True, help_text=_("E.g. “ECOWAS”. Leave empty if none.")
    )
    english_name = models.CharField(
        _("English name"),
        max_length=250,
        blank=True,
        help_text=_("Only when the official name is in another language, e.g. French."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("Used in web addresses. Filled in from the acronym or name when left empty."),
    )
    website = WebAddressField(_("website"), blank=True)
    ceased_year = models.PositiveSmallIntegerField(
        _("ceased to exist in"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_YEAR), validate_not_in_future],
        help_text=_("The year the organisation ceased to exist, e.g. 2002. Empty if it exists."),
    )
    succeeded_by = models.ForeignKey(
        "self",
        verbose_name=_("succeeded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("The organisation that replaced it, e.g. the African Union for the OAU."),
    )

    objects = OrganisationManager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = spreadsheet_permissions("organisation", "organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ceased_year__isnull=True) | Q(ceased_year__gte=EARLIEST_YEAR),
                name="rcp_organisation_ceased_year_plausible",
            ),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("rcp:organisation-detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def display_name(self) -> str:
        """As IOM writes it: "Name (ACRONYM)" or "Nom (ACRONYM, English name)"."""
        extras = [part for part in (self.acronym, self.english_name) if part]
        return f"{self.name} ({', '.join(extras)})" if extras else self.name

    @property
    def has_ceased(self) -> bool:
        return self.ceased_year is not None

    def clean(self):
        super().clean()
        if self.succeeded_by_id and self.succeeded_by_id == self.pk:
            raise ValidationError({"succeeded_by": _("An organisation cannot succeed itself.")})
        if not self.slug:
            self.slug = self._unique_slug()

    def _unique_slug(self) -> str:
        base = slugify(self.acronym_en or self.name_en)[:90] or "organisation"
        slug, suffix = base, 2
        while Organisation.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, suffix = f"{base}-{suffix}", suffix + 1
        return slug


class FocusAreaQuerySet(models.QuerySet):
    def published(self):
        """The themes a published profile lists: those with a public page."""
        return self.filter(pk__in=ProcessFocusArea.objects.published().values("focus_area"))


class FocusAreaManager(models.Manager.from_queryset(FocusAreaQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class FocusArea(models.Model):
    """A theme processes discuss, from a vocabulary shared by all profiles."""

    name = models.CharField(
        _("name"),
        max_length=150,
        unique=True,
        help_text=_("Written as it appears in a list on the page, e.g. “irregular migration”."),
    )
    slug = models.SlugField(_("slug"), max_length=150, unique=True, blank=True)

    objects = FocusAreaManager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        permissions = spreadsheet_permissions("focusarea", "focus areas")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name_en)[:150]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("rcp:focus-area-detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        if not self.slug:
            self.slug = slugify(self.name_en)[:150]


class ProcessKind(models.TextChoices):
    RCP = "rcp", _("Regional Consultative Process")
    INTERREGIONAL = "interregional", _("Inter-regional forum")
    GLOBAL = "global", _("Global process")


class Activity(models.TextChoices):
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


#: The publishing decision of deleting a published or archived profile (see
#: :meth:`Process.publication_decision`).
DELETION = "deleted"


class PublishingNotAuthorised(RuntimeError):
    """A write changed what the public sees of a profile (its status, a new profile that is not a
    draft, a public profile deleted) without passing the publishing gate,
    ``rcp.workflow.authorise()``. A bug in the code that wrote it: refused loudly, with nothing
    written, so that no way in can publish by forgetting to ask who may."""


#: The statuses of a profile the public has not seen yet: an Editor moves a profile between
#: them (a draft is submitted for review) without deciding anything about the public.
UNPUBLISHED_WORK = frozenset({PublicationStatus.DRAFT, PublicationStatus.REVIEW})


def publication_decision(status: str | None, stored_status: str | None, *, delete: bool):
    """What a write decides about the public: the new ``status`` when it differs from the stored
    one (a new profile counts as a stored draft), unless both are unpublished work (a draft
    submitted for review, or sent back); :data:`DELETION` when a profile that is published or
    archived is deleted; else ``None``: nothing a Publisher must decide."""
    stored = stored_status or PublicationStatus.DRAFT
    if delete:
        return DELETION if stored_status not in (None, *UNPUBLISHED_WORK) else None
    if status == stored or {status, stored} <= UNPUBLISHED_WORK:
        return None
    return status


def _refuse(what: str):
    return PublishingNotAuthorised(
        f"{what} without rcp.workflow.authorise(): statuses change, and public profiles are "
        "deleted, one profile at a time through the publishing gate."
    )


class ParticipationRole(models.TextChoices):
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")
    SUSPENDED = "suspended", _("Suspended member")
    GUEST = "guest", _("Guest")


class OrganisationRole(models.TextChoices):
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")
    PARTNER = "partner", _("Partner")


class ProcessQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: THE rule. Every public page, the sitemap, search and open
        data use it, directly or through the ``published()`` of the related models, which are
        built on it; ``Process.is_published`` is its twin for one profile."""
        return self.filter(status=PublicationStatus.PUBLISHED)

    def waiting_for_review(self):
        """Drafts an Editor handed over to the Publishers (rcp.workflow.submit_for_review)."""
        return self.filter(status=PublicationStatus.REVIEW)

    # The bulk writes below bypass Process.save() and Process.delete(), hence the gate: they
    # refuse what would need it instead of writing it unchecked.

    def update(self, **kwargs):
        if "status" in kwargs:
            raise _refuse("QuerySet.update(status=...)")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        if "status" in fields:
            raise _refuse("bulk_update() of the status")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if "status" in (kwargs.get("update_fields") or ()):
            raise _refuse("bulk_create() updating the status")
        for process in objs:
            process.check_publication_approved(
                publication_decision(process.status, None, delete=False)
            )
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        if self.exclude(status=PublicationStatus.DRAFT).exists():
            raise _refuse("QuerySet.delete() of published or archived profiles")
        return super().delete()

    def visible_to(self, user):
        """Published profiles for everyone; staff also preview drafts and archived ones."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def with_member_counts(self):
        """Annotate ``member_count``: member states plus member organisations, in two subqueries."""
        states = (
            Participation.objects.filter(process=OuterRef("pk"), role=ParticipationRole.MEMBER)
            .order_by()
            .values("process")
            .annotate(n=Count("pk"))
            .values("n")
        )
        organisations = (
            ProcessOrganisation.objects.filter(process=OuterRef("pk"), role=OrganisationRole.MEMBER)
            .order_by()
            .values("process")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            member_count=Coalesce(Subquery(states), Value(0))
            + Coalesce(Subquery(organisations), Value(0))
        )

    def for_profile_page(self, *, participations: bool = True):
        """Everything a profile page shows, in a fixed number of queries; without its
        ``participations`` for the data set, which reads them as values (rcp/opendata.py)."""
        return self.select_related("secretariat_organisation").prefetch_related(
            "regions",
            "associated_organisations",
            *(["participations"] if participations else []),
            Prefetch(
                "organisation_roles",
                queryset=ProcessOrganisation.objects.select_related("organisation"),
            ),
            Prefetch(
                "focus_area_links",
                queryset=ProcessFocusArea.objects.select_related("focus_area"),
            ),
            Prefetch("chairs", queryset=Chair.objects.select_related("organisation")),
            "meetings",
        )


class ProcessManager(models.Manager.from_queryset(ProcessQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Process(models.Model):
    """A migration dialogue with a public profile page."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, help_text=_("E.g. “Tripoli Process”.")
    )
    acronym = models.CharField(
        _("short name or acronym"),
        max_length=40,
        blank=True,
        help_text=_("E.g. “MIDSA”. Leave empty if the process has none."),
    )
    slug = models.SlugField(
        _("web address"),
        max_length=100,
        unique=True,
        help_text=_("The last part of the page address, e.g. “tripoli-process”."),
    )
    kind = models.CharField(_("type"), max_length=20, choices=ProcessKind.choices, blank=True)
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions covered"), blank=True, related_name="processes"
    )
    activity = models.CharField(
        _("activity"),
        max_length=10,
        choices=Activity.choices,
        blank=True,
        help_text=_("Whether the process still meets. Leave empty if unknown."),
    )
    status = models.CharField(
        _("publication status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        help_text=_("Only published profiles are shown to the public."),
    )
    established = models.PositiveSmallIntegerField(
        _("year established"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_YEAR), validate_not_in_future],
        help_text=_("E.g. 2001."),
    )
    objectives = FormattedTextField(
        _("objectives"),
        blank=True,
        validators=[validate_no_editorial_markers, validate_formatted_text_length],
        help_text=FORMATTED_TEXT_HELP,
    )
    has_official_secretariat = models.BooleanField(
        _("has an official secretariat"),
        default=True,
        help_text=_("Untick for processes with no official secretariat; the page then says so."),
    )
    secretariat_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("secretariat organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secretariat_of",
        help_text=_("The organisation that acts as secretariat, if it is one."),
    )
    secretariat = FormattedTextField(
        _("secretariat details"),
        blank=True,
        validators=[validate_no_editorial_markers, validate_formatted_text_length],
        help_text=FORMATTED_TEXT_HELP,
    )
    website = WebAddressField(_("official website"), blank=True)
    associated_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("associated regional organisations"),
        blank=True,
        related_name="associated_processes",
        help_text=_("At most two, e.g. SADC and COMESA."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Goes up with every change to the profile or its parts."),
    )
    last_reviewed_on = models.DateField(
        _("last reviewed on"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked the whole profile against its sources."),
    )
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProcessManager()

    MAX_ASSOCIATED_ORGANISATIONS = 2
    REVIEW_INTERVAL_DAYS = 365

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        permissions = [
            *spreadsheet_permissions("process", "processes"),
            ("publish_process", "Can publish, unpublish and archive profiles"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(established__isnull=True) | Q(established__gte=EARLIEST_YEAR),
                name="rcp_process_established_plausible",
            ),
            models.CheckConstraint(
                condition=Q(has_official_secretariat=True)
                | Q(secretariat_organisation__isnull=True),
                name="rcp_process_no_secretariat_organisation_without_secretariat",
                violation_error_message=_(
                    "A process without an official secretariat cannot name a secretariat "
                    "organisation: tick “has an official secretariat” or clear the organisation."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        stored_status = None
        if self.pk is not None and not kwargs.get("force_insert"):
            row = type(self).objects.filter(pk=self.pk).values_list("version", "status").first()
            version, stored_status = row or (self.version, None)
            self.version = version + 1
        update_fields = kwargs.get("update_fields")
        # A status deferred by .only() is not written (Django saves the loaded fields).
        writes_status = (
            "status" in self.__dict__ if update_fields is None else "status" in update_fields
        )
        if writes_status:
            self.check_publication_approved(
                publication_decision(self.status, stored_status, delete=False)
            )
        super().save(*args, **kwargs)
        if writes_status:
            self._stored_status = self.status
        self._approved_decision = None

    def get_absolute_url(self):
        return address("rcp:process-detail", slug=self.slug)

    def delete(self, *args, **kwargs):
        stored_status = (
            type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
        )
        self.check_publication_approved(publication_decision(None, stored_status, delete=True))
        self._approved_decision = None
        # The profile and the parts deleted with it form one changeset, so it can be recovered.
        with changeset():
            return super().delete(*args, **kwargs)

    # Publishing: who may decide is rcp.workflow's business (models do not import it); what
    # counts as a decision, and refusing one that skipped the gate, is the model's. The status
    # compared is the one stored in the database, read in the query that reads the version.

    @classmethod
    def from_db(cls, db, field_names, values):
        process = super().from_db(db, field_names, values)
        process._stored_status = process.__dict__.get("status")
        return process

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "status" in fields:
            self._stored_status = self.status

    @property
    def stored_status(self) -> str | None:
        """The status as last read from or written to the database; ``None`` if never saved."""
        return getattr(self, "_stored_status", None)

    def publication_decision(self, *, delete: bool = False) -> str | None:
        """What saving (or deleting) the profile now would decide about the public, if anything
        (see :func:`publication_decision`)."""
        return publication_decision(self.status, self.stored_status, delete=delete)

    def record_publication_approval(self, decision: str | None) -> None:
        """Called by ``rcp.workflow.authorise()`` once it has checked who decides, and by
        nothing else: the next save (or deletion) may carry out ``decision``."""
        self._approved_decision = decision

    def check_publication_approved(self, decision: str | None) -> None:
        if decision is not None and getattr(self, "_approved_decision", None) != decision:
            what = "Deleting" if decision == DELETION else f"Setting the status “{decision}” of"
            raise _refuse(f"{what} the profile “{self}”")

    def natural_key(self):
        return (self.slug,)

    @classmethod
    def record_change(cls, process_id) -> None:
        """A part of the profile changed: its version goes up (so an editor with the page open
        is told) and so does its "Last updated" date."""
        cls.objects.filter(pk=process_id).update(
            version=F("version") + 1, updated_at=timezone.now()
        )

    @property
    def review_is_due(self) -> bool:
        if self.last_reviewed_on is None:
            return True
        return (timezone.localdate() - self.last_reviewed_on).days > self.REVIEW_INTERVAL_DAYS

    @classmethod
    def validate_associated_organisations(cls, organisations) -> None:
        """The association rule, shared by the admin form and the importers."""
        if len(organisations) > cls.MAX_ASSOCIATED_ORGANISATIONS:
            raise ValidationError(
                ngettext(
                    "A process is associated with at most %(max)d regional organisation; "
                    "%(count)d were chosen.",
                    "A process is associated with at most %(max)d regional organisations; "
                    "%(count)d were chosen.",
                    cls.MAX_ASSOCIATED_ORGANISATIONS,
                ),
                code="too_many_associations",
                params={"max": cls.MAX_ASSOCIATED_ORGANISATIONS, "count": len(organisations)},
            )

    # Everything below reads the related rows through ``.all()``, so a process
    # fetched with ``Process.objects.for_profile_page()`` renders without more queries.

    @property
    def is_published(self) -> bool:
        """Whether the public sees this profile: ``ProcessQuerySet.published()`` for one."""
        return self.status == PublicationStatus.PUBLISHED

    def _once(self, name: str, source, compute):
        """``compute(source)``, kept on this instance until ``source`` changes: the profile
        page shows the objectives five times (body, meta and og: descriptions, JSON-LD)."""
        kept = self.__dict__.setdefault("_computed_texts", {})
        if name not in kept or kept[name][0] != source:
            kept[name] = (source, compute(source))
        return kept[name][1]

    @property
    def objectives_html(self):
        return self._once("objectives_html", self.objectives, render_formatted_text)

    @property
    def secretariat_html(self):
        return self._once("secretariat_html", self.secretariat, render_formatted_text)

    @property
    def summary(self) -> str:
        """A sentence or two for search engines and link previews: the objectives' start, as
        plain text (templates and JSON escape it once)."""
        text = self._once("summary", self.objectives_html, formatted_text_summary)
        return text or self.name

    @property
    def structured_data(self) -> dict:
        """schema.org JSON-LD for the profile page."""
        data = {
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": self.name,
            "url": self.get_absolute_url(),
            "description": self.summary,
            "member": [{"@type": "Country", "name": p.country_name} for p in self.member_states],
        }
        if self.acronym:
            data["alternateName"] = self.acronym
        if self.established:
            data["foundingDate"] = str(self.established)
        if self.website:
            data["sameAs"] = self.website
        return data

    @property
    def has_secretariat_section(self) -> bool:
        return (
            not self.has_official_secretariat
            or self.secretariat_organisation_id is not None
            or bool(self.secretariat.strip())
        )

    def _countries(self, role: str) -> list["Participation"]:
        rows = [p for p in self.participations.all() if p.role == role]
        names = country_names()

        def sort_key(participation):
            found = names.get(participation.country_code)
            return found[1] if found else reading_order_key(participation.country_name)

        return sorted(rows, key=sort_key)

    def _organisations(self, role: str) -> list["ProcessOrganisation"]:
        return [link for link in self.organisation_roles.all() if link.role == role]

    @cached_property
    def member_states(self):
        """Member countries, sorted by name in the reader's language."""
        return self._countries(ParticipationRole.MEMBER)

    @cached_property
    def observer_states(self):
        return self._countries(ParticipationRole.OBSERVER)

    @cached_property
    def suspended_states(self):
        return self._countries(ParticipationRole.SUSPENDED)

    @cached_property
    def guest_states(self):
        return self._countries(ParticipationRole.GUEST)

    @cached_property
    def member_organisations(self):
        return self._organisations(OrganisationRole.MEMBER)

    @cached_property
    def observer_organisations(self):
        return self._organisations(OrganisationRole.OBSERVER)

    @cached_property
    def partner_organisations(self):
        return self._organisations(OrganisationRole.PARTNER)

    @property
    def focus_areas(self) -> list[FocusArea]:
        return [link.focus_area for link in self.focus_area_links.all()]

    @property
    def member_count(self) -> int:
        """Member states and member organisations; annotated by ``with_member_counts()``."""
        if "_annotated_member_count" in self.__dict__:
            return self.__dict__["_annotated_member_count"]
        return len(self.member_states) + len(self.member_organisations)

    @member_count.setter
    def member_count(self, value):
        self.__dict__["_annotated_member_count"] = value

    @cached_property
    def member_state_groups(self) -> list["MemberGroup"]:
        """The member states by group, largest first, then those in no group (when some are
        in one): the sub-lists of the Members section, each headed as the header counts it.
        Empty when no member state has a group.

        Each group's label is in the page's language or, when it is not yet translated, in
        English (its ``language``). States are grouped by their English label, so a group
        counts every state once however far its translation has got; it reads in the first
        translation one of its rows has."""
        language = translation.get_language() or SOURCE_LANGUAGE
        rows_by_group: dict[str, list[Participation]] = {}
        ungrouped = []
        for state in self.member_states:
            if english := text_in(state, "group", SOURCE_LANGUAGE).strip():
                rows_by_group.setdefault(english, []).append(state)
            else:
                ungrouped.append(state)
        if not rows_by_group:
            return []
        groups = []
        for english, rows in rows_by_group.items():
            translations = (text_in(row, "group", language).strip() for row in rows)
            label = next((text for text in translations if text), "")
            fallback = None if label or language == SOURCE_LANGUAGE else SOURCE_LANGUAGE
            groups.append(MemberGroup(label or english, fallback, rows))
        groups.sort(key=lambda group: (-len(group.states), group.label.casefold()))
        if ungrouped:
            groups.append(MemberGroup("", None, ungrouped))
        return groups

    @property
    def member_summary(self) -> str:
        """The Members header, e.g. "81 Members (53 AU Member States and 28 EU Member States)",
        in the page's language ("53 États membres UA" once "AU" is translated as "UA")."""
        return self._member_summary(html=False)

    @property
    def member_summary_html(self) -> str:
        """The Members header for the page: a group label not yet translated reads in
        English, marked ``lang="en"``."""
        return mark_safe(self._member_summary(html=True))

    def _member_summary(self, *, html: bool) -> str:
        text = conditional_escape if html else str
        states = self.member_states
        organisations = self.member_organisations
        total = len(states) + len(organisations)
        headline = text(ngettext("%(count)d Member", "%(count)d Members", total) % {"count": total})

        groups = self.member_state_groups
        parts = [group.describe(html=html) for group in groups]
        if organisations:
            if states and not groups:
                parts.append(
                    text(
                        ngettext("%(count)d Member State", "%(count)d Member States", len(states))
                        % {"count": len(states)}
                    )
                )
            parts.append(
                text(
                    ngettext(
                        "%(count)d Member Organization",
                        "%(count)d Member Organizations",
                        len(organisations),
                    )
                    % {"count": len(organisations)}
                )
            )
        if not parts:
            return headline
        if not html:
            return f"{headline} ({join_with_and(parts)})"
        # The sentence's own words are escaped, not the parts (HTML already): join placeholders.
        placeholders = [f"%(part{index})s" for index in range(len(parts))]
        joined = conditional_escape(join_with_and(placeholders)) % {
            f"part{index}": part for index, part in enumerate(parts)
        }
        return f"{headline} ({joined})"

    @property
    def meetings_newest_first(self):
        return sorted(self.meetings.all(), key=lambda m: m.start_date, reverse=True)

    @property
    def chairs_newest_first(self):
        return sorted(self.chairs.all(), key=lambda c: c.start_date, reverse=True)

    def clean(self):
        super().clean()
        if not self.has_official_secretariat and self.secretariat_organisation_id:
            raise ValidationError(
                {
                    "secretariat_organisation": _(
                        "A process without an official secretariat cannot name a secretariat "
                        "organisation: tick “has an official secretariat” or clear this field."
                    )
                }
            )


@dataclass(frozen=True)
class MemberGroup:
    """Member states of one group ("AU"), or the members in none (``label`` ""), as the
    Members section lists them under a heading: the words the header counts them in."""

    label: str
    language: str | None  # the label's, when not the page's (not yet translated)
    states: list["Participation"]

    def describe(self, *, html: bool = False) -> str:
        """ "53 AU Member States", "3 other Member States" (escaped, with ``html``)."""
        count = len(self.states)
        if self.label:
            return describe_member_group(self.label, count, language=self.language, html=html)
        words = ngettext("%(count)d other Member State", "%(count)d other Member States", count)
        words %= {"count": count}
        return conditional_escape(words) if html else words

    @property
    def heading(self) -> str:
        return self.describe()

    @property
    def heading_html(self) -> str:
        """The heading for the page: a label not yet translated is marked ``lang="en"``."""
        return mark_safe(self.describe(html=True))


def describe_member_group(
    label: str, count: int, *, language: str | None = None, html: bool = False
) -> str:
    """ "53 AU Member States" for a short label; "12 countries of origin" for a phrase. With
    ``html``, escaped, and a label in another ``language`` than the page's marked so."""
    label = label.strip()
    if " " not in label:
        sentence = ngettext(
            "%(count)d %(group)s Member State", "%(count)d %(group)s Member States", count
        )
    else:
        if len(label) > 1 and label[1].islower():
            label = label[0].lower() + label[1:]
        sentence = "%(count)d %(group)s"
    if not html:
        return sentence % {"count": count, "group": label}
    if language:
        group = format_html('<span lang="{}">{}</span>', language, label)
    else:
        group = conditional_escape(label)
    return conditional_escape(sentence) % {"count": count, "group": group}


class ProfilePart(models.Model):
    """A row that belongs to one profile: saving or deleting it changes the profile's version
    and "Last updated" date, however it is done (admin, import, revert, shell), and its
    history is kept (rcp/translation.py registers it)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Process.record_change(self.process_id)

    def delete(self, *args, **kwargs):
        process_id = self.process_id
        result = super().delete(*args, **kwargs)
        Process.record_change(process_id)
        return result


class ParticipationQuerySet(models.QuerySet):
    def published(self):
        """Participations in profiles the public may see."""
        return self.filter(process__in=Process.objects.published())

    def country_summaries(self):
        """One row per country: how many processes it takes part in, and in how many as a
        member. One query."""
        return (
            self.order_by()
            .values("country")
            .annotate(
                processes=Count("process", distinct=True),
                memberships=Count("pk", filter=Q(role=ParticipationRole.MEMBER)),
            )
        )


class ParticipationManager(models.Manager.from_queryset(ParticipationQuerySet)):
    def get_by_natural_key(self, process_slug, country):
        return self.get(process__slug=process_slug, country=country)


class Participation(ProfilePart):
    """A country taking part in a process, as member, observer, suspended member or guest."""

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="participations"
    )
    country = CountryField(_("country"))
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=ParticipationRole.choices,
        default=ParticipationRole.MEMBER,
    )
    group = models.CharField(
        _("group"),
        max_length=60,
        blank=True,
        help_text=_(
            "Optional. A short label such as “AU” or “EU” reads “53 AU Member States” in the "
            "members header; a phrase such as “Countries of origin” reads “12 countries of origin”."
        ),
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("Optional, e.g. “suspended since 2021”."),
    )

    objects = ParticipationManager()

    class Meta:
        verbose_name = _("participating country")
        verbose_name_plural = _("participating countries")
        permissions = spreadsheet_permissions("participation", "participating countries")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "country"], name="rcp_participation_unique_country"
            ),
        ]

    def __str__(self):
        return f"{self.country.name} ({self.get_role_display()})"

    @property
    def country_code(self) -> str:
        """The stored code, without the ``Country`` django-countries makes on each access."""
        code = self.__dict__.get("country")
        return code if code is not None else self.country.code  # deferred: loads it

    @property
    def country_name(self) -> str:
        """The country's name in the page's language (:func:`country_name`)."""
        return country_name(self.country_code)

    @property
    def country_url(self) -> str:
        return address("rcp:country-detail", code=self.country_code.lower())

    def natural_key(self):
        return (self.process.slug, self.country.code)

    natural_key.dependencies = ["rcp.process"]

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            duplicate = getattr(error, "error_dict", {}).get("__all__", [])
            if any(e.code in {"unique", "unique_together"} for e in duplicate):
                raise ValidationError(
                    {"country": duplicate_country_message(self.country.name)}
                ) from error
            raise


def duplicate_country_message(country_name: str) -> ValidationError:
    return ValidationError(
        _(
            "%(country)s is already listed in this process. A country takes part in a process "
            "once: change the role of the existing row instead of adding another."
        ),
        code="duplicate_country",
        params={"country": country_name},
    )


class ProcessOrganisationQuerySet(models.QuerySet):
    def published(self):
        """Organisations' roles in profiles the public may see."""
        return self.filter(process__in=Process.objects.published())


class ProcessOrganisationManager(models.Manager.from_queryset(ProcessOrganisationQuerySet)):
    def get_by_natural_key(self, process_slug, organisation_slug):
        return self.get(process__slug=process_slug, organisation__slug=organisation_slug)


class ProcessOrganisation(ProfilePart):
    """An organisation taking part in a process, as member, observer or partner."""

    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        on_delete=models.CASCADE,
        related_name="organisation_roles",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="process_roles",
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=OrganisationRole.choices,
        default=OrganisationRole.OBSERVER,
    )
    group = models.CharField(_("group"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lists show lower numbers first.")
    )

    objects = ProcessOrganisationManager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        permissions = spreadsheet_permissions("processorganisation", "participating organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "organisation"], name="rcp_processorganisation_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    def natural_key(self):
        return (self.process.slug, self.organisation.slug)

    natural_key.dependencies = ["rcp.process", "rcp.organisation"]

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            duplicate = getattr(error, "error_dict", {}).get("__all__", [])
            if any(e.code in {"unique", "unique_together"} for e in duplicate):
                raise ValidationError(
                    {
                        "organisation": ValidationError(
                            _(
                                "%(organisation)s is already listed in this process: change the "
                                "role of the existing row instead of adding another."
                            ),
                            code="duplicate_organisation",
                            params={"organisation": self.organisation},
                        )
                    }
                ) from error
            raise


class ProcessFocusAreaQuerySet(models.QuerySet):
    def published(self):
        """Focus areas' links to profiles the public may see."""
        return self.filter(process__in=Process.objects.published())


class ProcessFocusAreaManager(models.Manager.from_queryset(ProcessFocusAreaQuerySet)):
    def get_by_natural_key(self, process_slug, focus_area_slug):
        return self.get(process__slug=process_slug, focus_area__slug=focus_area_slug)


class ProcessFocusArea(ProfilePart):
    """A focus area of one process, in the order the profile lists it."""

    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        on_delete=models.CASCADE,
        related_name="focus_area_links",
    )
    focus_area = models.ForeignKey(
        FocusArea,
        verbose_name=_("focus area"),
        on_delete=models.PROTECT,
        related_name="process_links",
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lists show lower numbers first.")
    )

    objects = ProcessFocusAreaManager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("focus area of a process")
        verbose_name_plural = _("focus areas of processes")
        permissions = spreadsheet_permissions("processfocusarea", "focus areas of processes")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "focus_area"],
                name="rcp_processfocusarea_unique",
                violation_error_message=_("This focus area is already listed for this process."),
            ),
        ]

    def __str__(self):
        return str(self.focus_area)

    def natural_key(self):
        return (self.process.slug, self.focus_area.slug)

    natural_key.dependencies = ["rcp.process", "rcp.focusarea"]


class DatedRecord(ProfilePart):
    """A start date, an optional end date and how precisely they are known."""

    start_date = models.DateField(
        _("start date"),
        help_text=_("For a month or a year only, pick any day in it and set the precision."),
    )
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Empty for a single day or if ongoing.")
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("“Month” shows “April 2000”; “Year” shows “2000”."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalise_dates()
        super().save(*args, **kwargs)

    @property
    def dates_display(self) -> str:
        return format_date_range(self.start_date, self.end_date, self.date_precision)

    def normalise_dates(self):
        self.start_date = truncate_to_precision(self.start_date, self.date_precision)
        self.end_date = truncate_to_precision(self.end_date, self.date_precision)

    def clean(self):
        super().clean()
        self.normalise_dates()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {
                    "end_date": ValidationError(
                        _("The end date (%(end)s) is before the start date (%(start)s)."),
                        code="end_before_start",
                        params={"end": self.end_date, "start": self.start_date},
                    )
                }
            )


class ChairManager(models.Manager):
    def get_by_natural_key(self, process_slug, start_date, country, organisation_slug):
        return self.get(
            process__slug=process_slug,
            start_date=start_date,
            country=country,
            organisation__slug=organisation_slug or None,
        )


class Chair(DatedRecord):
    """Who chaired (or will chair) a process, and when: a country or an organisation."""

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="chairs"
    )
    country = CountryField(_("country"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chairs",
    )

    objects = ChairManager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("chair")
        verbose_name_plural = _("chairs")
        permissions = spreadsheet_permissions("chair", "chairs")
        constraints = [
            models.CheckConstraint(
                condition=(Q(country="") & Q(organisation__isnull=False))
                | (~Q(country="") & Q(organisation__isnull=True)),
                name="rcp_chair_country_or_organisation",
                violation_error_message=_(
                    "A chair is either a country or an organisation: fill in exactly one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="rcp_chair_end_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.holder_name}, {self.dates_display}"

    def natural_key(self):
        return (
            self.process.slug,
            self.start_date.isoformat(),
            self.country.code or "",
            self.organisation.slug if self.organisation_id else "",
        )

    natural_key.dependencies = ["rcp.process", "rcp.organisation"]

    @property
    def holder_name(self) -> str:
        return self.country.name if self.country else str(self.organisation)

    @property
    def tenure(self) -> str:
        """ "current", "incoming" or "" for past chairs, from today's date."""
        today = timezone.localdate()
        if self.start_date > today:
            return "incoming"
        if self.end_date is None or self.end_date >= today:
            return "current"
        return ""

    def get_tenure_display(self) -> str:
        return {"current": gettext("current"), "incoming": gettext("incoming")}.get(self.tenure, "")


class MeetingManager(models.Manager):
    def get_by_natural_key(self, process_slug, start_date, title):
        return self.get(process__slug=process_slug, start_date=start_date, title_en=title)


class Meeting(DatedRecord):
    """A meeting of a process: a summit, a ministerial conference, a working group."""

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(
        _("title"), max_length=300, help_text=_("E.g. “2nd Africa-EU Summit”.")
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)

    objects = MeetingManager()

    class Meta:
        ordering = ["-start_date", "title_en"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        permissions = spreadsheet_permissions("meeting", "meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="rcp_meeting_end_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.title}, {self.dates_display}"

    def natural_key(self):
        return (self.process.slug, self.start_date.isoformat(), self.title_en)

    natural_key.dependencies = ["rcp.process"]

    @property
    def place_display(self) -> str:
        country_name = self.country.name if self.country else ""
        return ", ".join(part for part in (self.city, country_name) if part)


class LegacyImport(models.Model):
    """One import of a legacy profile page into a profile, with its data-quality report, so
    editors see on the profile what the page had wrong and what was left out."""

    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        on_delete=models.CASCADE,
        related_name="legacy_imports",
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_name = models.CharField(_("page"), max_length=255, blank=True)
    source_url = models.CharField(_("page address"), max_length=500, blank=True)
    created_profile = models.BooleanField(_("created the profile"), default=False)
    summary = models.TextField(_("what was read"), blank=True)
    report = models.JSONField(_("report"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("legacy page import")
        verbose_name_plural = _("legacy page imports")

    def __str__(self):
        return f"{self.source_name or self.process} ({self.created_at:%Y-%m-%d %H:%M})"


class UploadPurpose(models.TextChoices):
    SPREADSHEET = "spreadsheet", _("CSV or Excel import")
    LEGACY_PAGE = "legacy_page", _("legacy page import")


class PendingUpload(models.Model):
    """A file an editor uploaded and has not confirmed yet (see :mod:`rcp.uploads`).

    Kept in the database rather than the cache so that the confirmation may reach any app
    server, a Redis outage cannot lose it, and an upload cannot fill Redis.
    """

    token = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )
    purpose = models.CharField(max_length=20, choices=UploadPurpose.choices, editable=False)
    name = models.CharField(_("file name"), max_length=255, blank=True)
    data = models.BinaryField(editable=False)
    size = models.PositiveIntegerField(editable=False)
    details = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    shown_on_public_pages = False  # storing one does not invalidate the page cache

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("upload waiting for confirmation")
        verbose_name_plural = _("uploads waiting for confirmation")

    def __str__(self):
        return f"{self.name or self.purpose} ({self.user}, {self.created_at:%Y-%m-%d %H:%M})"


class PageDataChange(models.Model):
    """A committed change to what the public pages show: the page cache's clock.

    Each transaction that changes the app's data adds one row, inside the transaction, so the
    row is committed or rolled back with the change itself, whatever happens to the process or
    to Redis afterwards. The data version a cached page carries is made of these rows (see
    :mod:`rcp.data_version`); old ones are pruned.
    """

    token = models.CharField(max_length=16, editable=False)

    shown_on_public_pages = False  # recording a change is not another change

    class Meta:
        # Bookkeeping of the page cache, never shown in the admin: no permissions to grant.
        default_permissions = ()
        verbose_name = "change of the public pages' data"
        verbose_name_plural = "changes of the public pages' data"

    def __str__(self):
        return f"{self.pk}.{self.token}"


class EditingPresence(models.Model):
    """Who has a profile's change page open, as its heartbeat last told (see
    :mod:`rcp.admin.presence`): the "currently editing" notice of the profile editor."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(_("opened at"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    shown_on_public_pages = False  # a heartbeat does not invalidate the page cache

    class Meta:
        default_permissions = ()
        verbose_name = _("profile being edited")
        verbose_name_plural = _("profiles being edited")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "user"], name="rcp_editingpresence_one_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.user} on {self.process}"


class ReviewAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    SENT_BACK = "sent_back", _("Sent back to draft")
    PUBLISHED = "published", _("Published after review")


class ReviewStep(models.Model):
    """One step of a profile's review (see :mod:`rcp.workflow`): submitted by an Editor with a
    note, sent back or published by a Publisher; shown on the profile's history with the
    version it made (``changeset``)."""

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="review_steps"
    )
    action = models.CharField(_("step"), max_length=20, choices=ReviewAction.choices)
    note = models.TextField(_("note"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    changeset = models.UUIDField(_("changeset"), null=True, blank=True, db_index=True)

    shown_on_public_pages = False  # the status change it comes with is what the public sees

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def __str__(self):
        return f"{self.get_action_display()}: {self.process} ({self.created_at:%Y-%m-%d %H:%M})"
