"""One publishing gate and one rule for what the public sees (issue 10, point 11).

Every way a profile is written is listed below and run for real (the admin's pages, the
imports, the commands, revert and recovery, a shell): each passes ``rcp.workflow.authorise``,
naming who acts, and carries out a publishing decision only for a Publisher or the command line;
anyone else, or no one, is refused and nothing is written. A write that skips the gate fails
loudly (``PublishingNotAuthorised``). And every public page, the sitemap and search show exactly
what ``Process.objects.published()`` and the related ``published()`` querysets built on it say.
"""

import ast
import datetime
import io
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client

from rcp import workflow
from rcp.formats import SafeCSV
from rcp.history import recover_process, revert_process
from rcp.history_records import changeset
from rcp.legacy.parser import parse_page
from rcp.legacy.service import import_profile
from rcp.models import (
    DELETION,
    FocusArea,
    Organisation,
    Participation,
    Process,
    PublicationStatus,
    PublishingNotAuthorised,
    Region,
)
from rcp.resources import ProcessResource
from rcp.spreadsheets import describe_problems
from rcp.workflow import COMMAND_LINE, authorise, delete_profile, set_status

from .admin_forms import form_data
from .factories import (
    FocusAreaFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessFocusAreaFactory,
    ProcessOrganisationFactory,
)
from .legacy_pages import build
from .test_workflow import (
    CHANGELIST_URL,
    admin_import,
    change_url,
    csv_upload,
    first_changeset,
    history_url,
    messages_shown,
    revert_actions,
    run_action,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT
PUBLISHED = PublicationStatus.PUBLISHED
ARCHIVED = PublicationStatus.ARCHIVED
REFUSED = "Only Publishers may publish, unpublish or archive profiles"
LEGACY_UPLOAD_URL = "/admin/rcp/process/import-legacy-page/"
LEGACY_CONFIRM_URL = "/admin/rcp/process/import-legacy-page/confirm/"


@pytest.fixture
def gate(monkeypatch):
    """Every call of the gate, wherever it was imported from: (slug, decision, actor)."""
    calls = []
    original = workflow.authorise

    def spy(process, *, actor, delete=False):
        calls.append((process.slug, process.publication_decision(delete=delete), actor))
        return original(process, actor=actor, delete=delete)

    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "rcp" and getattr(module, "authorise", None) is original:
            monkeypatch.setattr(module, "authorise", spy)
    return calls


def make_user(username: str, group: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def carol(db):
    return make_user("carol", "Publishers")


@pytest.fixture
def alice(db):
    return make_user("alice", "Editors")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def status_of(slug: str) -> str | None:
    return Process.objects.filter(slug=slug).values_list("status", flat=True).first()


def profile(status=DRAFT, slug="rabat-process", **kwargs) -> Process:
    return ProcessFactory(name=kwargs.pop("name", "Rabat Process"), slug=slug, status=status)


def legacy_token(response) -> str:
    import re

    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


# --- Every write path, as a Publisher (or the command line) -------------------------------------
# Each returns (slug, the status expected afterwards or None if deleted, the decision the gate
# must have approved, the actor it must have been told).


def admin_status_field(user, tmp_path, start):
    profile(DRAFT)
    client = logged_in(user)
    start()
    data = form_data(client.get(change_url(Process.objects.get())))
    data["status"] = PUBLISHED
    assert client.post(change_url(Process.objects.get()), data).status_code == 302
    return "rabat-process", PUBLISHED, PUBLISHED, user


def admin_add_form(user, tmp_path, start):
    client = logged_in(user)
    start()
    data = form_data(client.get("/admin/rcp/process/add/"))
    data.update(name_en="Budapest Process", slug="budapest-process", status=PUBLISHED)
    assert client.post("/admin/rcp/process/add/", data).status_code == 302
    return "budapest-process", PUBLISHED, PUBLISHED, user


def admin_action(action, before, after):
    def run(user, tmp_path, start):
        process = profile(before)
        start()
        run_action(logged_in(user), action, process)
        return "rabat-process", after, after, user

    run.__name__ = f"admin_action_{action}"
    return run


def admin_delete(user, tmp_path, start):
    process = profile(PUBLISHED)
    start()
    response = logged_in(user).post(f"/admin/rcp/process/{process.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    return "rabat-process", None, DELETION, user


def admin_bulk_delete(user, tmp_path, start):
    process = profile(PUBLISHED)
    start()
    response = logged_in(user).post(
        CHANGELIST_URL,
        {"action": "delete_selected", "_selected_action": [str(process.pk)], "post": "yes"},
    )
    assert response.status_code == 302
    return "rabat-process", None, DELETION, user


def admin_csv_import(user, tmp_path, start):
    profile(DRAFT)
    start()
    done = admin_import(
        logged_in(user), "process", b"slug,name,status\nrabat-process,Rabat Process,published\n"
    )
    assert "Import finished" in " ".join(messages_shown(done))
    return "rabat-process", PUBLISHED, PUBLISHED, user


def admin_xlsx_import(user, tmp_path, start):
    profile(ARCHIVED)
    start()
    content = xlsx_bytes([["slug", "name", "status"], ["rabat-process", "Rabat Process", "draft"]])
    done = admin_import(logged_in(user), "process", content, name="p.xlsx", file_format="1")
    assert "Import finished" in " ".join(messages_shown(done))
    return "rabat-process", DRAFT, DRAFT, user


def import_command(user, tmp_path, start):
    profile(DRAFT)
    start()
    path = tmp_path / "profiles.csv"
    path.write_text("slug,name,status\nrabat-process,Rabat Process,archived\n")
    call_command(
        "import", "rcp.resources.ProcessResource", str(path), "--noinput", stdout=io.StringIO()
    )
    return "rabat-process", ARCHIVED, ARCHIVED, COMMAND_LINE


def legacy_admin_import(user, tmp_path, start):
    client = logged_in(user)
    start()
    preview = client.post(LEGACY_UPLOAD_URL, {"page_text": build(), "name": "Sample Dialogue"})
    done = client.post(LEGACY_CONFIRM_URL, {"token": legacy_token(preview), "publish": "on"})
    assert done.status_code == 302
    return "sample-dialogue", PUBLISHED, PUBLISHED, user


def legacy_import_command(user, tmp_path, start):
    path = tmp_path / "page.txt"
    path.write_text(build(), encoding="utf-8")
    start()
    call_command(
        "import_legacy_page",
        str(path),
        "--publish",
        "--name",
        "Sample Dialogue",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return "sample-dialogue", PUBLISHED, PUBLISHED, COMMAND_LINE


def admin_revert(user, tmp_path, start):
    process = profile(PUBLISHED)
    with changeset():
        process.acronym = "RAB"
        authorise(process, actor=COMMAND_LINE)
        process.save()
    client = logged_in(user)
    start()
    client.post(revert_actions(client.get(history_url(process)))[first_changeset(process)])
    assert Process.objects.get().acronym == ""
    return "rabat-process", PUBLISHED, None, user  # a revert keeps the status: nothing decided


def admin_recover(user, tmp_path, start):
    process = profile(PUBLISHED)
    pk = process.pk
    delete_profile(process, actor=COMMAND_LINE)
    start()
    logged_in(user).post(f"/admin/rcp/process/recover/{pk}/")
    return "rabat-process", DRAFT, None, user  # back as a draft: nothing decided


def admin_mark_reviewed(user, tmp_path, start):
    process = profile(PUBLISHED)
    start()
    run_action(logged_in(user), "mark_as_reviewed", process)
    assert Process.objects.get().last_reviewed_by == user
    return "rabat-process", PUBLISHED, None, user


def shell_set_status(user, tmp_path, start):
    process = profile(PUBLISHED)
    start()
    assert set_status(process, ARCHIVED, actor=COMMAND_LINE)
    return "rabat-process", ARCHIVED, ARCHIVED, COMMAND_LINE


def shell_delete_profile(user, tmp_path, start):
    process = profile(ARCHIVED)
    start()
    delete_profile(process, actor=COMMAND_LINE)
    return "rabat-process", None, DELETION, COMMAND_LINE


WRITE_PATHS = [
    admin_status_field,
    admin_add_form,
    admin_action("publish", DRAFT, PUBLISHED),
    admin_action("unpublish", PUBLISHED, DRAFT),
    admin_action("archive", PUBLISHED, ARCHIVED),
    admin_delete,
    admin_bulk_delete,
    admin_csv_import,
    admin_xlsx_import,
    import_command,
    legacy_admin_import,
    legacy_import_command,
    admin_revert,
    admin_recover,
    admin_mark_reviewed,
    shell_set_status,
    shell_delete_profile,
]


@pytest.mark.parametrize("path", WRITE_PATHS, ids=lambda path: path.__name__)
def test_every_write_path_passes_the_publishing_gate(path, gate, carol, tmp_path):
    slug, status, decision, actor = path(carol, tmp_path, start=gate.clear)

    assert status_of(slug) == status
    decisions = [(d, a) for s, d, a in gate if s == slug and d is not None]
    if decision is None:
        assert decisions == []
        assert any(s == slug for s, _d, _a in gate), "the path never asked the gate"
    else:
        assert decisions[-1] == (decision, actor)


# --- ... and as an Editor, or as nobody ---------------------------------------------------------


def test_an_editors_publishing_through_the_admin_is_refused_whichever_door(alice, tmp_path):
    editor = logged_in(alice)
    draft, published = profile(DRAFT), profile(PUBLISHED, slug="bali", name="Bali Process")

    data = form_data(editor.get(change_url(draft)))
    editor.post(change_url(draft), {**data, "status": PUBLISHED})
    data = form_data(editor.get("/admin/rcp/process/add/"))
    editor.post(
        "/admin/rcp/process/add/", {**data, "name_en": "New", "slug": "new", "status": "published"}
    )
    actions = [
        run_action(editor, action, process)
        for action, process in [
            ("publish", draft),
            ("unpublish", published),
            ("archive", published),
        ]
    ]
    deleted = editor.post(f"/admin/rcp/process/{published.pk}/delete/", {"post": "yes"})
    bulk = editor.post(
        CHANGELIST_URL,
        {"action": "delete_selected", "_selected_action": [str(published.pk)], "post": "yes"},
    )
    imported = csv_upload(
        editor,
        "/admin/rcp/process/import/",
        b"slug,name,status\nrabat-process,Rabat Process,published\nbali,Bali Process,draft\n",
    )
    preview = editor.post(LEGACY_UPLOAD_URL, {"page_text": build(), "name": "Sample Dialogue"})
    legacy = editor.post(LEGACY_CONFIRM_URL, {"token": legacy_token(preview), "publish": "on"})

    assert (status_of("rabat-process"), status_of("bali"), status_of("new")) == (
        DRAFT,
        PUBLISHED,
        DRAFT,
    )
    assert all("No action selected." in messages_shown(response) for response in actions)
    assert (deleted.status_code, bulk.status_code, legacy.status_code) == (403, 403, 403)
    assert imported.content.decode().count(REFUSED) == 2
    assert status_of("sample-dialogue") is None


SERVICE_DOORS = {
    "set_status": lambda actor: set_status(
        Process.objects.get(slug="rabat-process"), PUBLISHED, actor=actor
    ),
    "delete_profile": lambda actor: delete_profile(Process.objects.get(slug="bali"), actor=actor),
    "authorise a new published profile": lambda actor: authorise(
        Process(name="New", slug="new", status=PUBLISHED), actor=actor
    ),
    "legacy import_profile(publish=True)": lambda actor: import_profile(
        *parse_page(build(), name="Sample Dialogue"), user=actor, publish=True
    ),
}


@pytest.mark.parametrize("door", SERVICE_DOORS)
@pytest.mark.parametrize("who", ["an Editor", "nobody"])
def test_no_one_but_a_publisher_decides_through_the_services(door, who, alice):
    profile(DRAFT)
    profile(PUBLISHED, slug="bali", name="Bali Process")
    actor = alice if who == "an Editor" else None

    with pytest.raises(PermissionDenied) as refused:
        SERVICE_DOORS[door](actor)

    assert str(refused.value).startswith("Only Publishers may")
    assert (status_of("rabat-process"), status_of("bali")) == (DRAFT, PUBLISHED)
    assert not Process.objects.filter(slug__in=["new", "sample-dialogue"]).exists()


@pytest.mark.parametrize("user", ["alice", None])
def test_an_import_by_an_editor_or_naming_nobody_cannot_change_a_status(user, alice):
    profile(DRAFT)
    resource = ProcessResource()
    dataset = SafeCSV().create_dataset(b"slug,name,status\nrabat-process,Rabat Process,published\n")

    result = resource.import_data(dataset, user=alice if user else None)

    assert describe_problems(resource, result) == [
        "Line 2, column “status”: Only Publishers may publish, unpublish or archive profiles: "
        "leave the status as “draft”, or leave the cell empty."
    ]
    assert status_of("rabat-process") == DRAFT


def test_the_delete_link_follows_the_gate(alice, carol):
    draft, published = profile(DRAFT), profile(ARCHIVED, slug="bali", name="Bali Process")

    editor, publisher = logged_in(alice), logged_in(carol)

    assert 'class="deletelink"' in editor.get(change_url(draft)).content.decode()
    assert 'class="deletelink"' not in editor.get(change_url(published)).content.decode()
    assert 'class="deletelink"' in publisher.get(change_url(published)).content.decode()


# --- A write that skips the gate fails loudly ---------------------------------------------------


CRAFTED = {
    "save() after setting the status": lambda p: (setattr(p, "status", PUBLISHED), p.save()),
    "create() a published profile": lambda p: Process.objects.create(
        name="New", slug="new", status=PUBLISHED
    ),
    "save() a published Process()": lambda p: Process(
        name="New", slug="new", status=ARCHIVED
    ).save(),
    "save() an unsaved copy over the stored row": lambda p: Process(
        pk=p.pk, name=p.name, slug=p.slug, status=PUBLISHED
    ).save(),
    "QuerySet.update(status=...)": lambda p: Process.objects.filter(pk=p.pk).update(
        status=PUBLISHED
    ),
    "bulk_update(status)": lambda p: Process.objects.bulk_update(
        [Process(pk=p.pk, name=p.name, slug=p.slug, status=PUBLISHED)], ["status"]
    ),
    "bulk_create() a published profile": lambda p: Process.objects.bulk_create(
        [Process(name="New", slug="new", status=PUBLISHED)]
    ),
    "bulk_create() updating statuses": lambda p: Process.objects.bulk_create(
        [Process(name=p.name, slug=p.slug)],
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=["status"],
    ),
    "a region's processes.update(status=...)": lambda p: p.regions.first().processes.update(
        status=PUBLISHED
    ),
    "approved for one status, saved with another": lambda p: (
        setattr(p, "status", ARCHIVED),
        authorise(p, actor=COMMAND_LINE),
        setattr(p, "status", PUBLISHED),
        p.save(),
    ),
    "an approval used twice": lambda p: (
        setattr(p, "status", ARCHIVED),
        authorise(p, actor=COMMAND_LINE),
        p.save(),
        setattr(p, "status", PUBLISHED),
        p.save(),
    ),
}


@pytest.mark.parametrize("write", CRAFTED)
def test_a_status_change_that_skips_the_gate_fails_loudly_and_writes_nothing(write):
    process = profile(DRAFT)
    process.regions.create(name="Africa", slug="africa")
    expected = ARCHIVED if write == "an approval used twice" else DRAFT

    with pytest.raises(PublishingNotAuthorised, match=r"rcp\.workflow\.authorise"):
        CRAFTED[write](Process.objects.get(pk=process.pk))

    assert status_of("rabat-process") == expected
    assert not Process.objects.filter(slug="new").exists()


@pytest.mark.parametrize(
    "delete",
    [
        lambda p: p.delete(),
        lambda p: Process.objects.filter(pk=p.pk).delete(),
        lambda p: Process.objects.all().delete(),
    ],
    ids=["Process.delete()", "QuerySet.delete()", "all().delete()"],
)
@pytest.mark.parametrize("status", [PUBLISHED, ARCHIVED])
def test_deleting_a_public_profile_that_skips_the_gate_fails_loudly(delete, status):
    process = profile(status)
    ParticipationFactory(process=process)

    with pytest.raises(PublishingNotAuthorised):
        delete(process)

    assert status_of("rabat-process") == status
    assert Participation.objects.filter(process=process).exists()


def test_drafts_are_deleted_and_saved_without_asking():
    draft = profile(DRAFT)
    draft.acronym = "RP"
    draft.save()
    Process.objects.filter(pk=draft.pk).update(acronym="RAB")
    Process.objects.filter(status=DRAFT).delete()

    assert not Process.objects.exists()


def test_an_editor_saving_a_stale_copy_cannot_unpublish_what_a_publisher_published(alice):
    stale = profile(DRAFT)
    set_status(Process.objects.get(pk=stale.pk), PUBLISHED, actor=COMMAND_LINE)

    stale.acronym = "RAB"  # the Editor's copy still says "draft"
    authorise(stale, actor=alice)  # nothing to decide, as far as this copy knows
    with pytest.raises(PublishingNotAuthorised):
        stale.save()

    assert status_of("rabat-process") == PUBLISHED


def test_a_profile_read_without_its_status_saves_without_touching_it():
    process = profile(PUBLISHED)

    partial = Process.objects.only("name").get(pk=process.pk)
    partial.name = "Rabat Process (renamed)"
    partial.save()

    assert Process.objects.values_list("name", "status").get() == (
        "Rabat Process (renamed)",
        PUBLISHED,
    )


def test_an_unknown_status_is_not_approved():
    process = profile(DRAFT)
    process.status = "secret"

    with pytest.raises(ValueError, match="secret"):
        authorise(process, actor=COMMAND_LINE)


def test_loaddata_restores_fixtures_as_they_are_at_the_command_line(client):
    """``loaddata`` writes rows without save() (Django's raw load): a restore of stored data,
    which only the command line runs; the bundled profile is published as it was dumped."""
    call_command("load_bundled_profiles", stdout=io.StringIO())

    assert Process.objects.get().status == PUBLISHED
    assert client.get("/processes/tripoli-process/").status_code == 200


def test_revert_and_recovery_keep_the_status_for_anyone_who_may_edit(alice):
    process = profile(PUBLISHED)
    before = datetime.datetime.now(datetime.UTC)
    with changeset():
        process.acronym = "RAB"
        authorise(process, actor=alice)
        process.save()

    revert_process(Process.objects.get(), to=before, user=alice)
    assert Process.objects.values_list("acronym", "status").get() == ("", PUBLISHED)

    delete_profile(Process.objects.get(), actor=COMMAND_LINE)
    recovered = recover_process(process.pk, user=alice)
    assert recovered.status == DRAFT


# --- One rule for what the public sees ----------------------------------------------------------

RCP = Path(settings.BASE_DIR) / "rcp"


def status_filters(path: Path) -> list[str]:
    """Keyword arguments on a status (``status=``, ``process__status=``, ``…__status__in=``)
    given a literal or PublicationStatus member: the public rule written out by hand."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            parts = (keyword.arg or "").split("__")
            if "status" not in parts[:-1] and parts[-1] != "status":
                continue
            value = ast.unparse(keyword.value)
            text = isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str)
            if "PublicationStatus" in value or text or isinstance(keyword.value, ast.List):
                found.append(f"{path.relative_to(RCP.parent)}:{node.lineno}: {keyword.arg}={value}")
    return found


def test_what_the_public_sees_is_written_once():
    found = [
        line
        for path in sorted(RCP.rglob("*.py"))
        if "migrations" not in path.parts
        for line in status_filters(path)
    ]

    # ProcessQuerySet.published(), the review queue (not public) and the bulk-write guard's
    # "drafts only".
    assert [line.split(": ", 1)[1] for line in found] == [
        "status=PublicationStatus.PUBLISHED",
        "status=PublicationStatus.REVIEW",
        "status=PublicationStatus.DRAFT",
    ], found
    assert all(line.startswith("rcp/models.py:") for line in found)


@pytest.fixture
def world(db):
    """A published profile and a draft and an archived one, each naming things of its own."""
    shown = ProcessFactory(name="Shown Process", slug="shown-process", status=PUBLISHED)
    draft = ProcessFactory(name="Draft Process", slug="draft-process", status=DRAFT)
    archived = ProcessFactory(name="Archived Process", slug="archived-process", status=ARCHIVED)
    for process, country, name in [
        (shown, "MA", "Shown"),
        (draft, "DZ", "Drafted"),
        (archived, "TN", "Archived"),
    ]:
        ParticipationFactory(process=process, country=country)
        ProcessOrganisationFactory(
            process=process, organisation=OrganisationFactory(name=f"{name} Partner", acronym="")
        )
        process.associated_organisations.add(OrganisationFactory(name=f"{name} Union", acronym=""))
        process.secretariat_organisation = OrganisationFactory(
            name=f"{name} Secretariat", acronym=""
        )
        authorise(process, actor=COMMAND_LINE)
        process.save()
        ProcessFocusAreaFactory(process=process, focus_area=FocusAreaFactory(name=f"{name} theme"))
        process.regions.add(Region.objects.create(name=f"{name} Region"))
    ProcessFocusAreaFactory(process=draft, focus_area=FocusArea.objects.get(name="Shown theme"))
    return shown


def test_the_public_querysets_name_only_what_published_profiles_name(world):
    assert set(Organisation.objects.published().values_list("name", flat=True)) == {
        "Shown Partner",
        "Shown Union",
        "Shown Secretariat",
    }
    assert list(FocusArea.objects.published().values_list("name", flat=True)) == ["Shown theme"]
    assert list(Region.objects.published().values_list("name", flat=True)) == ["Shown Region"]
    assert list(Participation.objects.published().values_list("country", flat=True)) == ["MA"]


def test_pages_and_the_sitemap_follow_the_one_rule(client, world):
    sitemap = client.get("/sitemap.xml").content.decode()
    home = client.get("/").content.decode()

    for organisation in Organisation.objects.all():
        public = organisation in Organisation.objects.published()
        page = client.get(organisation.get_absolute_url())
        assert page.status_code == (200 if public else 404), organisation
        assert (organisation.get_absolute_url() in sitemap) == public, organisation
    for focus_area in FocusArea.objects.all():
        public = focus_area in FocusArea.objects.published()
        assert client.get(focus_area.get_absolute_url()).status_code == (200 if public else 404)
        assert (focus_area.get_absolute_url() in sitemap) == public
    for code, public in [("ma", True), ("dz", False), ("tn", False)]:
        assert client.get(f"/countries/{code}/").status_code == (200 if public else 404)
        assert (f"/countries/{code}/" in sitemap) == public
    assert "Shown Region" in home
    assert "Drafted Region" not in home and "Archived Region" not in home


@pytest.mark.parametrize(
    ("query", "found"),
    [("Algeria", False), ("Tunisia", False), ("Morocco", True), ("Drafted Partner", False)],
)
def test_search_follows_the_one_rule(client, world, query, found):
    page = client.get("/search/", {"q": query}).content.decode()

    assert ("Shown Process" in page) == found
    assert "Draft Process" not in page and "Archived Process" not in page
