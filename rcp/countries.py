"""Country names as IOM writes them, in every language django-countries knows."""

import difflib
import functools
import re
import unicodedata

from django.utils import translation
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


# Names people write for countries that are neither ISO's nor django-countries'.
COUNTRY_ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "usa": "US",
    "united states": "US",
    "cape verde": "CV",
    "ivory coast": "CI",
    "swaziland": "SZ",
    "czech republic": "CZ",
    "republic of congo": "CG",
    "congo brazzaville": "CG",
    "congo republic": "CG",
    "drc": "CD",
    "dr congo": "CD",
    "congo kinshasa": "CD",
    "democratic republic of congo": "CD",
    "turkey": "TR",
    "macedonia": "MK",
    "burma": "MM",
    "east timor": "TL",
    "holland": "NL",
    "the gambia": "GM",
    "sao tome": "ST",
    "vatican": "VA",
    "uae": "AE",
    "russia": "RU",
    "united republic of tanzania": "TZ",
    "korea": "KR",
    "republic of korea": "KR",
    "republic of moldova": "MD",
    "iran islamic republic of": "IR",
    "lao pdr": "LA",
    "syria": "SY",
    "viet nam": "VN",
}


def normalise_country_text(text: str) -> str:
    """Fold case, accents, apostrophes and punctuation: "Côte d’Ivoire" -> "cote d ivoire"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("&", " and ")
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


@functools.cache
def _country_index() -> dict[str, str]:
    """Every name and code a country goes by, in English, French and Spanish, mapped to alpha-2."""
    from django_countries import countries
    from django_countries.data import COUNTRIES

    index: dict[str, str] = {}

    def add(name, code):
        key = normalise_country_text(name)
        if key:
            index.setdefault(key, code)

    for code, name in COUNTRIES.items():
        with translation.override("en"):
            add(name, code)
    for language in ("en", "fr", "es"):
        with translation.override(language):
            for country in countries:
                add(country.name, country.code)
    for code, name in countries.COMMON_NAMES.items():
        with translation.override("en"):
            add(name, code)
    for code, names in countries.OLD_NAMES.items():
        for name in names:
            with translation.override("en"):
                add(name, code)
    for country in countries:
        add(countries.alpha3(country.code), country.code)
    for alias, code in COUNTRY_ALIASES.items():
        add(alias, code)
    return index


@functools.cache
def _country_codes() -> frozenset[str]:
    from django_countries import countries

    return frozenset(code for code, _name in countries)


def resolve_country(text: str) -> str | None:
    """The alpha-2 code for an alpha-2 or alpha-3 code or a country's name, or None."""
    value = str(text or "").strip()
    if not value:
        return None
    if len(value) == 2 and value.upper() in _country_codes():
        return value.upper()
    return _country_index().get(normalise_country_text(value))


def suggest_country(text: str) -> str | None:
    """The English name of the country ``text`` was most likely meant to be ("Eriteria" ->
    "Eritrea"), or None when nothing is close. Never used to fill in a value silently."""
    from django_countries import countries

    key = normalise_country_text(text)
    index = _country_index()
    matches = difflib.get_close_matches(key, [k for k in index if len(k) > 3], n=1, cutoff=0.8)
    if not matches:
        return None
    with translation.override("en"):
        return str(countries.name(index[matches[0]]))
