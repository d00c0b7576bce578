"""What a line is: a section label, a field ("Established: 2001"), or content.

Pages name their sections in many ways ("Current Focus", "Current Thematic Focus", "Thematic
Pillars", "Specific areas of focus include:", "Country chairing", "Current Presidency",
"Participating States", "Observer Institutions", "Secretariat / Support Unit"), in English,
French or Spanish ("Objectifs", "Observateurs", "Créé en"; "Objetivos", "Miembros",
"Establecido en"): each language's labels are in its own table below, and a page's language is
the one its labels are in (:func:`page_language`). Labels are compared folded (case, accents
and punctuation ignored, counts in brackets removed) against the patterns.
"""

import difflib
import re
from dataclasses import dataclass

from rcp.countries import normalise_country_text, resolve_country
from rcp.legacy.extract import Line

#: The languages whose labels pages are read in; English first (a label spelt the same in
#: several, "Secretariat", counts as English).
LANGUAGES = ("en", "fr", "es")

# The section labels of each language: (part, kind, pattern on the folded label). Parts are
# those of ``profile.PARTS`` plus "objectives", "secretariat" and "extra" (a section the profile
# has no place for). Within a language the first pattern that matches the whole label wins.
SECTION_PATTERNS: dict[str, list[tuple[str, str, str]]] = {
    "en": [
        ("objectives", "", r"(?:\w+ )?(?:objectives?|aims?|goals?|purpose|mandate)"),
        ("objectives", "", r"(?:background|overview|about|introduction|description)"),
        (
            "focus",
            "",
            r"(?:current |recent )?(?:thematic |main |key |priority )?"
            r"(?:focus|focus areas?|areas? of (?:focus|discussion|work|cooperation|interest)|"
            r"pillars?|priorities|priority areas|themes?|thematic areas|topics|issues)"
            r"(?: of discussion)?",
        ),
        ("focus", "", r"specific (?:areas|topics|themes|issues) of .{0,40}(?:include|are)"),
        ("focus", "", r"(?:areas|topics|themes) of discussion(?: include)?"),
        (
            "chairs",
            "",
            r"(?:chairing country|country chairing|chairs?|chairmanship|chairmanships|"
            r"chairpersons?|presidency|current chair|current presidency|chair and co chair|"
            r"co chairs?|troika|chairing|history of .{0,20}chair\w*|past chairs|previous chairs)",
        ),
        (
            "secretariat",
            "",
            r"(?:[\w-]+ )?(?:secretariat|technical secretariat|support unit|"
            r"secretariat support unit|secretariat and support unit|technical support unit|"
            r"secretariats?)",
        ),
        (
            "members",
            "",
            r"(?:members?|membership|participants|participating (?:states|countries|governments)|"
            r"participation|current members|full members|composition)",
        ),
        ("members", "states", r"(?:member states|member countries)"),
        (
            "members",
            "organisations",
            r"(?:member organi[sz]ations|member institutions|participating organi[sz]ations)",
        ),
        ("observers", "", r"(?:observers?|observer status)"),
        ("observers", "states", r"observer (?:states|countries)"),
        (
            "observers",
            "organisations",
            r"observer (?:organi[sz]ations|institutions|agencies|bodies)",
        ),
        (
            "partners",
            "organisations",
            r"(?:partners?|partner (?:organi[sz]ations|institutions|agencies)|"
            r"(?:development|international|key|other) partners|supporting organi[sz]ations)",
        ),
        ("partners", "states", r"partner (?:states|countries)"),
        (
            "meetings",
            "",
            r"(?:(?:recent|previous|past|upcoming|latest|key|main|other|major|future|"
            r"ministerial) )?(?:meetings|events|conferences|meetings and events)",
        ),
    ],
    "fr": [
        ("objectives", "", r"(?:\w+ )?(?:objectifs?|buts?|mandat)"),
        ("objectives", "", r"(?:contexte|apercu|presentation|historique|a propos)"),
        (
            "focus",
            "",
            r"(?:axes|domaines|themes|priorites|questions|orientation|orientations)"
            r"(?: thematiques| prioritaires| d intervention| de discussion| d interet| actuels?"
            r"| actuelles?| principaux| principales)*",
        ),
        (
            "focus",
            "",
            r"(?:les )?domaines specifiques (?:de discussion|d interet) (?:comprennent|incluent"
            r"|sont)",
        ),
        (
            "chairs",
            "",
            r"(?:presidence|presidences|pays assurant la presidence|presidence actuelle"
            r"|presidences precedentes)",
        ),
        ("secretariat", "", r"secretariat (?:technique|permanent)|secretariat|unite d appui"),
        ("members", "", r"(?:membres|composition|participants)"),
        ("members", "states", r"(?:etats membres|pays membres|(?:etats|pays) participants)"),
        ("members", "organisations", r"(?:organisations|institutions) (?:membres|participantes)"),
        ("observers", "", r"(?:observateurs?|statut d observateur)"),
        ("observers", "states", r"(?:etats|pays) observateurs"),
        ("observers", "organisations", r"(?:organisations|institutions) observatrices"),
        (
            "partners",
            "organisations",
            r"(?:partenaires|organisations partenaires|partenaires (?:de developpement"
            r"|internationaux|techniques et financiers))",
        ),
        ("partners", "states", r"(?:etats|pays) partenaires"),
        (
            "meetings",
            "",
            r"(?:reunions|evenements|conferences)(?: recentes| precedentes| passees| a venir"
            r"| ministerielles)?",
        ),
    ],
    "es": [
        ("objectives", "", r"(?:\w+ )?(?:objetivos?|finalidad|proposito|mandato)"),
        ("objectives", "", r"(?:antecedentes|descripcion|presentacion|introduccion|acerca de)"),
        (
            "focus",
            "",
            r"(?:enfoque|enfoques|areas?|ejes|temas|prioridades|cuestiones)"
            r"(?: tematic[oa]s| prioritari[oa]s| de interes| de debate| de discusion| de trabajo"
            r"| de cooperacion| actual(?:es)?| principales)*",
        ),
        (
            "focus",
            "",
            r"(?:las )?areas especificas de (?:debate|discusion|interes) (?:incluyen|son)",
        ),
        (
            "chairs",
            "",
            r"(?:presidencia|presidencias|presidencia actual|presidencia pro tempore"
            r"|pais que ocupa la presidencia|presidencias anteriores)",
        ),
        (
            "secretariat",
            "",
            r"(?:secretaria|secretaria tecnica|secretaria permanente"
            r"|unidad de apoyo)",
        ),
        ("members", "", r"(?:miembros|composicion|participantes)"),
        (
            "members",
            "states",
            r"(?:estados miembros|paises miembros|(?:estados|paises) participantes)",
        ),
        (
            "members",
            "organisations",
            r"(?:organizaciones|instituciones) (?:miembros|participantes)",
        ),
        ("observers", "", r"(?:observadores|estatus de observador|condicion de observador)"),
        ("observers", "states", r"(?:estados|paises) observadores"),
        ("observers", "organisations", r"(?:organizaciones|instituciones) observadoras"),
        (
            "partners",
            "organisations",
            r"(?:socios|asociados|organizaciones asociadas|socios (?:de desarrollo"
            r"|internacionales|tecnicos))",
        ),
        ("partners", "states", r"(?:estados|paises) (?:socios|asociados)"),
        (
            "meetings",
            "",
            r"(?:reuniones|eventos|conferencias)(?: recientes| anteriores| pasadas| futuras"
            r"| ministeriales)?",
        ),
    ],
}
# One expression per language tries its patterns in order: one match per line and language
# instead of one per pattern.
SECTIONS = {
    language: re.compile(
        "|".join(rf"(?P<s{index}>{pattern})$" for index, (_p, _k, pattern) in enumerate(table))
    )
    for language, table in SECTION_PATTERNS.items()
}

# Headings of sections a profile has no place for: their lines are reported, not guessed at.
EXTRA_HEADING = re.compile(
    r"\b(steering committee|working groups?|structure|funding|budget|contacts?|address|"
    r"publications?|key documents|documents|declarations?|resources|links|achievements|"
    r"outcomes|projects|activities|governance|bureau|focal points?|national committees?|"
    r"history|milestones|news|further information|more information)\b",
    re.IGNORECASE,
)

FIELD_PATTERNS = {
    "type": r"type(?: of (?:process|forum))?|nature|type de processus|tipo(?: de proceso)?",
    "association": r"(?:formal )?association.*|associated (?:regional )?organi[sz]ations?|"
    r"association formelle.*|organisation regionale associee|asociacion formal.*|"
    r"organizacion regional asociada",
    "website": r"(?:official )?(?:website|web site|site web|site internet|internet|url)|"
    r"(?:sitio|pagina) (?:web|de internet)(?: oficial)?",
    "region": r"(?:regions?|regions? covered|region couverte|regions couvertes|"
    r"region(?:es)? (?:cubierta|abarcadas?)s?)",
    "status": r"(?:status|statut|activity|state|estatus|situacion)",
}
COMPILED_FIELDS = {key: re.compile(rf"^(?:{pattern})$") for key, pattern in FIELD_PATTERNS.items()}

#: The words of each language that say when a process was established ("Established: 2001",
#: "Créé en 2001", "Establecido en 2001"), before the year.
ESTABLISHED_WORDS = {
    "en": r"established|establishment|created|creation|launched|founded|set\s+up|inaugurated|"
    r"initiated|started",
    "fr": r"cr[ée]{2}e?|cr[ée]ation|[ée]tabli(?:e)?|lanc[ée]e?|fond[ée]e?|mis\s+en\s+place|"
    r"date\s+de\s+cr[ée]ation|ann[ée]e\s+de\s+cr[ée]ation",
    "es": r"establecid[oa]|cread[oa]|creaci[óo]n|fundad[oa]|lanzad[oa]|iniciad[oa]|"
    r"puest[oa]\s+en\s+marcha|fecha\s+de\s+creaci[óo]n|a[ñn]o\s+de\s+creaci[óo]n",
}
ESTABLISHED_WORD = {
    language: re.compile(rf"(?:{words})", re.IGNORECASE)
    for language, words in ESTABLISHED_WORDS.items()
}
ESTABLISHED = re.compile(
    r"^(?:year\s+|date\s+)?(?:of\s+)?"
    rf"(?P<word>{'|'.join(ESTABLISHED_WORDS.values())})"
    r"(?:\s*(?:in|en|le|on|el|:|since|depuis|desde))*\s*:?\s*"
    r"(?P<date>(?:(?:[0-3]?\d(?:st|nd|rd|th|er|º)?\s+)?(?:de\s+)?[A-Za-z\u00e9\u00fb]+\.?\s+"
    r"(?:de\s+)?)?)"
    r"(?P<year>(?:19|20)\d{2})\b(?P<rest>.*)$",
    re.IGNORECASE,
)


def established_language(word: str) -> str:
    """The language of the word that says when a process was established."""
    return next(
        (language for language, pattern in ESTABLISHED_WORD.items() if pattern.fullmatch(word)),
        LANGUAGES[0],
    )


CHAIR_FIELD = re.compile(
    r"^(?P<tenure>current|incoming|outgoing|past|previous|former|next|upcoming|present|"
    r"actuel(?:le)?|ancien(?:ne)?s?|prochaine?|future)?\s*"
    r"(?P<what>chair(?:s|man|manship|person|-in-office| in office)?|co-chairs?|presidency|"
    r"president|pr[ée]sidence|pr[ée]sident(?:e)?|pays pr[ée]sident|chairing country|"
    r"presidencia(?:\s+pro\s+t[ée]mpore)?|presidenta?|pa[íi]s\s+que\s+preside)"
    r"(?:\s+(?P<tenure2>actuel(?:le)?|sortante?|entrante?|pr[ée]c[ée]dente?s?|en exercice|"
    r"actual|saliente|anterior(?:es)?|pr[óo]xima?|en ejercicio))?"
    r"\s*(?:\((?P<when>[^)]*)\))?\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
YEAR_CHAIR_FIELD = re.compile(
    r"^(?P<when>(?:19|20)\d{2}(?:\s*[-\u2013/]\s*(?:19|20)?\d{2})?)\s+"
    r"(?:chair(?:s|manship)?|presidency|pr[ée]sidence|presidencia)\s*:\s*(?P<value>.+)$",
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
    #: The language whose label it is (see ``LANGUAGES``).
    language: str = "en"
    #: The label it was read as when the page misspells or rewords one ("Memebr Sates" read
    #: as "member states"); empty for a label as this importer knows it.
    read_as: str = ""


@dataclass
class Field:
    key: str
    value: str
    text: str = ""
    tenure: str = ""
    when: str = ""
    #: The language of the field's label, when it says ("Créé en"); else English.
    language: str = "en"


#: A section label is a few words; a longer line is content (and is not matched at all, so a
#: huge line costs nothing here).
MAX_LABEL_CHARS = 300


def read_section_label(text: str) -> tuple[str, str, str, str] | None:
    """(part, kind, language, read as) of a section label: as this importer knows it (read
    as ""), with the process's name after it ("Member States of the Rabat Process"), or
    misspelt ("Members States", "Particpating Countries": read as the label it is closest
    to). None for a line that is not a label."""
    if len(text) > MAX_LABEL_CHARS:
        return None
    key = fold(text)
    if not key or len(key.split()) > 9:
        return None
    if found := _known_label(key):
        return (*found, "")
    if text.rstrip().endswith((".", "!", "?", ";", ",")):
        return None  # a sentence ("A support unit in Accra."), not a reworded label
    about = OF_THE_PROCESS.search(key)
    if (
        about
        and not EXTRA_HEADING.search(about.group(0))
        and (found := _known_label(key[: about.start()]))
    ):
        return (*found, "")
    if closest := _closest_label(key):
        return (*_known_label(closest), closest)
    return None


def _known_label(key: str) -> tuple[str, str, str] | None:
    for language, sections in SECTIONS.items():
        match = sections.match(key)
        if match is not None:
            part, kind, _pattern = SECTION_PATTERNS[language][int(match.lastgroup[1:])]
            return part, kind, language
    return None


#: "Members of the Process", "Member States of the Sample Dialogue", "Membres du Processus",
#: "Estados miembros del Proceso": a label followed by the name of what it is about (but not
#: "Members of the Steering Committee": a section the profile has no place for).
OF_THE_PROCESS = re.compile(
    r"\s+(?:of|in|du|de|des|del|de la)\s+(?:the\s+|la\s+|le\s+|l\s+|el\s+)?.+$"
)

#: The labels pages most often misspell or reword, folded: a short line not known as a
#: label is compared with these (see :func:`_closest_label`).
USUAL_LABELS = [
    "objectives",
    "current focus",
    "thematic focus",
    "focus areas",
    "chairing country",
    "chairs",
    "secretariat",
    "members",
    "member states",
    "member countries",
    "member organisations",
    "participating states",
    "participating countries",
    "observers",
    "observer states",
    "observer countries",
    "observer organisations",
    "partners",
    "partner organisations",
    "meetings",
    "recent meetings",
    "objectifs",
    "membres",
    "etats membres",
    "pays membres",
    "observateurs",
    "etats observateurs",
    "organisations observatrices",
    "reunions",
    "objetivos",
    "miembros",
    "estados miembros",
    "paises miembros",
    "observadores",
    "estados observadores",
    "organizaciones observadoras",
    "reuniones",
]
#: How alike a line and a usual label must be (difflib's ratio) to be read as that label:
#: one or two letters wrong, swapped or added in a label of one to three words. Country
#: names are never this close to a label (the closest, "Oman" and "Mali", are too short).
LABEL_LIKENESS = 0.86
MIN_FUZZY_CHARS = 7


def _closest_label(key: str) -> str | None:
    """The usual label a short line misspells, or None. A line that is a country's name is
    never a label, however close."""
    if len(key) < MIN_FUZZY_CHARS or len(key.split()) > 4:
        return None
    matches = difflib.get_close_matches(key, USUAL_LABELS, n=1, cutoff=LABEL_LIKENESS)
    if not matches:
        return None
    return None if resolve_country(key) else matches[0]


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
        if len([word for word in match.group("date").split() if word.casefold() != "de"]) <= 2:
            return Field(
                "established",
                match.group("year"),
                text=text,
                when=match.group("rest").strip(),
                language=established_language(match.group("word")),
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
    found = read_section_label(text.rstrip(":"))
    if found and not (line.bullet and len(text.split()) > 4):
        part, kind, language, read_as = found
        return Label(part, kind, text=text, language=language, read_as=read_as)
    if labelled := split_label(text):
        label, value = labelled
        key = fold(label)
        for field_key, pattern in COMPILED_FIELDS.items():
            if pattern.match(key):
                return Field(field_key, value, text=text)
        found = read_section_label(label)
        if found:
            part, kind, language, read_as = found
            return Label(part, kind, text=label, inline=value, language=language, read_as=read_as)
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


def page_language(roles) -> str:
    """The language of a page, from its labels (``classify``'s answers for its lines): the
    one most of them are in; English when as many are in English, or none says."""
    counts = dict.fromkeys(LANGUAGES, 0)
    for role in roles:
        if role is not None:
            counts[role.language] += 1
    best = max(LANGUAGES, key=lambda language: counts[language])
    return best if counts[best] > counts[LANGUAGES[0]] else LANGUAGES[0]
