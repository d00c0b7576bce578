"""Site chrome: the parts of a saved page that belong to IOM's website, not to the profile.

Navigation blocks with their blurbs ("Who we are" / "WHO WE AREThe International Organization
for Migration (IOM) is part of ..."), "Skip to main content", image captions ("strategic
vision", "Budapest Map"), "Related Links", and the disclaimer "This page contains general
information about X but it is not its official website" (whose official address, if it gives
one, is kept as the website). Navigation is recognised by its words and by its shape (a menu
item repeated on the next line, a label glued to its blurb), so a menu item this module does
not list is still removed when it sits among the others.
"""

import re
from dataclasses import dataclass, field

from rcp.countries import normalise_country_text
from rcp.legacy.extract import Line

NAVIGATION = {
    "who we are",
    "our work",
    "what we do",
    "where we work",
    "partnerships",
    "highlights",
    "take action",
    "work with us",
    "get involved",
    "data and research",
    "2030 agenda",
    "structure",
    "cross cutting priorities",
    "frameworks",
    "about iom",
    "about us",
    "news",
    "media",
    "media centre",
    "newsroom",
    "careers",
    "donate",
    "contact us",
    "publications",
    "search",
    "menu",
    "main navigation",
    "home",
    "breadcrumb",
    "you are here",
    "share",
    "print",
    "share this page",
    "follow us",
    "iom",
    "languages",
    "english",
    "francais",
    "espanol",
    # IOM's French and Spanish sites
    "qui sommes nous",
    "notre action",
    "notre travail",
    "ce que nous faisons",
    "ou nous travaillons",
    "partenariats",
    "temps forts",
    "agir",
    "travailler avec nous",
    "s impliquer",
    "donnees et recherche",
    "programme 2030",
    "agenda 2030",
    "a propos de l oim",
    "actualites",
    "medias",
    "carrieres",
    "faire un don",
    "nous contacter",
    "rechercher",
    "accueil",
    "oim",
    "quienes somos",
    "nuestro trabajo",
    "que hacemos",
    "donde trabajamos",
    "alianzas",
    "destacados",
    "actue",
    "trabaje con nosotros",
    "participe",
    "datos e investigacion",
    "acerca de la oim",
    "noticias",
    "empleo",
    "done",
    "contacto",
    "buscar",
    "inicio",
}
# Chrome wherever it stands.
ANYWHERE = {
    "skip to main content",
    "skip to content",
    "aller au contenu principal",
    "pasar al contenido principal",
    "related links",
    "strategic vision",
    "back to top",
    "print this page",
    "share this page",
    "for iom webpage",
    "for the iom webpage",
    "for iom web page",
}
DISCLAIMER = re.compile(
    r"^this page contains general information about (?:the )?(?P<about>.+?),? but it is not "
    r"(?:its|their|the) official web ?site\.?(?P<rest>.*)$",
    re.IGNORECASE,
)
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"\u201d)]+", re.IGNORECASE)
IOM_BLURB = re.compile(
    r"(international organization for migration \(iom\) is part of the united nations|"
    r"as the leading inter-governmental organization promoting since 1951|"
    r"organisation internationale pour les migrations \(oim\) fait partie du syst[èe]me des "
    r"nations unies|principale organisation intergouvernementale qui promeut depuis 1951|"
    r"organizaci[óo]n internacional para las migraciones \(oim\) forma parte del sistema de "
    r"las naciones unidas|principal organizaci[óo]n intergubernamental que promueve desde 1951)",
    re.IGNORECASE,
)
# "Budapest Map", "Map of the region", "Photo: ...": captions of images.
CAPTION = re.compile(
    r"^(?:[\w'\u2019-]+\s+){0,3}map$|^map of\b|^(?:photo|image|credit)s?\s*:", re.I
)
WORD_DOCUMENT_START = re.compile(r"^for (?:the )?iom web ?page\s*:?$", re.IGNORECASE)


@dataclass
class ChromeResult:
    lines: list[Line]
    website: str = ""
    about: str = ""
    #: Lines before "For IOM webpage:" in a Word draft: not chrome, not the page either.
    before_start: list[Line] = field(default_factory=list)


def _key(text: str) -> str:
    return normalise_country_text(text)


def _glued_pattern(label: str) -> str:
    return re.escape(label).replace(r"\ ", r"\s+") + "(?=[A-Z])"


GLUED_LABELS = [
    (label, re.compile(_glued_pattern(label), re.IGNORECASE))
    for label in sorted(NAVIGATION)
    if len(label) >= 4
]
# Whether any of them starts the line: most lines are then answered with one match.
ANY_GLUED_LABEL = re.compile("|".join(_glued_pattern(label) for label, _p in GLUED_LABELS), re.I)


def _glued_blurb(text: str) -> bool:
    """ "WHO WE AREThe International ..." / "Our WorkAs the leading ...": a menu label glued to
    its blurb."""
    if not ANY_GLUED_LABEL.match(text):
        return False
    return any(
        pattern.match(text) and len(text) > len(label) + 20 for label, pattern in GLUED_LABELS
    )


def is_strong_chrome(line: Line, previous: str | None) -> bool:
    key = _key(line.text)
    if not key:
        return True
    if key in NAVIGATION or key in ANYWHERE:
        return True
    if previous is not None and key == _key(previous) and len(key.split()) <= 5:
        return True
    return _glued_blurb(line.text) or bool(IOM_BLURB.search(line.text))


def remove_chrome(lines: list[Line], *, first_content: int) -> ChromeResult:
    """Drop chrome. ``first_content`` is the index of the first line the classifier knows
    (a field or a label): lines before it form the preamble, where menus are."""
    result = ChromeResult(lines=[])
    # A Word draft "For IOM webpage:" starts the page; what comes before is its envelope.
    for index, line in enumerate(lines[: max(first_content, 0) or len(lines)]):
        if WORD_DOCUMENT_START.match(line.text):
            result.before_start = lines[:index]
            lines = lines[index + 1 :]
            first_content -= index + 1
            break

    # The preamble's menus end at the last strong chrome line in it.
    preamble_end = first_content if first_content >= 0 else len(lines)
    last_strong = -1
    previous = None
    for index, line in enumerate(lines[:preamble_end]):
        if is_strong_chrome(line, previous):
            last_strong = index
        previous = line.text

    previous = None
    for index, line in enumerate(lines):
        text = line.text.strip()
        key = _key(text)
        in_preamble = index < preamble_end
        if match := DISCLAIMER.match(text):
            result.about = match.group("about").strip()
            if url := URL.search(match.group("rest")):
                result.website = url.group(0).rstrip(".,;")
            previous = text
            continue
        if key in ANYWHERE or not key:
            continue
        if CAPTION.match(text) and len(text.split()) <= 5:
            continue
        if IOM_BLURB.search(text):
            previous = text
            continue
        if in_preamble:
            if is_strong_chrome(line, previous) or (
                index < last_strong and len(text.split()) <= 4 and not text.endswith(".")
            ):
                previous = text
                continue
            # An image's alternative text: one word in lower case ("pafom").
            if re.fullmatch(r"[a-z][a-z0-9-]{1,20}", text):
                previous = text
                continue
        previous = text
        result.lines.append(line)
    return result
