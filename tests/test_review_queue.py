"""The review queue: an Editor submits a draft for review with a note; Publishers see what waits
for them (a count on the admin's home page, a filter on the list) and publish it or send it back
with a note; every step is in the profile's history; an Editor cannot publish or send back."""

import html
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils.html import strip_tags

from rcp.models import Process, PublicationStatus, ReviewAction, ReviewStep
from rcp.workflow import (
    MAX_NOTE_LENGTH,
    ReviewStepRefused,
    publish_reviewed,
    send_back,
    submit_for_review,
)

from .factories import ParticipationFactory, ProcessFactory

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT
REVIEW = PublicationStatus.REVIEW
PUBLISHED = PublicationStatus.PUBLISHED


# --- Helpers ---------------------------------------------------------------------------------


def change_url(process) -> str:
    return f"/admin/rcp/process/{process.pk}/change/"


def step_url(process, step: str) -> str:
    return f"/admin/rcp/process/{process.pk}/review/{step}/"


def text_of(fragment) -> str:
    if hasattr(fragment, "content"):
        fragment = fragment.content.decode()
    return re.sub(r"\s+", " ", html.unescape(strip_tags(fragment))).strip()


def review_panel(response) -> str:
    """The review panel's HTML on a change page ("" when there is none)."""
    found = re.search(
        r'<section class="module review-panel".*?</section>', response.content.decode(), re.S
    )
    return found.group(0) if found else ""


def panel_buttons(response) -> list[str]:
    return [
        text_of(button)
        for button in re.findall(r"<button[^>]*>(.*?)</button>", review_panel(response), re.S)
    ]


def messages_shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def status_of(process) -> str:
    return Process.objects.values_list("status", flat=True).get(pk=process.pk)


def queue_box(response) -> str:
    found = re.search(
        r'<section class="module review-queue".*?</section>', response.content.decode(), re.S
    )
    return found.group(0) if found else ""


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def make_user(db, django_user_model):
    def make(username: str, group: str):
        user = django_user_model.objects.create_user(username=username, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


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
    return logged_in(alice)


@pytest.fixture
def publisher(carol) -> Client:
    return logged_in(carol)


def make_draft(name="Rabat Process", **kwargs) -> Process:
    process = ProcessFactory(name=name, status=DRAFT, **kwargs)
    ParticipationFactory(process=process, country="MA")
    return Process.objects.get(pk=process.pk)


@pytest.fixture
def draft(db) -> Process:
    return make_draft()


@pytest.fixture
def waiting(alice) -> Process:
    """A draft Alice submitted for review."""
    process = make_draft(name="Budapest Process")
    submit_for_review(process, actor=alice, note="Ready: countries checked.")
    return Process.objects.get(pk=process.pk)


# --- Submitting --------------------------------------------------------------------------------


def test_an_editor_is_offered_submit_for_review_on_a_draft_only(editor, draft, waiting):
    on_draft = editor.get(change_url(draft))
    on_waiting = editor.get(change_url(waiting))

    assert "Status: Draft" in text_of(review_panel(on_draft))
    assert panel_buttons(on_draft) == ["Submit for review"]
    assert 'name="note"' in review_panel(on_draft)
    assert panel_buttons(on_waiting) == []
    assert "This profile waits for a Publisher's review." in text_of(review_panel(on_waiting))


def test_an_editor_submits_a_draft_with_a_note_and_it_waits_for_review(editor, alice, draft):
    response = editor.post(
        step_url(draft, "submit"), {"note": "  Please check the observers.  "}, follow=True
    )

    assert response.redirect_chain == [(change_url(draft), 302)]
    assert messages_shown(response) == [
        "“Rabat Process” is waiting for review: the Publishers see it on their admin home page."
    ]
    assert status_of(draft) == REVIEW
    step = ReviewStep.objects.get()
    assert (step.action, step.note, step.user) == (
        ReviewAction.SUBMITTED,
        "Please check the observers.",
        alice,
    )
    panel = text_of(review_panel(response))
    assert "Status: Waiting for review" in panel
    assert "Please check the observers. Submitted for review by alice," in panel
    history = text_of(editor.get(f"/admin/rcp/process/{draft.pk}/history/"))
    assert "— alice Submitted for review Please check the observers. Note from alice" in history


def test_a_profile_that_is_not_a_draft_cannot_be_submitted(editor, waiting):
    response = editor.post(step_url(waiting, "submit"), {"note": ""}, follow=True)

    assert messages_shown(response) == [
        "This profile is no longer draft (it is waiting for review): nothing was done."
    ]
    assert ReviewStep.objects.count() == 1


def test_a_note_longer_than_the_limit_is_refused_with_its_length(editor, draft):
    note = "x" * (MAX_NOTE_LENGTH + 1)

    response = editor.post(step_url(draft, "submit"), {"note": note}, follow=True)

    assert messages_shown(response) == [
        f"The note is {MAX_NOTE_LENGTH + 1} characters long; keep it under {MAX_NOTE_LENGTH}."
    ]
    assert status_of(draft) == DRAFT
    assert not ReviewStep.objects.exists()


def test_review_steps_are_posts_with_a_csrf_token(alice, draft):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)

    assert strict.get(step_url(draft, "submit")).status_code == 405
    assert strict.post(step_url(draft, "submit"), {"note": "x"}).status_code == 403
    assert status_of(draft) == DRAFT


def test_an_unknown_step_is_refused(editor, draft):
    assert editor.post(step_url(draft, "archive"), {}).status_code == 403
    assert status_of(draft) == DRAFT


# --- Deciding ----------------------------------------------------------------------------------


def test_a_publisher_sees_the_note_and_is_offered_publish_and_send_back(publisher, waiting):
    page = publisher.get(change_url(waiting))

    panel = text_of(review_panel(page))
    assert "Ready: countries checked. Submitted for review by alice," in panel
    assert panel_buttons(page) == ["Publish", "Send back"]
    send_back_form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*>(?:(?!</form>).)*required',
        review_panel(page),
        re.S,
    )
    assert send_back_form and send_back_form.group(1).endswith("/review/send-back/")


def test_a_publisher_publishes_a_profile_waiting_for_review_and_the_public_sees_it(
    publisher, client, waiting
):
    assert client.get(f"/processes/{waiting.slug}/").status_code == 404

    response = publisher.post(step_url(waiting, "publish"), {}, follow=True)

    assert messages_shown(response) == ["“Budapest Process” is published: the public sees it now."]
    assert status_of(waiting) == PUBLISHED
    assert client.get(f"/processes/{waiting.slug}/").status_code == 200
    history = text_of(publisher.get(f"/admin/rcp/process/{waiting.pk}/history/"))
    assert "— carol Published after review" in history
    assert "publication status: Waiting for review → Published" in history


def test_sending_back_needs_a_note_then_the_editor_sees_it(publisher, editor, waiting):
    refused = publisher.post(step_url(waiting, "send-back"), {"note": "  "}, follow=True)
    assert messages_shown(refused) == ["Say in the note what should change before it is published."]
    assert status_of(waiting) == REVIEW

    done = publisher.post(
        step_url(waiting, "send-back"), {"note": "Add the 2023 meeting."}, follow=True
    )

    assert messages_shown(done) == [
        "“Budapest Process” is a draft again; your note is shown on its page and in its history."
    ]
    assert status_of(waiting) == DRAFT
    editor_page = editor.get(change_url(waiting))
    assert "Add the 2023 meeting. Sent back to draft by carol," in text_of(
        review_panel(editor_page)
    )
    assert panel_buttons(editor_page) == ["Submit for review"]
    history = text_of(editor.get(f"/admin/rcp/process/{waiting.pk}/history/"))
    assert "— carol Sent back to draft Add the 2023 meeting. Note from carol" in history


@pytest.mark.parametrize("step", ["publish", "send-back"])
def test_an_editor_posting_publish_or_send_back_is_refused(editor, waiting, step):
    response = editor.post(step_url(waiting, step), {"note": "Looks good to me."})

    assert response.status_code == 403
    assert status_of(waiting) == REVIEW
    assert list(ReviewStep.objects.values_list("action", flat=True)) == [ReviewAction.SUBMITTED]


def test_the_workflow_refuses_an_editor_who_publishes_or_sends_back(alice, waiting):
    with pytest.raises(PermissionDenied):
        publish_reviewed(waiting, actor=alice)
    with pytest.raises(PermissionDenied):
        send_back(waiting, actor=alice, note="No.")
    assert status_of(waiting) == REVIEW


def test_a_profile_published_meanwhile_is_not_published_twice(carol, waiting):
    stale = Process.objects.get(pk=waiting.pk)
    publish_reviewed(waiting, actor=carol)

    with pytest.raises(ReviewStepRefused, match="no longer waiting for review"):
        send_back(stale, actor=carol, note="Too late.")
    assert status_of(waiting) == PUBLISHED


# --- What waits for whom -----------------------------------------------------------------------


def test_publishers_see_on_the_admin_home_page_how_many_profiles_wait_for_them(
    publisher, alice, bob
):
    for name, editor in [("A Process", alice), ("B Process", alice), ("C Process", bob)]:
        submit_for_review(make_draft(name=name), actor=editor)
    make_draft(name="D Process")  # a draft nobody submitted

    box = queue_box(publisher.get("/admin/"))

    assert text_of(box) == "3 profiles wait for your review"
    link = re.search(r'href="([^"]+)"', box).group(1)
    listing = publisher.get(html.unescape(link))
    names = re.findall(r'<th class="field-name"><a [^>]*>(.*?)</a>', listing.content.decode())
    assert sorted(names) == ["A Process", "B Process", "C Process"]


def test_editors_see_only_their_own_submissions_waiting(editor, alice, bob):
    submit_for_review(make_draft(name="A Process"), actor=alice)
    submit_for_review(make_draft(name="C Process"), actor=bob)
    submit_for_review(make_draft(name="E Process"), actor=bob)

    box = queue_box(editor.get("/admin/"))

    assert text_of(box) == "1 profile you submitted waits for a Publisher's review"
    assert "for your review" not in editor.get("/admin/").content.decode()
    link = html.unescape(re.search(r'href="([^"]+)"', box).group(1))
    listing = editor.get(link)
    names = re.findall(r'<th class="field-name"><a [^>]*>(.*?)</a>', listing.content.decode())
    assert names == ["A Process"]


def test_nothing_waiting_shows_no_count(publisher, editor, draft):
    assert queue_box(publisher.get("/admin/")) == ""
    assert queue_box(editor.get("/admin/")) == ""


def test_the_status_filter_offers_waiting_for_review(publisher, waiting, draft):
    listing = publisher.get("/admin/rcp/process/?status__exact=review")

    assert "Waiting for review" in text_of(listing)
    names = re.findall(r'<th class="field-name"><a [^>]*>(.*?)</a>', listing.content.decode())
    assert names == ["Budapest Process"]


def index_queries(client, assert_max_num_queries) -> int:
    with assert_max_num_queries(INDEX_QUERIES) as queries:
        assert client.get("/admin/").status_code == 200
    return len(queries)


#: The admin home page: the session and user, the permissions, the Administrators check and
#: the count of profiles waiting.
INDEX_QUERIES = 7


def test_the_count_costs_the_same_whatever_waits(publisher, alice, django_assert_max_num_queries):
    submit_for_review(make_draft(name="A Process"), actor=alice)
    one = index_queries(publisher, django_assert_max_num_queries)
    for name in ["B Process", "C Process", "D Process", "E Process"]:
        submit_for_review(make_draft(name=name), actor=alice)

    assert index_queries(publisher, django_assert_max_num_queries) == one
    assert "5 profiles wait for your review" in text_of(publisher.get("/admin/"))
