"""Editors see what they use: the technical sections of the admin (django-axes's log-in
attempts, users and groups) are shown to, and open for, Administrators only (members of the
"Administrators" group, or superusers); Editors and Publishers see the profile lists only and
get 403 on those pages, even holding a permission granted by hand."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.test import Client

pytestmark = pytest.mark.django_db

TECHNICAL_PAGES = {
    "Access attempts": "/admin/axes/accessattempt/",
    "Access failures": "/admin/axes/accessfailurelog/",
    "Access logs": "/admin/axes/accesslog/",
    "Users": "/admin/auth/user/",
    "Groups": "/admin/auth/group/",
}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sections_listed(response) -> set[str]:
    """The app sections of the admin's home page (their captions)."""
    return set(
        re.findall(
            r'<caption>\s*<a [^>]*class="section"[^>]*>(.*?)</a>', response.content.decode(), re.S
        )
    )


def models_linked(response) -> set[str]:
    """The admin pages the home page (and its sidebar) link to."""
    return set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/)"', response.content.decode()))


@pytest.fixture
def make_user(db, django_user_model):
    def make(username: str, group: str | None = None, **flags):
        user = django_user_model.objects.create_user(username=username, is_staff=True, **flags)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.mark.parametrize("group", ["Editors", "Publishers"])
def test_editors_and_publishers_see_neither_axes_nor_users_on_the_home_page(make_user, group):
    client = logged_in(make_user("someone", group))

    index = client.get("/admin/")

    assert sections_listed(index) == {"RCP profiles"}
    assert "/admin/rcp/process/" in models_linked(index)
    assert not sections_listed(index) & {"Axes", "Authentication and Authorization"}
    assert not models_linked(index) & set(TECHNICAL_PAGES.values())
    # Nor in the sidebar of another admin page.
    listing = client.get("/admin/rcp/process/")
    assert not models_linked(listing) & set(TECHNICAL_PAGES.values())


@pytest.mark.parametrize("group", ["Editors", "Publishers"])
def test_editors_and_publishers_get_403_on_the_technical_pages(make_user, group):
    client = logged_in(make_user("someone", group))
    attempt = AccessAttempt.objects.create(
        username="guess", ip_address="192.0.2.1", failures_since_start=3
    )

    for name, url in TECHNICAL_PAGES.items():
        assert client.get(url).status_code == 403, name
    assert client.get("/admin/axes/").status_code == 404  # the app's page is not there for them
    assert client.get(f"/admin/axes/accessattempt/{attempt.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_permission_granted_by_hand_does_not_open_them_to_an_editor(make_user):
    editor = make_user("someone", "Editors")
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "view_accessattempt"])
    )
    client = logged_in(editor)

    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    assert not models_linked(client.get("/admin/")) & set(TECHNICAL_PAGES.values())


def test_administrators_see_and_open_axes_users_and_groups(make_user):
    client = logged_in(make_user("admin-member", "Administrators"))
    attempt = AccessAttempt.objects.create(
        username="guess", ip_address="192.0.2.1", failures_since_start=5
    )

    index = client.get("/admin/")

    assert sections_listed(index) == {"RCP profiles", "Axes", "Authentication and Authorization"}
    assert set(TECHNICAL_PAGES.values()) <= models_linked(index)
    for name, url in TECHNICAL_PAGES.items():
        assert client.get(url).status_code == 200, name
    # Lifting a lockout is deleting its attempt.
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_superuser_sees_everything(make_user):
    client = logged_in(make_user("root", is_superuser=True))

    index = client.get("/admin/")

    assert set(TECHNICAL_PAGES.values()) <= models_linked(index)
    assert all(client.get(url).status_code == 200 for url in TECHNICAL_PAGES.values())
