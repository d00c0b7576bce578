"""The home page: the landscape of published processes, and their list a page at a time."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from rcp.landscape import Landscape, Selection, shorten
from rcp.models import Process
from rcp.multilingual import in_reading_order

#: Profiles per page of the list: a page stays light and fast whatever the number of profiles.
PAGE_SIZE = 30


@dataclass(frozen=True)
class PageLink:
    """A link of the page navigation: ``number`` None for a gap ("…") between page numbers."""

    number: int | None
    url: str = ""
    current: bool = False


def paginate(items, requested: str | None, per_page: int) -> tuple[Page, str]:
    """The page of ``items`` a reader asked for, and a message when there is no such page: a
    page number that is not one (``?page=abc``) shows the first page, one past the end the last,
    each saying so, rather than an error page for a mistyped or outdated address."""
    paginator = Paginator(items, per_page)
    if requested is None or requested == "":
        return paginator.page(1), ""
    try:
        return paginator.page(paginator.validate_number(requested)), ""
    except PageNotAnInteger:
        return paginator.page(1), _("There is no page “%(page)s”: this is the first page.") % {
            "page": shorten(requested)
        }
    except EmptyPage:
        if int(requested) < 1:
            return paginator.page(1), _("There is no page %(page)s: this is the first page.") % {
                "page": requested
            }
        return paginator.page(paginator.num_pages), _(
            "There is no page %(page)s: this is the last page, page %(last)s."
        ) % {"page": shorten(requested), "last": paginator.num_pages}


def page_links(page: Page, query: dict[str, str], around: int = 2) -> list[PageLink]:
    """Links to the first and last pages and to those ``around`` the current one, with gaps
    between: a handful of links however many pages there are. Page 1's address has no
    ``page``."""
    last = page.paginator.num_pages
    if last == 1:
        return []
    shown = sorted(
        {1, last, *range(page.number - around, page.number + around + 1)} & set(range(1, last + 1))
    )
    links, previous = [], 0
    for number in shown:
        if number > previous + 1:
            links.append(PageLink(None))
        links.append(PageLink(number, page_url(query, number), number == page.number))
        previous = number
    return links


def page_url(query: dict[str, str], number: int) -> str:
    params = {**query, "page": str(number)} if number > 1 else query
    return "?" + urlencode(params) if params else "./"


class ProcessListView(TemplateView):
    """The home page: counts of the published processes by type and region, each a link to
    them, and their list, filtered by type and region, a page at a time."""

    template_name = "rcp/process_list.html"

    def get_context_data(self, **kwargs):
        landscape = Landscape.of_published_profiles()
        selection = Selection.from_query(self.request.GET, landscape)
        processes = (
            selection.apply(Process.objects.published())
            .with_member_counts()
            .prefetch_related("regions", "associated_organisations")
            .order_by(in_reading_order("name"), "pk")
        )
        page, page_problem = paginate(processes, self.request.GET.get("page"), PAGE_SIZE)
        query = selection.query()
        matrix_query = "?" + urlencode(query) if query and not selection.problems else ""
        return super().get_context_data(
            landscape=landscape,
            selection=selection,
            processes=page.object_list,
            page=page,
            page_problem=page_problem,
            page_links=page_links(page, query),
            previous_url=page_url(query, page.number - 1) if page.has_previous() else "",
            next_url=page_url(query, page.number + 1) if page.has_next() else "",
            matrix_url=reverse("rcp:matrix") + matrix_query,
            **kwargs,
        )
