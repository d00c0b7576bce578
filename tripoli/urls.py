from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from rcp.sitemaps import SITEMAPS
from rcp.views.site import robots_txt

admin.site.site_header = _("RCP Profiles administration")
admin.site.site_title = _("RCP Profiles")
admin.site.index_title = _("Profiles of migration dialogues")

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    # English at /, French under /fr/, Spanish under /es/.
    *i18n_patterns(path("", include("rcp.urls")), prefix_default_language=False),
]

# The 503 page when the database is unreachable, else the plain 500 page (rcp/health.py).
handler500 = "rcp.health.server_error"
# A request the site cannot read (a NUL character, a body too big): the 400 page in the
# site's design (rcp/security.py).
handler400 = "rcp.security.bad_request"
