"""Legacy profile pages built for the tests, in the shapes IOM's pages take.

The texts are invented for the tests (a made-up "Sample Dialogue on Migration"); none is a
copy of IOM's pages. ``build`` puts the parts together in any order, renamed or left out.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The CI machine has the shared folder next to the checkout.
SHARED = REPO.parent / "shared"
SEED_PAGE = SHARED / "seeds" / "000_fe76727cfa66afe6.txt"
LEGACY_PAGES = SHARED / "legacy-pages"

NAVIGATION = """-
Who we are
WHO WE AREThe International Organization for Migration (IOM) is part of the United Nations System as the leading inter-governmental organization promoting since 1951 humane and orderly migration for the benefit of all.
-
Our Work
Our WorkAs the leading inter-governmental organization promoting since 1951 humane and orderly migration, IOM plays a key role.
What We Do
What We Do
Newsroom Extras
Newsroom Extras
- Where we work
- Data and Research"""  # noqa: E501

PARTS = {
    "title": "Sample Dialogue on Migration (SDM)",
    "type": "Type: Regional consultative process on migration (region covered: West Africa)",
    "association": (
        "Formal association with regional or multi-stakeholder organization: "
        "Economic Community of West African States (ECOWAS)"
    ),
    "established": "Established: 2005",
    "objectives": (
        "Objectives\n"
        "The Sample Dialogue on Migration is a forum where ministries exchange practice on "
        "mobility in the region.\n"
        "It meets every year and reports to the ministers."
    ),
    "focus": (
        "Current Focus\n"
        "Specific areas of discussion include:\n"
        "- border management\n"
        "- labour migration\n"
        "- diaspora engagement"
    ),
    "chairs": (
        "Chairing Country\nCurrent Chair: Ghana (2021)\n"
        "Past Chairs: Senegal (2018-2020), Mali (2016-2017)"
    ),
    "secretariat": "Secretariat\nThe secretariat is hosted by the ECOWAS Commission in Abuja.",
    "members": "Members\n4 Members\n- Ghana\n- Senegal\n- Mali\n- Togo",
    "observers": (
        "Observers\nObserver States\n- France\nObserver Organizations\n"
        "- International Organization for Migration (IOM)\n- Sample Research Network"
    ),
    "meetings": (
        "Meetings\n"
        "- Ministerial Conference on Mobility, Accra, Ghana, 3–4 May 2019\n"
        "- Senior Officials Meeting, Dakar, Senegal, April 2017"
    ),
}
ORDER = [
    "title",
    "type",
    "association",
    "established",
    "objectives",
    "focus",
    "chairs",
    "secretariat",
    "members",
    "observers",
    "meetings",
]


def build(*, without=(), order=None, replace=None, navigation=False, extra=()) -> str:
    """A page of the sample profile: parts left out, reordered, replaced or added."""
    parts = {**PARTS, **(replace or {})}
    names = [name for name in (order or ORDER) if name not in without]
    chunks = [NAVIGATION] if navigation else []
    chunks += [parts[name] for name in names]
    chunks += list(extra)
    return "\n".join(chunks) + "\n"


def as_html(text: str, *, title: str = "") -> str:
    """A plain page as a saved web page: navigation in <nav>, bullets in lists, a heading for
    each known label, the rest in paragraphs."""
    from html import escape

    lines = text.splitlines()
    body, in_list = [], False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("- ") or stripped == "-":
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{escape(stripped[2:])}</li>")
            continue
        if in_list:
            body.append("</ul>")
            in_list = False
        body.append(f"<p>{escape(stripped)}</p>")
    if in_list:
        body.append("</ul>")
    head = f"<title>{escape(title)} | International Organization for Migration</title>"
    return (
        f"<!DOCTYPE html><html><head>{head}<style>p {{ color: red }}</style></head><body>"
        "<nav><ul><li>Who we are</li><li>Our Work</li></ul></nav>"
        f"<main>{''.join(body)}</main>"
        "<footer><p>Copyright IOM</p></footer><script>var x = '<p>no</p>';</script>"
        "</body></html>"
    )
