"""The page cache (rcp/cache.py): readers get cached public pages, never a stale one, never an
editor's preview.

A page that came from the cache is recognised by what it costs: no database query at all.
Editing is done the way editors and the IT team do it (the ORM as the admin and the workflow
use it, the admin itself, the import command, loaddata), and the reader's next visit must show
the change.
"""

import datetime
import io
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from rcp.cache import VERSION_KEY, invalidate_public_pages
from rcp.models import FocusArea, Organisation, Participation, Process, Region

from .factories import (
    ChairFactory,
    MeetingFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessFocusAreaFactory,
    ProcessOrganisationFactory,
)
from .pages import get_page, items, profile_url, section
from .servers import REDIS_URL, TcpProxy, delete_redis_keys, redis_unreachable_reason
from .test_admin import add_inline_row, change_url, form_data

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

pytestmark = pytest.mark.django_db


def read(client, url: str, **headers) -> tuple[int, str]:
    response = client.get(url, **headers)
    return response.status_code, response.content.decode()


@pytest.fixture
def process(db) -> Process:
    process = ProcessFactory(name="Rabat Process", slug="rabat-process")
    ParticipationFactory(process=process, country="MA")
    return process


# --- Readers are served from the cache ----------------------------------------------------------


def test_a_readers_second_visit_to_a_profile_costs_no_query(
    client, process, django_assert_num_queries
):
    first = client.get(profile_url(process))

    with django_assert_num_queries(0):
        second = client.get(profile_url(process))

    assert second.status_code == 200
    assert second.content == first.content
    assert "Rabat Process" in second.content.decode()


def test_home_and_the_not_found_page_of_an_unknown_slug_are_cached_too(
    client, process, django_assert_num_queries
):
    home, missing = client.get("/"), client.get("/processes/no-such-process/")

    with django_assert_num_queries(0):
        assert client.get("/").content == home.content
        again = client.get("/processes/no-such-process/")

    assert again.status_code == 404
    assert again.content == missing.content


def test_head_is_answered_from_the_cache_without_a_body(client, process, django_assert_num_queries):
    client.get(profile_url(process))

    with django_assert_num_queries(0):
        response = client.head(profile_url(process))

    assert response.status_code == 200
    assert response.content == b""


def address_in(language: str, slug: str) -> str:
    with translation.override(language):
        return reverse("rcp:process-detail", kwargs={"slug": slug})


def test_each_language_has_its_own_cached_page(client, db):
    ParticipationFactory(process=ProcessFactory(slug="p"), country="DE")

    def english():
        return read(client, address_in("en", "p"), HTTP_ACCEPT_LANGUAGE="en")[1]

    def french():
        return read(client, address_in("fr", "p"), HTTP_ACCEPT_LANGUAGE="fr")[1]

    first = (english(), french())
    again = (english(), french())

    assert "Germany" in first[0] and "Allemagne" in first[1]
    assert again == first


def test_a_french_page_is_served_from_the_cache_too(client, db, django_assert_num_queries):
    ParticipationFactory(process=ProcessFactory(slug="p"), country="DE")
    read(client, address_in("fr", "p"), HTTP_ACCEPT_LANGUAGE="fr")

    with django_assert_num_queries(0):
        status, page = read(client, address_in("fr", "p"), HTTP_ACCEPT_LANGUAGE="fr")

    assert status == 200
    assert "Allemagne" in page


def test_a_request_for_a_host_not_allowed_is_refused_even_when_the_page_is_cached(client, process):
    client.get(profile_url(process))

    assert client.get(profile_url(process), HTTP_HOST="attacker.example").status_code == 400


def test_pages_cached_before_a_release_are_not_served_after_it(client, process, settings):
    """A hit carries the headers stored with the page; a release that changes them (or the
    templates, or the static files) must not be answered with the previous release's pages."""
    before = client.get(profile_url(process))
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**directives, "img-src": ["'self'", "https://images.iom.int"]}
    }

    after = client.get(profile_url(process))

    assert "https://images.iom.int" not in before["Content-Security-Policy"]
    assert "img-src 'self' https://images.iom.int" in after["Content-Security-Policy"]


@override_settings(RCP_PAGE_CACHE_SECONDS=0)
def test_a_zero_lifetime_turns_the_page_cache_off(client, process, django_assert_max_num_queries):
    client.get(profile_url(process))

    with django_assert_max_num_queries(20) as queries:
        client.get(profile_url(process))

    assert len(queries) > 0


# --- Editors never see, nor cause, a stale page -------------------------------------------------


def rename_process(p):
    p.name = "Renamed Process"
    p.save()
    return "Renamed Process"


def add_member(p):
    ParticipationFactory(process=p, country="SN")
    return "Senegal"


def rename_organisation(p):
    link = ProcessOrganisationFactory(process=p, organisation__name="Old name", role="member")
    organisation = Organisation.objects.get(pk=link.organisation_id)
    organisation.name = "Renamed Organisation"
    organisation.save()
    return "Renamed Organisation"


def rename_focus_area(p):
    link = ProcessFocusAreaFactory(process=p, focus_area__name="border management")
    area = FocusArea.objects.get(pk=link.focus_area_id)
    area.name = "integrated border management"
    area.save()
    return "integrated border management"


def add_region(p):
    p.regions.add(Region.objects.create(name="Northern Africa"))
    return "Northern Africa"


def add_meeting(p):
    MeetingFactory(
        process=p, title="Senior Officials Meeting", start_date=datetime.date(2024, 5, 6)
    )
    return "Senior Officials Meeting"


def add_chair(p):
    ChairFactory(process=p, country="SN", start_date=datetime.date(2023, 1, 1))
    return "Senegal"


@pytest.mark.parametrize(
    "edit",
    [
        rename_process,
        add_member,
        rename_organisation,
        rename_focus_area,
        add_region,
        add_meeting,
        add_chair,
    ],
)
def test_any_edit_of_what_a_profile_shows_reaches_the_next_reader(client, process, edit):
    read(client, profile_url(process))
    read(client, "/")

    shown = edit(process)

    assert shown in read(client, profile_url(process))[1]


def test_a_removed_member_disappears_from_the_profile_and_the_count_on_home(client, process):
    assert "Morocco" in read(client, profile_url(process))[1]
    assert "1 Member" in read(client, "/")[1]

    Participation.objects.filter(process=process, country="MA").delete()

    assert "Morocco" not in read(client, profile_url(process))[1]
    assert "0 Members" in read(client, "/")[1]


def test_a_renamed_process_is_renamed_on_home_too(client, process):
    read(client, "/")

    rename_process(process)

    assert "Renamed Process" in read(client, "/")[1]


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_an_unpublished_profile_leaves_the_site_at_once(client, process, status):
    assert read(client, profile_url(process))[0] == 200

    process.status = status
    process.save()

    assert read(client, profile_url(process))[0] == 404
    assert "Rabat Process" not in read(client, "/")[1]


def test_a_published_draft_appears_at_once_where_a_reader_was_told_not_found(client, db):
    draft = ProcessFactory(name="Draft Process", slug="draft-process", status="draft")
    assert read(client, "/processes/draft-process/")[0] == 404

    draft.status = "published"
    draft.save()

    assert read(client, "/processes/draft-process/")[0] == 200
    assert "Draft Process" in read(client, "/")[1]


def test_a_deleted_profile_is_gone_at_once(client, process):
    read(client, profile_url(process))

    process.delete()

    assert read(client, profile_url(process))[0] == 404


def test_an_admin_save_reaches_the_reader_at_once(admin_client, client, process):
    assert "Senegal" not in read(client, profile_url(process))[1]
    data = form_data(admin_client.get(change_url(process)))
    add_inline_row(data, "participations", country="SN", role="member")

    assert admin_client.post(change_url(process), data).status_code == 302

    assert "Senegal" in items(section(get_page(client, profile_url(process)), "Members").find("ul"))


def test_an_import_from_the_command_line_reaches_the_reader_at_once(client, process, tmp_path):
    read(client, profile_url(process))
    path = tmp_path / "members.csv"
    path.write_text("process,country,role\nrabat-process,SN,member\n")

    call_command(
        "import",
        "rcp.resources.ParticipationResource",
        str(path),
        "--noinput",
        stdout=io.StringIO(),
    )

    assert "Senegal" in read(client, profile_url(process))[1]


def test_loading_a_fixture_reaches_the_reader_at_once(client, db):
    assert read(client, "/processes/tripoli-process/")[0] == 404

    call_command("loaddata", str(FIXTURES / "tripoli-process.json"), verbosity=0)

    status, page = read(client, "/processes/tripoli-process/")
    assert status == 200
    assert "Tripoli Process" in page


def test_changes_in_one_transaction_invalidate_once_when_it_commits(
    db, django_capture_on_commit_callbacks
):
    before = cache.get(VERSION_KEY)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            process = ProcessFactory(name="Rabat Process")
            for code in ("SN", "ML", "NE"):
                ParticipationFactory(process=process, country=code)
            process.name = "Renamed"
            process.save()

    assert [callback.__name__ for callback in callbacks] == ["invalidate_public_pages"]
    assert cache.get(VERSION_KEY) not in (None, before)


# --- Editors' previews stay theirs --------------------------------------------------------------


def test_a_staff_preview_of_a_draft_never_reaches_a_reader(admin_client, client, db):
    ProcessFactory(name="Draft Process", slug="draft-process", status="draft")

    preview = admin_client.get("/processes/draft-process/")
    assert preview.status_code == 200
    assert "Only staff can see this preview" in preview.content.decode()
    assert "private" in preview["Cache-Control"]

    status, page = read(client, "/processes/draft-process/")
    assert status == 404
    assert "Draft Process" not in page


def test_a_readers_cached_not_found_page_does_not_hide_a_draft_from_staff(admin_client, client, db):
    ProcessFactory(name="Draft Process", slug="draft-process", status="draft")
    assert read(client, "/processes/draft-process/")[0] == 404

    preview = admin_client.get("/processes/draft-process/")

    assert preview.status_code == 200
    assert "Draft Process" in preview.content.decode()


def test_staff_always_get_a_fresh_page(
    admin_client, client, process, django_assert_max_num_queries
):
    read(client, profile_url(process))

    with django_assert_max_num_queries(50) as queries:
        response = admin_client.get(profile_url(process))

    assert response.status_code == 200
    assert len(queries) > 0


# --- Redis unreachable --------------------------------------------------------------------------


@pytest.fixture
def redis_through_proxy():
    """Django's cache on the real Redis, through a proxy the test can cut."""
    reason = redis_unreachable_reason()
    if reason:
        pytest.skip(reason)
    target = urlsplit(REDIS_URL)
    proxy = TcpProxy(target.hostname, target.port or 6379).start()
    prefix = f"rcp-test-{uuid.uuid4().hex[:12]}"
    location = target._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()
    caches = {
        "default": {
            "BACKEND": "rcp.redis_cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    try:
        with override_settings(CACHES=caches):
            invalidate_public_pages()
            yield proxy
    finally:
        proxy.stop()
        delete_redis_keys(prefix)


def test_pages_are_served_while_redis_is_down_and_no_stale_page_survives_it(
    client, process, redis_through_proxy
):
    proxy = redis_through_proxy
    assert "Rabat Process" in read(client, profile_url(process))[1]  # cached in Redis

    proxy.stop()
    rename_process(process)  # the cache cannot hear of it now
    during = read(client, profile_url(process))
    health = client.get("/healthz")
    proxy.start()
    after = read(client, profile_url(process))

    assert during[0] == 200 and "Renamed Process" in during[1]
    assert health.status_code == 503
    assert health.json()["checks"] == {
        "database": {"status": "ok", "ms": health.json()["checks"]["database"]["ms"]},
        "cache": {"status": "unavailable", "ms": health.json()["checks"]["cache"]["ms"]},
    }
    assert after[0] == 200 and "Renamed Process" in after[1]
    assert client.get("/healthz").status_code == 200
