"""The set-up commands `make setup` runs: bundled profiles and a local admin account."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from rcp.models import Participation, Process

from .factories import ProcessFactory

pytestmark = pytest.mark.django_db


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


# --- load_bundled_profiles ----------------------------------------------------------------------


def test_bundled_tripoli_profile_loads_into_an_empty_database():
    output = run("load_bundled_profiles")

    assert "Loaded 1 bundled profile(s)." in output
    tripoli = Process.objects.get()
    assert tripoli.slug == "tripoli-process"
    assert Participation.objects.filter(process=tripoli).count() == 82


def test_bundled_profile_is_public_after_loading(client):
    run("load_bundled_profiles")

    response = client.get("/processes/tripoli-process/")

    assert response.status_code == 200
    assert "Tripoli Process" in response.content.decode()


def test_loading_again_keeps_an_editors_changes():
    run("load_bundled_profiles")
    tripoli = Process.objects.get(slug="tripoli-process")
    tripoli.objectives = "Edited by IOM."
    tripoli.save()
    tripoli.participations.filter(country="MA").delete()

    output = run("load_bundled_profiles")

    assert "Profiles already exist; bundled profiles not loaded." in output
    tripoli.refresh_from_db()
    assert tripoli.objectives == "Edited by IOM."
    assert not tripoli.participations.filter(country="MA").exists()
    assert tripoli.participations.count() == 81


def test_bundled_profiles_are_not_loaded_beside_an_existing_profile():
    ProcessFactory(name="Bali Process", slug="bali-process")

    output = run("load_bundled_profiles")

    assert "bundled profiles not loaded" in output
    assert list(Process.objects.values_list("slug", flat=True)) == ["bali-process"]
    assert not Participation.objects.exists()


def test_empty_fixtures_directory_loads_nothing_and_says_so(tmp_path):
    output = run("load_bundled_profiles", "--fixtures-dir", str(tmp_path))

    assert f"No fixtures in {tmp_path}." in output
    assert not Process.objects.exists()


# --- ensure_local_admin -------------------------------------------------------------------------


def printed_password(output: str) -> str:
    match = re.search(r"with password: (\S+)", output)
    assert match, output
    return match.group(1)


def test_local_admin_is_created_with_a_printed_password_that_logs_in(client):
    output = run("ensure_local_admin")

    admin = get_user_model().objects.get()
    assert admin.username == "admin"
    assert admin.is_superuser and admin.is_staff
    password = printed_password(output)
    assert len(password) >= 12
    assert client.login(username="admin", password=password)
    assert client.get("/admin/").status_code == 200


def test_local_admin_uses_the_given_username_and_address():
    output = run(
        "ensure_local_admin", "--username", "editor", "--url", "http://localhost:9000/admin/"
    )

    assert get_user_model().objects.get().username == "editor"
    assert "Log in at http://localhost:9000/admin/ as “editor”" in output


def test_each_new_local_admin_gets_its_own_password():
    first = printed_password(run("ensure_local_admin"))
    get_user_model().objects.all().delete()

    second = printed_password(run("ensure_local_admin"))

    assert first != second


def test_second_run_creates_nothing_and_says_how_to_log_in(client):
    password = printed_password(run("ensure_local_admin"))

    output = run("ensure_local_admin")

    assert get_user_model().objects.count() == 1
    assert "password:" not in output
    assert "log in at http://127.0.0.1:8000/admin/ as “admin”" in output
    assert "manage.py changepassword admin" in output
    assert client.login(username="admin", password=password)


def test_existing_superuser_is_named_instead_of_creating_another():
    get_user_model().objects.create_superuser("iom-editor", "", "a long passphrase here")

    output = run("ensure_local_admin")

    assert list(get_user_model().objects.values_list("username", flat=True)) == ["iom-editor"]
    assert "as “iom-editor”" in output
    assert "changepassword iom-editor" in output
