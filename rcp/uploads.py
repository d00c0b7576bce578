"""Uploads waiting for an editor's confirmation: a CSV/XLSX import or a legacy page, between
its preview and its confirmation.

They are kept in the database (:class:`~rcp.models.PendingUpload`), where every app server
finds them and which stays up when Redis does not. Only an upload that is waiting for a
confirmation is kept (a file refused at the preview is not), for ``RCP_UPLOAD_WAIT_SECONDS`` at
most; the confirmation or a cancel deletes it. One user holds at most ``RCP_UPLOADS_PER_USER``
uploads and ``RCP_UPLOAD_BYTES_PER_USER`` bytes: a new upload makes room by dropping that
user's oldest, so an editor who abandons previews never has to clean up, and nobody can fill
the database by uploading over and over.
"""

import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from rcp.models import PendingUpload


def _expiry_cutoff():
    return timezone.now() - timedelta(seconds=settings.RCP_UPLOAD_WAIT_SECONDS)


def purge_expired() -> int:
    """Delete every upload older than the wait; returns how many."""
    deleted, _per_model = PendingUpload.objects.filter(created_at__lt=_expiry_cutoff()).delete()
    return deleted


def keep(user, purpose: str, data: bytes, *, name: str = "", details=None) -> PendingUpload:
    """Keep ``data`` until ``user`` confirms it; the returned upload's ``token`` names it."""
    data = bytes(data)
    details = details or {}
    # What is kept with the file (an import's plan) counts towards the user's bytes too.
    size = len(data) + (len(json.dumps(details, cls=DjangoJSONEncoder)) if details else 0)
    with transaction.atomic():
        purge_expired()
        held = list(
            PendingUpload.objects.filter(user=user)
            .order_by("-created_at", "-pk")
            .values_list("pk", "size")
        )
        keep_pks, total = [], size
        for pk, size in held:
            if len(keep_pks) + 1 >= settings.RCP_UPLOADS_PER_USER:
                break
            if total + size > settings.RCP_UPLOAD_BYTES_PER_USER:
                break
            keep_pks.append(pk)
            total += size
        PendingUpload.objects.filter(user=user).exclude(pk__in=keep_pks).delete()
        return PendingUpload.objects.create(
            token=secrets.token_urlsafe(24),
            user=user,
            purpose=purpose,
            name=name[:255],
            data=data,
            size=size,
            details=details,
        )


def _waiting(user, purpose: str, token):
    if not token or not isinstance(token, str) or user is None or not user.is_authenticated:
        return PendingUpload.objects.none()
    return PendingUpload.objects.filter(
        token=token, user=user, purpose=purpose, created_at__gte=_expiry_cutoff()
    )


def waiting(user, purpose: str, token, *, lock: bool = False) -> PendingUpload | None:
    """The upload ``token`` names if it is ``user``'s, for ``purpose``, and still waiting.

    With ``lock`` (inside ``transaction.atomic()``), its row stays locked until the transaction
    ends, so that a second confirmation of the same upload (a double click, two tabs, two app
    servers) waits for the first and then finds it gone (PostgreSQL; SQLite runs one write at a
    time anyway)."""
    queryset = _waiting(user, purpose, token)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.first()


def take(user, purpose: str, token) -> PendingUpload | None:
    """Like :func:`waiting`, and the upload waits no more: of two confirmations of one upload,
    exactly one gets it (the database deletes a row once)."""
    upload = waiting(user, purpose, token)
    if upload is None:
        return None
    deleted, _per_model = PendingUpload.objects.filter(pk=upload.pk).delete()
    return upload if deleted else None


def discard(token) -> None:
    """Forget an upload (confirmed or cancelled); nothing happens if it is gone already."""
    if token and isinstance(token, str):
        PendingUpload.objects.filter(token=token).delete()
