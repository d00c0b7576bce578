"""The site's URLs plus two bench-only pages, to compare a profile's render with the least a
request through the same stack costs."""

from django.http import HttpResponse
from django.urls import path

from rcp.views.profiles import ProcessDetailView
from tripoli.urls import handler500  # noqa: F401
from tripoli.urls import urlpatterns as site_urlpatterns


def trivial(request):
    """The cheapest page: every middleware, no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial),
    # The profile view without the page cache (not marked ``public_page``).
    path("bench/uncached/processes/<slug:slug>/", ProcessDetailView.as_view()),
    *site_urlpatterns,
]
