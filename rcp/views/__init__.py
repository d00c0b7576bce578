"""The public site's views, one module per kind of page."""

from rcp.views.countries import CountryDetailView, CountryListView
from rcp.views.home import ProcessListView
from rcp.views.opendata import DatasetView, OpenDataView
from rcp.views.profiles import ProcessDetailView, ProfileCountriesCsvView, ProfileJsonView
from rcp.views.search import SearchView
from rcp.views.site import robots_txt
from rcp.views.topics import FocusAreaDetailView, OrganisationDetailView

__all__ = [
    "CountryDetailView",
    "CountryListView",
    "DatasetView",
    "FocusAreaDetailView",
    "OpenDataView",
    "OrganisationDetailView",
    "ProcessDetailView",
    "ProcessListView",
    "ProfileCountriesCsvView",
    "ProfileJsonView",
    "SearchView",
    "robots_txt",
]
