"""Regional organisations whose member states pages group their members by.

A page that says "82 Members (53 AU Member States and 28 EU Member States)" over one
alphabetical list gives each country its group from this table. Memberships are those of the
years the legacy pages were written: the United Kingdom is in the EU (it left in 2020).
A "Non-EU" group is every listed country outside the EU.
"""

from rcp.countries import normalise_country_text

BLOC_MEMBERS: dict[str, frozenset[str]] = {
    "AU": frozenset(
        "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR "
        "LY MG MW ML MR MU MA MZ NA NE NG RW EH ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW".split()
    ),
    "EU": frozenset(
        "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
        "GB".split()
    ),
    "ECOWAS": frozenset("BJ BF CV CI GM GH GN GW LR ML NE NG SN SL TG".split()),
    "ECCAS": frozenset("AO BI CM CF TD CG CD GQ GA RW ST".split()),
    "IGAD": frozenset("DJ ER ET KE SO SS SD UG".split()),
    "SADC": frozenset("AO BW KM CD SZ LS MG MW MU MZ NA SC ZA TZ ZM ZW".split()),
    "ASEAN": frozenset("BN KH ID LA MY MM PH SG TH VN".split()),
    "GCC": frozenset("BH KW OM QA SA AE".split()),
}

BLOC_NAMES = {
    "au": "AU",
    "african union": "AU",
    "ua": "AU",
    "union africaine": "AU",
    "eu": "EU",
    "european union": "EU",
    "ue": "EU",
    "union europeenne": "EU",
    "ecowas": "ECOWAS",
    "cedeao": "ECOWAS",
    "eccas": "ECCAS",
    "ceeac": "ECCAS",
    "igad": "IGAD",
    "sadc": "SADC",
    "asean": "ASEAN",
    "gcc": "GCC",
}


def bloc_of_label(label: str) -> tuple[str, bool] | None:
    """("EU", False) for "EU" or "European Union"; ("EU", True) for "Non-EU"; else None."""
    key = normalise_country_text(label)
    negated = False
    for prefix in ("non ", "non", "hors "):
        if key.startswith(prefix) and BLOC_NAMES.get(key[len(prefix) :].strip()):
            key, negated = key[len(prefix) :].strip(), True
            break
    bloc = BLOC_NAMES.get(key)
    return (bloc, negated) if bloc else None


def in_group(code: str, label: str) -> bool | None:
    """Whether country ``code`` belongs to the group ``label``; None if the table cannot say."""
    found = bloc_of_label(label)
    if found is None:
        return None
    bloc, negated = found
    return (code in BLOC_MEMBERS[bloc]) != negated
