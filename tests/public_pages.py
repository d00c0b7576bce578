"""Every type of public page, and a site that fills each of them: what the HTML validator
(tests/test_valid_html.py) and the browser (tests/test_browser_public_pages.py) are shown.

A page type whose address the site does not serve yet (``optional``) is left out until it does;
every other address must answer with its status.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.urls import Resolver404, resolve

from rcp.models import Organisation, Process, PublicationStatus, Region
from rcp.views import home

from .factories import (
    ChairFactory,
    FocusAreaFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessFocusAreaFactory,
    ProcessOrganisationFactory,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LANGUAGES = {"en": "", "fr": "/fr", "es": "/es"}

STAFF = "valid-staff"
REGION_SLUG = "west-africa"
DRAFT_SLUG = "draft-dialogue"

RICH_OBJECTIVES = """The Rabat Process brings together countries of origin, transit and destination
along the *West African* migration route. Its partners agree to:

1. organise migration and mobility;
2. prevent irregular migration and fight **trafficking in human beings**;
3. strengthen the links between migration and development.

See [the Rabat Declaration](https://www.rabat-process.org/en/) and:

- the Marrakesh Political Declaration (2018);
- the Cadiz Political Declaration (2022).

> Dialogue first.

Documents: https://www.rabat-process.org/en/about/rabat-process/documents-and-declarations-archive
"""


@dataclass(frozen=True)
class PublicPage:
    name: str
    path: str
    status: int = 200
    #: Shown to a logged-in staff member (a draft's preview).
    staff: bool = False
    #: A page type another part of the site is still building: checked once its address exists.
    optional: bool = False

    def url(self, language: str) -> str:
        return LANGUAGES[language] + self.path

    def served(self) -> bool:
        try:
            resolve(self.path.split("?")[0])
        except Resolver404:
            return False
        return True


PAGES = [
    PublicPage("home", "/"),
    PublicPage("home-filtered-by-type", "/?kind=interregional"),
    PublicPage("home-filtered-by-region", f"/?region={REGION_SLUG}"),
    PublicPage("home-page-2", "/?page=2"),
    PublicPage("home-unknown-filter-and-page", "/?kind=nonsense&region=nowhere&page=99"),
    PublicPage("profile-tripoli", "/processes/tripoli-process/"),
    PublicPage("profile-rich", "/processes/rabat-process/"),
    PublicPage("draft-preview", f"/processes/{DRAFT_SLUG}/", staff=True),
    PublicPage("country-list", "/countries/"),
    PublicPage("country", "/countries/ma/"),
    PublicPage("country-long-name", "/countries/gs/"),
    PublicPage("country-small-state", "/countries/cv/"),  # shown on the map as a dot
    PublicPage("country-observer-only", "/countries/ch/"),
    PublicPage("theme", "/focus/irregular-migration/"),
    PublicPage("organisation", "/organisations/ecowas/"),
    PublicPage("organisation-ceased", "/organisations/oau/"),
    PublicPage("search-results", "/search/?q=Morocco"),
    PublicPage("search-focus-area", "/search/?q=irregular+migration"),
    PublicPage("search-no-results", "/search/?q=zzxqv"),
    PublicPage("search-suggestion", "/search/?q=Eriteria"),
    PublicPage("search-empty", "/search/"),
    PublicPage("search-markup", "/search/?q=%3Ch1%3E%22Rabat%22+%26+%3C%2Fp%3E"),
    PublicPage("search-long-query", "/search/?q=" + "Migrationsdialogpartnerschaft" * 6),
    PublicPage("open-data", "/data/"),
    PublicPage("matrix", "/matrix/", optional=True),
    PublicPage("matrix-filtered", f"/matrix/?region={REGION_SLUG}", optional=True),
    PublicPage("not-found", "/processes/no-such-process/", status=404),
    PublicPage("bad-request", "/search/?q=%00", status=400),  # a NUL character (rcp/security.py)
]


def served_pages() -> list[PublicPage]:
    """The pages to check: every page type whose address the site serves."""
    return [page for page in PAGES if not page.optional or page.served()]


def build_public_site(django_user_model):
    """The bundled Tripoli Process (82 countries in AU and EU groups), a rich second profile
    with every section, a draft, and enough small processes for a second page of the home
    page. Returns the staff user who may preview the draft."""
    call_command("loaddata", str(FIXTURES / "tripoli-process.json"), verbosity=0)
    tripoli = Process.objects.get(slug="tripoli-process")
    ParticipationFactory(process=tripoli, country="GS")  # a long name: South Georgia and ...
    ParticipationFactory(process=tripoli, country="NO", role="suspended", note="since 2021")

    region = Region.objects.create(name="West Africa", slug=REGION_SLUG)
    ecowas = Organisation.objects.get(slug="ecowas")
    rabat = ProcessFactory(
        name="Rabat Process",
        slug="rabat-process",
        acronym="RP",
        kind="interregional",
        activity="active",
        objectives=RICH_OBJECTIVES,
        secretariat="Hosted by *ICMPD*, with [IOM](https://www.iom.int/) as a partner.",
        secretariat_organisation=OrganisationFactory(name="ICMPD", acronym="ICMPD"),
        website="https://www.rabat-process.org/",
        last_reviewed_on=datetime.date(2026, 1, 15),
    )
    rabat.regions.add(region)
    rabat.associated_organisations.add(ecowas)
    for code in ("MA", "SN", "ML", "CV", "KM"):
        ParticipationFactory(process=rabat, country=code, group="AU")
    for code in ("FR", "ES", "MT"):
        ParticipationFactory(process=rabat, country=code, group="EU")
    ParticipationFactory(process=rabat, country="CH", role="observer")
    ParticipationFactory(process=rabat, country="SC", role="observer", group="Neighbours")
    ParticipationFactory(process=rabat, country="GN", role="suspended", note="since 2021")
    ParticipationFactory(process=rabat, country="NO", role="guest")
    ProcessOrganisationFactory(process=rabat, organisation=ecowas, role="member")
    oau = Organisation.objects.get(slug="oau")
    oau.ceased_year = oau.ceased_year or 2002
    oau.save()
    ProcessOrganisationFactory(process=rabat, organisation=oau, role="observer", position=1)
    ProcessOrganisationFactory(process=rabat, role="partner", position=2)
    ProcessFocusAreaFactory(process=rabat, focus_area=FocusAreaFactory(name="labour mobility"))
    ChairFactory(process=rabat, country="SN", start_date=datetime.date(2024, 1, 1))
    ChairFactory(
        process=rabat,
        country="",
        organisation=ecowas,
        start_date=datetime.date(2022, 3, 1),
        end_date=datetime.date(2023, 12, 31),
        date_precision="day",
    )
    MeetingFactory(process=rabat, title="Ministerial conference", city="Cadiz", country="ES")
    MeetingFactory(
        process=rabat, title="Senior officials", start_date=datetime.date(2023, 6, 1), city=""
    )

    draft = ProcessFactory(
        name="Draft Dialogue", slug=DRAFT_SLUG, status=PublicationStatus.DRAFT, kind="rcp"
    )
    ParticipationFactory(process=draft, country="MA")

    # One more than a page of the home page (if it is paginated), each with a member.
    per_page = getattr(home, "PAGE_SIZE", 20)
    for number in range(per_page + 1 - Process.objects.published().count()):
        small = ProcessFactory(name=f"Dialogue {number:03}", kind="rcp")
        ParticipationFactory(process=small, country="SN")

    return django_user_model.objects.create_user(STAFF, is_staff=True)
