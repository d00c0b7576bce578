"""Hostile requests and what the site says to them: NUL characters anywhere the site reads text
(a 400 page in the site's design, never a 500 on PostgreSQL), robots.txt with a moved admin, a
log-in sent elsewhere by ``next``, the HTTP->HTTPS redirect's headers, the address-wide lockout
of password guessing across user names, and the venv's setuptools.
"""

import importlib
import importlib.metadata
import io
import re

import openpyxl
import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

import tripoli.urls
from rcp.models import Participation

from .factories import ParticipationFactory, ProcessFactory
from .pages import navigation_items, parse
from .test_production import PASSWORD, assert_security_headers, log_in_attempt

BAD_REQUEST_TITLE = "Request not understood"


@pytest.fixture
def rabat(db):
    process = ProcessFactory(name="Rabat Process", slug="rabat-process")
    ParticipationFactory(process=process, country="MA")
    process.regions.create(name="Africa", slug="africa")
    return process


def assert_refused(response, language: str = "en") -> None:
    """A 400 in the site's design and the page's language, with the security headers."""
    assert response.status_code == 400, response.content[:300]
    page = parse(response.content.decode())
    heading = {
        "en": BAD_REQUEST_TITLE,
        "fr": "Requête incomprise",
        "es": "Solicitud no comprendida",
    }
    assert [h1.text for h1 in page.find_all("h1")] == [heading[language]]
    assert navigation_items(page), "the site's header and navigation"
    assert page.find("html").attrs["lang"] == language
    assert_security_headers(response)


# --- NUL characters ------------------------------------------------------------------------------

NUL_ADDRESSES = [
    "/search/?q=ab%00cd",
    "/search/?q=%00%00",
    "/?region=x%00",
    "/?kind=rcp%00",
    "/?region=%00&kind=rcp",
    "/search/?q%00=ab",  # in a key
    "/?utm_source=%00",  # a parameter no page reads
    "/processes/rabat%00-process/",  # in the path
    "/countries/ma%00/",
    "/organisations/%00/",
    "/sitemap.xml?p=%00",
    "/data/profiles.json?%00",
    "/admin/login/?next=/admin/%00",
    "/static/css/site.css%00",
]


@pytest.mark.parametrize("address", NUL_ADDRESSES)
def test_a_nul_anywhere_in_the_address_gets_the_400_page(client, rabat, address):
    assert_refused(client.get(address))


def test_a_nul_in_a_query_is_refused_even_when_the_page_is_cached(client, rabat):
    assert client.get("/").status_code == 200
    assert client.get("/")["X-Page-Cache"] == "hit"

    assert_refused(client.get("/?utm_source=%00"))
    assert_refused(client.get("/", {"region": "africa\x00"}))
    assert client.get("/")["X-Page-Cache"] == "hit"  # nothing stored for the refusals


@pytest.mark.parametrize(("prefix", "language"), [("/fr", "fr"), ("/es", "es")])
def test_the_400_page_speaks_the_language_of_the_address(client, rabat, prefix, language):
    assert_refused(client.get(f"{prefix}/search/?q=ab%00cd"), language)


def test_the_400_page_repeats_nothing_the_request_sent(client, rabat):
    response = client.get("/search/", {"q": "zqxjk\x00<b>"})

    assert_refused(response)
    text = response.content.decode()
    assert "zqxjk" not in text
    assert "\x00" not in text


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0\x00"},
        {"HTTP_ACCEPT_LANGUAGE": "fr\x00"},
        {"HTTP_REFERER": "https://example.org/\x00"},
        {"HTTP_X_FORWARDED_FOR": "203.0.113.7\x00"},
    ],
    ids=["user agent", "accept-language", "referer", "forwarded-for"],
)
def test_a_nul_in_a_header_gets_the_400_page(client, rabat, header):
    assert_refused(client.get("/", **header))


def test_a_nul_in_a_cookie_gets_the_400_page(client, rabat):
    # A quoted cookie value decodes "\000" to NUL: a session key that PostgreSQL would refuse.
    client.cookies["sessionid"] = "abc\x00defghijk"
    assert_refused(client.get("/"))


@pytest.fixture
def editor(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "editor\x00", "password": "guess"},
        {"username": "editor", "password": "gu\x00ess"},
        {"username": "editor", "password": "guess", "next\x00": "/admin/"},
    ],
    ids=["user name", "password", "field name"],
)
def test_a_nul_in_a_form_field_gets_the_400_page_and_nothing_is_recorded(client, editor, fields):
    response = client.post("/admin/login/", fields)

    assert_refused(response)
    assert not AccessAttempt.objects.exists()


@pytest.fixture
def importer(db):
    user = get_user_model().objects.create_user("importer", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def xlsx_upload(name: str = "countries.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    workbook.active.append(["process", "country", "role"])
    workbook.active.append(["rabat-process", "SN", "observer"])
    data = io.BytesIO()
    workbook.save(data)
    assert b"\x00" in data.getvalue()  # a zip archive: NUL bytes are its ordinary content
    return SimpleUploadedFile(name, data.getvalue())


def test_an_uploaded_file_may_hold_nul_bytes(importer, rabat):
    response = importer.post(
        "/admin/rcp/participation/import/",
        {"resource": "0", "format": "1", "import_file": xlsx_upload()},
    )

    assert response.status_code == 200
    assert "Confirm the import" in response.content.decode()
    assert not Participation.objects.filter(country="SN").exists()  # a preview writes nothing


@pytest.mark.parametrize(
    ("fields", "file_field"),
    [
        ({"resource": "0", "format": "1\x00"}, "import_file"),
        ({"resource": "0", "format": "1"}, "import_file\x00"),
    ],
    ids=["form field", "file field's name"],
)
def test_a_nul_in_an_upload_form_other_than_the_files_content_gets_the_400_page(
    importer, rabat, fields, file_field
):
    response = importer.post(
        "/admin/rcp/participation/import/", {**fields, file_field: xlsx_upload()}
    )

    assert_refused(response)


@pytest.mark.parametrize(
    "request_",
    [
        lambda c: c.get("/", HTTP_HOST="evil.example"),
        lambda c: c.post("/admin/login/", {"username": "x" * 200}),
    ],
    ids=["host not allowed", "form over DATA_UPLOAD_MAX_MEMORY_SIZE"],
)
def test_other_bad_requests_get_the_same_400_page(client, rabat, settings, request_):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    assert_refused(request_(client))


def test_ordinary_requests_pass_untouched(client, rabat):
    assert client.get("/search/", {"q": "Rabat"}).status_code == 200
    assert client.get("/", {"region": "africa"}).status_code == 200
    assert client.get("/?q=%2500").status_code == 200  # "%00" as text, not a NUL


# --- robots.txt and the admin's address ---------------------------------------------------------


def test_robots_txt_does_not_reveal_a_moved_admin(client, db, admin_at_office):
    response = client.get("/robots.txt")

    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow:",
        "Sitemap: http://testserver/sitemap.xml",
    ]
    assert "office" not in response.content.decode()
    assert client.get("/office/login/").status_code == 200


@pytest.mark.parametrize("moved", [False, True], ids=["admin/", "office/"])
def test_admin_responses_ask_search_engines_not_to_index_them(client, db, request, moved):
    prefix = "/office/" if moved else "/admin/"
    if moved:
        request.getfixturevalue("admin_at_office")

    for address in (f"{prefix}login/", prefix):
        assert client.get(address)["X-Robots-Tag"] == "noindex, nofollow"
    assert "X-Robots-Tag" not in client.get("/")


# --- Log-in redirects ---------------------------------------------------------------------------

FOREIGN_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "https://testserver.evil.example/admin/",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("next_url", FOREIGN_NEXT)
def test_a_log_in_sent_to_another_site_lands_on_the_admin_index(client, editor, next_url):
    response = client.post(
        f"/admin/login/?next={next_url}",
        {"username": "editor", "password": PASSWORD, "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_a_log_in_sent_to_another_site_lands_on_a_moved_admin_index(
    client, editor, admin_at_office
):
    response = client.post(
        "/office/login/", {"username": "editor", "password": PASSWORD, "next": "//evil.example/"}
    )

    assert response["Location"] == "/office/"


def test_a_log_in_keeps_a_next_page_of_the_site(client, editor):
    response = client.post(
        "/admin/login/",
        {"username": "editor", "password": PASSWORD, "next": "/admin/rcp/process/"},
    )

    assert response["Location"] == "/admin/rcp/process/"


# --- The HTTP -> HTTPS redirect -----------------------------------------------------------------


@pytest.mark.parametrize("address", ["/", "/processes/rabat-process/", "/admin/login/"])
def test_the_https_redirect_carries_the_security_headers(client, rabat, settings, address):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000

    redirect = client.get(address)
    secure = client.get(address, secure=True)

    assert redirect.status_code == 301
    assert redirect["Location"] == f"https://testserver{address}"
    assert_security_headers(redirect)
    assert "Strict-Transport-Security" not in redirect  # ignored over plain HTTP (RFC 6797)
    assert secure.status_code == 200
    assert_security_headers(secure)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


# --- Password guessing across user names --------------------------------------------------------


def test_one_address_trying_many_user_names_is_locked_out(client, editor, settings):
    assert settings.AXES_IP_FAILURE_LIMIT == 20
    answers = [
        log_in_attempt(client, "Summer2024!", username=f"user{n}").status_code for n in range(20)
    ]

    right = log_in_attempt(client, PASSWORD)
    elsewhere = log_in_attempt(Client(REMOTE_ADDR="198.51.100.20"), PASSWORD)

    assert set(answers[:19]) == {200}
    assert answers[19] == 429
    assert right.status_code == 429
    assert "Logging in has failed 20 times in a row" in right.content.decode()
    assert_security_headers(right)
    assert elsewhere.status_code == 302


def test_failures_across_names_short_of_the_address_limit_lock_nobody_out(client, editor):
    for n in range(19):
        log_in_attempt(client, "Summer2024!", username=f"user{n}")

    assert log_in_attempt(client, PASSWORD).status_code == 302


def test_the_address_limit_comes_from_the_environment():
    from .test_production import run_manage

    completed = run_manage(
        {"AXES_IP_FAILURE_LIMIT": "50"},
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.AXES_IP_FAILURE_LIMIT)",
    )

    assert completed.stdout.split() == ["50"]


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_load_balancer_forged_addresses_do_not_escape_the_address_lockout(client, editor):
    for n in range(20):  # the client writes a new address each time; the balancer appends its own
        log_in_attempt(
            client, "guess", username=f"user{n}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7"
        )

    blocked = log_in_attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")

    assert blocked.status_code == 429


# --- The venv ------------------------------------------------------------------------------------


def test_the_venv_has_a_current_setuptools():
    """`make install` upgrades pip and setuptools: venv bundles setuptools 65.5 on Python 3.11,
    with known vulnerabilities (CVE-2024-6345, CVE-2025-47273: fixed in 70.0 and 78.1.1)."""
    version = importlib.metadata.version("setuptools")
    major, minor = (int(re.match(r"\d+", part).group()) for part in version.split(".")[:2])
    assert (major, minor) >= (78, 1), f"setuptools {version}: run make install"


def test_make_install_upgrades_pip_and_setuptools():
    makefile = (tripoli.urls.settings.BASE_DIR / "Makefile").read_text()
    assert "pip install --quiet --upgrade pip setuptools" in makefile
    assert "$(INSTALLED): pyproject.toml Makefile" in makefile
