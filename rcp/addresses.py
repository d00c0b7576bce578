"""Addresses of public pages for the rows of a list, without a ``reverse()`` per row."""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

# What reverse() may put in an address as it is: the values of <slug:> and <str:> a page links
# to (slugs, lowercase country codes). Anything else is left to reverse(), which quotes it.
PLAIN_URL_VALUE = re.compile(r"[-a-zA-Z0-9_]+")
URL_PLACEHOLDER = "rcp-url-value"


def address(viewname: str, **kwargs: str) -> str:
    """``reverse(viewname, kwargs=kwargs)`` for one keyword argument, from the address
    reversed once per view, language and URLconf: a page listing 80 countries asks for 80
    addresses, and reverse() costs as much as rendering a row."""
    ((name, value),) = kwargs.items()
    return addresses(viewname, name)(value)


def addresses(viewname: str, name: str):
    """A function of one value giving ``reverse(viewname, kwargs={name: value})``, for the
    rows of a list (see :func:`address`)."""
    prefix, suffix = _address_pattern(
        viewname,
        name,
        translation.get_language(),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )

    def address_of(value: str) -> str:
        if not PLAIN_URL_VALUE.fullmatch(value):
            return reverse(viewname, kwargs={name: value})
        return f"{prefix}{value}{suffix}"

    return address_of


@functools.lru_cache(maxsize=256)
def _address_pattern(viewname, name, language, urlconf, _script_prefix) -> tuple[str, str]:
    with translation.override(language):
        pattern = reverse(viewname, kwargs={name: URL_PLACEHOLDER}, urlconf=urlconf)
    prefix, _placeholder, suffix = pattern.rpartition(URL_PLACEHOLDER)
    return prefix, suffix
