from django.urls import path, re_path

from rcp import views
from rcp.cache import public_page
from rcp.views.matrix import MatrixDownloadView, MatrixView

app_name = "rcp"

urlpatterns = [
    # Readers get these pages from the page cache (rcp/cache.py), keyed by the query
    # parameters named here, the only ones their views are shown.
    path(
        "",
        public_page(views.ProcessListView.as_view(), params=("kind", "region", "page")),
        name="process-list",
    ),
    path(
        "processes/<slug:slug>/",
        public_page(views.ProcessDetailView.as_view()),
        name="process-detail",
    ),
    path(
        "processes/<slug:slug>.json",
        public_page(views.ProfileJsonView.as_view()),
        name="process-json",
    ),
    path(
        "processes/<slug:slug>/countries.csv",
        public_page(views.ProfileCountriesCsvView.as_view()),
        name="process-countries-csv",
    ),
    path("countries/", public_page(views.CountryListView.as_view()), name="country-list"),
    path(
        "countries/<str:code>/",
        public_page(views.CountryDetailView.as_view()),
        name="country-detail",
    ),
    path(
        "focus/<slug:slug>/",
        public_page(views.FocusAreaDetailView.as_view()),
        name="focus-area-detail",
    ),
    path(
        "organisations/<slug:slug>/",
        public_page(views.OrganisationDetailView.as_view()),
        name="organisation-detail",
    ),
    path("search/", public_page(views.SearchView.as_view(), params=("q",)), name="search"),
    path(
        "matrix/",
        public_page(MatrixView.as_view(), params=("kind", "region", "page")),
        name="matrix",
    ),
    re_path(
        r"^matrix\.(?P<file_format>csv|xlsx)$",
        public_page(MatrixDownloadView.as_view(), params=("kind", "region")),
        name="matrix-download",
    ),
    path("data/", public_page(views.OpenDataView.as_view()), name="open-data"),
    path("data/profiles.json", public_page(views.DatasetView.as_view()), name="open-data-json"),
]
