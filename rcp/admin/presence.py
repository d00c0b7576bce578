"""Who else has a profile open: the "currently editing" notice of the profile editor.

The change page posts a heartbeat every 30 seconds (static/rcp/admin/presence.js); each one
records that the editor still has the page open (an ``EditingPresence`` row per profile and
user) and answers with what the notice at the top of the page says: the colleagues seen in the
last two minutes and since when they have the profile open, and who saved the profile since
this page was opened. The notice is also rendered with the page, so it shows without JavaScript.
"""

import datetime

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import time_format
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from rcp.models import (
    Chair,
    EditingPresence,
    Meeting,
    Participation,
    Process,
    ProcessFocusArea,
    ProcessOrganisation,
)

#: A colleague whose page has not been heard from for this long has left it.
PRESENCE_WINDOW = datetime.timedelta(minutes=2)
#: Everything a profile's history records, to say who saved it last.
RECORDED = [Process, Participation, ProcessOrganisation, ProcessFocusArea, Chair, Meeting]


def display_name(user) -> str:
    """A person as colleagues know them: their full name, else their username."""
    if user is None:
        return gettext("an import or the command line")
    return user.get_full_name() or user.get_username()


def _time(moment: datetime.datetime) -> str:
    return time_format(timezone.localtime(moment), "H:i")


def last_save_since(process: Process, since: datetime.datetime):
    """The newest history record of the profile or its parts after ``since``, if any."""
    newest = None
    for model in RECORDED:
        records = model.history.filter(history_date__gt=since).select_related("history_user")
        records = (
            records.filter(id=process.pk)
            if model is Process
            else records.filter(process_id=process.pk)
        )
        record = records.order_by("-history_date", "-history_id").first()
        if record is not None and (newest is None or record.history_date > newest.history_date):
            newest = record
    return newest


def editing_notice(process: Process, user, *, opened_version=None, opened_at=None) -> list[str]:
    """The lines of the notice: who else has the profile open, and who saved it meanwhile."""
    lines = []
    others = (
        EditingPresence.objects.filter(
            process=process, last_seen__gte=timezone.now() - PRESENCE_WINDOW
        )
        .exclude(user=user)
        .select_related("user")
        .order_by("opened_at")
    )
    for presence in others:
        lines.append(
            gettext("%(name)s has had this profile open since %(time)s.")
            % {"name": display_name(presence.user), "time": _time(presence.opened_at)}
        )
    if opened_version is not None and opened_at is not None and process.version > opened_version:
        record = last_save_since(process, opened_at)
        if record is not None and record.history_user_id == user.pk:
            lines.append(
                gettext(
                    "You saved this profile at %(time)s in another window or tab: your save "
                    "will keep both sets of changes where they do not overlap."
                )
                % {"time": _time(record.history_date)}
            )
        elif record is not None:
            lines.append(
                gettext(
                    "%(name)s saved this profile at %(time)s: your save will keep both sets of "
                    "changes where they do not overlap."
                )
                % {"name": display_name(record.history_user), "time": _time(record.history_date)}
            )
    return lines


def _opened(data) -> tuple[int | None, datetime.datetime | None]:
    try:
        version = int(data.get("opened_version"))
    except (TypeError, ValueError):
        version = None
    try:
        moment = parse_datetime(str(data.get("opened_at") or "").strip())
    except ValueError:
        moment = None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return version, moment


class PresenceAdminMixin:
    """For ProcessAdmin: the heartbeat URL and the notice on the change page."""

    #: How often the change page posts its heartbeat, in seconds.
    heartbeat_seconds = 30

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/presence/",
                self.admin_site.admin_view(self.presence_view),
                name=f"{prefix}_presence",
            ),
            *super().get_urls(),
        ]

    @property
    def media(self):
        return super().media + forms.Media(
            js=["rcp/admin/presence.js"], css={"all": ["css/concurrency.css"]}
        )

    def presence_view(self, request, object_id):
        """The heartbeat: POST (CSRF-protected by the admin), staff who may change the profile.

        Records the editor as present (or, with ``leaving``, as gone) and answers with the
        notice's lines as JSON. Presences not heard from for a while are pruned.
        """
        return require_POST(self._presence)(request, object_id)

    def _presence(self, request, object_id):
        process = self.get_object(request, unquote(object_id))
        if process is None:
            raise Http404(gettext("This profile does not exist."))
        if not self.has_change_permission(request, process):
            raise PermissionDenied
        now = timezone.now()
        EditingPresence.objects.filter(last_seen__lt=now - PRESENCE_WINDOW).delete()
        mine = EditingPresence.objects.filter(process=process, user=request.user)
        if request.POST.get("leaving"):
            mine.delete()
            return JsonResponse({"messages": []})
        if not mine.update(last_seen=now):
            EditingPresence.objects.get_or_create(
                process=process,
                user=request.user,
                defaults={"opened_at": now, "last_seen": now},
            )
        opened_version, opened_at = _opened(request.POST)
        lines = editing_notice(
            process, request.user, opened_version=opened_version, opened_at=opened_at
        )
        return JsonResponse(
            {
                "messages": lines,
                "version": process.version,
                "saved_since": opened_version is not None and process.version > opened_version,
            }
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None and self.has_change_permission(request, obj):
            form = context["adminform"].form
            opened_version, opened_at = _opened(form.data) if form.is_bound else (None, None)
            context["editing_notice"] = {
                "url": reverse(
                    f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_presence",
                    args=[obj.pk],
                ),
                "interval": self.heartbeat_seconds,
                "messages": editing_notice(
                    obj, request.user, opened_version=opened_version, opened_at=opened_at
                ),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)
