"""The technical sections of the admin, for Administrators only: users and groups
(django.contrib.auth) and log-in attempts (django-axes).

Editors and Publishers have no permission on them (the roles of ``rcp/0004_roles``), yet a
superuser account handed to an editor, or a permission granted by hand, would show them. Here
the rule is the role's: these ModelAdmins are re-registered so that only members of the
"Administrators" group and superusers see them on the home page and in the sidebar, and anyone
else gets 403 on their pages, whatever permissions they hold.
"""

import axes.admin  # registers its ModelAdmins first: they are replaced below
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

ADMINISTRATORS = "Administrators"


def is_administrator(user) -> bool:
    """A superuser, or a member of the Administrators group (read once per request)."""
    if not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_rcp_is_administrator"):
        user._rcp_is_administrator = user.groups.filter(name=ADMINISTRATORS).exists()
    return user._rcp_is_administrator


class AdministratorsOnlyMixin:
    """A ModelAdmin shown, and opened, only to Administrators (and then by their permissions).
    The permissions are asked first: they are read once per request, so the pages of users
    without any (Editors, Publishers) run no query more for the role."""

    def has_module_permission(self, request):
        return super().has_module_permission(request) and is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and is_administrator(request.user)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_administrator(request.user)


class UserAdmin(AdministratorsOnlyMixin, auth_admin.UserAdmin):
    pass


class GroupAdmin(AdministratorsOnlyMixin, auth_admin.GroupAdmin):
    pass


class AccessAttemptAdmin(AdministratorsOnlyMixin, axes.admin.AccessAttemptAdmin):
    pass


class AccessLogAdmin(AdministratorsOnlyMixin, axes.admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(AdministratorsOnlyMixin, axes.admin.AccessFailureLogAdmin):
    pass


REPLACED = {
    get_user_model(): UserAdmin,
    Group: GroupAdmin,
    AccessAttempt: AccessAttemptAdmin,
    AccessLog: AccessLogAdmin,
    AccessFailureLog: AccessFailureLogAdmin,
}

for model, model_admin in REPLACED.items():
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
