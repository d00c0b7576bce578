"""Who else has a profile open: the change page's heartbeat and its "currently editing" notice."""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from rcp.models import EditingPresence, Process

from .admin_forms import form_data
from .factories import ProcessFactory

pytestmark = pytest.mark.django_db


def presence_url(process: Process) -> str:
    return f"/admin/rcp/process/{process.pk}/presence/"


def change_url(process: Process) -> str:
    return f"/admin/rcp/process/{process.pk}/change/"


@pytest.fixture
def make_staff(db, django_user_model):
    def make(username: str, first_name="", last_name="", group="Editors") -> tuple:
        user = django_user_model.objects.create_user(
            username, first_name=first_name, last_name=last_name, is_staff=True
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        client = Client()
        client.force_login(user)
        return user, client

    return make


@pytest.fixture
def ana(make_staff) -> Client:
    return make_staff("ana", "Ana", "Silva")[1]


@pytest.fixture
def bob(make_staff) -> Client:
    return make_staff("bob")[1]


@pytest.fixture
def profile(db) -> Process:
    return ProcessFactory(name="Rabat Process", slug="rabat-process", acronym="RP")


def heartbeat(client: Client, process: Process, **data) -> list[str]:
    response = client.post(presence_url(process), data)
    assert response.status_code == 200, response.status_code
    return response.json()["messages"]


def notice_lines(response) -> list[str]:
    notice = re.search(
        r'<div class="editing-notice"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    assert notice, "no editing notice on the page"
    return [html.unescape(line) for line in re.findall(r"<li>(.*?)</li>", notice.group(1), re.S)]


def opened_at(presence_user: str, process: Process) -> str:
    moment = EditingPresence.objects.get(user__username=presence_user, process=process).opened_at
    return timezone.localtime(moment).strftime("%H:%M")


def test_a_colleague_who_has_the_profile_open_is_named_with_the_time_they_opened_it(
    ana, bob, profile
):
    assert heartbeat(ana, profile) == []

    assert heartbeat(bob, profile) == [
        f"Ana Silva has had this profile open since {opened_at('ana', profile)}."
    ]
    assert heartbeat(ana, profile) == [
        f"bob has had this profile open since {opened_at('bob', profile)}."
    ]


def test_a_heartbeat_keeps_the_time_the_profile_was_first_opened(ana, bob, profile):
    heartbeat(ana, profile)
    first = EditingPresence.objects.get().opened_at
    EditingPresence.objects.update(opened_at=first - datetime.timedelta(minutes=1))

    heartbeat(ana, profile)

    presence = EditingPresence.objects.get()
    assert presence.opened_at == first - datetime.timedelta(minutes=1)
    assert presence.last_seen > first


def test_a_colleague_not_heard_from_for_two_minutes_is_no_longer_named_and_is_pruned(
    ana, bob, profile
):
    heartbeat(ana, profile)
    EditingPresence.objects.update(last_seen=timezone.now() - datetime.timedelta(minutes=3))

    assert heartbeat(bob, profile) == []
    assert list(EditingPresence.objects.values_list("user__username", flat=True)) == ["bob"]


def test_leaving_the_page_tells_colleagues_at_once(ana, bob, profile):
    heartbeat(ana, profile)

    assert heartbeat(ana, profile, leaving="1") == []

    assert heartbeat(bob, profile) == []


def test_the_heartbeat_says_who_saved_the_profile_since_the_page_was_opened(ana, bob, profile):
    page = form_data(bob.get(change_url(profile)))
    anas_page = form_data(ana.get(change_url(profile)))
    anas_page["acronym"] = "ANA"
    assert ana.post(change_url(profile), anas_page).status_code == 302
    saved_at = timezone.localtime(Process.history.latest("history_date").history_date)

    lines = heartbeat(
        bob, profile, opened_version=page["opened_version"], opened_at=page["opened_at"]
    )

    assert lines[-1] == (
        f"Ana Silva saved this profile at {saved_at:%H:%M}: your save will keep both sets of "
        "changes where they do not overlap."
    )
    assert bob.post(
        presence_url(profile), {"opened_version": page["opened_version"], "opened_at": ""}
    ).json()["saved_since"]


def test_the_change_page_shows_the_notice_without_waiting_for_a_heartbeat(ana, bob, profile):
    heartbeat(ana, profile)

    response = bob.get(change_url(profile))

    assert 'role="status"' in re.search(
        r'<div class="editing-notice"[^>]*>', response.content.decode()
    ).group(0)
    assert notice_lines(response) == [
        f"Ana Silva has had this profile open since {opened_at('ana', profile)}."
    ]


def test_the_heartbeat_is_refused_to_anyone_who_cannot_change_the_profile(make_staff, profile):
    _viewer, viewer = make_staff("vera", group=None)
    _viewer.user_permissions.add(Permission.objects.get(codename="view_process"))

    assert viewer.post(presence_url(profile)).status_code == 403
    assert Client().post(presence_url(profile)).status_code == 302  # to the log-in page
    assert not EditingPresence.objects.exists()


def test_the_heartbeat_is_a_post_with_the_csrf_token(ana, profile, make_staff):
    user, _client = make_staff("carla", "Carla", "Ruiz")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)

    assert ana.get(presence_url(profile)).status_code == 405
    assert strict.post(presence_url(profile)).status_code == 403
    page = form_data(strict.get(change_url(profile)))
    response = strict.post(
        presence_url(profile), {"csrfmiddlewaretoken": page["csrfmiddlewaretoken"]}
    )
    assert response.status_code == 200


def test_the_heartbeat_of_a_profile_that_does_not_exist_is_not_found(ana):
    assert ana.post("/admin/rcp/process/999999/presence/").status_code == 404
