"""The process's name and acronym: from the page's title, from the first sentences of its
text in their usual forms ("The Tripoli Process is ...", "The Sample Forum (SF) creates ..."),
from its address, or an acronym alone when that is all a page gives."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from rcp.countries import normalise_country_text
from rcp.legacy import report as kinds
from rcp.legacy.names import (
    country_code,
    looks_like_acronym,
)
from rcp.legacy.state import (
    ParseState,
    section_name,
)

NAME_VERBS = {
    "is",
    "was",
    "are",
    "were",
    "aims",
    "aimed",
    "has",
    "have",
    "brings",
    "provides",
    "seeks",
    "serves",
    "promotes",
    "focuses",
    "comprises",
    "includes",
    "consists",
    "operates",
    "began",
    "started",
    "emerged",
    "works",
    "supports",
    "offers",
    "est",
    "vise",
    "regroupe",
    "constitue",
    "rassemble",
    "a",
    "fut",
    "es",
    "fue",
    "tiene",
    "busca",
    "reune",
    "reúne",
    "promueve",
    "constituye",
    "agrupa",
}
NAME_CONNECTORS = {
    "of",
    "on",
    "for",
    "and",
    "the",
    "in",
    "between",
    "to",
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "et",
    "en",
    "sur",
    "pour",
    "d",
    "l",
    "&",
    "del",
    "los",
    "las",
    "el",
    "y",
    "para",
    "sobre",
    "entre",
}
SLUG_STOPWORDS = NAME_CONNECTORS | {"a", "an", "or"}


def read_name(state: ParseState) -> None:
    title_line = None
    for line in state.preamble:
        text = line.text.strip()
        if (
            title_line is None
            and len(text.split()) <= 30
            and not re.search(r"[.!?]$", text)
            and re.search(r"[A-Z]", text)
        ):
            title_line = line
            continue
        if title_line is not None and normalise_country_text(text) == normalise_country_text(
            title_line.text
        ):
            continue
        state.unplaced(line, section_name("preamble"), _("before the profile's fields"))
    title_name, title_acronym = ("", "")
    if title_line is not None:
        title_name, title_acronym = split_title(title_line.text)
    text_name, text_acronym, acronym_only, text_alternatives = name_from_text(state)
    if state.name_option:
        name, acronym = split_title(state.name_option)
        state.profile.name_source = "option"
        acronym = (
            acronym
            or title_acronym
            or (text_acronym if text_name and same_name(text_name, name) else "")
        )
    elif title_name and any(same_name(title_name, other) for other in text_alternatives):
        # Titled "Puebla Process", the text says "The Regional Conference on Migration
        # (RCM) or the Puebla Process ...": the title is the short name of the full one.
        name, acronym = text_name, text_acronym or title_name
        state.profile.name_source = "text"
    elif title_name:
        name, acronym = title_name, title_acronym
        state.profile.name_source = "title"
        if not acronym and text_acronym and same_name(text_name, name):
            acronym = text_acronym
    elif text_name:
        name, acronym = text_name, text_acronym
        state.profile.name_source = "text"
        if acronym_only:
            acronym = acronym or name
            state.report.add(
                kinds.NAME,
                _(
                    "The page has no title; its text names the process only as “%(name)s”. "
                    "Check the name, and give the right one with the page if it is not"
                )
                % {"name": name},
            )
    elif state.page.html_title:
        name, acronym = split_title(state.page.html_title)
        state.profile.name_source = "title"
    else:
        name, acronym = "", ""
    if not acronym and state.about and looks_like_acronym(state.about.split("/")[0]):
        acronym = state.about.split("/")[0] if "/" not in state.about else ""
    state.profile.name = name[:200]
    state.profile.acronym = acronym[:40]
    if not name:
        state.report.add(
            kinds.ERROR,
            _(
                "The page has no title and its text does not say the process's name: "
                "give the name of the process with the page"
            ),
            blocking=True,
        )


def name_from_text(state: ParseState) -> tuple[str, str, bool, list[str]]:
    """The process's name as the first sentences of its objectives say it ("The Tripoli
    Process is ..."); the page's address helps choose between several. Returns the name,
    the acronym, whether the name is an acronym only, and the other names the sentence
    gives it. Names are looked for in the
    first ``NAME_WINDOW`` characters of the first lines: a page says its name early."""
    # A sentence before the fields ("The Sample Forum (SF) is ...") may say it too.
    sentences = [line for line in state.preamble if re.search(r"[.!?]$", line.text.strip())]
    lines = [*sentences, *state.unlabelled, *state.objective_lines][:12]
    candidates = []
    for position, line in enumerate(lines):
        for candidate in name_candidates(line.text, NAME_WINDOW):
            candidate.position = position
            candidates.append(candidate)
    address = slug_words(state.page.source_url)
    about = set(normalise_country_text(state.about).split())

    def words_of(name: str) -> set[str]:
        return {w for w in normalise_country_text(name).split() if w not in SLUG_STOPWORDS}

    def score(candidate: NameCandidate):
        words = words_of(candidate.name)
        overlap = len(words & address) / len(words) if words and address else 0
        acronym = normalise_country_text(candidate.acronym)
        bonus = 0.5 if acronym and (acronym in about or acronym.replace(" ", "") in address) else 0
        return (candidate.full, not candidate.bare, overlap + bonus, -candidate.position)

    if candidates:
        best = max(candidates, key=score)
        if best.full:
            return best.name, best.acronym, False, best.alternatives
    if address:
        # "... the objectives of the Prague Process are ...": a name the address spells.
        phrases = []
        for line in lines:
            for match in WORD_START.finditer(line.text, 0, NAME_WINDOW):
                name, acronym, _rest = _read_name(line.text, match.start())
                name = re.sub(r"^(?:the|le|la|el|l['\u2019])\s*", "", name, flags=re.I)
                words = words_of(name)
                if len(words) >= 2 and words <= address:
                    phrases.append((len(words), name, acronym))
        if phrases:
            _length, name, acronym = max(phrases, key=lambda phrase: phrase[0])
            return name, acronym, False, []
    if candidates:
        best = max(candidates, key=score)
        return best.name, best.acronym, True, best.alternatives
    return "", "", False, []


def split_title(text: str) -> tuple[str, str]:
    """ "Global Forum on Migration and Development (GFMD)" -> name and acronym;
    "EU-Horn of Africa Migration Route Initiative (Khartoum Process)" -> name and short name."""
    text = " ".join(text.split()).strip(" .:")
    text = re.sub(r"^(?:the|le|la|el|l['\u2019])\s+(?=[A-Z0-9])", "", text, flags=re.I)
    match = re.match(r"^(?P<name>.+?)\s*\((?P<short>[^()]{1,40})\)$", text)
    if match:
        short = match.group("short").strip()
        if looks_like_acronym(short) or (
            len(short.split()) <= 4 and all(w[:1].isupper() or w.isdigit() for w in short.split())
        ):
            return match.group("name").strip(), short
    return text, ""


def same_name(a: str, b: str) -> bool:
    return normalise_country_text(a) == normalise_country_text(b)


SENTENCE_START = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?]\u201d\s))(?P<article>(?:The|Le|La|L['\u2019]|El)\s*)?(?=[A-Z0-9])"
)


@dataclass
class NameCandidate:
    name: str
    acronym: str
    position: int = 0
    #: Other names the sentence gives ("… or the Puebla Process").
    alternatives: list[str] = field(default_factory=list)
    #: An acronym alone without "The" ("SDM was formed as ..."): the name of last resort.
    bare: bool = False

    @property
    def full(self) -> bool:
        """A name of two words or more ("Tripoli Process"), not an acronym alone ("GFMD")."""
        return len(self.name.split()) >= 2


def name_candidates(text: str, window: int | None = None) -> list[NameCandidate]:
    """Names a sentence gives the process it is about: "The Tripoli Process is ...",
    "The Migration Dialogue for West Africa or MIDWA was ...", "The Pan-African Forum on
    migration (PAFOM) [formerly ...] is ..." (in sentences starting in ``text[:window]``)."""
    found = []
    for match in SENTENCE_START.finditer(text, 0, len(text) if window is None else window):
        name, acronym, rest, alternatives = _read_name_and_alternatives(text, match.end())
        if not name:
            continue
        verb = FIRST_WORD.search(text, rest)
        if acronym and verb is not None and verb.group(0)[:1].isupper():
            # "The Sample (SDM) Dialogue is ...": the name goes on after its acronym.
            more, _more_acronym, after = _read_name(text, verb.start())
            following = FIRST_WORD.search(text, after)
            if more and following and following.group(0).casefold() in NAME_VERBS:
                name, verb = f"{name} {more}", following
        if verb is None:
            continue
        if verb.group(0).casefold() not in NAME_VERBS and not (
            # "The Sample Forum (SF) creates ...": any verb, after a name and its acronym.
            acronym and verb.group(0).islower() and verb.start() == SPACES.match(text, rest).end()
        ):
            continue
        if country_code(name) or (len(name.split()) < 2 and not looks_like_acronym(name)):
            continue
        # "MME is now ...": an acronym alone, without "The", may name something in passing;
        # it is the process's name only when the page gives no other.
        bare = not match.group("article") and len(name.split()) < 2 and not acronym
        found.append(NameCandidate(name, acronym, alternatives=alternatives, bare=bare))
    return found


#: Where a page's text says the process's name: in its first characters (a sentence may go on
#: past them), so a huge paragraph is not searched through for one.
NAME_WINDOW = 2000
WORD_START = re.compile(r"(?<![\w-])[A-Z0-9]")
#: The longest name of a process is about a dozen words ("Intergovernmental Consultations on
#: Migration, Asylum and Refugees"); a longer run of capitalised words is not a name.
MAX_NAME_WORDS = 20
FIRST_WORD = re.compile(r"[\w\u00c0-\u024f'\u2019+-]+")
TOKEN = re.compile(r"\S+")
SPACES = re.compile(r"\s*")
ACRONYM_IN_BRACKETS = re.compile(r"\((?P<inside>[^()]*(?:\([^()]*\)[^()]*)*)\)")
NOTE_IN_SQUARE_BRACKETS = re.compile(r"\[[^\]]*\]")
ALTERNATIVE_NAME = re.compile(
    r"(?:or|ou)\s+(?:the\s+|le\s+|la\s+)?(?P<alt>[A-Z0-9][\w+&'\u2019-]*"
    r"(?:\s+[A-Z0-9][\w+&'\u2019-]*){0,3})"
)


def _read_name(text: str, start: int = 0) -> tuple[str, str, int]:
    """Read a capitalised name at ``start`` in ``text``; returns the name, its acronym, and
    where the rest of the sentence starts (see :func:`_read_name_and_alternatives`)."""
    name, acronym, position, _alternatives = _read_name_and_alternatives(text, start)
    return name, acronym, position


def _read_name_and_alternatives(text: str, start: int = 0) -> tuple[str, str, int, list[str]]:
    """Read a capitalised name at ``start`` in ``text``; returns the name, its acronym,
    where the rest of the sentence starts, and the other names it is given ("The Regional
    Conference on Migration (RCM) or the Puebla Process": "Puebla Process"). Reads only as
    far as the name goes (never the whole rest of the text), so a page of many sentences is
    read in linear time."""
    tokens = TOKEN.finditer(text, start)
    current = next(tokens, None)
    following = next(tokens, None)
    read: list[re.Match] = []
    words: list[str] = []
    lower_used = False
    while current is not None:
        token = current.group(0)
        bare = token.rstrip(",;:")
        if not bare or bare[0] in '([\u201c"' or bare.casefold() in {"or", "ou"}:
            break
        next_token = following.group(0) if following is not None else ""
        capital = bare[0].isupper() or bare[0].isdigit()
        if not capital and bare.casefold() not in NAME_CONNECTORS:
            # One lower-case word inside a name: "Forum on migration (PAFOM)",
            # "Comprehensive bi-regional Dialogue".
            if (
                lower_used
                or not words
                or bare.casefold() in NAME_VERBS
                or token != bare
                or not (next_token[:1].isupper() or next_token.startswith("("))
            ):
                break
            lower_used = True
        words.append(bare)
        if len(words) > MAX_NAME_WORDS:
            return "", "", start, []  # a title in capitals, a list: no process's name is so long
        read.append(current)
        current, following = following, next(tokens, None)
        if token.endswith((";", ":")):
            break
        if token.endswith(","):
            # "Migration, Mobility and ...": a comma inside a name, before a capital.
            if not next_token[:1].isupper():
                break
            words[-1] += ","
    while words and words[-1].rstrip(",").casefold() in NAME_CONNECTORS | {"and"}:
        words.pop()
    name = " ".join(words).rstrip(",")
    if not name:
        return "", "", start, []
    # The rest starts after the last word kept (connectors dropped from the end are in it).
    position = read[len(words) - 1].end()
    acronym = ""
    alternatives: list[str] = []
    for _step in range(4):
        position = SPACES.match(text, position).end()
        if match := ACRONYM_IN_BRACKETS.match(text, position):
            first = match.group("inside").split(",")[0].strip()
            if not acronym and looks_like_acronym(first):
                acronym = first
            position = match.end()
            continue
        if match := NOTE_IN_SQUARE_BRACKETS.match(text, position):
            position = match.end()
            continue
        if alternative := ALTERNATIVE_NAME.match(text, position):
            other = alternative.group("alt").strip()
            alternatives.append(other)
            acronym = acronym or acronym_of_short_name(other)
            position = alternative.end()
            continue
        break
    return name, acronym, position, alternatives


#: Words a short name adds to an acronym: "MIDWA Process" is MIDWA's short name.
GENERIC_NAME_WORDS = {"process", "dialogue", "forum", "initiative", "conference", "processus"}


def acronym_of_short_name(short: str) -> str:
    """ "MIDWA Process" -> "MIDWA"; "Colombo Process" stays as it is (a short name)."""
    first, *rest = short.split()
    if rest and looks_like_acronym(first) and first.isupper() and len(first) >= 2:
        if all(word.casefold() in GENERIC_NAME_WORDS for word in rest):
            return first
    return short


def slug_words(url: str) -> set[str]:
    """The words of a page address's last part: ".../prague-process-0" -> {prague, process}."""
    if not url:
        return set()
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    return {w for w in re.split(r"[-_]+", slug.casefold()) if w and not w.isdigit()}
