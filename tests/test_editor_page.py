"""The profile editor is one light page: its weight and options are guarded here (the times are
in `make bench`: bench/editor.py), its sections carry their counts and its Save bar offers Save,
Save and continue editing, and Preview."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from .factories import MeetingFactory, ProcessOrganisationFactory

MAX_BYTES = 190_000  # every text in English, French and Spanish (issue 13)
MAX_OPTIONS = 2_000


@pytest.fixture
def editor(db) -> Client:
    user = get_user_model().objects.create_user("edna", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def change_page(client, process) -> str:
    response = client.get(f"/admin/rcp/process/{process.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_tripoli_change_page_is_light(editor, tripoli):
    page = change_page(editor, tripoli)

    assert len(page.encode()) <= MAX_BYTES
    assert len(re.findall(r"<option\b", page)) <= MAX_OPTIONS
    # No select offers every country: one list of names serves every country input.
    selects = re.findall(r"<select\b.*?</select>", page, re.S)
    assert max(select.count("<option") for select in selects) < 50
    assert page.count('<datalist id="rcp-country-names">') == 1


def test_the_page_weight_does_not_grow_much_with_the_countries(editor, make_process_with_members):
    small = len(change_page(editor, make_process_with_members(10)))
    large = len(change_page(editor, make_process_with_members(200)))

    assert (large - small) / 190 < 600  # bytes per country row


@pytest.mark.parametrize("members", [10, 200])
def test_the_change_page_runs_the_same_queries_whatever_the_countries(
    editor, make_process_with_members, django_assert_max_num_queries, members
):
    process = make_process_with_members(members)
    ProcessOrganisationFactory(process=process)
    MeetingFactory(process=process)

    with django_assert_max_num_queries(16):
        change_page(editor, process)


def test_the_sections_are_listed_with_their_counts(editor, tripoli):
    page = change_page(editor, tripoli)

    menu = re.search(r'<nav class="editor-sections".*?</nav>', page, re.S).group(0)
    labels = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", menu, re.S)
    ]
    assert labels == [
        "Profile",
        "Countries (82)",
        "Organisations (14)",
        "Focus areas (9)",
        "Chairs (0)",
        "Meetings (5)",
        "Imports (0)",
        "History",
    ]
    assert re.search(
        r'<h2 id="participations-heading"[^>]*>Countries <span class="section-count">\(82\)', page
    )


def test_the_save_bar_offers_save_continue_and_preview(editor, tripoli):
    page = change_page(editor, tripoli)

    bar = re.search(r'<div class="save-bar">.*?</div>\s*</div>', page, re.S).group(0)
    assert 'name="_save"' in bar
    assert 'name="_continue"' in bar
    assert 'name="_addanother"' not in bar
    assert 'href="/processes/tripoli-process/"' in bar and "Preview" in bar
    assert page.count('class="save-bar"') == 1


def test_the_add_page_works_without_counts(editor, db):
    response = editor.get("/admin/rcp/process/add/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "editor-sections" not in page
    assert "preview-link" not in page
    assert 'data-check-url="/admin/rcp/process/add/countries/check/"' in page
