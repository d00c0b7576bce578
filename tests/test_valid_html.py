"""Every public page type is valid HTML, as the W3C Nu HTML validator judges it, in English,
French and Spanish: the home page (filtered and paged), profiles (the bundled Tripoli Process
and one with every section), a draft's preview, countries, a theme, organisations, search
(results, none, a suggestion), open data, the matrix, and the error pages.

The validator is the npm package vnu-jar, run with Java; `make test` installs both (npm ci,
apt-get install default-jre-headless). Without them this module fails, it never skips. The pages
are rendered once for the module and the validator runs once over all of them: starting Java
takes seconds.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory
from django.utils import translation

from rcp import data_version
from rcp.health import server_error, service_unavailable

from .public_pages import LANGUAGES, build_public_site, served_pages

# The pages are rendered by a module fixture (below); the mark has the test database set up.
pytestmark = pytest.mark.django_db

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "`make test` installs them (npm ci for vnu-jar; apt-get for default-jre-headless)"

PAGES = served_pages()
ERROR_PAGES = ["500", "503"]  # the 404 and 400 pages are among PAGES

# A document with a known error: shows the validator's verdict is read (see the last test).
INVALID = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div></p>'


def file_name(name: str, language: str) -> str:
    return f"{name}.{language}.html"


def render_error_page(name: str, language: str) -> tuple[int, bytes]:
    """The pages of the site's handlers for a server error and an unreachable database."""
    with translation.override(language):
        if name == "503":
            response = service_unavailable()
        else:
            response = server_error(RequestFactory().get(LANGUAGES[language] + "/"))
    return response.status_code, response.content


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory) -> tuple[Path, dict]:
    """Every page in every language, written to a folder: its files and each one's status (or
    the error that kept it from rendering). The site's rows are created for this module and
    rolled back afterwards."""
    folder = tmp_path_factory.mktemp("pages")
    statuses = {}
    with django_db_blocker.unblock(), translation.override("en"), transaction.atomic():
        cache.clear()
        data_version.forget()
        staff = Client()
        staff.force_login(build_public_site(get_user_model()))
        reader = Client()
        for page in PAGES:
            for language in LANGUAGES:
                name = file_name(page.name, language)
                client = staff if page.staff else reader
                try:
                    with transaction.atomic():  # a page that fails leaves the others be
                        response = client.get(page.url(language))
                except Exception as error:
                    statuses[name] = f"{type(error).__name__}: {error}"
                    continue
                (folder / name).write_bytes(response.content)
                statuses[name] = response.status_code
        for page in ERROR_PAGES:
            for language in LANGUAGES:
                name = file_name(page, language)
                statuses[name], content = render_error_page(page, language)
                (folder / name).write_bytes(content)
        transaction.set_rollback(True)
    cache.clear()
    data_version.forget()
    (folder / "invalid.html").write_text(INVALID)
    return folder, statuses


@pytest.fixture(scope="module")
def validator_errors(rendered) -> dict[str, list[str]]:
    """The validator's errors by file name, each as ``file:line: message``; one Java run."""
    folder, _statuses = rendered
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        missing = " and ".join(
            what
            for what, absent in (("Java", java is None), (str(VNU_JAR), not VNU_JAR.is_file()))
            if absent
        )
        pytest.fail(f"The HTML validator needs {missing}: {INSTALL_HINT}.")
    files = sorted(str(path) for path in folder.glob("*.html"))
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"The validator did not answer in JSON:\n{result.stderr}{result.stdout}")
    errors = {Path(path).name: [] for path in files}
    for message in messages:
        name = Path(message.get("url", "unknown")).name
        line = message.get("lastLine", message.get("firstLine", "?"))
        extract = " ".join(message.get("extract", "").split())
        errors.setdefault(name, []).append(
            f"{name}:{line}: {message['message']}" + (f" [{extract}]" if extract else "")
        )
    return errors


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_public_page_is_valid_html(rendered, validator_errors, page, language):
    name = file_name(page.name, language)

    assert rendered[1][name] == page.status, f"{page.url(language)}: {rendered[1][name]}"
    errors = validator_errors.get(name, [])
    assert not errors, f"{page.url(language)} is not valid HTML:\n" + "\n".join(errors)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", ERROR_PAGES)
def test_error_page_is_valid_html(rendered, validator_errors, page, language):
    name = file_name(page, language)

    assert rendered[1][name] == int(page)
    errors = validator_errors[name]
    assert not errors, f"The {page} page in {language} is not valid HTML:\n" + "\n".join(errors)


def test_the_validator_reports_an_error_it_is_shown(validator_errors):
    """The checks above can fail: the validator's errors on a broken document are read."""
    assert any("Unclosed element “div”" in error for error in validator_errors["invalid.html"])
