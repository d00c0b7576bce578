"""Country names as IOM writes them, in every language django-countries knows."""

import difflib
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

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
    # Further names IOM's older profile pages use.
    "slovak republic": "SK",
    "kyrgyz republic": "KG",
    "republic of marshall islands": "MH",
    "republic of the marshall islands": "MH",
    "federated states of micronesia": "FM",
    "state of palestine": "PS",
    "occupied palestinian territory": "PS",
    "sahrawi arab democratic republic": "EH",
    "sahrawi republic": "EH",
    "dprk": "KP",
    "north korea": "KP",
    "south korea": "KR",
    "democratic people s republic of korea": "KP",
    "holy see vatican city state": "VA",
    "vatican city": "VA",
    "the former yugoslav republic of macedonia": "MK",
    "fyrom": "MK",
    "republic of north macedonia": "MK",
    "kingdom of eswatini": "SZ",
    "brunei darussalam": "BN",
    "lao people s democratic republic": "LA",
    "bolivia plurinational state of": "BO",
    "venezuela bolivarian republic of": "VE",
    "iran islamic republic": "IR",
    "islamic republic of iran": "IR",
    "republic of guinea": "GN",
    "guinea conakry": "GN",
    "guinea bissau": "GW",
    "republic of the gambia": "GM",
    "republic of cabo verde": "CV",
    "republic of cape verde": "CV",
    "drc congo": "CD",
    "congo drc": "CD",
    "rdc": "CD",
    "etats unis": "US",
    "etats unis d amerique": "US",
    "emirats arabes unis": "AE",
    "u s": "US",
    "u s a": "US",
    "u k": "GB",
    "timor leste": "TL",
    "st vincent": "VC",
    "korea republic of": "KR",
    "korea democratic people s republic of": "KP",
    # IOM's French and Spanish pages, where django-countries spells the long form.
    "tchequie": "CZ",
    "republique du congo": "CG",
    "republica del congo": "CG",
    "republica centroafricana": "CF",
    "republica checa": "CZ",
    "chipre": "CY",
    "yibuti": "DJ",
    # Formal names without the title the rule below strips, and older or shortened ones.
    "french republic": "FR",
    "italian republic": "IT",
    "hellenic republic": "GR",
    "portuguese republic": "PT",
    "lebanese republic": "LB",
    "argentine republic": "AR",
    "togolese republic": "TG",
    "gabonese republic": "GA",
    "swiss confederation": "CH",
    "libyan arab jamahiriya": "LY",
    "bosnia herzegovina": "BA",
    "luxemburg": "LU",
    "burkina": "BF",
    "centrafrique": "CF",
    "korea dpr": "KP",
    "hong kong sar": "HK",
    "macau": "MO",
    "macau sar": "MO",
    # Not China: the formal title is not stripped from this one.
    "republic of china": "TW",
    "people s republic of china": "CN",
}

#: Formal titles of states, as normalised words: "Kingdom of Morocco", "Republic of Yemen",
#: "Royaume du Maroc", "República del Ecuador" read as the name after the title. ISO's and
#: django-countries' lists give short names only (pycountry's official names are in English
#: only, and one per country), so a rule on the title reads every language's formal names.
#: Titles that change which country is meant ("Democratic Republic of ...", "People's
#: Republic of ...") are not here: their countries are in the index or the aliases above.
FORMAL_TITLES = tuple(
    sorted(
        (
            tuple(title.split())
            for title in (
                "kingdom of",
                "kingdom of the",
                "hashemite kingdom of",
                "republic of",
                "republic of the",
                "federal republic of",
                "federal democratic republic of",
                "islamic republic of",
                "arab republic of",
                "united republic of",
                "socialist republic of",
                "democratic socialist republic of",
                "people s democratic republic of",
                "bolivarian republic of",
                "oriental republic of",
                "co operative republic of",
                "plurinational state of",
                "independent state of",
                "state of",
                "sultanate of",
                "principality of",
                "grand duchy of",
                "commonwealth of",
                "commonwealth of the",
                "royaume du",
                "royaume de",
                "royaume d",
                "republique du",
                "republique de",
                "republique de la",
                "republique d",
                "republique islamique de",
                "republique islamique d",
                "republique federale d",
                "republique arabe d",
                "etat de",
                "etat du",
                "etat d",
                "sultanat d",
                "principaute de",
                "grand duche de",
                "reino de",
                "reino de los",
                "republica de",
                "republica del",
                "republica de la",
                "republica islamica de",
                "republica federal de",
                "republica arabe de",
                "republica bolivariana de",
                "estado de",
                "estado plurinacional de",
                "sultanato de",
                "principado de",
                "gran ducado de",
            )
        ),
        key=len,
        reverse=True,
    )
)
FORMAL_TITLES_SET = frozenset(FORMAL_TITLES)

# "St Lucia", "St. Kitts and Nevis": "saint" as the index writes it.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "is": "islands"}


def normalise_country_text(text: str) -> str:
    """Fold case, accents, apostrophes and punctuation: "Côte d’Ivoire" -> "cote d ivoire"."""
    text = str(text)
    if text.isascii():  # nothing to decompose: most text, read much faster
        plain = text.casefold()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
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
    # ISO's inverted names read both ways: "Micronesia (Federated States of)" is also
    # "Federated States of Micronesia"; "Palestine, State of" is also "State of Palestine".
    with translation.override("en"):
        for code, name in list(COUNTRIES.items()) + [(c.code, c.name) for c in countries]:
            name = str(name)
            inverted = re.fullmatch(r"(?P<head>[^(,]+?)\s*(?:\((?P<p>[^)]+)\)|,\s*(?P<c>.+))", name)
            if inverted:
                tail = inverted.group("p") or inverted.group("c")
                add(f"{tail} {inverted.group('head')}", code)
    for alias, code in COUNTRY_ALIASES.items():
        add(alias, code)
    # "The former Yugoslav Republic of Macedonia" is also written without its article.
    for key, code in list(index.items()):
        if key.startswith("the "):
            index.setdefault(key[4:], code)
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
    index = _country_index()
    key = normalise_country_text(value)
    if key in index:
        return index[key]
    words = key.split()
    for named in (words, _without_article(words)):
        if " ".join(named) in index:
            return index[" ".join(named)]
        untitled = _without_formal_title(named)
        if untitled is not None:
            for name in (untitled, _without_article(untitled)):
                if " ".join(name) in index:
                    return index[" ".join(name)]
    return None


#: Every beginning of a formal title, to tell in one lookup whether words may start one.
_TITLE_BEGINNINGS = frozenset(title[:n] for title in FORMAL_TITLES for n in range(1, len(title)))
_TITLE_FIRST_WORDS = frozenset(title[0] for title in FORMAL_TITLES)


def _without_formal_title(words: list[str]) -> list[str] | None:
    """The words after a formal title ("kingdom of morocco": ["morocco"]), or None."""
    if not words or words[0] not in _TITLE_FIRST_WORDS:
        return None
    for title in FORMAL_TITLES:  # the longest first: "republic of the", then "republic of"
        if len(words) > len(title) and tuple(words[: len(title)]) == title:
            return words[len(title) :]
    return None


def _begins_formal_title(words: Sequence[str]) -> bool:
    return tuple(words) in _TITLE_BEGINNINGS or tuple(words) in FORMAL_TITLES_SET


def _without_article(words: list[str]) -> list[str]:
    """ "the Netherlands", "St Lucia": the article and the abbreviation are not the name."""
    words = [_ABBREVIATIONS.get(word, word) for word in words]
    return words[1:] if words and words[0] in {"the", "la", "le", "les", "l"} else words


@functools.cache
def _name_beginnings() -> frozenset[tuple[str, ...]]:
    return frozenset(
        tuple(words[:length])
        for words in (key.split() for key in _country_index())
        for length in range(1, len(words) + 1)
    )


def may_begin_country_name(words: Sequence[str]) -> bool:
    """Whether a country's name (as :func:`resolve_country` reads it) may begin with these
    words of :func:`normalise_country_text`, so a reader of long lines tries longer runs of
    words only where one could still be a country."""
    beginnings = _name_beginnings()
    for named in (list(words), _without_article(list(words))):
        if not named or tuple(named) in beginnings or _begins_formal_title(named):
            return True
        untitled = _without_formal_title(named)
        if untitled is not None and may_begin_country_name(untitled):
            return True
    return False


def is_start_of_country_name(text: str) -> bool:
    """Whether ``text`` is a country's name cut short: "Tuni", "Central African Rep", the
    last entry of a page saved in the middle of a word (never a whole name, and never
    fewer than three letters, which begin too many)."""
    key = normalise_country_text(text)
    if len(key) < 3 or resolve_country(key):
        return False
    return any(name.startswith(key) for name in _country_index())


@functools.cache
def _suggestion_keys() -> dict[int, list[str]]:
    """The names :func:`suggest_country` compares with, by length."""
    by_length: dict[int, list[str]] = {}
    for key in _country_index():
        if len(key) > 3:
            by_length.setdefault(len(key), []).append(key)
    return by_length


def suggest_country(text: str) -> str | None:
    """The English name of the country ``text`` was most likely meant to be ("Eriteria" ->
    "Eritrea"), or None when nothing is close. Never used to fill in a value silently."""
    from django_countries import countries

    key = normalise_country_text(text)
    index = _country_index()
    # A ratio of 0.8 needs lengths within 2/3 and 3/2 of each other: the others never match.
    by_length = _suggestion_keys()
    candidates = [
        name
        for length in range(len(key) * 2 // 3, len(key) * 3 // 2 + 2)
        for name in by_length.get(length, ())
    ]
    matches = difflib.get_close_matches(key, candidates, n=1, cutoff=0.8)
    if not matches:
        return None
    with translation.override("en"):
        return str(countries.name(index[matches[0]]))


# --- A list of countries pasted by an editor ---------------------------------------------------

#: What separates the entries of a pasted list: lines, tabs (a row copied from Excel) and
#: semicolons. Commas too, except inside a name that has one ("Korea, Republic of").
_ENTRY_SEPARATORS = re.compile(r"[\r\n\t;]+")
#: A list's bullet or number, and a footnote mark: "1. Ghana", "• Mali", "Niger*".
_LIST_MARKS = re.compile(r"^(?:[-–—•·*+]+|\(?\d{1,3}[.)]|[a-z][.)](?=\s))\s*|[\s*†‡¹²³]+$")
MAX_PASTED_ENTRIES = 400


@dataclass
class PastedCountry:
    """One entry of a pasted list, and what the matcher made of it."""

    text: str
    code: str | None = None
    suggestion: str | None = None  # the code of the country it was likely meant to be
    repeats: int | None = None  # the entry (index) naming the same country earlier

    @property
    def matched(self) -> bool:
        return self.code is not None


def _entries(text: str) -> list[str]:
    entries = []
    for piece in _ENTRY_SEPARATORS.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if "," not in piece or resolve_country(_LIST_MARKS.sub("", piece)):
            entries.append(piece)
            continue
        # Split on commas, joining two neighbours back where they make one name.
        parts = [part.strip() for part in piece.split(",")]
        index = 0
        while index < len(parts):
            pair = ", ".join(parts[index : index + 2])
            if index + 1 < len(parts) and resolve_country(pair):
                entries.append(pair)
                index += 2
            else:
                if parts[index]:
                    entries.append(parts[index])
                index += 1
    return entries


def read_country_list(text: str) -> list[PastedCountry]:
    """Every entry of a pasted list of countries (one a line, or separated by commas,
    semicolons or tabs, as copied from a spreadsheet or a web page), each matched with
    :func:`resolve_country`, the matcher of the imports: names in English, French and Spanish,
    IOM's and ISO's, codes and the aliases people use. An unknown entry carries the suggestion
    of :func:`suggest_country`, never applied silently; an entry naming a country named before
    points at it."""
    read = []
    first_entry: dict[str, int] = {}
    for raw in _entries(str(text or ""))[: MAX_PASTED_ENTRIES + 1]:
        entry = PastedCountry(text=raw)
        cleaned = _LIST_MARKS.sub("", raw).strip()
        entry.code = resolve_country(cleaned)
        if entry.code is None:
            suggestion = suggest_country(cleaned)
            if suggestion:
                entry.suggestion = resolve_country(suggestion)
        code = entry.code
        if code is not None:
            if code in first_entry:
                entry.repeats = first_entry[code]
            else:
                first_entry[code] = len(read)
        read.append(entry)
    return read


def country_name_choices() -> list[tuple[str, str]]:
    """Every country as (code, name) in the reader's language, sorted as a reader expects."""
    return list(_country_name_choices(get_language() or "en"))


@functools.cache
def _country_name_choices(language: str) -> tuple[tuple[str, str], ...]:
    from django_countries import countries

    with translation.override(language):
        names = [(country.code, str(country.name)) for country in countries]
    return tuple(sorted(names, key=lambda item: normalise_country_text(item[1])))
