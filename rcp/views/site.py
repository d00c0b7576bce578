"""What the site says to crawlers."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

#: Where Django puts the admin unless ADMIN_URL moves it: naming it gives nothing away.
DEFAULT_ADMIN_URL = "admin/"


def robots_txt(request):
    """Crawlers may read every public page; the admin is not for them.

    Anyone may read robots.txt, so it names the admin only at Django's well-known address: an
    ADMIN_URL moved elsewhere to keep it out of sight stays unnamed. Wherever it is, every
    admin response says ``X-Robots-Tag: noindex`` (rcp.security), which keeps it out of search
    results even if a crawler finds it.
    """
    lines = ["User-agent: *"]
    if settings.ADMIN_URL == DEFAULT_ADMIN_URL:
        lines.append(f"Disallow: /{DEFAULT_ADMIN_URL}")
    else:
        lines.append("Disallow:")  # nothing: every public page may be crawled
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
