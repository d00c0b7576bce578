from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("RCP Profiles administration")
admin.site.site_title = _("RCP Profiles")
admin.site.index_title = _("Profiles of migration dialogues")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("rcp.urls")),
]
