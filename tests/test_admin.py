"""The Django admin as IOM editors use it: every page opens, edits save, mistakes read well."""

import datetime
import html
import re

import pytest

from rcp.models import Chair, Meeting, Participation, Process

from .admin_forms import add_countries, change_countries, form_data
from .factories import (
    ChairFactory,
    FocusAreaFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessFocusAreaFactory,
    ProcessOrganisationFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


# --- Reading and submitting the rendered change form ------------------------------------------


def add_inline_row(data: dict, prefix: str, **fields) -> None:
    """Add a row to an inline, as "Add another …" does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for field, value in fields.items():
        data[f"{prefix}-{index}-{field}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def change_url(process: Process) -> str:
    return f"/admin/rcp/process/{process.pk}/change/"


def visible_text(response) -> str:
    """The page's text with entities decoded, so assertions match what an editor reads."""
    return html.unescape(response.content.decode())


def table_snapshot() -> dict[str, int]:
    return {
        "processes": Process.objects.count(),
        "participations": Participation.objects.count(),
        "chairs": Chair.objects.count(),
        "meetings": Meeting.objects.count(),
    }


@pytest.fixture
def profile(make_process_with_members):
    """A published process with 10 member countries, none of them Morocco."""
    return make_process_with_members(10, name="Rabat Process", slug="rabat-process")


@pytest.fixture
def full_profile(make_process_with_members):
    """Build a process of ``n`` members with rows in every inline of the change page.

    The other inlines grow with ``n`` too (one row per ten members), so a query per row
    in any inline shows up as a difference between a small and a large profile.
    """

    def build(n: int) -> Process:
        process = make_process_with_members(n)
        for i in range(max(n // 10, 1)):
            process.organisation_roles.create(organisation=OrganisationFactory(), role="member")
            ChairFactory(
                process=process,
                country="",
                organisation=OrganisationFactory(),
                start_date=datetime.date(1990 + i, 1, 1),
            )
            MeetingFactory(process=process)
            ProcessFocusAreaFactory(process=process)
        ChairFactory(process=process, country="SN", start_date=datetime.date(2022, 1, 1))
        process.associated_organisations.add(OrganisationFactory(), OrganisationFactory())
        process.secretariat_organisation = OrganisationFactory()
        process.save()
        return process

    return build


# --- Access and smoke tests ---------------------------------------------------------------------


def test_admin_sends_anonymous_visitor_to_login_page(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


@pytest.fixture
def one_of_each(tripoli):
    """A saved object of every kind the admin edits, so change pages have something to open."""
    return {
        "process": tripoli,
        "organisation": tripoli.organisation_roles.first().organisation,
        "focusarea": tripoli.focus_area_links.first().focus_area,
        "region": RegionFactory(name="Africa"),
    }


# Searching and sorting by a computed column only fail when used, so they are opened too.
CHANGELIST_QUERIES = {
    "process": ["q=tripoli", "o=-6"],
    "organisation": ["q=eco", "o=-3", "ceased_year__isempty=1"],
    "focusarea": ["q=migration", "o=-1"],
    "region": ["q=africa", "o=-1"],
}


@pytest.mark.parametrize("model", CHANGELIST_QUERIES)
def test_admin_pages_open_for_every_model(admin_client, one_of_each, model):
    obj = one_of_each[model]

    for url in [
        f"/admin/rcp/{model}/",
        *(f"/admin/rcp/{model}/?{query}" for query in CHANGELIST_QUERIES[model]),
        f"/admin/rcp/{model}/add/",
        f"/admin/rcp/{model}/{obj.pk}/change/",
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_admin_index_lists_the_profile_models(admin_client):
    response = admin_client.get("/admin/")

    assert response.status_code == 200
    for url in ("/admin/rcp/process/", "/admin/rcp/organisation/", "/admin/rcp/focusarea/"):
        assert f'href="{url}"' in response.content.decode()


@pytest.fixture
def filterable_processes(tripoli):
    """Tripoli (published, with Morocco) beside a process that differs in every filter."""
    africa = RegionFactory(name="Africa")
    tripoli.regions.add(africa)
    Process.objects.filter(pk=tripoli.pk).update(kind="interregional", activity="active")
    other = ProcessFactory(
        name="Bali Process", slug="bali-process", kind="rcp", activity="dormant", status="draft"
    )
    other.regions.add(RegionFactory(name="Asia and the Pacific"))
    ParticipationFactory(process=other, country="ID")
    return {"africa": africa}


@pytest.mark.parametrize(
    "query",
    [
        "kind=interregional",
        "status=published",
        "activity=active",
        "regions",
        "country=MA",
        "q=tripoli",
    ],
)
def test_process_changelist_filters_and_search_find_the_right_processes(
    admin_client, filterable_processes, query
):
    if query == "regions":
        query = f"regions__id__exact={filterable_processes['africa'].pk}"

    response = admin_client.get(f"/admin/rcp/process/?{query}")

    assert response.status_code == 200
    page = visible_text(response)
    assert "Tripoli Process" in page
    assert "Bali Process" not in page
    assert "1 result" in page


def test_country_filter_offers_countries_by_name(admin_client, filterable_processes):
    response = admin_client.get("/admin/rcp/process/")

    page = visible_text(response)
    assert 'href="?country=MA"' in page
    assert "Morocco" in page
    assert "Indonesia" in page


def test_process_changelist_shows_member_states_plus_member_organisations(
    admin_client, make_process_with_members
):
    process = make_process_with_members(10)  # the 3 organisations it adds are observers
    ProcessOrganisationFactory(process=process, role="member")
    ProcessOrganisationFactory(process=process, role="member")

    response = admin_client.get("/admin/rcp/process/")

    assert '<td class="field-member_count_column">12</td>' in response.content.decode()


def test_view_on_site_leads_to_the_public_profile(admin_client, client, profile):
    response = admin_client.get(change_url(profile))
    match = re.search(r'<a href="([^"]+)" class="viewsitelink">', response.content.decode())
    assert match, "no “View on site” link"

    redirect = admin_client.get(match.group(1))

    assert redirect.status_code == 302
    assert redirect["Location"] == "http://testserver/processes/rabat-process/"
    assert "Rabat Process" in client.get(redirect["Location"]).content.decode()


# --- Editing a profile through the change form --------------------------------------------------


def test_unchanged_change_form_saves_without_errors(admin_client, full_profile):
    process = full_profile(10)
    before = table_snapshot()

    response = admin_client.post(
        change_url(process), form_data(admin_client.get(change_url(process)))
    )

    assert response.status_code == 302, visible_text(response)
    assert response["Location"] == "/admin/rcp/process/"
    assert table_snapshot() == before


def test_editor_adds_a_country_and_the_public_page_lists_it(admin_client, client, profile):
    data = form_data(admin_client.get(change_url(profile)))
    add_countries(data, "Morocco", new_group="AU")

    response = admin_client.post(change_url(profile), data, follow=True)

    assert response.redirect_chain == [("/admin/rcp/process/", 302)]
    assert "was changed successfully" in visible_text(response)
    assert "1 country added: Morocco." in visible_text(response)
    morocco = Participation.objects.get(process=profile, country="MA")
    assert (morocco.role, morocco.group) == ("member", "AU")
    public = client.get("/processes/rabat-process/")
    assert ">Morocco</a></li>" in public.content.decode()


def test_editor_creates_a_process_with_its_countries_on_the_add_page(admin_client):
    data = form_data(admin_client.get("/admin/rcp/process/add/"))
    data.update(name_en="Budapest Process", slug="budapest-process", status="published")
    add_countries(data, "Türkiye; Georgia", new_group="Partners")

    response = admin_client.post("/admin/rcp/process/add/", data)

    assert response.status_code == 302, visible_text(response)
    process = Process.objects.get(slug="budapest-process")
    assert sorted(process.participations.values_list("country", "role", "group")) == [
        ("GE", "member", "Partners"),
        ("TR", "member", "Partners"),
    ]


def test_same_country_twice_in_one_paste_is_refused_with_a_readable_message(admin_client, profile):
    before = table_snapshot()
    data = form_data(admin_client.get(change_url(profile)))
    add_countries(data, "Morocco\nMaroc")

    response = admin_client.post(change_url(profile), data)

    assert response.status_code == 200
    page = visible_text(response)
    assert "Please correct the error below." in page
    assert "Morocco is already in this list (entry 1)." in page
    assert table_snapshot() == before


def test_adding_a_country_already_listed_is_refused_with_a_readable_message(admin_client, profile):
    listed = profile.participations.first()
    before = table_snapshot()
    data = form_data(admin_client.get(change_url(profile)))
    add_countries(data, listed.country.name, role="observer")

    response = admin_client.post(change_url(profile), data)

    assert response.status_code == 200
    page = visible_text(response)
    assert "Please correct the error below." in page
    assert f"{listed.country.name} is already a country of this profile (Member" in page
    assert table_snapshot() == before
    assert profile.participations.get(country=listed.country.code).role == "member"


def test_country_saved_by_someone_else_meanwhile_is_refused_with_a_readable_message(
    admin_client, profile
):
    data = form_data(admin_client.get(change_url(profile)))
    ParticipationFactory(process=profile, country="MA", role="observer")  # another editor
    before = table_snapshot()
    add_countries(data, "Morocco")

    response = admin_client.post(change_url(profile), data)

    assert response.status_code == 200
    assert "Morocco is already a country of this profile (Observer)" in visible_text(response)
    assert table_snapshot() == before
    assert profile.participations.get(country="MA").role == "observer"


def test_editor_can_remove_a_country_and_add_it_again_in_one_submit(admin_client, profile):
    listed = profile.participations.first()
    data = form_data(admin_client.get(change_url(profile)))
    change_countries(data, remove=[listed])
    add_countries(data, listed.country.code, role="observer")

    response = admin_client.post(change_url(profile), data)

    assert response.status_code == 302, visible_text(response)
    assert profile.participations.get(country=listed.country.code).role == "observer"


def test_meeting_ending_before_it_starts_is_refused(admin_client, profile):
    before = table_snapshot()
    data = form_data(admin_client.get(change_url(profile)))
    add_inline_row(
        data,
        "meetings",
        title="Senior officials' meeting",
        start_date="2015-05-20",
        end_date="2015-05-19",
        date_precision="day",
    )

    response = admin_client.post(change_url(profile), data)

    assert response.status_code == 200
    assert "is before the start date" in visible_text(response)
    assert table_snapshot() == before


def test_more_than_two_associated_organisations_are_refused(admin_client, profile):
    organisations = [OrganisationFactory() for _ in range(3)]
    data = form_data(admin_client.get(change_url(profile)))
    data["associated_organisations"] = [str(o.pk) for o in organisations]

    response = admin_client.post(change_url(profile), data)

    assert response.status_code == 200
    assert (
        "A process is associated with at most 2 regional organisations; 3 were chosen."
        in visible_text(response)
    )
    assert not profile.associated_organisations.exists()


def test_editorial_marker_in_objectives_is_refused(admin_client, profile):
    data = form_data(admin_client.get(change_url(profile)))
    data["objectives_en"] = "A regional dialogue [KG1] on migration."

    response = admin_client.post(change_url(profile), data)

    assert response.status_code == 200
    assert "Remove the editorial marker [KG1]" in visible_text(response)
    profile.refresh_from_db()
    assert profile.objectives == "A regional dialogue on migration."


def test_chair_with_both_a_country_and_an_organisation_is_refused(admin_client, profile):
    organisation = OrganisationFactory()
    before = table_snapshot()
    data = form_data(admin_client.get(change_url(profile)))
    add_inline_row(
        data,
        "chairs",
        country="MA",
        organisation=str(organisation.pk),
        start_date="2019-01-01",
        date_precision="year",
    )

    response = admin_client.post(change_url(profile), data)

    assert response.status_code == 200
    assert "A chair is either a country or an organisation: fill in exactly one." in (
        visible_text(response)
    )
    assert table_snapshot() == before


# --- Query counts do not grow with the data -----------------------------------------------------


# One of them reads the reports of the legacy pages imported into the profile, one who else has
# it open (the "currently editing" notice), one its latest review note.
PROCESS_CHANGE_PAGE_QUERIES = 16
PROCESS_CHANGELIST_QUERIES = 7
ORGANISATION_CHANGELIST_QUERIES = 5


def page_queries(admin_client, assert_max_num_queries, url: str, pinned: int) -> int:
    """Open ``url`` within the pinned number of queries and return how many it ran."""
    with assert_max_num_queries(pinned) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_process_change_page_queries_do_not_grow_with_members(
    admin_client, full_profile, django_assert_max_num_queries
):
    small, large = full_profile(10), full_profile(200)
    admin_client.get(change_url(small))  # fills the content type cache ("View on site")

    small_count = page_queries(
        admin_client, django_assert_max_num_queries, change_url(small), PROCESS_CHANGE_PAGE_QUERIES
    )
    large_count = page_queries(
        admin_client, django_assert_max_num_queries, change_url(large), PROCESS_CHANGE_PAGE_QUERIES
    )

    assert small_count == large_count


@pytest.mark.parametrize(
    ("url", "make_one", "pinned"),
    [
        (
            "/admin/rcp/process/",
            lambda: ProcessOrganisationFactory(
                process=ParticipationFactory(country="MA").process, role="member"
            ),
            PROCESS_CHANGELIST_QUERIES,
        ),
        (
            "/admin/rcp/organisation/",
            lambda: ProcessOrganisationFactory(
                organisation=OrganisationFactory(succeeded_by=OrganisationFactory())
            ),
            ORGANISATION_CHANGELIST_QUERIES,
        ),
    ],
    ids=["processes", "organisations"],
)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries, url, make_one, pinned
):
    for _ in range(3):
        make_one()
    small_count = page_queries(admin_client, django_assert_max_num_queries, url, pinned)

    for _ in range(27):
        make_one()
    large_count = page_queries(admin_client, django_assert_max_num_queries, url, pinned)

    assert small_count == large_count


# --- Autocomplete -------------------------------------------------------------------------------


def autocomplete(admin_client, model_name: str, field_name: str, term: str) -> list[dict]:
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "rcp", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def test_autocomplete_finds_organisations_in_name_order(admin_client):
    ecowas = OrganisationFactory(name="Economic Community of West African States", acronym="ECOWAS")
    eccas = OrganisationFactory(name="Economic Community of Central African States", acronym="")
    OrganisationFactory(name="Southern African Development Community", acronym="SADC")

    results = autocomplete(admin_client, "process", "associated_organisations", "eco")

    assert results == [
        {"id": str(eccas.pk), "text": "Economic Community of Central African States"},
        {"id": str(ecowas.pk), "text": "Economic Community of West African States (ECOWAS)"},
    ]


def test_autocomplete_finds_focus_areas_in_name_order(admin_client):
    trafficking = FocusAreaFactory(name="trafficking in persons")
    child_trafficking = FocusAreaFactory(name="child trafficking")
    FocusAreaFactory(name="labour migration")

    results = autocomplete(admin_client, "processfocusarea", "focus_area", "traff")

    assert results == [
        {"id": str(child_trafficking.pk), "text": "child trafficking"},
        {"id": str(trafficking.pk), "text": "trafficking in persons"},
    ]


def test_autocomplete_is_closed_to_anonymous_visitors(client):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "rcp", "model_name": "process", "field_name": "regions", "term": "a"},
    )

    assert response.status_code == 302
