"""What a line is: a section label, a field ("Established: 2001"), or content.

Pages name their sections in many ways ("Current Focus", "Current Thematic Focus", "Thematic
Pillars", "Specific areas of focus include:", "Country chairing", "Current Presidency",
"Participating States", "Observer Institutions", "Secretariat / Support Unit"), in English or
French. Labels are compared folded (case, accents and punctuation ignored, counts in brackets
removed) against the patterns below.
"""

import re
from dataclasses import dataclass

from rcp.countries import normalise_country_text
from rcp.legacy.extract import Line

# (part, kind, pattern on the folded label). Parts are those of ``profile.PARTS`` plus
# "objectives", "secretariat" and "extra" (a section the profile has no place for).
SECTION_PATTERNS: list[tuple[str, str, str]] = [
    ("objectives", "", r"(?:\w+ )?(?:objectives?|aims?|goals?|purpose|mandate|objectifs?|buts?)"),
    ("objectives", "", r"(?:background|overview|about|introduction|description|presentation)"),
    (
        "focus",
        "",
        r"(?:current |recent )?(?:thematic |main |key |priority )?"
        r"(?:focus|focus areas?|areas? of (?:focus|discussion|work|cooperation)|pillars?|"
        r"priorities|priority areas|themes?|thematic areas|topics|issues)(?: of discussion)?",
    ),
    ("focus", "", r"specific (?:areas|topics|themes|issues) of .{0,40}(?:include|are)"),
    ("focus", "", r"(?:areas|topics|themes) of discussion(?: include)?"),
    (
        "focus",
        "",
        r"(?:axes|domaines|themes|priorites|questions)(?: thematiques| prioritaires"
        r"| d intervention| de discussion| actuels?| actuelles?| principaux| principales)*",
    ),
    ("focus", "", r"les domaines specifiques de discussion (?:comprennent|incluent)"),
    (
        "chairs",
        "",
        r"(?:chairing country|country chairing|chairs?|chairmanship|chairmanships|chairpersons?|"
        r"presidency|current chair|current presidency|chair and co chair|co chairs?|"
        r"troika|chairing|history of .{0,20}chair\w*|past chairs|previous chairs)",
    ),
    ("chairs", "", r"(?:presidence|presidences|pays assurant la presidence|presidence actuelle)"),
    (
        "secretariat",
        "",
        r"(?:[\w-]+ )?(?:secretariat|technical secretariat|support unit|secretariat support unit|"
        r"secretariat and support unit|technical support unit|secretariats?)",
    ),
    ("secretariat", "", r"secretariat (?:technique|permanent)|secretariat"),
    (
        "members",
        "",
        r"(?:members?|membership|participants|participating (?:states|countries|governments)|"
        r"membres|participation|current members|full members|composition)",
    ),
    ("members", "states", r"(?:member states|member countries|etats membres|pays membres)"),
    ("members", "states", r"(?:etats|pays) participants"),
    (
        "members",
        "organisations",
        r"(?:member organi[sz]ations|member institutions|organisations membres|"
        r"participating organi[sz]ations)",
    ),
    ("observers", "", r"(?:observers?|observateurs?|observer status)"),
    ("observers", "states", r"(?:observer (?:states|countries)|(?:etats|pays) observateurs)"),
    (
        "observers",
        "organisations",
        r"(?:observer (?:organi[sz]ations|institutions|agencies|bodies)|"
        r"(?:organisations|institutions) observatrices)",
    ),
    (
        "partners",
        "organisations",
        r"(?:partners?|partner (?:organi[sz]ations|institutions|"
        r"agencies)|(?:development|international|key|other) partners|partenaires|"
        r"organisations partenaires|supporting organi[sz]ations)",
    ),
    ("partners", "states", r"partner (?:states|countries)"),
    (
        "meetings",
        "",
        r"(?:(?:recent|previous|past|upcoming|latest|key|main|other|major|future|ministerial) )?"
        r"(?:meetings|events|conferences|meetings and events)",
    ),
    ("meetings", "", r"(?:reunions|evenements)(?: recentes| precedentes| a venir)?"),
]
# One expression tries the patterns in order (the first that matches the whole label wins):
# one match per line instead of one per pattern.
SECTIONS = re.compile(
    "|".join(
        rf"(?P<s{index}>{pattern})$" for index, (_p, _k, pattern) in enumerate(SECTION_PATTERNS)
    )
)

# Headings of sections a profile has no place for: their lines are reported, not guessed at.
EXTRA_HEADING = re.compile(
    r"\b(steering committee|working groups?|structure|funding|budget|contacts?|address|"
    r"publications?|key documents|documents|declarations?|resources|links|achievements|"
    r"outcomes|projects|activities|governance|bureau|focal points?|national committees?|"
    r"history|milestones|news|further information|more information)\b",
    re.IGNORECASE,
)

FIELD_PATTERNS = {
    "type": r"type(?: of (?:process|forum))?|nature|type de processus",
    "association": r"(?:formal )?association.*|associated (?:regional )?organi[sz]ations?|"
    r"association formelle.*|organisation regionale associee",
    "website": r"(?:official )?(?:website|web site|site web|site internet|internet|url)",
    "region": r"(?:regions?|regions? covered|region couverte|regions couvertes)",
    "status": r"(?:status|statut|activity|state)",
}
COMPILED_FIELDS = {key: re.compile(rf"^(?:{pattern})$") for key, pattern in FIELD_PATTERNS.items()}

ESTABLISHED = re.compile(
    r"^(?:year\s+|date\s+)?(?:of\s+)?(?P<word>established|establishment|created|creation|launched|"
    r"founded|set\s+up|inaugurated|initiated|started|cr[ée]{2}e?|cr[ée]ation|[ée]tabli(?:e)?|"
    r"lanc[ée]e?|fond[ée]e?|mis\s+en\s+place|date\s+de\s+cr[ée]ation|ann[ée]e\s+de\s+cr[ée]ation)"
    r"(?:\s*(?:in|en|le|on|:|since))*\s*:?\s*"
    r"(?P<date>(?:(?:[0-3]?\d(?:st|nd|rd|th|er)?\s+)?[A-Za-z\u00e9\u00fb]+\.?\s+)?)"
    r"(?P<year>(?:19|20)\d{2})\b(?P<rest>.*)$",
    re.IGNORECASE,
)

CHAIR_FIELD = re.compile(
    r"^(?P<tenure>current|incoming|outgoing|past|previous|former|next|upcoming|present|"
    r"actuel(?:le)?|ancien(?:ne)?s?|prochaine?|future)?\s*"
    r"(?P<what>chair(?:s|man|manship|person|-in-office| in office)?|co-chairs?|presidency|"
    r"president|pr[ée]sidence|pr[ée]sident(?:e)?|pays pr[ée]sident|chairing country)"
    r"(?:\s+(?P<tenure2>actuel(?:le)?|sortante?|entrante?|pr[ée]c[ée]dente?s?|en exercice))?"
    r"\s*(?:\((?P<when>[^)]*)\))?\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
YEAR_CHAIR_FIELD = re.compile(
    r"^(?P<when>(?:19|20)\d{2}(?:\s*[-\u2013/]\s*(?:19|20)?\d{2})?)\s+"
    r"(?:chair(?:s|manship)?|presidency|pr[ée]sidence)\s*:\s*(?P<value>.+)$",
    re.IGNORECASE,
)


COUNT_IN_BRACKETS = re.compile(r"\((?:[^()]*\d[^()]*)\)")
COUNT_IN_SQUARE_BRACKETS = re.compile(r"\[[^\]]*\d[^\]]*\]?")
LEADING_COUNT = re.compile(r"^\s*\d+\s+")


def fold(text: str) -> str:
    """A label as it is compared: "Observer States (2 States):" -> "observer states"."""
    text = COUNT_IN_BRACKETS.sub(" ", text)  # "(15)", "(12 States)"
    text = COUNT_IN_SQUARE_BRACKETS.sub(" ", text)
    text = LEADING_COUNT.sub(" ", text)  # "10 Members"
    return normalise_country_text(text)


@dataclass
class Label:
    part: str
    kind: str = ""
    text: str = ""
    inline: str = ""


@dataclass
class Field:
    key: str
    value: str
    text: str = ""
    tenure: str = ""
    when: str = ""


#: A section label is a few words; a longer line is content (and is not matched at all, so a
#: huge line costs nothing here).
MAX_LABEL_CHARS = 300


def match_section(text: str) -> tuple[str, str] | None:
    if len(text) > MAX_LABEL_CHARS:
        return None
    key = fold(text)
    if not key or len(key.split()) > 9:
        return None
    match = SECTIONS.match(key)
    if match is None:
        return None
    part, kind, _pattern = SECTION_PATTERNS[int(match.lastgroup[1:])]
    return part, kind


def split_label(text: str) -> tuple[str, str] | None:
    """("Type", "Regional ...") for "Type: Regional ..."; None without a label."""
    match = re.match(r"^(?P<label>[^:]{1,120}?)\s*:\s*(?P<value>.*)$", text)
    if not match:
        return None
    label = match.group("label")
    if re.search(r"https?$|www$", label, re.I) or len(label.split()) > 12:
        return None
    return label, match.group("value").strip()


def classify(line: Line) -> Label | Field | None:
    """A line's role: a :class:`Label` that starts a section, a :class:`Field`, or None for
    content."""
    text = line.text.strip()
    if not text:
        return None
    if match := ESTABLISHED.match(text):
        if len(match.group("date").split()) <= 2:
            return Field(
                "established", match.group("year"), text=text, when=match.group("rest").strip()
            )
    if match := CHAIR_FIELD.match(text):
        return Field(
            "chair",
            match.group("value").strip(),
            text=text,
            tenure=(match.group("tenure") or match.group("tenure2") or "").casefold(),
            when=match.group("when") or "",
        )
    if match := YEAR_CHAIR_FIELD.match(text):
        return Field("chair", match.group("value").strip(), text=text, when=match.group("when"))
    found = match_section(text.rstrip(":"))
    if found and not (line.bullet and len(text.split()) > 4):
        part, kind = found
        return Label(part, kind, text=text)
    if labelled := split_label(text):
        label, value = labelled
        key = fold(label)
        for field_key, pattern in COMPILED_FIELDS.items():
            if pattern.match(key):
                return Field(field_key, value, text=text)
        found = match_section(label)
        if found:
            part, kind = found
            return Label(part, kind, text=label, inline=value)
    return None


def is_extra_heading(line: Line) -> bool:
    """A heading of a section the profile has no place for ("MIDWA Steering Committee")."""
    text = line.text.strip().rstrip(":")
    if line.heading:
        return True
    words = text.split()
    if line.bullet or not 1 <= len(words) <= 7 or re.search(r"[.!?;,]$", text):
        return False
    return bool(EXTRA_HEADING.search(text)) and text[0].isupper()
