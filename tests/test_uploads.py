"""Uploads waiting for confirmation (rcp/uploads.py): kept in the database, for an hour at most,
bounded per user, readable only by the user who uploaded them."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from rcp import data_version, uploads
from rcp.models import PageDataChange, PendingUpload, UploadPurpose

SPREADSHEET = UploadPurpose.SPREADSHEET
LEGACY = UploadPurpose.LEGACY_PAGE


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("editor", password="x", is_staff=True)


@pytest.fixture
def other_editor(db):
    return get_user_model().objects.create_user("other", password="x", is_staff=True)


def test_an_upload_is_found_by_its_user_for_its_purpose(editor):
    upload = uploads.keep(editor, SPREADSHEET, b"slug,name\n", name="profiles.csv")
    found = uploads.waiting(editor, SPREADSHEET, upload.token)
    assert found is not None
    assert bytes(found.data) == b"slug,name\n"
    assert found.name == "profiles.csv"
    assert found.size == 10


def test_another_user_cannot_read_an_upload_even_with_its_token(editor, other_editor):
    upload = uploads.keep(editor, SPREADSHEET, b"data")
    assert uploads.waiting(other_editor, SPREADSHEET, upload.token) is None


def test_an_upload_is_not_found_for_another_purpose_or_a_made_up_token(editor):
    upload = uploads.keep(editor, SPREADSHEET, b"data")
    assert uploads.waiting(editor, LEGACY, upload.token) is None
    assert uploads.waiting(editor, SPREADSHEET, upload.token + "x") is None
    assert uploads.waiting(editor, SPREADSHEET, "") is None
    assert uploads.waiting(editor, SPREADSHEET, None) is None


def test_tokens_are_unguessable_and_distinct(editor):
    tokens = {uploads.keep(editor, SPREADSHEET, b"x").token for _ in range(3)}
    assert len(tokens) == 3
    assert all(len(token) >= 32 for token in tokens)


def test_an_upload_expires_after_the_wait(editor, settings):
    settings.RCP_UPLOAD_WAIT_SECONDS = 3600
    upload = uploads.keep(editor, SPREADSHEET, b"data")
    PendingUpload.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - timedelta(seconds=3601)
    )
    assert uploads.waiting(editor, SPREADSHEET, upload.token) is None
    assert uploads.purge_expired() == 1
    assert not PendingUpload.objects.exists()


def test_a_new_upload_deletes_everyones_expired_uploads(editor, other_editor):
    old = uploads.keep(other_editor, LEGACY, b"old")
    PendingUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    uploads.keep(editor, SPREADSHEET, b"new")
    assert list(PendingUpload.objects.values_list("user__username", flat=True)) == ["editor"]


def test_one_user_holds_at_most_the_configured_number_the_oldest_go_first(editor, settings):
    settings.RCP_UPLOADS_PER_USER = 3
    kept = [uploads.keep(editor, SPREADSHEET, f"file {n}".encode()) for n in range(5)]
    remaining = list(PendingUpload.objects.filter(user=editor).values_list("token", flat=True))
    assert remaining == [upload.token for upload in kept[-3:]]


def test_one_user_holds_at_most_the_configured_bytes(editor, settings):
    settings.RCP_UPLOADS_PER_USER = 10
    settings.RCP_UPLOAD_BYTES_PER_USER = 25
    first = uploads.keep(editor, SPREADSHEET, b"a" * 10)
    second = uploads.keep(editor, SPREADSHEET, b"b" * 10)
    third = uploads.keep(editor, SPREADSHEET, b"c" * 10)
    remaining = set(PendingUpload.objects.values_list("token", flat=True))
    assert remaining == {second.token, third.token}
    assert first.token not in remaining
    assert sum(PendingUpload.objects.values_list("size", flat=True)) <= 25


def test_one_users_uploads_never_push_out_anothers(editor, other_editor, settings):
    settings.RCP_UPLOADS_PER_USER = 1
    theirs = uploads.keep(other_editor, SPREADSHEET, b"theirs")
    uploads.keep(editor, SPREADSHEET, b"mine")
    uploads.keep(editor, SPREADSHEET, b"mine again")
    assert uploads.waiting(other_editor, SPREADSHEET, theirs.token) is not None
    assert PendingUpload.objects.filter(user=editor).count() == 1


def test_discard_deletes_and_tolerates_a_missing_upload(editor):
    upload = uploads.keep(editor, SPREADSHEET, b"data")
    uploads.discard(upload.token)
    uploads.discard(upload.token)
    uploads.discard(None)
    assert not PendingUpload.objects.exists()


def test_keeping_an_upload_leaves_the_page_cache_alone(editor):
    """An upload is not public data: storing one must not make every cached page stale."""
    changes, version = PageDataChange.objects.count(), data_version.in_database()
    upload = uploads.keep(editor, SPREADSHEET, b"data")
    uploads.discard(upload.token)
    assert PageDataChange.objects.count() == changes
    assert data_version.in_database() == version


def test_take_gives_an_upload_to_one_confirmation_only(editor, other_editor):
    upload = uploads.keep(editor, SPREADSHEET, b"data")
    assert uploads.take(other_editor, SPREADSHEET, upload.token) is None
    taken = uploads.take(editor, SPREADSHEET, upload.token)
    assert bytes(taken.data) == b"data"
    assert uploads.take(editor, SPREADSHEET, upload.token) is None
    assert not PendingUpload.objects.exists()
