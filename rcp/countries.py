"""Country names as IOM writes them, in every language django-countries knows."""

from django.utils.functional import lazy
from django.utils.translation import get_language, gettext


def _iom_country_name(english_name: str, iso_name: str) -> str:
    language = (get_language() or "en").split("-")[0]
    if language == "en":
        return english_name
    # Other languages keep django-countries' translation of the ISO name
    # (French "Congo", Spanish "Santo Tomé y Príncipe").
    return gettext(iso_name)


def iom_country_name(english_name: str, *, iso_name: str):
    """A lazy name for ``COUNTRIES_OVERRIDE``: IOM's English spelling, translated elsewhere."""
    return lazy(_iom_country_name, str)(english_name, iso_name)
