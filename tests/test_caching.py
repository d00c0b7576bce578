"""The page cache (rcp/cache.py): readers get cached public pages, never a stale one, never an
editor's preview.

A page that came from the cache is recognised by what it costs: no database query at all.
Editing is done the way editors and the IT team do it (the ORM as the admin and the workflow
use it, the admin itself, the import command, loaddata), and the reader's next visit must show
the change.
"""

import datetime
import io
import re
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from rcp import data_version, sessions
from rcp.cache import CACHE_HEADER, VERSION_KEY, invalidate_public_pages
from rcp.models import FocusArea, Organisation, PageDataChange, Participation, Process, Region
from rcp.workflow import COMMAND_LINE, delete_profile, set_status

from .admin_forms import add_countries, form_data
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
from .test_admin import change_url

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


def test_the_home_page_is_cached_and_made_up_addresses_never_fill_the_cache(
    client, process, django_assert_num_queries
):
    home = client.get("/")
    entries = cache_entries()
    missing = [client.get(f"/processes/no-such-process-{n}/") for n in range(40)]
    missing += [client.get(f"/countries/x{n}/") for n in range(40)]

    with django_assert_num_queries(0):
        assert client.get("/").content == home.content
    assert {response.status_code for response in missing} == {404}
    assert {response[CACHE_HEADER] for response in missing} == {"miss"}
    assert cache_entries() == entries


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

    set_status(process, status, actor=COMMAND_LINE)

    assert read(client, profile_url(process))[0] == 404
    assert "Rabat Process" not in read(client, "/")[1]


def test_a_published_draft_appears_at_once_where_a_reader_was_told_not_found(client, db):
    draft = ProcessFactory(name="Draft Process", slug="draft-process", status="draft")
    assert read(client, "/processes/draft-process/")[0] == 404

    set_status(draft, "published", actor=COMMAND_LINE)

    assert read(client, "/processes/draft-process/")[0] == 200
    assert "Draft Process" in read(client, "/")[1]


def test_a_deleted_profile_is_gone_at_once(client, process):
    read(client, profile_url(process))

    delete_profile(process, actor=COMMAND_LINE)

    assert read(client, profile_url(process))[0] == 404


def test_an_admin_save_reaches_the_reader_at_once(admin_client, client, process):
    assert "Senegal" not in read(client, profile_url(process))[1]
    data = form_data(admin_client.get(change_url(process)))
    add_countries(data, "Senegal")

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


def test_changes_in_one_transaction_are_recorded_once_and_given_to_redis_when_it_commits(
    db, django_capture_on_commit_callbacks
):
    recorded = PageDataChange.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            process = ProcessFactory(name="Rabat Process")
            for code in ("SN", "ML", "NE"):
                ParticipationFactory(process=process, country=code)
            process.name = "Renamed"
            process.save()
            before_the_commit = cache.get(VERSION_KEY)

    assert PageDataChange.objects.count() == recorded + 1
    assert len(callbacks) == 1
    assert before_the_commit is None  # nothing uncommitted is given to other servers
    assert cache.get(VERSION_KEY) == data_version.in_database()


def test_a_page_built_inside_a_rolled_back_savepoint_is_never_served_afterwards(client, process):
    with transaction.atomic():
        process.name = "Name that is rolled back"
        process.save()
        assert "Name that is rolled back" in read(client, profile_url(process))[1]
        transaction.set_rollback(True)

    assert "Rabat Process" in read(client, profile_url(process))[1]
    ParticipationFactory(process=process, country="SN")
    page = read(client, profile_url(process))[1]
    assert "Senegal" in page
    assert "Name that is rolled back" not in page


@pytest.mark.django_db(transaction=True)
def test_old_changes_are_pruned_and_every_change_still_moves_the_version():
    versions = []
    for _ in range(3 * data_version.KEEP_ROWS):
        invalidate_public_pages()  # outside a transaction: recorded and committed at once
        versions.append(data_version.in_database())

    assert PageDataChange.objects.count() <= 2 * data_version.KEEP_ROWS + 1
    assert len(set(versions)) == len(versions)


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


# --- Query strings and cookies cannot bypass the cache ------------------------------------------


def cache_entries() -> int:
    return len(caches["default"]._cache)  # the tests' local-memory cache


def test_made_up_query_strings_get_the_cached_page_and_add_no_cache_entry(
    client, process, django_assert_num_queries
):
    client.get(profile_url(process))
    entries = cache_entries()

    with django_assert_num_queries(0):
        responses = [
            client.get(f"{profile_url(process)}?utm_source={uuid.uuid4().hex}&fbclid={n}")
            for n in range(80)
        ]

    assert {response.status_code for response in responses} == {200}
    assert {response[CACHE_HEADER] for response in responses} == {"hit"}
    assert "Rabat Process" in responses[-1].content.decode()
    assert cache_entries() == entries


def test_the_parameters_a_page_reads_still_make_its_key(client, db, django_assert_num_queries):
    ProcessFactory(name="Rabat Process")
    ProcessFactory(name="Budapest Process")
    rabat, budapest = read(client, "/search/?q=Rabat")[1], read(client, "/search/?q=Budapest")[1]
    home, both = client.get("/?kind=rcp&region=africa"), client.get("/?kind=rcp")

    with django_assert_num_queries(0):
        again = client.get("/search/?utm_medium=mail&q=Rabat")
        reordered = client.get("/?region=africa&kind=rcp&utm_campaign=x")

    assert "Rabat Process" in rabat and "Budapest Process" not in rabat
    assert "Budapest Process" in budapest and "Rabat Process" not in budapest
    assert home.content != both.content
    assert again[CACHE_HEADER] == reordered[CACHE_HEADER] == "hit"
    assert again.content.decode() == rabat
    assert reordered.content == home.content


def test_a_page_never_shows_a_query_parameter_its_view_does_not_read(client, process):
    """A cached page is served to everyone: it must not repeat what one request put in the
    address (the header's language links repeat the query string)."""
    page = read(client, "/?utm_source=Injected-by-a-stranger&kind=rcp")[1]

    assert "Injected-by-a-stranger" not in page
    assert "/fr/?kind=rcp" in page  # the page's own parameters are kept


@pytest.mark.parametrize(
    "cookie", ["made-up", "0" * 32, "abcdefghijklmnopqrstuvwxyz0123456789abcd"]
)
def test_a_made_up_session_cookie_gets_the_cached_page(
    client, process, django_assert_num_queries, cookie
):
    client.get(profile_url(process))
    client.cookies["sessionid"] = cookie

    with django_assert_num_queries(0):
        response = client.get(profile_url(process))

    assert response.status_code == 200
    assert response[CACHE_HEADER] == "hit"
    assert "Rabat Process" in response.content.decode()


def test_a_page_first_asked_for_with_a_made_up_session_cookie_is_cached_for_everyone(
    client, process, django_assert_num_queries
):
    client.cookies["sessionid"] = "made-up"
    first = client.get(profile_url(process))
    del client.cookies["sessionid"]

    with django_assert_num_queries(0):
        second = client.get(profile_url(process))

    assert first[CACHE_HEADER] == "miss"
    assert first.cookies["sessionid"].value == ""  # Django drops the made-up cookie
    assert second[CACHE_HEADER] == "hit"
    assert "sessionid" not in second.cookies


def test_an_editor_logged_in_through_the_admin_never_gets_nor_stores_a_cached_page(
    client, db, django_user_model
):
    django_user_model.objects.create_superuser("editor", "", "a long passphrase 42")
    ProcessFactory(name="Draft Process", slug="draft-process", status="draft")
    reader = read(client, "/processes/draft-process/")  # the readers' 404
    editor = Client()
    logged_in = editor.post(
        "/admin/login/",
        {"username": "editor", "password": "a long passphrase 42", "next": "/admin/"},
    )

    previews = [editor.get("/processes/draft-process/") for _ in range(2)]
    after = client.get("/processes/draft-process/")

    assert reader[0] == 404
    assert logged_in.status_code == 302
    for preview in previews:
        assert preview.status_code == 200
        assert "Only staff can see this preview" in preview.content.decode()
        assert CACHE_HEADER not in preview
        assert "private" in preview["Cache-Control"]
    assert after.status_code == 404
    assert after[CACHE_HEADER] == "miss"
    assert "Draft Process" not in after.content.decode()


def test_session_keys_are_signed_so_that_a_made_up_one_is_told_apart(db, settings):
    store = sessions.SessionStore()
    store.create()
    issued, old_secret = store.session_key, settings.SECRET_KEY
    tampered = issued[:-1] + ("0" if issued[-1] != "0" else "1")

    assert len(issued) == 40
    assert sessions.issued_here(issued)
    assert not sessions.issued_here(tampered)
    assert not sessions.issued_here("abcdefghijklmnopqrstuvwxyz0123456789abcd")
    settings.SECRET_KEY = "another secret key, for another site, " * 2
    assert not sessions.issued_here(issued)
    settings.SECRET_KEY_FALLBACKS = [old_secret]
    assert sessions.issued_here(issued)  # while the secret key is being rotated


# --- Redis unreachable or hung ------------------------------------------------------------------


@pytest.fixture
def redis_through_proxy(request):
    """Django's cache on the real Redis, through a proxy the test can cut or hang; after a
    failure Redis is skipped for ``request.param`` seconds (0.2 unless parametrised)."""
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
            "OPTIONS": {
                "socket_connect_timeout": 1,
                "socket_timeout": 1,
                "skip_seconds": getattr(request, "param", 0.2),
            },
        }
    }
    try:
        with override_settings(CACHES=caches):
            yield proxy
    finally:
        proxy.stop()
        delete_redis_keys(prefix)


def degraded(health) -> bool:
    """``/healthz``'s answer with the database up and the cache away."""
    checks = health.json()["checks"]
    return (
        health.status_code == 200
        and health.json()["status"] == "degraded"
        and checks["database"]["status"] == "ok"
        and checks["cache"]["status"] == "degraded"
    )


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
    time.sleep(0.3)  # Redis is skipped for 0.2 s after a failure
    after = read(client, profile_url(process))

    assert during[0] == 200 and "Renamed Process" in during[1]
    assert degraded(health)
    assert after[0] == 200 and "Renamed Process" in after[1]
    assert client.get("/healthz").json()["status"] == "ok"


@pytest.mark.parametrize("redis_through_proxy", [60], indirect=True)
def test_a_hung_redis_is_waited_for_once_then_left_alone_while_pages_render_without_it(
    client, process, redis_through_proxy
):
    """A Redis that accepts connections and never answers would make every request wait:
    after the first failure it is not contacted again for a while (the circuit breaker)."""
    proxy = redis_through_proxy
    read(client, profile_url(process))
    proxy.hang()

    first = read(client, profile_url(process))  # waits for Redis once
    contacted = proxy.accepted
    pages = [read(client, profile_url(process)) for _ in range(10)]
    health = client.get("/healthz")

    assert first[0] == 200
    assert [status for status, _page in pages] == [200] * 10
    assert "Rabat Process" in pages[-1][1]
    assert degraded(health)
    assert proxy.accepted == contacted


@pytest.mark.parametrize("redis_through_proxy", [0.3], indirect=True)
def test_after_a_pause_redis_is_tried_again_and_used_once_it_answers(
    client, process, redis_through_proxy
):
    proxy = redis_through_proxy
    proxy.hang()
    during = client.get(profile_url(process))
    proxy.resume()
    time.sleep(0.4)

    again = [client.get(profile_url(process)) for _ in range(2)]

    assert during.status_code == 200 and during[CACHE_HEADER] == "miss"
    assert [response[CACHE_HEADER] for response in again] == ["miss", "hit"]
    assert client.get("/healthz").json()["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_a_change_made_while_redis_is_away_is_not_lost_when_the_process_restarts(
    client, redis_through_proxy
):
    """The change is committed while Redis cannot hear of it, then the process that made it
    is replaced (a deploy): when Redis is back, the page from before the change is not served."""
    proxy = redis_through_proxy
    process = ProcessFactory(name="Rabat Process", slug="rabat-process")
    for _ in range(2):
        warm = client.get(profile_url(process))
    assert warm[CACHE_HEADER] == "hit"

    proxy.stop()
    set_status(process, "draft", actor=COMMAND_LINE)
    data_version.forget()  # a new process: nothing of the old one remembered
    proxy.start()
    time.sleep(0.3)

    after = [client.get(profile_url(process)) for _ in range(2)]
    home = [client.get("/") for _ in range(2)]
    assert [response.status_code for response in after] == [404, 404]
    assert home[1][CACHE_HEADER] == "hit"  # the cache is used again


def log_in_as_an_editor(client, django_user_model):
    django_user_model.objects.create_superuser("editor", "", "a long passphrase 42")
    return client.post(
        "/admin/login/",
        {"username": "editor", "password": "a long passphrase 42", "next": "/admin/"},
    )


@pytest.mark.parametrize("redis_through_proxy", [60], indirect=True)
@pytest.mark.parametrize("outage", ["refused", "hung"])
def test_editors_log_in_and_edit_as_usual_while_redis_is_refused_or_hung(
    client, django_user_model, process, redis_through_proxy, outage
):
    """Sessions and log-in attempts (django-axes) are kept in the database, not in Redis."""
    proxy = redis_through_proxy
    proxy.stop() if outage == "refused" else proxy.hang()

    logged_in = log_in_as_an_editor(client, django_user_model)
    changelist = client.get("/admin/rcp/process/")
    preview = client.get(profile_url(process))
    health = client.get("/healthz")

    assert logged_in.status_code == 302
    assert changelist.status_code == 200 and "Rabat Process" in changelist.text
    assert preview.status_code == 200 and "Rabat Process" in preview.text
    assert degraded(health)


@pytest.mark.parametrize("redis_through_proxy", [60], indirect=True)
@pytest.mark.parametrize("outage", ["refused", "hung"])
def test_uploads_are_previewed_and_confirmed_while_redis_is_refused_or_hung(
    client, django_user_model, process, redis_through_proxy, outage
):
    """The CSV import and the legacy page upload keep working without Redis."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .legacy_pages import as_html, build

    proxy = redis_through_proxy
    proxy.stop() if outage == "refused" else proxy.hang()
    log_in_as_an_editor(client, django_user_model)

    members = b"process,country,role,group,note\nrabat-process,SN,member,AU,\n"
    preview = client.post(
        "/admin/rcp/participation/import/",
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("members.csv", members, content_type="text/csv"),
        },
    )
    confirm = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', preview.text))
    confirmed = client.post("/admin/rcp/participation/process_import/", confirm, follow=True)
    page = as_html(build()).encode()
    legacy = client.post(
        "/admin/rcp/process/import-legacy-page/",
        {"page_file": SimpleUploadedFile("sample.html", page), "name": ""},
    )

    assert preview.status_code == 200 and "Confirm the import" in preview.text
    assert confirmed.status_code == 200
    assert "Senegal" in read(client, profile_url(process))[1]
    assert legacy.status_code == 200 and "Sample Dialogue on Migration" in legacy.text
