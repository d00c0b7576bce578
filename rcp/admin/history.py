"""A profile's history in the admin: every version, reverting to one, recovering a deleted
profile."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from rcp.history import (
    deleted_processes,
    profile_timeline,
    recover_process,
    revert_preview,
    revert_process,
    shown_date,
    version_end,
)


class ProfileHistoryAdminMixin:
    """The history, revert and recovery views of the profile admin."""

    # History, revert, recovery ----------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/history/<uuid:changeset>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name=f"{prefix}_revert",
            ),
            path(
                "recover/",
                self.admin_site.admin_view(self.recover_list_view),
                name=f"{prefix}_recover_list",
            ),
            path(
                "recover/<int:object_id>/",
                self.admin_site.admin_view(self.recover_view),
                name=f"{prefix}_recover",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        """Every version of the profile and its parts: who, when, and a readable diff."""
        process = self.get_object(request, unquote(object_id))
        if process is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, process):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("History of %(name)s") % {"name": process},
            "subtitle": None,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "opts": self.opts,
            "object": process,
            "versions": profile_timeline(process.pk),
            "can_revert": self.has_change_permission(request, process),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def revert_view(self, request, object_id, changeset):
        """GET: what reverting to the version would change, with "Yes, revert" and Cancel;
        POST: the revert."""
        process = self.get_object(request, unquote(object_id))
        if process is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, process):
            raise PermissionDenied
        history_url = reverse(
            "admin:rcp_process_history", args=[process.pk], current_app=self.admin_site.name
        )
        try:
            moment = version_end(process.pk, changeset)
            if request.method != "POST":
                return self.revert_confirm_page(request, process, moment, history_url)
            revert_process(process, to=moment, user=request.user)
        except LookupError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(history_url)
        # No full stop right after the date: the date may end in one ("p.m.").
        self.message_user(
            request,
            gettext(
                "The profile is back as it was on %(date)s; its publication status did not change."
            )
            % {"date": shown_date(moment)},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:rcp_process_change", args=[process.pk], current_app=self.admin_site.name)
        )

    def revert_confirm_page(self, request, process, moment, history_url):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Revert %(name)s to the version of %(date)s")
            % {"name": process, "date": shown_date(moment)},
            "subtitle": None,
            "opts": self.opts,
            "object": process,
            "preview": revert_preview(process, to=moment),
            "history_url": history_url,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/rcp/process/revert_confirm.html", context)

    def recover_list_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Recover deleted profiles"),
            "opts": self.opts,
            "deleted": deleted_processes(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/rcp/process/recover_list.html", context)

    @method_decorator(require_POST)
    def recover_view(self, request, object_id):
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            process = recover_process(object_id, user=request.user)
        except LookupError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:rcp_process_recover_list"))
        self.message_user(
            request,
            gettext("%(name)s is back, as a draft, with all its parts.") % {"name": process},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:rcp_process_change", args=[process.pk]))
