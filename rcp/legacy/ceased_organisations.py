"""Organisations known to have ceased to exist, or to have been replaced under a new name.

Old profile pages still list them as members or observers. The legacy page importer reports
each one it meets, and records on the organisation the year it ceased and its successor
(creating the successor if the database does not have it yet).
"""

from dataclasses import dataclass

from rcp.countries import normalise_country_text


@dataclass(frozen=True)
class CeasedOrganisation:
    name: str
    acronym: str
    ceased_year: int
    successor_name: str
    successor_acronym: str


CEASED_ORGANISATIONS = [
    CeasedOrganisation("Organisation of African Unity", "OAU", 2002, "African Union", "AU"),
    CeasedOrganisation(
        "African, Caribbean and Pacific Group of States",
        "ACP",
        2020,
        "Organisation of African, Caribbean and Pacific States",
        "OACPS",
    ),
    CeasedOrganisation("European Community", "EC", 2009, "European Union", "EU"),
    CeasedOrganisation(
        "Intergovernmental Authority on Drought and Development",
        "IGADD",
        1996,
        "Intergovernmental Authority on Development",
        "IGAD",
    ),
    CeasedOrganisation(
        "Southern African Development Coordination Conference",
        "SADCC",
        1992,
        "Southern African Development Community",
        "SADC",
    ),
    CeasedOrganisation(
        "Preferential Trade Area for Eastern and Southern Africa",
        "PTA",
        1994,
        "Common Market for Eastern and Southern Africa",
        "COMESA",
    ),
    CeasedOrganisation(
        "United Nations Development Fund for Women",
        "UNIFEM",
        2011,
        "United Nations Entity for Gender Equality and the Empowerment of Women",
        "UN Women",
    ),
    CeasedOrganisation(
        "Intergovernmental Committee for European Migration",
        "ICEM",
        1980,
        "International Organization for Migration",
        "IOM",
    ),
]

# Spelling variants that name the same organisation.
_VARIANTS = {
    "organization of african unity": "OAU",
    "organisation de l unite africaine": "OAU",
    "acp group of states": "ACP",
    "acp group": "ACP",
    "european communities": "EC",
}


def find_ceased(name: str, acronym: str = "") -> CeasedOrganisation | None:
    """The table's entry for an organisation named ``name`` (or ``acronym``), if it ceased.

    An acronym alone is trusted only with a matching name or no name at all: "EC" on a page
    usually means the European Commission, which exists."""
    key = normalise_country_text(name)
    for entry in CEASED_ORGANISATIONS:
        if key == normalise_country_text(entry.name) or _VARIANTS.get(key) == entry.acronym:
            return entry
        if not name and acronym and acronym.casefold() == entry.acronym.casefold():
            return entry
    return None
