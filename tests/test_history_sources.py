"""A profile's history an editor can trust: each version says where it came from (the admin, a
CSV/XLSX import and its file, a legacy page, a revert and to when, a recovery, a review step, the
command line) and who made it; a revert first shows what it will change and asks; no message
puts a full stop right after a date ("p.m..")."""

import html
import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils.html import strip_tags

from rcp.formats import SafeCSV
from rcp.history import revert_preview, shown_date, version_end
from rcp.history_records import changeset
from rcp.models import Participation, Process, PublicationStatus
from rcp.resources import ParticipationResource
from rcp.workflow import submit_for_review

from .admin_forms import form_data
from .factories import (
    ChairFactory,
    MeetingFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessOrganisationFactory,
    RegionFactory,
)
from .legacy_pages import as_html, build

pytestmark = pytest.mark.django_db


# --- Helpers ---------------------------------------------------------------------------------


def change_url(process) -> str:
    return f"/admin/rcp/process/{process.pk}/change/"


def history_url(process) -> str:
    return f"/admin/rcp/process/{process.pk}/history/"


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(strip_tags(fragment))).strip()


def history_versions(response) -> list[str]:
    """Each version on the history page as text: its heading, source, note and changes."""
    sections = re.findall(
        r'<section class="module version".*?</section>', response.content.decode(), re.S
    )
    return [text_of(section) for section in sections]


def version_sources(response) -> list[str]:
    """The source line of each version, newest first ("" for a version without one)."""
    sections = re.findall(
        r'<section class="module version".*?</section>', response.content.decode(), re.S
    )
    found = []
    for section in sections:
        source = re.search(r'<p class="version-source">(.*?)</p>', section, re.S)
        found.append(text_of(source.group(1)) if source else "")
    return found


def revert_links(response) -> dict[str, str]:
    """The history page's links to each version's revert confirmation, by changeset."""
    links = re.findall(
        r'href="(/admin/rcp/process/\d+/history/([0-9a-f-]+)/revert/)"', response.content.decode()
    )
    return {changeset_id: link for link, changeset_id in links}


def messages_shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def first_changeset(process) -> str:
    return str(Process.history.filter(id=process.pk, history_type="+").get().changeset)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def save_acronym(client: Client, process, acronym: str) -> None:
    data = form_data(client.get(change_url(process)))
    data["acronym_en"] = acronym
    response = client.post(change_url(process), data)
    assert response.status_code == 302, text_of(response.content.decode())


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def make_user(db, django_user_model):
    def make(username: str, group: str):
        user = django_user_model.objects.create_user(
            username=username, password="a long passphrase 42", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def alice(make_user):
    return make_user("alice", "Editors")


@pytest.fixture
def editor(alice) -> Client:
    return logged_in(alice)


@pytest.fixture
def carol(make_user):
    return make_user("carol", "Publishers")


@pytest.fixture
def publisher(carol) -> Client:
    return logged_in(carol)


def build_profile(extra_countries=(), **kwargs) -> Process:
    """A draft with a country of each role, a chair, a meeting and an organisation, created as
    one version with no source (as records kept before sources were)."""
    with changeset():
        process = ProcessFactory(
            name=kwargs.pop("name", "Rabat Process"),
            slug=kwargs.pop("slug", "rabat-process"),
            acronym="RP",
            status=PublicationStatus.DRAFT,
            **kwargs,
        )
        process.regions.add(RegionFactory(name="Africa"))
        ParticipationFactory(process=process, country="MA", group="AU")
        ParticipationFactory(process=process, country="FR", group="EU")
        ParticipationFactory(process=process, country="SN", role="observer")
        ProcessOrganisationFactory(process=process, role="partner", position=1)
        ChairFactory(process=process, country="MA")
        MeetingFactory(process=process, title="Rabat Ministerial Conference")
        for code in extra_countries:
            ParticipationFactory(process=process, country=code)
    return Process.objects.get(pk=process.pk)


@pytest.fixture
def draft(db) -> Process:
    return build_profile()


# --- Where each version came from ------------------------------------------------------------


def test_an_admin_edit_says_it_was_made_in_the_admin_and_by_whom(editor, draft):
    save_acronym(editor, draft, "RABAT")

    page = editor.get(history_url(draft))

    newest, oldest = history_versions(page)
    assert " — alice Edited in the admin " in f"{newest} "
    assert version_sources(page) == ["Edited in the admin", ""]
    # The version recorded before sources were shows as it always did.
    assert " — (system or import) Process: Rabat Process added" in oldest


def test_an_admin_csv_import_names_its_file_and_the_importer(publisher, draft):
    upload = SimpleUploadedFile(
        "members 2024.csv", b"process,country,role\nrabat-process,DE,member\n"
    )
    preview = publisher.post(
        "/admin/rcp/participation/import/",
        {"resource": "0", "format": "0", "import_file": upload},
    )
    assert "Confirm the import" in preview.content.decode()
    hidden = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', preview.content.decode())
    )
    hidden.pop("csrfmiddlewaretoken", None)
    done = publisher.post("/admin/rcp/participation/process_import/", hidden, follow=True)
    assert "Import finished" in " ".join(messages_shown(done))

    page = publisher.get(history_url(draft))

    assert version_sources(page)[0] == "CSV or Excel import of the file “members 2024.csv”"
    assert " — carol " in history_versions(page)[0]
    assert "Participating country: Germany (Member) added" in history_versions(page)[0]


def test_an_import_run_from_code_says_it_was_an_import(editor, alice, draft):
    dataset = SafeCSV().create_dataset(b"process,country,role\nrabat-process,DE,member\n")

    ParticipationResource().import_data(dataset, user=alice)

    page = editor.get(history_url(draft))
    assert version_sources(page)[0] == "CSV or Excel import"
    assert " — alice " in history_versions(page)[0]


def test_the_import_command_is_named_with_its_file(tmp_path, editor, draft):
    path = tmp_path / "observers.csv"
    path.write_bytes(b"process,country,role\nrabat-process,IT,observer\n")

    call_command(
        "import",
        "rcp.resources.ParticipationResource",
        str(path),
        "--noinput",
        stdout=io.StringIO(),
    )

    page = editor.get(history_url(draft))
    assert version_sources(page)[0] == "Command line: manage.py import observers.csv"
    assert history_versions(page)[0].split(" Command line")[0].endswith(" — the command line")


def test_a_legacy_page_imported_in_the_admin_names_the_page(editor, alice):
    upload = SimpleUploadedFile("sample-dialogue.html", as_html(build()).encode())
    preview = editor.post(
        "/admin/rcp/process/import-legacy-page/", {"page_file": upload, "name": ""}
    )
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    done = editor.post("/admin/rcp/process/import-legacy-page/confirm/", {"token": token})
    assert done.status_code == 302

    process = Process.objects.get()
    page = editor.get(history_url(process))
    assert version_sources(page) == ["Import of the legacy page “sample-dialogue.html”"]
    assert " — alice " in history_versions(page)[0]


def test_a_legacy_page_imported_on_the_command_line_says_so(tmp_path, editor):
    path = tmp_path / "sample.txt"
    path.write_text(build(), encoding="utf-8")

    call_command("import_legacy_page", str(path), stdout=io.StringIO())

    page = editor.get(history_url(Process.objects.get()))
    assert version_sources(page) == ["Command line: manage.py import_legacy_page sample.txt"]
    assert " — the command line " in history_versions(page)[0]


def test_a_revert_says_to_which_version_and_a_recovery_says_it_recovered(editor, publisher, draft):
    save_acronym(editor, draft, "RABAT")
    moment = version_end(draft.pk, first_changeset(draft))
    editor.post(revert_links(editor.get(history_url(draft)))[first_changeset(draft)])

    assert version_sources(editor.get(history_url(draft)))[0] == (
        f"Revert to the version of {shown_date(moment)}"
    )

    publisher.post(f"/admin/rcp/process/{draft.pk}/delete/", {"post": "yes"})
    publisher.post(f"/admin/rcp/process/recover/{draft.pk}/")

    page = publisher.get(history_url(draft))
    assert version_sources(page)[0] == "Recovery of the deleted profile"
    assert " — carol " in history_versions(page)[0]


def test_a_review_step_shows_its_note_and_who(editor, alice, draft):
    submit_for_review(draft, actor=alice, note="Countries checked against the 2024 report.")

    newest = history_versions(editor.get(history_url(draft)))[0]

    assert " — alice Submitted for review " in newest
    assert "Countries checked against the 2024 report. Note from alice" in newest
    assert "publication status: Draft → Waiting for review" in newest


# --- Revert asks first, showing what will change ---------------------------------------------


def test_revert_shows_what_will_change_and_changes_nothing_until_confirmed(editor, draft):
    data = form_data(editor.get(change_url(draft)))
    data["acronym_en"] = "RABAT"
    data["objectives_en"] = "Cooperation on return."
    assert editor.post(change_url(draft), data).status_code == 302
    Participation.objects.filter(process=draft, country="FR").delete()
    ParticipationFactory(process=draft, country="DE")
    morocco = Participation.objects.get(process=draft, country="MA")
    morocco.role = "suspended"
    morocco.save()
    link = revert_links(editor.get(history_url(draft)))[first_changeset(draft)]

    confirm = editor.get(link)

    assert confirm.status_code == 200
    page = text_of(confirm.content.decode())
    assert "short name or acronym: RABAT → RP" in page
    assert "objectives: Cooperation on return. → A regional dialogue on migration." in page
    assert "Participating country: France (Member) will be added back" in page
    assert "Participating country: Germany (Member) will be removed" in page
    assert (
        "Participating country: Morocco (Member) will be changed back: role: Suspended member "
        "→ Member" in page
    )
    assert "Its publication status stays as it is" in page
    assert re.search(r'<form method="post">', confirm.content.decode())
    assert 'value="Yes, revert"' in confirm.content.decode()
    assert f'href="{history_url(draft)}"' in confirm.content.decode()  # Cancel
    draft.refresh_from_db()
    assert draft.acronym == "RABAT"  # looking changed nothing

    done = editor.post(link, follow=True)

    assert done.redirect_chain == [(change_url(draft), 302)]
    draft.refresh_from_db()
    assert draft.acronym == "RP"
    assert set(draft.participations.values_list("country", "role")) == {
        ("MA", "member"),
        ("FR", "member"),
        ("SN", "observer"),
    }
    assert revert_preview(draft, to=version_end(draft.pk, first_changeset(draft))).changes_nothing


def test_reverting_to_a_version_identical_to_now_says_nothing_would_change(editor, draft):
    save_acronym(editor, draft, "RABAT")
    save_acronym(editor, draft, "RP")
    page = editor.get(history_url(draft))

    confirm = editor.get(revert_links(page)[first_changeset(draft)])

    text = text_of(confirm.content.decode())
    assert "Nothing would change" in text
    assert "Yes, revert" not in text


def test_the_success_message_has_no_full_stop_right_after_the_date(editor, draft):
    save_acronym(editor, draft, "RABAT")
    moment = version_end(draft.pk, first_changeset(draft))

    done = editor.post(revert_links(editor.get(history_url(draft)))[first_changeset(draft)])
    message = messages_shown(editor.get(change_url(draft)))[0] if done.status_code == 302 else ""

    assert message == (
        f"The profile is back as it was on {shown_date(moment)}; its publication status did "
        "not change."
    )
    assert ".." not in message


def test_a_version_of_another_profile_cannot_be_reverted_to(editor, draft):
    other = build_profile(name="Other Process", slug="other-process")
    link = f"/admin/rcp/process/{draft.pk}/history/{first_changeset(other)}/revert/"

    response = editor.get(link, follow=True)

    assert "This version of the profile does not exist." in messages_shown(response)
    assert response.redirect_chain == [(history_url(draft), 302)]


def test_someone_who_may_only_view_cannot_open_the_confirmation(django_user_model, editor, draft):
    viewer = django_user_model.objects.create_user(username="victor", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_process"))
    save_acronym(editor, draft, "RABAT")
    link = revert_links(editor.get(history_url(draft)))[first_changeset(draft)]

    assert logged_in(viewer).get(link).status_code == 403
    assert logged_in(viewer).post(link).status_code == 403
    draft.refresh_from_db()
    assert draft.acronym == "RABAT"


def confirmation_queries(client, assert_max_num_queries, process) -> int:
    link = revert_links(client.get(history_url(process)))[first_changeset(process)]
    with assert_max_num_queries(REVERT_CONFIRM_QUERIES) as queries:
        assert client.get(link).status_code == 200
    return len(queries)


#: The revert confirmation's queries: the session and user, the profile, its history, its
#: parts then and now (two per kind of part), its links then and now, the related names.
REVERT_CONFIRM_QUERIES = 28


def test_revert_confirmation_queries_do_not_grow_with_the_rows(
    editor, django_assert_max_num_queries
):
    small = build_profile()
    large = build_profile(
        ["DE", "IT", "ES", "PT", "BE", "NL", "AT", "CH", "PL", "CZ"],
        name="Large Process",
        slug="large-process",
    )
    for target in (small, large):
        save_acronym(editor, target, "CHANGED")
        Participation.objects.filter(process=target).exclude(country="MA").delete()

    small_count = confirmation_queries(editor, django_assert_max_num_queries, small)
    large_count = confirmation_queries(editor, django_assert_max_num_queries, large)

    assert small_count == large_count
