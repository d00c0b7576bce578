"""/sitemap.xml: every public page, in each language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from rcp.models import FocusArea, Organisation, Participation, Process


class LocalisedSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class ProcessSitemap(LocalisedSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Process.objects.published().order_by("slug")

    def lastmod(self, process):
        return process.updated_at


class CountrySitemap(LocalisedSitemap):
    changefreq = "monthly"

    def items(self):
        codes = Participation.objects.published().values_list("country", flat=True)
        return sorted({code.lower() for code in codes})

    def location(self, code):
        return reverse("rcp:country-detail", kwargs={"code": code})


class FocusAreaSitemap(LocalisedSitemap):
    def items(self):
        return FocusArea.objects.published().order_by("slug")


class OrganisationSitemap(LocalisedSitemap):
    def items(self):
        return Organisation.objects.published().order_by("slug")


class PageSitemap(LocalisedSitemap):
    priority = 0.6

    def items(self):
        return ["rcp:process-list", "rcp:country-list", "rcp:open-data"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "processes": ProcessSitemap,
    "countries": CountrySitemap,
    "focus": FocusAreaSitemap,
    "organisations": OrganisationSitemap,
}
