"""The editorial workflow as editors, publishers and readers meet it: drafts and publishing, the
three roles, the history of a profile with revert and recovery, no lost edits, and reviews.

Every test goes through the pages people use (the public site, the admin, its import), logged
in as a member of the role's group from the ``rcp/0004_roles`` data migration, and checks what
those pages show and what ends up in the database. Forbidden steps are tried with crafted
requests, not only looked for as missing buttons.
"""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django_countries import countries

from rcp.formats import SafeCSV
from rcp.history_records import changeset
from rcp.models import (
    Chair,
    FocusArea,
    Meeting,
    Organisation,
    Participation,
    Process,
    ProcessFocusArea,
    ProcessOrganisation,
    PublicationStatus,
)
from rcp.resources import ParticipationResource, ProcessResource
from rcp.spreadsheets import describe_problems

from .admin_forms import add_countries, change_countries, form_data
from .factories import (
    ChairFactory,
    FocusAreaFactory,
    MeetingFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessFocusAreaFactory,
    ProcessOrganisationFactory,
    RegionFactory,
)
from .spreadsheets import xlsx_bytes

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT
PUBLISHED = PublicationStatus.PUBLISHED
ARCHIVED = PublicationStatus.ARCHIVED

CHANGELIST_URL = "/admin/rcp/process/"
RECOVER_URL = "/admin/rcp/process/recover/"
OBJECTIVES = (
    "To foster dialogue and cooperation between countries of origin, transit and destination "
    "along the migration routes linking Central, West and North Africa with Europe."
)


# --- Reading and submitting admin forms (the helper of test_admin.py) ---------------------------


def add_inline_row(data: dict, prefix: str, **fields) -> None:
    """Add a row to an inline, as "Add another …" does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for field, value in fields.items():
        data[f"{prefix}-{index}-{field}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def inline_row(data: dict, prefix: str, field: str, value) -> str:
    """The prefix (``participations-3``) of the inline row whose ``field`` is ``value``."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    wanted = {value, str(countries.name(value)) if field == "country" else value}
    rows = [f"{prefix}-{i}" for i in range(total) if data.get(f"{prefix}-{i}-{field}") in wanted]
    assert len(rows) == 1, f"no single {prefix} row with {field}={value!r}"
    return rows[0]


def visible_text(response) -> str:
    """The page's text as a reader sees it: no tags, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode()))).strip()


def messages_shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def change_url(process: Process) -> str:
    return f"/admin/rcp/process/{process.pk}/change/"


def history_url(process: Process) -> str:
    return f"/admin/rcp/process/{process.pk}/history/"


def public_url(process: Process) -> str:
    return f"/processes/{process.slug}/"


def action_choices(response) -> list[str]:
    """The values of the changelist's action menu."""
    menu = re.search(r'<select name="action"[^>]*>(.*?)</select>', response.content.decode(), re.S)
    assert menu, "no action menu on the page"
    return [value for value in re.findall(r'<option value="([^"]*)"', menu.group(1)) if value]


def run_action(client: Client, action: str, *processes: Process):
    """Submit the changelist's action form, as ticking rows and pressing Go does."""
    return client.post(
        CHANGELIST_URL,
        {
            "action": action,
            "_selected_action": [str(p.pk) for p in processes],
            "index": "0",
            "select_across": "0",
        },
        follow=True,
    )


def changelist_names(response) -> list[str]:
    """The profile names the changelist lists."""
    cells = re.findall(r'<th class="field-name">(.*?)</th>', response.content.decode(), re.S)
    return sorted(html.unescape(strip_tags(cell)).strip() for cell in cells)


def history_versions(response) -> list[str]:
    """Each version on a profile's history page as text: its heading, then its changes."""
    sections = re.findall(
        r'<section class="module version".*?</section>', response.content.decode(), re.S
    )
    return [re.sub(r"\s+", " ", html.unescape(strip_tags(s))).strip() for s in sections]


def revert_actions(response) -> dict[str, str]:
    """The revert links of the history page (to the confirmation, which posts to the same
    address), by changeset."""
    actions = re.findall(
        r'href="(/admin/rcp/process/\d+/history/([0-9a-f-]+)/revert/)"', response.content.decode()
    )
    return {changeset_id: action for action, changeset_id in actions}


def status_of(process: Process) -> str:
    return Process.objects.values_list("status", flat=True).get(pk=process.pk)


def version_of(process: Process) -> int:
    return Process.objects.values_list("version", flat=True).get(pk=process.pk)


def first_changeset(process: Process) -> str:
    return str(Process.history.filter(id=process.pk, history_type="+").get().changeset)


def profile_snapshot(process_id: int) -> dict:
    """Everything a revert or a recovery must bring back, rows with their ids."""
    process = Process.objects.get(pk=process_id)
    kept_apart = {"status", "version", "updated_at", "last_reviewed_on", "last_reviewed_by"}
    return {
        "fields": {
            field.attname: getattr(process, field.attname)
            for field in Process._meta.concrete_fields
            if field.name not in kept_apart
        },
        "regions": set(process.regions.values_list("pk", flat=True)),
        "associated_organisations": set(
            process.associated_organisations.values_list("pk", flat=True)
        ),
        "countries": set(
            Participation.objects.filter(process_id=process_id).values_list(
                "pk", "country", "role", "group", "note"
            )
        ),
        "organisations": set(
            ProcessOrganisation.objects.filter(process_id=process_id).values_list(
                "pk", "organisation_id", "role", "group", "position"
            )
        ),
        "focus_areas": set(
            ProcessFocusArea.objects.filter(process_id=process_id).values_list(
                "pk", "focus_area_id", "position"
            )
        ),
        "chairs": set(
            Chair.objects.filter(process_id=process_id).values_list(
                "pk", "country", "organisation_id", "start_date", "end_date", "date_precision"
            )
        ),
        "meetings": set(
            Meeting.objects.filter(process_id=process_id).values_list(
                "pk", "title", "start_date", "end_date", "date_precision", "city", "country"
            )
        ),
    }


def csv_upload(client: Client, url: str, content: bytes, name="import.csv", file_format="0"):
    return client.post(
        url,
        {
            "resource": "0",
            "format": file_format,
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def hidden_inputs(page: str) -> dict[str, str]:
    """The hidden fields of the import confirm form, as the browser would post them."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        kind = re.search(r'type="([^"]*)"', tag)
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) == "hidden" and name and name.group(1) != "csrfmiddlewaretoken":
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def admin_import(client: Client, model_name: str, content: bytes, **upload):
    """Upload a file on the model's import page, then confirm it: the whole admin flow."""
    preview = csv_upload(client, f"/admin/rcp/{model_name}/import/", content, **upload)
    assert preview.status_code == 200
    assert "Confirm the import" in preview.content.decode(), visible_text(preview)
    return client.post(
        f"/admin/rcp/{model_name}/process_import/",
        hidden_inputs(preview.content.decode()),
        follow=True,
    )


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def make_user(db, django_user_model):
    """A staff user in one of the role groups (or with the given permissions only)."""

    def make(username: str, group: str | None = None, permissions=()):
        user = django_user_model.objects.create_user(username=username, is_staff=True)
        if group:
            user.groups.add(Group.objects.get(name=group))
        for codename in permissions:
            user.user_permissions.add(Permission.objects.get(codename=codename))
        return user

    return make


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(make_user):
    return make_user("alice", "Editors")


@pytest.fixture
def bob(make_user):
    return make_user("bob", "Editors")


@pytest.fixture
def carol(make_user):
    return make_user("carol", "Publishers")


@pytest.fixture
def editor(alice) -> Client:
    """Alice, an Editor, logged in."""
    return logged_in(alice)


@pytest.fixture
def second_editor(bob) -> Client:
    """Bob, another Editor, logged in."""
    return logged_in(bob)


@pytest.fixture
def publisher(carol) -> Client:
    """Carol, a Publisher, logged in."""
    return logged_in(carol)


def build_profile(status=DRAFT, **kwargs) -> Process:
    """A profile with rows in every part, created as one version (as an import creates one)."""
    with changeset():
        process = ProcessFactory(
            name=kwargs.pop("name", "Rabat Process"),
            slug=kwargs.pop("slug", "rabat-process"),
            acronym="RP",
            status=status,
            objectives=OBJECTIVES,
            **kwargs,
        )
        process.regions.add(RegionFactory(name="Africa"), RegionFactory(name="Europe"))
        process.associated_organisations.add(
            Organisation.objects.get_or_create(name="ECOWAS Commission")[0]
        )
        ParticipationFactory(process=process, country="MA", group="AU", note="founding member")
        ParticipationFactory(process=process, country="FR", group="EU")
        ParticipationFactory(process=process, country="SN", role="observer")
        ProcessOrganisationFactory(process=process, role="partner", position=1)
        ProcessOrganisationFactory(process=process, role="observer", position=2)
        ProcessFocusAreaFactory(
            process=process, focus_area=FocusArea.objects.get_or_create(name="return")[0]
        )
        ChairFactory(process=process, country="MA", start_date=datetime.date(2019, 1, 1))
        ChairFactory(process=process, country="SN", start_date=datetime.date(2021, 1, 1))
        MeetingFactory(process=process, title="Rabat Ministerial Conference")
    return Process.objects.get(pk=process.pk)


@pytest.fixture
def draft(db):
    """A draft profile with every kind of part."""
    return build_profile(DRAFT)


@pytest.fixture
def published(db):
    """A published profile with every kind of part."""
    return build_profile(PUBLISHED)


def edit_every_part(client: Client, process: Process) -> None:
    """Change the profile and every kind of part through its change form, in one save."""
    data = form_data(client.get(change_url(process)))
    data["objectives_en"] = "Cooperation on return and reintegration."
    data["acronym_en"] = "RAB"
    data["established"] = "2006"
    data["regions"] = [str(RegionFactory(name="Asia").pk)]
    data["associated_organisations"] = []
    change_countries(
        data,
        process.participations.filter(country="MA"),
        remove=process.participations.filter(country="FR"),
        role="suspended",
        group="-",
    )
    add_countries(data, "Germany", group="EU")
    partner = inline_row(data, "organisation_roles", "role", "partner")
    data[f"{partner}-role"] = "member"
    data[f"{inline_row(data, 'organisation_roles', 'role', 'observer')}-DELETE"] = "on"
    add_inline_row(
        data, "focus_area_links", focus_area=str(FocusAreaFactory(name="labour").pk), position="2"
    )
    data[f"{inline_row(data, 'chairs', 'country', 'SN')}-DELETE"] = "on"
    meeting = inline_row(data, "meetings", "title_en", "Rabat Ministerial Conference")
    data[f"{meeting}-city_en"] = "Fes"
    add_inline_row(
        data, "meetings", title_en="Senior officials", start_date="2023-05-04", date_precision="day"
    )
    response = client.post(change_url(process), data)
    assert response.status_code == 302, visible_text(response)


# --- The public sees published profiles only ----------------------------------------------------


@pytest.mark.parametrize("status", [DRAFT, ARCHIVED])
def test_unpublished_profile_is_not_found_by_the_public(client, status):
    hidden = build_profile(status, name="Hidden Process", slug="hidden-process")
    shown = ProcessFactory(name="Shown Process", slug="shown-process", status=PUBLISHED)

    assert client.get(public_url(hidden)).status_code == 404
    assert client.get(public_url(shown)).status_code == 200


@pytest.mark.parametrize("status", [DRAFT, ARCHIVED])
def test_unpublished_profile_is_not_listed_on_the_home_page(client, status):
    build_profile(status, name="Hidden Process", slug="hidden-process")
    ProcessFactory(name="Shown Process", slug="shown-process", status=PUBLISHED)

    page = client.get("/").content.decode()

    assert "Shown Process" in page
    assert "Hidden Process" not in page
    assert "/processes/hidden-process/" not in page


def test_staff_preview_of_a_draft_carries_the_draft_banner(editor, client, draft):
    published = ProcessFactory(name="Shown Process", slug="shown-process", status=PUBLISHED)

    preview = editor.get(public_url(draft))

    assert preview.status_code == 200
    assert "Draft: this profile is not public. Only staff can see this preview." in (
        visible_text(preview)
    )
    assert "Rabat Process" in visible_text(preview)
    assert "banner--draft" not in editor.get(public_url(published)).content.decode()
    assert client.get(public_url(draft)).status_code == 404


def test_admin_change_page_links_to_the_preview_of_the_public_page(editor, draft):
    page = editor.get(change_url(draft)).content.decode()
    link = re.search(r'<a href="([^"]+)" class="viewsitelink">View on site</a>', page)
    assert link, "no “View on site” link"

    redirect = editor.get(link.group(1))

    assert redirect.status_code == 302
    assert redirect["Location"] == "http://testserver/processes/rabat-process/"
    assert "Draft: this profile is not public" in visible_text(editor.get(redirect["Location"]))


# --- Roles ---------------------------------------------------------------------------------------


def test_role_groups_give_each_role_its_permissions(make_user):
    editor = make_user("e", "Editors")
    publisher = make_user("p", "Publishers")
    administrator = make_user("a", "Administrators")
    edit_profiles = {
        f"rcp.{action}_{model}"
        for action in ("view", "add", "change", "delete", "import", "export")
        for model in ("process", "participation", "processorganisation", "chair", "meeting")
    }

    for user in (editor, publisher, administrator):
        assert user.has_perms(edit_profiles), user
    assert not editor.has_perm("rcp.publish_process")
    assert not any(perm.startswith("auth.") for perm in editor.get_all_permissions())
    assert publisher.has_perm("rcp.publish_process")
    assert not publisher.has_perm("auth.change_user")
    assert administrator.has_perm("rcp.publish_process")
    assert administrator.has_perms(["auth.add_user", "auth.change_user", "auth.change_group"])


def test_only_administrators_open_the_user_admin(make_user):
    for group, status in [("Editors", 403), ("Publishers", 403), ("Administrators", 200)]:
        client = logged_in(make_user(group.lower(), group))
        assert client.get("/admin/auth/user/").status_code == status, group


def test_editor_sees_the_status_read_only_and_a_publisher_can_change_it(editor, publisher, draft):
    editor_page = editor.get(change_url(draft)).content.decode()
    publisher_page = publisher.get(change_url(draft)).content.decode()

    assert 'name="status"' not in editor_page
    status_row = re.search(
        r'<div class="form-row field-status">(.*?)</div>\s*</div>', editor_page, re.S
    )
    assert status_row and "Draft" in strip_tags(status_row.group(1))
    assert '<select name="status"' in publisher_page


def test_editor_is_offered_no_publishing_actions_and_a_publisher_is(editor, publisher, draft):
    editor_actions = action_choices(editor.get(CHANGELIST_URL))
    publisher_actions = action_choices(publisher.get(CHANGELIST_URL))

    assert "mark_as_reviewed" in editor_actions
    assert not {"publish", "unpublish", "archive"} & set(editor_actions)
    assert {"publish", "unpublish", "archive", "mark_as_reviewed"} <= set(publisher_actions)


def test_profile_an_editor_creates_is_a_draft_whatever_the_request_says(editor, client):
    data = form_data(editor.get("/admin/rcp/process/add/"))
    data.update(name_en="Budapest Process", slug="budapest-process", status="published")
    add_countries(data, "Türkiye")

    response = editor.post("/admin/rcp/process/add/", data)

    assert response.status_code == 302, visible_text(response)
    created = Process.objects.get(slug="budapest-process")
    assert created.status == DRAFT
    assert created.participations.get().country == "TR"
    assert client.get("/processes/budapest-process/").status_code == 404


def test_profile_a_publisher_creates_may_be_published_at_once(publisher, client):
    data = form_data(publisher.get("/admin/rcp/process/add/"))
    data.update(name_en="Budapest Process", slug="budapest-process", status="published")

    response = publisher.post("/admin/rcp/process/add/", data)

    assert response.status_code == 302, visible_text(response)
    assert client.get("/processes/budapest-process/").status_code == 200


def test_editor_crafted_change_form_cannot_publish(editor, client, draft):
    data = form_data(editor.get(change_url(draft)))
    data["status"] = "published"
    data["acronym_en"] = "RABAT"

    response = editor.post(change_url(draft), data)

    assert response.status_code == 302, visible_text(response)
    draft.refresh_from_db()
    assert (draft.acronym, draft.status) == ("RABAT", DRAFT)
    assert client.get(public_url(draft)).status_code == 404


@pytest.mark.parametrize("action", ["publish", "archive"])
def test_editor_crafted_publishing_action_is_refused(editor, client, draft, action):
    response = run_action(editor, action, draft)

    assert response.status_code == 200
    assert status_of(draft) == DRAFT
    assert "No action selected." in messages_shown(response)
    assert client.get(public_url(draft)).status_code == 404


def test_editor_crafted_unpublish_action_is_refused(editor, client, published):
    response = run_action(editor, "unpublish", published)

    assert status_of(published) == PUBLISHED
    assert "No action selected." in messages_shown(response)
    assert client.get(public_url(published)).status_code == 200


def test_publisher_publishes_unpublishes_and_archives_and_the_public_page_follows(
    publisher, client, draft
):
    assert client.get(public_url(draft)).status_code == 404

    response = run_action(publisher, "publish", draft)
    assert "1 profile(s) now Published." in messages_shown(response)
    assert status_of(draft) == PUBLISHED
    assert client.get(public_url(draft)).status_code == 200
    assert "Rabat Process" in client.get("/").content.decode()

    run_action(publisher, "unpublish", draft)
    assert status_of(draft) == DRAFT
    assert client.get(public_url(draft)).status_code == 404
    assert "Rabat Process" not in client.get("/").content.decode()

    run_action(publisher, "publish", draft)
    assert client.get(public_url(draft)).status_code == 200
    run_action(publisher, "archive", draft)
    assert status_of(draft) == ARCHIVED
    assert client.get(public_url(draft)).status_code == 404
    assert "Rabat Process" not in client.get("/").content.decode()


def test_publisher_publishes_through_the_status_field(publisher, client, draft):
    data = form_data(publisher.get(change_url(draft)))
    data["status"] = "published"

    response = publisher.post(change_url(draft), data)

    assert response.status_code == 302, visible_text(response)
    assert client.get(public_url(draft)).status_code == 200


def test_editor_cannot_delete_a_published_profile_even_with_a_crafted_request(editor, published):
    delete_url = f"/admin/rcp/process/{published.pk}/delete/"

    assert editor.get(delete_url).status_code == 403
    assert editor.post(delete_url, {"post": "yes"}).status_code == 403
    assert Process.objects.filter(pk=published.pk).exists()
    assert 'class="deletelink"' not in editor.get(change_url(published)).content.decode()


def test_editor_cannot_delete_a_published_profile_through_the_bulk_delete_action(editor, draft):
    published = ProcessFactory(status=PUBLISHED)
    response = editor.post(
        CHANGELIST_URL,
        {
            "action": "delete_selected",
            "_selected_action": [str(draft.pk), str(published.pk)],
            "post": "yes",
        },
    )

    assert response.status_code == 403
    assert Process.objects.count() == 2


def test_editor_deletes_a_draft(editor, draft):
    delete_url = f"/admin/rcp/process/{draft.pk}/delete/"
    assert 'class="deletelink"' in editor.get(change_url(draft)).content.decode()

    response = editor.post(delete_url, {"post": "yes"})

    assert response.status_code == 302
    assert not Process.objects.filter(pk=draft.pk).exists()
    assert not Participation.objects.filter(process_id=draft.pk).exists()


PROCESS_FILE = b"slug,name,status\nrabat-process,Rabat Process,published\n"


@pytest.mark.parametrize(
    ("name", "file_format", "content"),
    [
        ("profiles.csv", "0", PROCESS_FILE),
        (
            "profiles.xlsx",
            "1",
            xlsx_bytes(
                [["slug", "name", "status"], ["rabat-process", "Rabat Process", "published"]]
            ),
        ),
    ],
    ids=["csv", "xlsx"],
)
def test_editor_cannot_publish_through_an_admin_import(editor, draft, name, file_format, content):
    preview = csv_upload(
        editor, "/admin/rcp/process/import/", content, name=name, file_format=file_format
    )

    page = html.unescape(preview.content.decode())
    assert "Lines with errors" in page
    assert re.search(
        r"<td><code>status</code></td>\s*"
        r"<td>Only Publishers may publish, unpublish or archive profiles: leave the status as "
        r"“draft”, or leave the cell empty.</td>",
        page,
    )
    assert "Confirm the import" not in page
    assert status_of(draft) == DRAFT


def test_editor_import_that_changes_the_status_is_refused_naming_the_status_column(alice, draft):
    resource = ProcessResource()
    dataset = SafeCSV().create_dataset(
        b"slug,name,acronym,status\n"
        b"rabat-process,Rabat Process,RAB,archived\n"
        b"new-process,New Process,,published\n"
    )

    result = resource.import_data(dataset, user=alice)

    assert describe_problems(resource, result) == [
        "Line 2, column “status”: Only Publishers may publish, unpublish or archive profiles: "
        "leave the status as “draft”, or leave the cell empty.",
        "Line 3, column “status”: Only Publishers may publish, unpublish or archive profiles: "
        "leave the status as “draft”, or leave the cell empty.",
    ]
    draft.refresh_from_db()
    assert (draft.acronym, draft.status) == ("RP", DRAFT)
    assert not Process.objects.filter(slug="new-process").exists()


def test_editor_imports_profiles_that_keep_their_status(editor, alice, draft):
    done = admin_import(
        editor, "process", b"slug,name,acronym,status\nrabat-process,Rabat Process,RAB,draft\n"
    )

    assert "Import finished" in " ".join(messages_shown(done))
    draft.refresh_from_db()
    assert (draft.acronym, draft.status) == ("RAB", DRAFT)


def test_publisher_publishes_through_an_admin_import(publisher, client, draft):
    done = admin_import(publisher, "process", PROCESS_FILE)

    assert "Import finished" in " ".join(messages_shown(done))
    assert status_of(draft) == PUBLISHED
    assert client.get(public_url(draft)).status_code == 200


# --- History ------------------------------------------------------------------------------------


def test_admin_save_is_recorded_as_one_version_with_who_and_a_readable_diff(editor, alice, draft):
    data = form_data(editor.get(change_url(draft)))
    data["objectives_en"] = OBJECTIVES.replace("Central, West and North Africa", "the Sahel")
    change_countries(
        data,
        draft.participations.filter(country="MA"),
        remove=draft.participations.filter(country="FR"),
        role="suspended",
    )
    add_countries(data, "Germany", group="EU")
    before = timezone.now()

    assert editor.post(change_url(draft), data).status_code == 302

    newest, *older = history_versions(editor.get(history_url(draft)))
    records = [
        *Process.history.filter(id=draft.pk, history_date__gte=before),
        *Participation.history.filter(process_id=draft.pk, history_date__gte=before),
    ]
    assert {record.history_user for record in records} == {alice}
    assert len({record.changeset for record in records}) == 1
    saved_at = max(record.history_date for record in records)
    assert saved_at <= timezone.now()
    shown_date = date_format(timezone.localtime(saved_at), "DATETIME_FORMAT")
    assert newest.startswith(f"{shown_date} — alice ")
    assert (
        "Participating country: Morocco (Suspended member) changed: role: Member → "
        "Suspended member" in newest
    )
    assert "Participating country: France (Member) removed" in newest
    assert "Participating country: Germany (Member) added" in newest
    assert "Process: Rabat Process changed: objectives:" in newest
    assert len(older) == 1 and "(system or import)" in older[0]


def test_history_diff_marks_removed_and_added_words_of_a_long_text(editor, draft):
    data = form_data(editor.get(change_url(draft)))
    data["objectives_en"] = OBJECTIVES.replace("Central, West and North Africa", "the Sahel")

    editor.post(change_url(draft), data)

    page = editor.get(history_url(draft)).content.decode()
    assert "<del>Central, West and North Africa</del> <ins>the Sahel</ins>" in page


def test_history_shows_short_changes_as_old_and_new_values(editor, draft):
    data = form_data(editor.get(change_url(draft)))
    data["acronym_en"] = "RABAT"

    editor.post(change_url(draft), data)

    page = editor.get(history_url(draft)).content.decode()
    assert "short name or acronym: <del>RP</del> → <ins>RABAT</ins>" in page


def test_publishing_is_recorded_with_the_publisher(publisher, carol, draft):
    run_action(publisher, "publish", draft)

    newest = history_versions(publisher.get(history_url(draft)))[0]
    assert " — carol " in newest
    assert "publication status: Draft → Published" in newest


def test_admin_import_is_recorded_as_one_version_with_the_importer(publisher, carol, published):
    done = admin_import(
        publisher,
        "participation",
        b"process,country,role\nrabat-process,DE,member\nrabat-process,MA,observer\n",
    )
    assert "Import finished" in " ".join(messages_shown(done))

    versions = history_versions(publisher.get(history_url(published)))
    assert len(versions) == 2
    assert " — carol " in versions[0]
    assert "Participating country: Germany (Member) added" in versions[0]
    assert "role: Member → Observer" in versions[0]
    assert {r.history_user for r in Participation.history.filter(country__in=["DE"])} == {carol}


def test_import_run_with_a_user_is_recorded_as_one_version_with_that_user(editor, alice, draft):
    dataset = SafeCSV().create_dataset(
        b"process,country,role\nrabat-process,DE,member\nrabat-process,MA,observer\n"
    )

    result = ParticipationResource().import_data(dataset, user=alice)

    assert not result.has_errors() and not result.has_validation_errors()
    versions = history_versions(editor.get(history_url(draft)))
    assert len(versions) == 2
    assert " — alice " in versions[0]
    assert "Participating country: Germany (Member) added" in versions[0]
    assert "role: Member → Observer" in versions[0]


def test_revert_restores_the_profile_and_every_part_exactly(editor, alice, publisher, draft):
    original = profile_snapshot(draft.pk)
    run_action(publisher, "publish", draft)
    edit_every_part(editor, draft)
    assert profile_snapshot(draft.pk) != original
    versions_before = len(history_versions(editor.get(history_url(draft))))

    revert = revert_actions(editor.get(history_url(draft)))[first_changeset(draft)]
    response = editor.post(revert, follow=True)

    assert response.redirect_chain == [(change_url(draft), 302)]
    assert any(m.startswith("The profile is back as it was on") for m in messages_shown(response))
    assert profile_snapshot(draft.pk) == original
    assert status_of(draft) == PUBLISHED
    versions = history_versions(editor.get(history_url(draft)))
    assert len(versions) == versions_before + 1
    assert " — alice " in versions[0]
    assert "Participating country: France (Member) added" in versions[0]
    assert "Participating country: Germany (Member) removed" in versions[0]


def test_revert_to_an_intermediate_version_brings_back_a_country_with_its_id(editor, draft):
    data = form_data(editor.get(change_url(draft)))
    add_countries(data, "Germany", role="observer")
    editor.post(change_url(draft), data)
    data = form_data(editor.get(change_url(draft)))
    change_countries(data, draft.participations.filter(country="DE"), note="since 2020")
    editor.post(change_url(draft), data)
    germany = Participation.objects.get(process=draft, country="DE")
    after_first_edit = profile_snapshot(draft.pk)
    data = form_data(editor.get(change_url(draft)))
    change_countries(data, remove=draft.participations.filter(country="DE"))
    data["acronym_en"] = "RABAT"
    editor.post(change_url(draft), data)
    assert not Participation.objects.filter(pk=germany.pk).exists()

    page = editor.get(history_url(draft))
    noted = Participation.history.filter(id=germany.pk, history_type="~").latest("history_date")
    editor.post(revert_actions(page)[str(noted.changeset)])

    assert profile_snapshot(draft.pk) == after_first_edit
    restored = Participation.objects.get(pk=germany.pk)
    assert (restored.country, restored.role, restored.note) == ("DE", "observer", "since 2020")


def test_newest_version_offers_no_revert(editor, draft):
    editor.post(change_url(draft), {**form_data(editor.get(change_url(draft))), "acronym_en": "X"})

    page = editor.get(history_url(draft))

    assert len(history_versions(page)) == 2
    assert list(revert_actions(page)) == [first_changeset(draft)]


def test_user_who_may_only_view_sees_history_but_cannot_revert(make_user, editor, draft):
    viewer = logged_in(make_user("victor", permissions=["view_process"]))
    editor.post(change_url(draft), {**form_data(editor.get(change_url(draft))), "acronym_en": "X"})
    revert = revert_actions(editor.get(history_url(draft)))[first_changeset(draft)]

    page = viewer.get(history_url(draft))

    assert page.status_code == 200
    assert len(history_versions(page)) == 2
    assert "Revert to this version" not in page.content.decode()
    assert viewer.post(revert).status_code == 403
    draft.refresh_from_db()
    assert draft.acronym == "X"


def test_deleted_profile_is_recovered_as_a_draft_with_all_its_parts(
    publisher, carol, client, published
):
    original = profile_snapshot(published.pk)
    assert RECOVER_URL in publisher.get(CHANGELIST_URL).content.decode()
    delete = publisher.post(f"/admin/rcp/process/{published.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 302
    assert not Participation.objects.filter(process_id=published.pk).exists()

    listing = publisher.get(RECOVER_URL)
    assert "Rabat Process" in visible_text(listing)
    assert "carol" in visible_text(listing)
    recover = f"/admin/rcp/process/recover/{published.pk}/"
    assert f'action="{recover}"' in listing.content.decode()
    response = publisher.post(recover, follow=True)

    assert response.redirect_chain == [(change_url(published), 302)]
    assert "Rabat Process is back, as a draft, with all its parts." in messages_shown(response)
    assert profile_snapshot(published.pk) == original
    assert status_of(published) == DRAFT
    assert client.get(public_url(published)).status_code == 404
    assert "No deleted profiles." in visible_text(publisher.get(RECOVER_URL))


def test_profile_whose_name_was_reused_is_not_recovered_and_the_editor_is_told_why(
    publisher, published
):
    publisher.post(f"/admin/rcp/process/{published.pk}/delete/", {"post": "yes"})
    ProcessFactory(name="Rabat Process", slug="rabat-process-2")

    response = publisher.post(f"/admin/rcp/process/recover/{published.pk}/", follow=True)

    assert response.redirect_chain == [(RECOVER_URL, 302)]
    assert messages_shown(response)[-1] == (
        "Rabat Process cannot be recovered: the profile “Rabat Process” now has its name or web "
        "address. Rename that profile first."
    )
    assert Process.objects.get().slug == "rabat-process-2"
    assert "Rabat Process" in visible_text(response)


# --- No lost edits ------------------------------------------------------------------------------


def conflicts_shown(response) -> list[str]:
    """Each conflict of the side-by-side panel as text (rcp.admin.concurrency)."""
    assert response.status_code == 200, response.status_code
    blocks = re.findall(
        r'<fieldset class="merge-conflict">(.*?)</fieldset>', response.content.decode(), re.S
    )
    return [re.sub(r"\s+", " ", html.unescape(strip_tags(block))).strip() for block in blocks]


def test_second_editor_keeps_what_a_colleague_changed_meanwhile_alongside_their_own(
    editor, second_editor, draft
):
    alices_page = form_data(editor.get(change_url(draft)))
    bobs_page = form_data(second_editor.get(change_url(draft)))
    alices_page["objectives_en"] = OBJECTIVES.replace("Central, West and North Africa", "the Sahel")
    assert editor.post(change_url(draft), alices_page).status_code == 302

    bobs_page["acronym_en"] = "BOB"
    bobs_page["participations-add-countries"] = "Italy"
    bobs_page["participations-add-role"] = "observer"
    response = second_editor.post(change_url(draft), bobs_page, follow=True)

    assert response.redirect_chain, visible_text(response)
    assert (
        "alice saved this profile while you had it open; their changes were kept alongside "
        "yours: Objectives."
    ) in messages_shown(response)
    draft.refresh_from_db()
    assert draft.acronym == "BOB"
    assert "the Sahel" in draft.objectives
    assert draft.participations.get(country="IT").role == "observer"


def test_second_editor_chooses_between_their_version_and_a_colleagues_of_the_same_field(
    editor, second_editor, draft
):
    alices_page = form_data(editor.get(change_url(draft)))
    bobs_page = form_data(second_editor.get(change_url(draft)))
    alices_page["objectives_en"] = "Alice's objectives."
    editor.post(change_url(draft), alices_page)
    bobs_page["objectives_en"] = "Bob's objectives."
    bobs_page["acronym_en"] = "BOB"
    conflict_page = second_editor.post(change_url(draft), bobs_page)
    [conflict] = conflicts_shown(conflict_page)
    assert conflict.startswith("Objectives Theirs (alice, ")
    assert conflict.endswith(
        "Alice's objectives. Keep theirs Yours (not saved yet) Bob's objectives. Keep mine"
    )
    draft.refresh_from_db()
    assert (draft.acronym, draft.objectives) == ("RP", "Alice's objectives.")

    data = form_data(conflict_page)
    data["merge-choice-process.objectives_en"] = "mine"
    response = second_editor.post(change_url(draft), data)

    assert response.status_code == 302, visible_text(response)
    draft.refresh_from_db()
    assert (draft.acronym, draft.objectives) == ("BOB", "Bob's objectives.")


def test_a_country_added_meanwhile_is_kept_and_the_second_editor_is_told(
    editor, second_editor, draft
):
    alices_page = form_data(editor.get(change_url(draft)))
    bobs_page = form_data(second_editor.get(change_url(draft)))
    alices_page["participations-add-countries"] = "Germany"
    assert editor.post(change_url(draft), alices_page).status_code == 302

    bobs_page["objectives_en"] = "Bob's objectives."
    response = second_editor.post(change_url(draft), bobs_page, follow=True)

    assert messages_shown(response)[0] == (
        "alice saved this profile while you had it open; their changes were kept alongside "
        "yours: Germany (Member) added."
    )
    draft.refresh_from_db()
    assert draft.objectives == "Bob's objectives."
    assert draft.participations.filter(country="DE").exists()


def test_an_import_made_while_the_page_was_open_is_kept_and_the_editor_is_told(
    publisher, editor, draft
):
    page = form_data(editor.get(change_url(draft)))
    admin_import(publisher, "participation", b"process,country,role\nrabat-process,DE,member\n")

    page["acronym_en"] = "RAB"
    response = editor.post(change_url(draft), page, follow=True)

    assert messages_shown(response)[0] == (
        "carol saved this profile while you had it open; their changes were kept alongside "
        "yours: Germany (Member) added."
    )
    draft.refresh_from_db()
    assert draft.acronym == "RAB"
    assert draft.participations.filter(country="DE").exists()


def test_saving_an_unchanged_page_opened_before_nobody_else_saved_succeeds(editor, draft):
    page = form_data(editor.get(change_url(draft)))
    page["acronym_en"] = "RAB"
    assert editor.post(change_url(draft), page).status_code == 302

    page = form_data(editor.get(change_url(draft)))
    page["established"] = "2006"
    assert editor.post(change_url(draft), page).status_code == 302

    draft.refresh_from_db()
    assert (draft.acronym, draft.established) == ("RAB", 2006)


def change_profile_field(process):
    process.acronym = "NEW"
    process.save()


def change_country(process):
    morocco = process.participations.get(country="MA")
    morocco.role = "observer"
    morocco.save()


def change_meeting(process):
    meeting = process.meetings.get()
    meeting.city = "Fes"
    meeting.save()


@pytest.mark.parametrize(
    "change",
    [
        change_profile_field,
        change_country,
        lambda p: ParticipationFactory(process=p, country="DE"),
        lambda p: p.participations.get(country="FR").delete(),
        lambda p: ProcessOrganisationFactory(process=p),
        lambda p: p.organisation_roles.first().delete(),
        lambda p: ProcessFocusAreaFactory(process=p),
        lambda p: p.focus_area_links.get().delete(),
        lambda p: ChairFactory(process=p, country="DE", start_date=datetime.date(2023, 1, 1)),
        lambda p: p.chairs.first().delete(),
        change_meeting,
        lambda p: MeetingFactory(process=p),
        lambda p: p.meetings.get().delete(),
    ],
    ids=[
        "profile",
        "country changed",
        "country added",
        "country removed",
        "organisation added",
        "organisation removed",
        "focus area added",
        "focus area removed",
        "chair added",
        "chair removed",
        "meeting changed",
        "meeting added",
        "meeting removed",
    ],
)
def test_version_goes_up_with_every_change_to_the_profile_or_its_parts(draft, change):
    before = version_of(draft)

    change(draft)

    assert version_of(draft) > before


def test_version_goes_up_when_countries_are_deleted_from_the_country_list(editor, draft):
    before = version_of(draft)
    france = draft.participations.get(country="FR")

    response = editor.post(
        "/admin/rcp/participation/",
        {"action": "delete_selected", "_selected_action": [str(france.pk)], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Participation.objects.filter(pk=france.pk).exists()
    assert version_of(draft) > before


def test_version_goes_up_with_an_import_of_countries(editor, draft):
    before = version_of(draft)

    admin_import(editor, "participation", b"process,country,role\nrabat-process,DE,member\n")

    assert version_of(draft) > before


def test_other_profiles_keep_their_version_when_one_changes(editor, draft):
    other = ProcessFactory()
    before = version_of(other)

    edit_every_part(editor, draft)

    assert version_of(other) == before


# --- Review -------------------------------------------------------------------------------------


def test_marking_as_reviewed_records_today_and_the_reviewer(editor, alice, draft):
    other = ProcessFactory(name="Other Process")

    response = run_action(editor, "mark_as_reviewed", draft)

    assert "1 profile(s) marked as reviewed today." in messages_shown(response)
    draft.refresh_from_db()
    assert (draft.last_reviewed_on, draft.last_reviewed_by) == (timezone.localdate(), alice)
    other.refresh_from_db()
    assert (other.last_reviewed_on, other.last_reviewed_by) == (None, None)


@pytest.fixture
def reviewed_at_various_times(db):
    today = timezone.localdate()

    def reviewed(name: str, days_ago: int | None):
        on = None if days_ago is None else today - datetime.timedelta(days=days_ago)
        return ProcessFactory(name=name, last_reviewed_on=on)

    reviewed("Never Reviewed", None)
    reviewed("Reviewed Long Ago", 800)
    reviewed("Reviewed A Year And A Day Ago", 366)
    reviewed("Reviewed A Year Ago Today", 365)
    reviewed("Reviewed Last Month", 30)
    reviewed("Reviewed Today", 0)


def test_review_due_filter_lists_profiles_not_reviewed_for_a_year(
    editor, reviewed_at_various_times
):
    response = editor.get(CHANGELIST_URL, {"review": "due"})

    assert changelist_names(response) == [
        "Never Reviewed",
        "Reviewed A Year And A Day Ago",
        "Reviewed Long Ago",
    ]


def test_review_recent_filter_lists_profiles_reviewed_within_a_year(
    editor, reviewed_at_various_times
):
    response = editor.get(CHANGELIST_URL, {"review": "recent"})

    assert changelist_names(response) == [
        "Reviewed A Year Ago Today",
        "Reviewed Last Month",
        "Reviewed Today",
    ]


def test_review_filter_is_offered_on_the_profile_list(editor, reviewed_at_various_times):
    page = visible_text(editor.get(CHANGELIST_URL))

    assert "Not reviewed for a year (or never)" in page
    assert "Reviewed within a year" in page


def test_public_page_shows_when_the_profile_was_last_updated(client, published):
    Process.objects.filter(pk=published.pk).update(
        updated_at=datetime.datetime(2020, 3, 2, 12, tzinfo=datetime.UTC)
    )

    page = client.get(public_url(published)).content.decode()

    assert 'Last updated: <time datetime="2020-03-02">2 March 2020</time>' in page


def test_changing_a_part_changes_the_last_updated_date(client, published):
    Process.objects.filter(pk=published.pk).update(
        updated_at=datetime.datetime(2020, 3, 2, 12, tzinfo=datetime.UTC)
    )

    ParticipationFactory(process=published, country="DE")

    today = timezone.localdate()
    page = client.get(public_url(published)).content.decode()
    assert f'Last updated: <time datetime="{today:%Y-%m-%d}">{today:%-d %B %Y}</time>' in page


# --- Query counts -------------------------------------------------------------------------------

# The history page: session, user, profile, the user's permissions (2), the profile's history
# records and their two kinds of links (3), the history records of each kind of part (5), and
# the organisations and focus areas they name (2).
HISTORY_PAGE_QUERIES = 15


def make_changes(process: Process, count: int) -> None:
    """``count`` versions of a profile, each changing a different kind of thing."""
    for i in range(count):
        with changeset():
            match i % 5:
                case 0:
                    process.objectives = f"{OBJECTIVES} Revision {i}."
                    process.save()
                case 1:
                    ParticipationFactory(process=process, country=OTHER_COUNTRIES[i])
                case 2:
                    morocco = process.participations.get(country="MA")
                    morocco.role = "observer" if morocco.role == "member" else "member"
                    morocco.save()
                case 3:
                    link = process.organisation_roles.first()
                    link.position += 1
                    link.save()
                case 4:
                    ProcessFocusAreaFactory(process=process)


# Countries the profiles of build_profile() do not list yet.
OTHER_COUNTRIES = [code for code, _name in countries if code not in {"MA", "FR", "SN"}]


def history_page_queries(client, assert_max_num_queries, process) -> int:
    with assert_max_num_queries(HISTORY_PAGE_QUERIES) as queries:
        response = client.get(history_url(process))
    assert response.status_code == 200
    return len(queries)


def test_history_page_queries_do_not_grow_with_the_number_of_changes(
    editor, django_assert_max_num_queries
):
    small = build_profile(name="Small Process", slug="small-process")
    large = build_profile(name="Large Process", slug="large-process")
    make_changes(small, 10)
    make_changes(large, 50)

    small_count = history_page_queries(editor, django_assert_max_num_queries, small)
    large_count = history_page_queries(editor, django_assert_max_num_queries, large)

    assert len(history_versions(editor.get(history_url(large)))) == 51
    assert small_count == large_count
