"""Reading names out of list lines: countries, organisations, counts and groups.

Pages list countries one per line, several per line (a table flattened into two or four
columns: "Austria Côte d'Ivoire"), or as prose ("Armenia, Azerbaijan and Georgia."), with
footnote marks and notes in brackets. :func:`split_countries` finds the reading of a line with
the most country names and the fewest words left over, so "Trinidad and Tobago" stays one
country while "Austria and Belgium" becomes two.
"""

import functools
import re
from dataclasses import dataclass, field

from rcp.countries import (
    COUNTRY_ALIASES,
    may_begin_country_name,
    normalise_country_text,
    resolve_country,
    suggest_country,
)

# Footnote marks after a name: "Egypt*", "Libya¹", "Mali (1)", "Sudan [2]".
FOOTNOTE_MARK = re.compile(r"\s*(\*+|[\u00b9\u00b2\u00b3\u2070-\u2079]+|\(\d{1,2}\)|\[\d{1,2}\])$")
# A footnote line: "* Suspended since 2021", "¹ Withdrew in 2012", "(1) ...", "[1] ...".
FOOTNOTE_LINE = re.compile(
    r"^(?P<mark>\*+|[\u00b9\u00b2\u00b3\u2070-\u2079]+|\(\d{1,2}\)|\[\d{1,2}\])\s*(?P<text>\S.*)$"
)
#: Words between the names of a list: "and", "as well as", "ainsi que", "así como".
SEPARATOR_WORDS = {
    "and",
    "et",
    "y",
    "&",
    "as",
    "well",
    "also",
    "plus",
    "ainsi",
    "que",
    "así",
    "asi",
    "como",
}
# Words that end a list of countries when they follow it: "Egypt (observer)".
NOTE = re.compile(r"\s*\((?P<note>[^()]*)\)\s*$")
ACRONYM = re.compile(r"^[A-Z0-9][A-Za-z0-9+&./-]{0,14}$")
ORGANISATION_WORDS = re.compile(
    r"\b(union|commission|community|communaut\w*|organi[sz]ation\w*|agency|agencies|authority|"
    r"bank|banque|council|conseil|conference|forum|fund|fonds|group|groupe|institute|institut|"
    r"centre|center|office|bureau|programme|program|secretariat|network|association|"
    r"partnership|initiative|federation|foundation|league|ligue|committee|comit\w*|"
    r"government|ministry|minist\w*|unit|meeting|dialogue|process|processus|parliament|"
    r"court|observatory|alliance|consortium|society|cooperation|coop\w*|states|nations|"
    r"organizaci\w*|comunidad|comisi[óo]n|oficina|fondo|programa|consejo|instituto|"
    r"asociaci[óo]n|uni[óo]n|estados|naciones|haut-commissariat|alto comisionado)\b",
    re.IGNORECASE,
)
NONE_VALUES = re.compile(
    r"^(none|n/?a|nil|not applicable|under discussion|to be (confirmed|determined|defined)|"
    r"tbc|tbd|no formal .*|aucun\w*|n[ée]ant|en discussion|en cours de discussion|ningun[oa]|"
    r"no aplica|en (?:discusi[óo]n|debate)|-)\.?$",
    re.IGNORECASE,
)
SUSPENDED = re.compile(r"\bsuspen\w*", re.IGNORECASE)
FORMER = re.compile(
    r"\b(former|withdr[ae]w\w*|withdrawn|left|no longer|ancien|retir\w*)\b", re.IGNORECASE
)
OBSERVER_NOTE = re.compile(r"^(as )?(an )?observer( state| status)?$", re.IGNORECASE)


def is_none_value(text: str) -> bool:
    return bool(NONE_VALUES.match(text.strip()))


def country_code(text: str) -> str | None:
    """The country ``text`` names exactly, or None. Bare codes ("AU", "and", "per") are not
    names: only aliases such as "UK" or "USA" count at three letters or fewer."""
    key = normalise_country_text(text)
    if not key:
        return None
    if len(key.replace(" ", "")) <= 3:
        return COUNTRY_ALIASES.get(key)
    return resolve_country(text)


@functools.lru_cache(maxsize=4096)
def _code_for_words(words: tuple[str, ...]) -> str | None:
    return country_code(" ".join(words))


@functools.lru_cache(maxsize=8192)
def _folded_words(token: str) -> tuple[str, ...]:
    return tuple(normalise_country_text(token).split())


def _may_be_country(text: str) -> bool:
    """A quick "no" for one word that cannot be a country (most words of a long line)."""
    words = _folded_words(text)
    return bool(words) and (len(text.strip()) == 2 or may_begin_country_name(words))


@dataclass
class Piece:
    """One name read from a line: a country (``code``) or words that are none."""

    written: str
    code: str | None = None
    note: str = ""
    mark: str = ""


def strip_mark(text: str) -> tuple[str, str]:
    match = FOOTNOTE_MARK.search(text)
    if match and match.start() > 0:
        return text[: match.start()].rstrip(), match.group(1)
    return text, ""


def _tokens(text: str) -> list[str]:
    """Words and separators; a comma, semicolon, slash or tab is a token of its own."""
    text = re.sub(r"([,;/\t|])", r" \1 ", text)
    return text.split()


def _split_glued(word: str) -> list[str]:
    """ "TogoLiberia" -> ["Togo", "Liberia"]: two names that lost the space between them."""
    return re.sub(r"(?<=[a-z\u00e0-\u00ff])(?=[A-Z])", " ", word).split()


def split_countries(text: str) -> tuple[list[Piece], int]:
    """Read a line as countries. Returns the pieces (countries, and runs of words that are not
    countries) and how many words were left unread."""
    notes: list[str] = []

    def keep_note(match):
        notes.append(match.group(1).strip())
        return " , "

    # Brackets hold notes ("Mali (suspended)") or footnote marks, never a country of their own.
    body = re.sub(r"\(([^()]*)\)", lambda m: f" \u2063{len(notes)}\u2063 " + keep_note(m), text)
    raw_tokens = []
    for token in _tokens(body):
        raw_tokens.extend(_split_glued(token) if re.search(r"[a-z][A-Z]", token) else [token])
    tokens = [token.strip(".:") or token for token in raw_tokens]

    n = len(tokens)
    # best[j] = (unread words, pieces, i, step): the best reading of tokens[:j] ends with
    # ``step`` over tokens[i:j]. Back-pointers, not copied paths, keep this linear in the line.
    best: list[tuple[int, int, int, tuple] | None] = [None] * (n + 1)
    best[0] = (0, 0, -1, ())
    for i in range(n):
        if best[i] is None:
            continue
        unread, count = best[i][0], best[i][1]
        token = tokens[i]
        candidates = []
        if token in {",", ";", "/", "|", "\t"} or token.casefold() in SEPARATOR_WORDS:
            candidates.append((i + 1, unread, count, ("sep", token)))
        elif token.startswith("\u2063"):
            candidates.append((i + 1, unread, count, ("note", token)))
        else:
            leading: list[str] = []  # the words of tokens[i:j-1], as countries are looked up
            for j in range(i + 1, min(n, i + 8) + 1):
                last = tokens[j - 1]
                if last in {",", ";", "/", "|"} or last.startswith("\u2063"):
                    break
                if j > i + 1:
                    leading += _folded_words(tokens[j - 2])
                    if leading and not may_begin_country_name(leading):
                        break  # no country's name begins so: no longer run can be one
                words = tuple(tokens[i:j])
                cleaned, _mark = strip_mark(" ".join(words))
                if j == i + 1 and not _may_be_country(cleaned):
                    continue
                code = _code_for_words((cleaned,))
                if code:
                    candidates.append((j, unread, count + 1, ("country", words, code)))
            candidates.append((i + 1, unread + 1, count, ("word", token)))
        for j, new_unread, new_count, step in candidates:
            current = best[j]
            if current is None or (new_unread, new_count) < (current[0], current[1]):
                best[j] = (new_unread, new_count, i, step)

    unread = best[n][0]
    path = []
    j = n
    while j > 0:
        _unread, _count, i, step = best[j]
        path.append(step)
        j = i
    path.reverse()
    pieces: list[Piece] = []
    pending_words: list[str] = []
    # Several notes on one name are joined once, at the end (not string by string).
    notes_of: dict[int, list[str]] = {}

    def flush_words():
        if pending_words:
            written, mark = strip_mark(" ".join(pending_words))
            pieces.append(Piece(written=written.strip(" .:;,"), mark=mark))
            pending_words.clear()

    for step in path:
        if step[0] == "country":
            flush_words()
            written, mark = strip_mark(" ".join(step[1]))
            pieces.append(Piece(written=written, code=step[2], mark=mark))
        elif step[0] == "word":
            pending_words.append(step[1])
        elif step[0] == "note":
            flush_words()
            index = int(step[1].strip("\u2063"))
            note = notes[index]
            if re.fullmatch(r"\d{1,2}", note) and pieces:
                pieces[-1].mark = pieces[-1].mark or f"({note})"
            elif pieces and note:
                notes_of.setdefault(len(pieces) - 1, []).append(note)
        else:
            flush_words()
    flush_words()
    for index, piece_notes in notes_of.items():
        pieces[index].note = "; ".join(piece_notes)
    return [piece for piece in pieces if piece.written or piece.code], unread


def suggestion_for(text: str) -> str | None:
    """The alpha-2 code of the country ``text`` was most likely meant to be, or None."""
    from rcp.countries import resolve_country as resolve

    name = suggest_country(text)
    return resolve(name) if name else None


# Organisations ---------------------------------------------------------------------------


@dataclass
class OrganisationName:
    name: str
    acronym: str = ""
    english_name: str = ""
    note: str = ""


def looks_like_acronym(text: str) -> bool:
    text = text.strip()
    if not ACRONYM.match(text) or len(text) < 2:
        return False
    capitals = sum(1 for c in text if c.isupper())
    return capitals >= 2 or (capitals >= 1 and any(c.isdigit() for c in text))


def parse_organisation(text: str) -> OrganisationName | None:
    """ "Economic Community of West African States (ECOWAS)" -> name and acronym;
    "Conseil ... (CONGAD, Council of ...)" -> name, acronym and English name; "IRD" -> name.
    Returns None for text that cannot be an organisation's name."""
    text = text.strip().strip(",;").strip()
    text = re.sub(r"\s+", " ", text)
    if not text or not re.search(r"[A-Za-z\u00c0-\u024f]{2}", text):
        return None
    note = ""
    # A note in brackets at the end that is not an acronym: "(as of 2020 renamed into ...)".
    match = re.match(r"^(?P<name>.+?)\s*\((?P<inside>[^()]*(?:\([^()]*\)[^()]*)*)\)\s*$", text)
    acronym = english = ""
    if match:
        inside = match.group("inside").strip()
        first, _comma, rest = inside.partition(",")
        if looks_like_acronym(first):
            text, acronym, english = match.group("name"), first.strip(), rest.strip()
        elif looks_like_acronym(inside.split(" ")[0]) and len(inside.split()) == 1:
            text, acronym = match.group("name"), inside
        else:
            text, note = match.group("name"), inside
    # "Union for the Mediterranean - UfM"
    dash = re.match(r"^(?P<name>.+?)\s+[-\u2013]\s+(?P<acr>\S+)$", text)
    if not acronym and dash and looks_like_acronym(dash.group("acr")):
        text, acronym = dash.group("name"), dash.group("acr")
    text = re.sub(r"^(the|la|le|l['\u2019])\s*(?=[A-Z])", "", text.strip(" ,;:."), flags=re.I)
    if not text or text.casefold() in {"the", "and", "of"}:
        return None
    if acronym and text == acronym:
        acronym = ""
    return OrganisationName(name=text, acronym=acronym, english_name=english, note=note)


BRACKETED_ACRONYM = re.compile(r"\([A-Z][A-Za-z0-9+&./-]{1,14}(,[^()]*)?\)")


def looks_like_organisation(text: str) -> bool:
    text = text.strip()
    if not text:
        return False
    if looks_like_acronym(text):
        return True
    if BRACKETED_ACRONYM.search(text):
        return True
    return bool(ORGANISATION_WORDS.search(text)) and text[0].isupper()


def split_organisations(text: str) -> list[str]:
    """Several organisations on one line ("IOM, UNHCR and ILO"), or one whose name holds a
    comma ("African, Caribbean and Pacific Group of States"): split only where every part is
    an organisation's name on its own."""
    text = text.strip().rstrip(",;.")
    parts = _split_top_level(text, (",", ";"))
    if len(parts) > 1:
        expanded = []
        for part in parts:
            part = re.sub(r"^(and|et)\s+", "", part.strip())
            expanded.extend(_split_and(part))
        if all(looks_like_organisation(part) for part in expanded):
            return [p for p in expanded if p]
        if all(looks_like_organisation(part) for part in parts):
            return parts
        return [text]
    return _split_and(text)


#: A line with more "and"s than this is prose, not organisations joined by "and".
MAX_ANDS = 20
AND = re.compile(r"\s(and|et|&)\s")
LEADING_AND = re.compile(r"\s*(and|et|&)\s+")
ONE_NAME_WITH_ACRONYM = re.compile(r"[^()]+\([^()]+\)")


def _split_and(text: str) -> list[str]:
    """Split "A and B" at an "and" only where both sides are organisations' names.
    "Organisation for Economic Co-operation and Development (OECD)" is one: a name ending in
    its only acronym is never split.

    Each "and" is tested from where the words that make a name an organisation's are (found
    once), not by searching each side again, so a long line costs one pass per split."""
    if ONE_NAME_WITH_ACRONYM.fullmatch(text.strip()):
        return [text]
    positions = [match.start() for match in AND.finditer(text)]
    if not positions or len(positions) > MAX_ANDS:
        return [text]
    words = [match.span() for match in ORGANISATION_WORDS.finditer(text)]
    brackets = [match.start() for match in BRACKETED_ACRONYM.finditer(text)]
    first_word_end = words[0][1] if words else len(text) + 1
    last_word_start = words[-1][0] if words else -1
    first_bracket_end = BRACKETED_ACRONYM.search(text).end() if brackets else len(text) + 1
    last_bracket_start = brackets[-1] if brackets else -1
    start = len(text) - len(text.lstrip())
    best = None
    depth, counted = 0, 0
    for position in positions:
        for char in text[counted:position]:
            if char in "([\u201c\u00ab":
                depth += 1
            elif char in ")]\u201d\u00bb":
                depth = max(depth - 1, 0)
        counted = position
        if depth:
            continue
        left = text[start:position].rstrip()
        right_start = LEADING_AND.match(text, position).end()
        right = text[right_start:]
        # What looks_like_organisation() would say of each side, and whether each side has
        # a word that names an organisation (a match wholly inside it).
        left_word = first_word_end <= position
        right_word = last_word_start >= right_start
        left_is = bool(left) and (
            looks_like_acronym(left)
            or first_bracket_end <= position
            or (left_word and left[0].isupper())
        )
        if not (right[:1].isupper() and left_is):
            continue
        if not (
            looks_like_acronym(right.strip()) or last_bracket_start >= right_start or right_word
        ):
            continue
        # Without brackets, both sides need a word that names an organisation:
        # "Union for the Mediterranean and Western Mediterranean Forum".
        if not left.endswith(")") and not (left_word and right_word):
            if not (looks_like_acronym(left) and looks_like_acronym(right)):
                continue
        # Prefer a split after an acronym in brackets: "European Union (EU) and ...".
        score = (left.endswith(")"), -abs(len(left) - len(right)))
        if best is None or score > best[0]:
            best = (score, [left, right])
    if best is None:
        return [text]
    left, right = best[1]
    return [left, *_split_and(right)]


OPENING = "([\u201c\u00ab"
CLOSING = ")]\u201d\u00bb"


@functools.lru_cache(maxsize=8)
def _top_level_marks(separators: tuple[str, ...]) -> re.Pattern:
    return re.compile("[" + re.escape(OPENING + CLOSING + '"' + "".join(separators)) + "]")


def _split_top_level(text: str, separators: tuple[str, ...]) -> list[str]:
    """Split at ``separators`` outside brackets and quotes. Only the characters that matter
    are visited (a regular expression finds them), not each character of a long line."""
    parts, start, depth = [], 0, 0
    quote = False
    for match in _top_level_marks(separators).finditer(text):
        char = match.group(0)
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth = max(depth - 1, 0)
        elif char == '"':
            quote = not quote
        if char in separators and depth == 0 and not quote:
            parts.append(text[start : match.start()].strip())
            start = match.end()
    parts.append(text[start:].strip())
    return [part for part in parts if part]


split_top_level = _split_top_level


# Counts and groups -----------------------------------------------------------------------

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
COUNTED = (
    r"(?:member\s+states|member\s+countries|member\s+organi[sz]ations?|members?|states|"
    r"countries|organi[sz]ations?|institutions|governments|participating\s+states|"
    r"[\u00e9e]tats(?:\s+membres)?|pays(?:\s+membres)?|membres|organisations?|"
    r"estados(?:\s+miembros)?|pa[\u00ede]ses(?:\s+miembros)?|miembros|organizaciones)"
)
# "53 AU Member States", "28 EU Member States", "79 ACP States", "12 countries of origin".
GROUP_COUNT = re.compile(
    r"(?P<count>\d{1,3})\s+(?:(?P<acr>[A-Z][A-Za-z-]{1,10}|non-[A-Z][A-Za-z-]{1,10})\s+)"
    r"(?:Member\s+States|member\s+states|Member\s+Countries|States|states|countries|Countries)\b"
    r"|(?P<count2>\d{1,3})\s+(?P<phrase>(?:countries|states)\s+of\s+(?:origin|destination|transit)"
    r"|(?:origin|destination|transit)\s+(?:countries|states))"
    r"|(?P<count3>\d{1,3})\s+(?:[\u00c9\u00e9Ee]tats|[Pp]ays|[Ee]stados|[Pp]a[\u00ede]ses)\s+"
    r"(?:membres|miembros)\s+(?:de\s+l['\u2019]\s*|du\s+|de\s+la\s+|del\s+|de\s+los\s+|de\s+)"
    r"(?P<acr3>[A-Z]{2,})",
)
TOTAL_COUNT = re.compile(rf"(?P<count>\d{{1,4}})\s+{COUNTED}\b", re.IGNORECASE)
BRACKET_COUNT = re.compile(
    rf"\((?P<count>\d{{1,4}})(?:\s+{COUNTED})?\)|\[(?P<count2>\d{{1,4}})\s+{COUNTED}",
    re.IGNORECASE,
)


@dataclass
class CountStatement:
    """What a page says about how many there are: "82 Members (53 AU ... and 28 EU ...)"."""

    total: int | None = None
    groups: list[tuple[str, int]] = field(default_factory=list)
    written: str = ""


def group_label(label: str) -> str:
    """ "AU" stays "AU"; "countries of origin" reads "Countries of origin"."""
    label = " ".join(label.split()).strip(" :")
    if not label:
        return ""
    if " " not in label:
        return label if label.isupper() or "-" in label else label[0].upper() + label[1:]
    return label[0].upper() + label[1:].lower() if not label.isupper() else label


def parse_count(text: str, *, heading: bool = True) -> CountStatement | None:
    """The count statement in a header line, or None if the line states no count. A bare
    number in brackets ("Participating States (15)") counts only in a heading."""
    groups = []
    spans = []
    for match in GROUP_COUNT.finditer(text):
        count = match.group("count") or match.group("count2") or match.group("count3")
        label = match.group("acr") or match.group("phrase") or match.group("acr3")
        groups.append((group_label(label), int(count)))
        spans.append(match.span())
    total = None
    for match in TOTAL_COUNT.finditer(text):
        if any(start <= match.start() < end for start, end in spans):
            continue
        total = int(match.group("count"))
        break
    if total is None and heading:
        match = BRACKET_COUNT.search(text)
        if match and not any(start <= match.start() < end for start, end in spans):
            total = int(match.group("count") or match.group("count2"))
    if total is None and not groups:
        return None
    return CountStatement(total=total, groups=groups, written=text)


# "EU Member States", "Non-EU Member States:", "Countries of origin (12)", "AU Member States".
GROUP_HEADING = re.compile(
    r"^(?:(?P<count0>\d{1,3})\s+)?(?P<label>(?:non-?\s?)?[A-Z][A-Za-z-]{1,10}|"
    r"(?:countries|states|pays)\s+(?:of|d['\u2019]|de)\s*(?:origin|destination|transit|accueil)"
    r"|(?:origin|destination|transit|sending|receiving)\s+(?:countries|states))"
    r"(?:\s+(?:member\s+states|member\s+countries|states|countries|members))?"
    r"\s*(?:\((?P<count>\d{1,3})(?:\s+\w+)?\))?\s*:?$",
    re.IGNORECASE,
)


def parse_group_heading(text: str) -> tuple[str, int | None] | None:
    """("EU", 28) for "EU Member States (28)"; None for a line that is not a group heading."""
    match = GROUP_HEADING.match(text.strip())
    if not match:
        return None
    label = match.group("label")
    words = text.split()
    # A heading names a group of states: a bare word ("Austria") is not one.
    if len(words) == 1 and not re.fullmatch(r"(?:non-?)?[A-Z]{2,}", label, re.IGNORECASE):
        return None
    if len(words) == 1:
        return None
    if country_code(text.strip().rstrip(":")):
        return None  # "United States" is a country, not the group of the "United"
    if country_code(label) and not re.search(r"member|states|countries", text, re.I):
        return None
    if label.casefold() in {"member", "members", "observer", "participating", "the", "all"}:
        return None
    count = match.group("count") or match.group("count0")
    return group_label(label), int(count) if count else None


GROUP_ROW = re.compile(
    r"(?:non-?\s?)?[A-Z][A-Za-z-]{1,10}\s+(?:Member\s+States|member\s+states|States|Countries)"
    r"|(?:Countries|States)\s+of\s+(?:origin|destination|transit)"
    r"|(?:Origin|Destination|Transit)\s+countries",
)


def parse_group_row(text: str, cells: list[str]) -> list[str] | None:
    """The group of each column of a flattened table's header row:
    "EU Member States Non-EU Member States" -> ["EU", "Non-EU"]."""
    parts = cells or [m.group(0) for m in GROUP_ROW.finditer(text)]
    if len(parts) < 2:
        return None
    if not cells and "".join(p.replace(" ", "") for p in parts) != text.replace(" ", ""):
        return None
    labels = []
    for part in parts:
        heading = parse_group_heading(part)
        if heading is None:
            return None
        labels.append(heading[0])
    return labels
