"""Meetings as legacy pages list them: title, dates, city and country, in any order.

"4th EU- Africa summit, Brussels, April 02-03, 2014" and "2nd Africa-EU Summit, Lisbon,
Portugal, 8 December – 9 December 2007" are both read. Titles may hold commas (inside quotes
or not), so the line is read from its dates and places, and the title is what is left.
"""

import datetime
import re

from rcp.legacy.cities import country_of_city
from rcp.legacy.dates import find_dates, parse_year
from rcp.legacy.names import country_code
from rcp.legacy.profile import ParsedDates, ParsedMeeting

QUOTES = {"\u201c": "\u201d", "\u00ab": "\u00bb", '"': '"', "\u2018": "\u2019"}
OPENING_QUOTE = re.compile("[" + "".join(QUOTES) + "]")
VIRTUAL = re.compile(
    r"^(virtual(ly)?(\s+(event|meeting|conference|format))?|online(\s+(event|meeting))?|"
    r"video\s?conference|webinar|hybrid(\s+(event|meeting|format))?|en ligne|"
    r"virtuel(le)?|par visioconf[ée]rence)$",
    re.IGNORECASE,
)
EVENT_NOUNS = {
    "summit",
    "conference",
    "meeting",
    "forum",
    "dialogue",
    "session",
    "workshop",
    "seminar",
    "consultation",
    "consultations",
    "roundtable",
    "symposium",
    "retreat",
    "dialog",
}
SMALL_WORDS = {"of", "on", "the", "and", "for", "in", "at", "to", "a", "an", "with", "de", "du"}


def mask_quotes(text: str) -> str:
    """``text`` with what stands inside paired quotes replaced by spaces (same length)."""
    pieces = []
    # Where each closing quote is next found: looked up again only once passed (a text of
    # many opening quotes and no closing one is read in one pass, not one per quote).
    found: dict[str, int] = {}
    done = i = 0
    while (opening := OPENING_QUOTE.search(text, i)) is not None:
        i = opening.start()
        closing = QUOTES[opening.group(0)]
        # An apostrophe is not an opening quote: "Africa’s".
        j = found.get(closing, i)
        if -1 < j <= i:
            j = found[closing] = text.find(closing, i + 1)
        if j > i:
            pieces += [text[done : i + 1], " " * (j - i - 1)]
            done = j
            i = j + 1
        else:
            i += 1
    pieces.append(text[done:])
    return "".join(pieces)


def tidy_title(title: str) -> str:
    """Typography a title picked up on the page: "EU- Africa summit" -> "EU-Africa Summit",
    a comma left inside the closing quote, quotes that close nothing."""
    title = " ".join(title.split()).strip(" ,;:-\u2013")
    # "Plan, which covers 2011–2013,”" -> "...2011–2013”": the comma belonged to the list.
    title = re.sub(r"[,;]\s*([\u201d\"\u2019\u00bb])$", r"\1", title)
    # A closing quote with no opening one, or the reverse.
    for opening, closing in (("\u201c", "\u201d"), ("\u00ab", "\u00bb")):
        if title.count(opening) != title.count(closing):
            if title.endswith(closing) and opening not in title:
                title = title[:-1].rstrip()
            elif title.startswith(opening) and closing not in title:
                title = title[1:].lstrip()
    if title.count('"') % 2:
        title = title.strip('"').strip()
    # "EU- Africa", "EU -Africa": a hyphen joins words without spaces.
    title = re.sub(r"(?<=\w)- (?=[A-Z])", "-", title)
    title = re.sub(r"(?<=[A-Za-z]) -(?=[A-Z]\w)", "-", title)
    # "4th EU-Africa summit": a title in capitals ends in a capital too.
    words = title.split()
    if len(words) >= 2 and words[-1] in EVENT_NOUNS:
        others = [w for w in words[:-1] if w[0].isalpha() and w.casefold() not in SMALL_WORDS]
        if others and all(w[0].isupper() for w in others):
            words[-1] = words[-1].capitalize()
            title = " ".join(words)
    return title


# What splits a meeting's line, or changes where a split may be: brackets, quotes, commas
# and dashes with a space on each side.
SEGMENT_MARKS = re.compile(r"[()\[\]\u201c\u00ab\u2018\u201d\u00bb\u2019\",]|\s[-\u2013\u2014]\s")


def split_segments(text: str) -> list[tuple[str, str]]:
    """The parts of a meeting's line between commas and spaced dashes, outside quotes and
    brackets, each with the separator that came before it (to rebuild a title as written).
    Only the characters that matter are visited, not each character of a long line."""
    segments: list[tuple[str, str]] = []
    start = 0
    separator = ""
    depth = 0
    straight_quote = False
    curly_single = "\u2018" in text
    for match in SEGMENT_MARKS.finditer(text):
        char = match.group(0)
        if char in "([\u201c\u00ab\u2018":
            depth += 1
        elif char in ")]\u201d\u00bb" or (char == "\u2019" and depth and curly_single):
            depth = max(depth - 1, 0)
        elif char == '"':
            straight_quote = not straight_quote
        if depth == 0 and not straight_quote and (char == "," or len(char) == 3):
            segments.append((text[start : match.start()].strip(), separator))
            separator = ", " if char == "," else char
            start = match.end()
    segments.append((text[start:].strip(), separator))
    return [(segment, sep) for segment, sep in segments if segment]


def _place_segments(
    segments: list[str], glued: set[int] = frozenset()
) -> tuple[str, str | None, list[int]]:
    """City, country and which segments they were, read from the segments around the title.
    ``glued`` segments are joined to the title by a dash ("Morocco – EU Dialogue")."""
    city, country, used = "", None, []
    # "in Geneva", "à Dakar": the preposition is not the place.
    segments = [re.sub(r"^(?:in|at|à|a|en|au)\s+(?=[A-Z])", "", segment) for segment in segments]
    codes = [country_code(segment) for segment in segments]
    # Whether a segment after each one names a country.
    code_after = [False] * len(segments)
    for index in range(len(segments) - 2, -1, -1):
        code_after[index] = code_after[index + 1] or bool(codes[index + 1])
    for index in range(len(segments) - 1, -1, -1):
        segment = segments[index]
        if index in glued:
            continue
        # "Dakar (Sénégal)": a city with its country in brackets.
        bracketed = re.fullmatch(r"(?P<city>[^()]+?)\s*\((?P<country>[^()]+)\)", segment)
        if not city and country is None and bracketed and country_code(bracketed["country"]):
            city, country = bracketed["city"], country_code(bracketed["country"])
            used.append(index)
            continue
        if VIRTUAL.match(segment):
            if not city:
                city = segment
                used.append(index)
            continue
        code = codes[index]
        if code and country is None:
            if code_after[index]:
                continue
            # "Djibouti, Djibouti", "Luxembourg, Luxembourg": the city named like its country.
            country = code
            used.append(index)
            continue
        if not city and (code or country_of_city(segment)):
            city, used = segment, [*used, index]
            if country is None:
                country = country_of_city(segment) or code
            continue
        if not city and country and index == max(used) - 1 and _could_be_city(segment):
            city, used = segment, [*used, index]
    return city, country, used


def _could_be_city(segment: str) -> bool:
    words = segment.split()
    if not 1 <= len(words) <= 4 or any(c.isdigit() for c in segment):
        return False
    lowers = [w for w in words if not w[0].isupper()]
    return all(w in {"de", "la", "el", "es", "du", "d", "al", "di", "do", "da"} for w in lowers)


def parse_meeting(text: str) -> ParsedMeeting | None:
    """A meeting from one line, or None if the line has no date (it is then not a meeting).
    The title is empty when the line names only dates and a place."""
    line = " ".join(text.split()).strip(" .;")
    masked = mask_quotes(line)
    found = find_dates(line, masked=masked)
    if found is None:
        segments = split_segments(line)
        years = [i for i, (segment, _sep) in enumerate(segments) if parse_year(segment)]
        if years:
            index = years[-1]
            year = parse_year(segments[index][0])
            rest_segments = segments[:index] + segments[index + 1 :]
        else:
            # "Annual meeting 2016, Suva, Fiji": the year ends the title, and stays in it.
            ending = [
                (i, int(m.group(1)))
                for i, (segment, _sep) in enumerate(segments)
                if (m := re.search(r"\b((?:19[89]|20[0-9])\d)$", segment))
                and int(m.group(1)) <= datetime.date.today().year
            ]
            if not ending:
                return None
            year = ending[0][1]
            rest_segments = segments
        dates = ParsedDates(start=datetime.date(year, 1, 1), precision="year")
    else:
        dates = found.dates
        before = line[: found.start].rstrip(" ,;:\u2013\u2014-")
        after = line[found.end :].lstrip(" ,;:\u2013\u2014-")
        # "Conference (Rabat, 2-3 March 2018)": what is left in the brackets is the place.
        if before.count("(") > before.count(")") and after.startswith(")"):
            opening = before.rfind("(")
            before = (before[:opening].rstrip() + ", " + before[opening + 1 :]).rstrip(" ,")
            after = after[1:]
        rest = f"{before}, {after}".strip(" ,")
        rest = re.sub(r"\s+(on|from|held)\s*,", ",", rest)
        rest_segments = split_segments(rest)
    rest_segments = [(segment.strip(" .;:\u2013-"), sep) for segment, sep in rest_segments]
    rest_segments = [(segment, sep) for segment, sep in rest_segments if segment]
    glued = {
        index
        for index in range(len(rest_segments) - 1)
        if rest_segments[index + 1][1].strip() in {"-", "\u2013", "\u2014"}
    }
    city, country, used = _place_segments([segment for segment, _sep in rest_segments], glued)
    title = ""
    for index, (segment, separator) in enumerate(rest_segments):
        if index in used:
            continue
        title += (separator if title else "") + segment
    title = tidy_title(title)
    return ParsedMeeting(written=text, title=title, dates=dates, city=city[:100], country=country)
