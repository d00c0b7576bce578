"""Pages of a long list (the home page's profiles, the matrix's processes): which page a reader
asked for, a message when there is no such page, and the links to the others."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.translation import gettext as _

from rcp.landscape import shorten


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


def pagination_context(items, requested: str | None, per_page: int, query: dict[str, str]):
    """What a page showing ``items`` a page at a time gives its template (and
    includes/pagination.html): ``page``, ``page_problem``, ``page_links``, ``previous_url``
    and ``next_url``, the links keeping ``query`` (the page's filters)."""
    page, page_problem = paginate(items, requested, per_page)
    return {
        "page": page,
        "page_problem": page_problem,
        "page_links": page_links(page, query),
        "previous_url": page_url(query, page.number - 1) if page.has_previous() else "",
        "next_url": page_url(query, page.number + 1) if page.has_next() else "",
    }
