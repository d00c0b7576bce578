"""The review queue in the admin: an Editor submits a draft for review with a note; a Publisher
publishes it or sends it back with a note (the steps are rcp.workflow's); Publishers see on the
admin's home page how many profiles wait for them."""

from functools import cached_property

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from rcp.models import PublicationStatus
from rcp.workflow import (
    MAX_NOTE_LENGTH,
    ReviewStepRefused,
    can_publish,
    latest_review_step,
    publish_reviewed,
    send_back,
    submit_for_review,
    submitted_by,
    waiting_for_review,
)

CHANGELIST = "admin:rcp_process_changelist"


class ReviewQueueFilter(admin.SimpleListFilter):
    """The shortcut to what waits: for a Publisher, every profile waiting for review; for
    anyone, the profiles they submitted that still wait."""

    title = _("review queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Waiting for review")),
            ("mine", _("Submitted by me, waiting")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.waiting_for_review()
        if self.value() == "mine":
            return queryset.filter(pk__in=submitted_by(request.user).values("pk"))
        return queryset


class ReviewQueue:
    """What waits for review, for the admin's home page; nothing is read until a template asks
    (the context processor below adds it to every page)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def for_publisher(self) -> bool:
        return can_publish(self.user)

    @cached_property
    def count(self) -> int:
        """For a Publisher, every profile waiting for review; for an Editor, theirs."""
        if not getattr(self.user, "is_staff", False):
            return 0
        if self.for_publisher:
            return waiting_for_review().count()
        return submitted_by(self.user).count()

    @cached_property
    def message(self) -> str:
        if not self.count:
            return ""
        if self.for_publisher:
            return ngettext(
                "%(count)d profile waits for your review",
                "%(count)d profiles wait for your review",
                self.count,
            ) % {"count": self.count}
        return ngettext(
            "%(count)d profile you submitted waits for a Publisher's review",
            "%(count)d profiles you submitted wait for a Publisher's review",
            self.count,
        ) % {"count": self.count}

    @property
    def url(self) -> str:
        queue = "waiting" if self.for_publisher else "mine"
        return f"{reverse(CHANGELIST)}?queue={queue}"


def review_queue(request):
    """Context processor: ``review_queue`` (lazy: no query unless a page shows it)."""
    return {"review_queue": ReviewQueue(getattr(request, "user", None))}


class ReviewAdminMixin:
    """The review panel of the profile change page and the three review steps behind it."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/review/<slug:step>/",
                self.admin_site.admin_view(self.review_step_view),
                name=f"{prefix}_review",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["review"] = self.review_panel(request, obj)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def review_panel(self, request, process) -> dict:
        """What the panel shows this user for this profile: its status, the latest note, and
        the steps that apply."""
        may_edit = self.has_change_permission(request, process)
        may_publish = may_edit and can_publish(request.user)
        waiting = process.status == PublicationStatus.REVIEW
        return {
            "status": process.get_status_display(),
            "latest": latest_review_step(process),
            "can_submit": may_edit and process.status == PublicationStatus.DRAFT,
            "can_decide": may_publish and waiting,
            "waiting_for_someone_else": waiting and not may_publish,
            "max_note_length": MAX_NOTE_LENGTH,
            "submit_url": self.review_url(process, "submit"),
            "publish_url": self.review_url(process, "publish"),
            "send_back_url": self.review_url(process, "send-back"),
        }

    def review_url(self, process, step: str) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_review",
            args=[process.pk, step],
            current_app=self.admin_site.name,
        )

    @method_decorator(require_POST)
    def review_step_view(self, request, object_id, step):
        """POST: submit (anyone who may edit), publish or send back (Publishers only)."""
        steps = {"submit": submit_for_review, "publish": publish_reviewed, "send-back": send_back}
        if step not in steps:
            raise PermissionDenied
        process = self.get_object(request, unquote(object_id))
        if process is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, process):
            raise PermissionDenied
        if step != "submit" and not can_publish(request.user):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[process.pk],
            current_app=self.admin_site.name,
        )
        try:
            steps[step](process, actor=request.user, note=request.POST.get("note", ""))
        except ReviewStepRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(change_url)
        done = {
            "submit": gettext(
                "“%(name)s” is waiting for review: the Publishers see it on their admin home page."
            ),
            "publish": gettext("“%(name)s” is published: the public sees it now."),
            "send-back": gettext(
                "“%(name)s” is a draft again; your note is shown on its page and in its history."
            ),
        }
        self.message_user(request, done[step] % {"name": process}, messages.SUCCESS)
        return HttpResponseRedirect(change_url)
