"""The legacy page importer: IOM's old profile pages read into profiles, with a report.

The seed page (IOM's Tripoli Process page, read from the shared folder when it is there) must
import to exactly the bundled fixture, with exactly the defects the issue lists. The other
pages are built here (tests/legacy_pages.py) in the shapes IOM's pages take.
"""

import datetime
import json
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from rcp.legacy import report as kinds
from rcp.legacy.parser import parse_page
from rcp.legacy.service import ImportRefused, import_profile
from rcp.models import (
    Chair,
    LegacyImport,
    Meeting,
    Organisation,
    Participation,
    Process,
    ProcessOrganisation,
)
from rcp.multilingual import SOURCE_LANGUAGE, TRANSLATION_LANGUAGES, column, translated_fields
from rcp.workflow import COMMAND_LINE

from .conftest import FIXTURES
from .legacy_pages import LEGACY_PAGES, ORDER, SEED_PAGE, as_html, build

needs_seed = pytest.mark.skipif(
    not SEED_PAGE.exists(), reason=f"IOM's seed page is not at {SEED_PAGE} (../shared is absent)"
)


def read_seed() -> str:
    return SEED_PAGE.read_text(encoding="utf-8")


def findings(report) -> list[tuple[str, str]]:
    return [(finding.kind, finding.message) for finding in report.findings]


def kinds_of(report) -> list[str]:
    return [finding.kind for finding in report.findings]


def import_text(text: str, **kwargs):
    name = kwargs.pop("name", None)
    parsed, report = parse_page(text, name=name)
    kwargs.setdefault("source_name", "page.txt")
    return import_profile(parsed, report, **kwargs)


def database_snapshot() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("rcp").get_models(include_auto_created=True)
        if model._meta.model_name != "pagedatachange"  # the page cache's bookkeeping
    }


# --- The seed page becomes the bundled fixture -----------------------------------------------

SEED_REPORT = [
    (kinds.UNKNOWN_NAME, "“Eriteria” is not a country: did you mean “Eritrea”?"),
    (kinds.DUPLICATE, "Austria is listed twice; merged"),
    (kinds.COUNT, "The page states 82 members but lists 81"),
    (kinds.COUNT, "The groups add up to 81 (53 AU + 28 EU), not the 82 stated"),
    (kinds.MARKER, "Editorial marker “[KG1]” removed"),
    (
        kinds.CEASED,
        "Organisation of African Unity (OAU) ceased to exist in 2002; its successor is the "
        "African Union (AU)",
    ),
]


def fixture_objects() -> dict[str, list[dict]]:
    """The fixture's rows in English, as the English seed page states them: ``name_en`` read
    as ``name``, the French and Spanish columns left out."""
    with (FIXTURES / "tripoli-process.json").open(encoding="utf-8") as source:
        data = json.load(source)
    objects: dict[str, list[dict]] = {}
    for item in data:
        fields = dict(item["fields"])
        for field in translated_fields(apps.get_model(item["model"])):
            fields[field] = fields.pop(column(field, SOURCE_LANGUAGE))
            for language in TRANSLATION_LANGUAGES:
                del fields[column(field, language)]
        objects.setdefault(item["model"], []).append(fields)
    return objects


def natural(value):
    return value[0] if isinstance(value, list) and len(value) == 1 else value


@needs_seed
def test_the_seed_reports_exactly_the_defects_the_issue_lists():
    _parsed, report = parse_page(read_seed())

    assert findings(report) == SEED_REPORT
    assert report.findings[0].blocking
    assert report.findings[0].suggestion == "ER"
    assert not report.of_kind(kinds.UNPLACED)


@needs_seed
@pytest.mark.django_db
def test_the_seed_imports_to_the_bundled_fixture_field_by_field():
    outcome = import_text(read_seed(), publish=True, accept_suggestions=True, user=COMMAND_LINE)
    expected = fixture_objects()

    process = Process.objects.get()
    assert outcome.created and outcome.process == process
    [fields] = expected["rcp.process"]
    for name, value in fields.items():
        if name in {"created_at", "updated_at"}:
            continue
        if name in {"regions", "associated_organisations"}:
            assert [o.slug for o in getattr(process, name).all()] == value, name
        elif name == "secretariat_organisation":
            assert process.secretariat_organisation is None
        else:
            assert getattr(process, name) == value, name

    organisations = {o.slug: o for o in Organisation.objects.all()}
    assert set(organisations) == {f["slug"] for f in expected["rcp.organisation"]}
    for fields in expected["rcp.organisation"]:
        organisation = organisations[fields["slug"]]
        for name, value in fields.items():
            if name == "succeeded_by":
                actual = organisation.succeeded_by.slug if organisation.succeeded_by else None
                assert actual == natural(value), (fields["slug"], name)
            else:
                assert getattr(organisation, name) == value, (fields["slug"], name)

    assert sorted(
        (p.country.code, p.role, p.group, p.note) for p in process.participations.all()
    ) == sorted(
        (f["country"], f["role"], f["group"], f["note"]) for f in expected["rcp.participation"]
    )
    assert sorted(
        (link.organisation.slug, link.role, link.group, link.position)
        for link in process.organisation_roles.all()
    ) == sorted(
        (natural(f["organisation"]), f["role"], f["group"], f["position"])
        for f in expected["rcp.processorganisation"]
    )
    assert sorted(
        (link.focus_area.slug, link.focus_area.name, link.position)
        for link in process.focus_area_links.all()
    ) == sorted(
        (natural(f["focus_area"]), name_of(expected, natural(f["focus_area"])), f["position"])
        for f in expected["rcp.processfocusarea"]
    )
    assert sorted(
        (
            m.title,
            m.start_date.isoformat(),
            m.end_date.isoformat() if m.end_date else None,
            m.date_precision,
            m.city,
            m.country.code,
        )
        for m in process.meetings.all()
    ) == sorted(
        (
            f["title"],
            f["start_date"],
            f["end_date"],
            f["date_precision"],
            f["city"],
            f["country"],
        )
        for f in expected["rcp.meeting"]
    )
    assert not Chair.objects.exists()


def name_of(expected, slug: str) -> str:
    return next(f["name"] for f in expected["rcp.focusarea"] if f["slug"] == slug)


@needs_seed
@pytest.mark.django_db
def test_the_seed_is_refused_until_the_suggestion_is_accepted():
    before = database_snapshot()

    with pytest.raises(ImportRefused) as refused:
        import_text(read_seed())

    assert "“Eriteria” is not a country: did you mean “Eritrea”?" in str(refused.value)
    assert database_snapshot() == before


@needs_seed
@pytest.mark.django_db
def test_the_report_is_stored_with_the_profile_and_says_the_suggestion_was_accepted():
    outcome = import_text(read_seed(), accept_suggestions=True, source_name="tripoli.txt")

    record = LegacyImport.objects.get()
    assert record.process == outcome.process
    assert record.source_name == "tripoli.txt"
    assert record.created_profile
    assert [(f["kind"], f["message"]) for f in record.report] == SEED_REPORT
    assert record.report[0]["accepted"] is True
    assert "Tripoli Process, established 2001: 81 members" in record.summary


@needs_seed
def test_the_seed_saved_as_html_reads_the_same():
    text_profile, text_report = parse_page(read_seed())
    html_profile, html_report = parse_page(as_html(read_seed(), title="Tripoli Process"))

    assert html_profile == text_profile
    assert findings(html_report) == findings(text_report)


@needs_seed
def test_the_seed_gives_its_name_from_its_first_sentence_or_the_option():
    parsed, _report = parse_page(read_seed())
    named, _report = parse_page(read_seed(), name="Tripoli Process (TP)")

    assert (parsed.name, parsed.name_source, parsed.acronym) == ("Tripoli Process", "text", "")
    assert (named.name, named.name_source, named.acronym) == ("Tripoli Process", "option", "TP")


# --- Built pages: every part, in any order, under any name ------------------------------------


def test_a_complete_page_reads_every_part():
    parsed, report = parse_page(build(navigation=True))

    assert report.findings == []
    assert (parsed.name, parsed.acronym, parsed.name_source) == (
        "Sample Dialogue on Migration",
        "SDM",
        "title",
    )
    assert (parsed.kind, parsed.regions, parsed.established) == ("rcp", ["West Africa"], 2005)
    assert [o.display_name for o in parsed.associated_organisations] == [
        "Economic Community of West African States (ECOWAS)"
    ]
    assert parsed.objectives == (
        "The Sample Dialogue on Migration is a forum where ministries exchange practice on "
        "mobility in the region.\n\nIt meets every year and reports to the ministers."
    )
    assert parsed.focus_areas == ["border management", "labour migration", "diaspora engagement"]
    assert parsed.secretariat == "The secretariat is hosted by the ECOWAS Commission in Abuja."
    assert [c.code for c in parsed.member_states] == ["GH", "SN", "ML", "TG"]
    assert [c.code for c in parsed.observer_states] == ["FR"]
    assert [o.display_name for o in parsed.observer_organisations] == [
        "International Organization for Migration (IOM)",
        "Sample Research Network",
    ]
    assert [(c.country, str(c.dates), c.tenure) for c in parsed.chairs] == [
        ("GH", "2021", "current"),
        ("SN", "2018\u20132020", "past"),
        ("ML", "2016\u20132017", "past"),
    ]
    assert [(m.title, str(m.dates), m.city, m.country) for m in parsed.meetings] == [
        ("Ministerial Conference on Mobility", "3\u20134 May 2019", "Accra", "GH"),
        ("Senior Officials Meeting", "April 2017", "Dakar", "SN"),
    ]
    assert parsed.parts == {"members", "observers", "focus", "chairs", "meetings"}


def test_site_chrome_is_not_content():
    page = build(
        navigation=True,
        replace={
            "title": "Skip to main content\nstrategic vision\nSample Dialogue on Migration (SDM)\n"
            "This page contains general information about the SDM but it is not its official "
            "website. For official information please visit its official website at "
            "https://sdm.example.org.",
            "objectives": PARTS_OBJECTIVES + "\nSample Region Map",
            "focus": "Current Focus\nRelated Links\n- border management",
        },
    )

    parsed, report = parse_page(page)

    assert report.findings == []
    assert parsed.website == "https://sdm.example.org"
    assert "Map" not in parsed.objectives
    assert parsed.focus_areas == ["border management"]


PARTS_OBJECTIVES = (
    "Objectives\nThe Sample Dialogue on Migration is a forum where ministries exchange "
    "practice on mobility in the region."
)


def test_sections_in_another_order_read_the_same():
    usual, _report = parse_page(build())
    reordered, report = parse_page(
        build(
            order=[
                "title",
                "established",
                "type",
                "meetings",
                "members",
                "association",
                "secretariat",
                "observers",
                "objectives",
                "chairs",
                "focus",
            ]
        )
    )

    assert report.findings == []
    assert reordered == usual


@pytest.mark.parametrize(
    ("part", "renamed"),
    [
        ("focus", "Current Thematic Focus\n- border management"),
        ("focus", "Thematic Pillars\n- border management"),
        ("focus", "Specific areas of focus include:\n- border management"),
        (
            "focus",
            "Current Thematic focus\nSpecific areas of SDM's discussion include:\n"
            "- border management",
        ),
        ("chairs", "Country chairing\nCurrent Chair: Ghana (2021)"),
        ("chairs", "Current Presidency: Ghana (2021)"),
        ("members", "Participating States\n- Ghana"),
        ("members", "Member States (1 State)\nGhana"),
        ("observers", "Observer Institutions\n- Sample Research Network"),
        ("secretariat", "Secretariat / Support Unit\nA support unit in Accra."),
        ("secretariat", "SDM Secretariat\nA support unit in Accra."),
        ("objectives", "Objective:\nTo bring ministries together."),
    ],
)
def test_renamed_sections_are_recognised(part, renamed):
    parsed, report = parse_page(build(replace={part: renamed}))

    assert not report.of_kind(kinds.UNPLACED), report.lines()
    if part == "focus":
        assert parsed.focus_areas == ["border management"]
    elif part == "chairs":
        assert [(c.country, str(c.dates)) for c in parsed.chairs] == [("GH", "2021")]
    elif part == "members":
        assert [c.code for c in parsed.member_states] == ["GH"]
    elif part == "observers":
        assert [o.name for o in parsed.observer_organisations] == ["Sample Research Network"]
    elif part == "secretariat":
        assert parsed.secretariat == "A support unit in Accra."
    else:
        assert parsed.objectives == "To bring ministries together."


def test_removed_sections_are_not_parts_of_the_page():
    parsed, report = parse_page(build(without=["observers", "meetings", "chairs", "focus"]))

    assert report.findings == []
    assert parsed.parts == {"members"}
    assert (parsed.observer_states, parsed.meetings, parsed.chairs) == ([], [], [])


def test_unlabelled_paragraphs_are_the_objectives_and_the_secretariat():
    page = build(
        replace={
            "objectives": "The Sample Dialogue on Migration is a forum where ministries "
            "exchange practice on mobility in the region.",
            "secretariat": "",
        },
        order=ORDER_WITHOUT_SECRETARIAT,
        extra=[
            "No official secretariat. The chairing country provides technical and "
            "administrative support, with help from IOM."
        ],
    )

    parsed, report = parse_page(page)

    assert parsed.objectives.startswith("The Sample Dialogue on Migration is a forum")
    assert parsed.has_official_secretariat is False
    assert parsed.secretariat == (
        "The chairing country provides technical and administrative support, with help from IOM."
    )
    assert not report.of_kind(kinds.UNPLACED)


ORDER_WITHOUT_SECRETARIAT = [
    "title",
    "type",
    "established",
    "objectives",
    "focus",
    "members",
    "observers",
    "meetings",
]


def test_a_section_the_profile_has_no_place_for_is_reported_line_by_line():
    page = build(
        extra=[
            "Thematic Working Groups",
            "(i) Border management (working group chair: Ghana)",
            "(ii) Data and statistics (working group chair: Mali)",
        ]
    )

    parsed, report = parse_page(page)

    unplaced = report.of_kind(kinds.UNPLACED)
    assert [f.quote for f in unplaced] == [
        "Border management (working group chair: Ghana)",
        "Data and statistics (working group chair: Mali)",
    ]
    assert {f.section for f in unplaced} == {"Thematic Working Groups"}
    assert len(parsed.meetings) == 2


def test_lines_before_the_fields_are_reported_not_dropped():
    page = build(replace={"title": "Sample Dialogue on Migration (SDM)\n«Talking together»"})

    parsed, report = parse_page(page)

    assert parsed.name == "Sample Dialogue on Migration"
    assert [f.quote for f in report.of_kind(kinds.UNPLACED)] == ["«Talking together»"]


# --- Established, type, association, status ---------------------------------------------------


@pytest.mark.parametrize(
    ("line", "year", "leftover"),
    [
        ("Established: 2006", 2006, None),
        ("Established 2001", 2001, None),
        ("Established in 2014", 2014, None),
        ("Created in 2001", 2001, None),
        ("Launched: 2019", 2019, None),
        ("Créé en 2003", 2003, None),
        ("Establishedin2012", 2012, None),
        (
            "Established: 1996 (renamed twice: Sample Directors in 1996, Sample Dialogue in 2018)",
            1996,
            "(renamed twice: Sample Directors in 1996, Sample Dialogue in 2018)",
        ),
    ],
)
def test_every_way_of_saying_when_it_was_established(line, year, leftover):
    parsed, report = parse_page(build(replace={"established": line}))

    assert parsed.established == year
    assert [f.quote for f in report.of_kind(kinds.UNPLACED)] == ([leftover] if leftover else [])


@pytest.mark.parametrize(
    ("line", "kind", "regions"),
    [
        ("Type: Inter-regional forum on migration (regions covered: Africa - Europe)",
         "interregional", ["Africa", "Europe"]),
        ("Type: Interregional forum on migration (regions covered: Asia-Europe)",
         "interregional", ["Asia", "Europe"]),
        ("Type : Global Process on Migration", "global", []),
        ("Type: Regional Consultative Process on Migration\nRegion: North and Central America",
         "rcp", ["North and Central America"]),
        ("Type: Regional consultative process (region covered: Horn of Africa and Europe)",
         "rcp", ["Horn of Africa", "Europe"]),
    ],
)  # fmt: skip
def test_type_and_regions(line, kind, regions):
    parsed, _report = parse_page(build(replace={"type": line}))

    assert (parsed.kind, parsed.regions) == (kind, regions)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Formal association with regional or multi-stakeholder organization: Sample Union "
            "Commission (SUC) and European Commission (EC)",
            ["Sample Union Commission (SUC)", "European Commission (EC)"],
        ),
        (
            "Formal association with regional or multi-stakeholder organization : Union for the "
            "Mediterranean and Western Mediterranean Forum",
            ["Union for the Mediterranean", "Western Mediterranean Forum"],
        ),
        (
            "Formal association with regional or multi-stakeholder organization: European Union "
            "(EU) and Community of Latin American and Caribbean States (CELAC)",
            ["European Union (EU)", "Community of Latin American and Caribbean States (CELAC)"],
        ),
        ("Formal association with regional or multi-stakeholder organization: None", []),
    ],
)
def test_association_with_regional_organisations(line, expected):
    parsed, _report = parse_page(build(replace={"association": line}))

    assert [o.display_name for o in parsed.associated_organisations] == expected


def test_a_dormant_process_says_so():
    page = build(replace={"established": "Established: 2005\nThe SDM has been dormant since 2016."})

    parsed, report = parse_page(page)

    assert parsed.activity == "dormant"
    assert "dormant" not in parsed.objectives
    assert report.findings == []


# --- Members: lists in every shape -----------------------------------------------------------


def members(text: str) -> list[tuple[str, str, str]]:
    parsed, _report = parse_page(build(replace={"members": text}))
    return [(c.code, c.role, c.group) for c in parsed.countries if c.role != "observer"]


def test_members_as_plain_lines_bullets_and_comma_prose_read_alike():
    expected = [("GH", "member", ""), ("TT", "member", ""), ("CI", "member", "")]

    assert members("Members\nGhana\nTrinidad and Tobago\nCôte d’Ivoire") == expected
    assert members("Members\n• Ghana\n• Trinidad and Tobago\n• Ivory Coast") == expected
    assert members("Members\nGhana, Trinidad and Tobago and Côte d'Ivoire.") == expected
    assert members("Members: Ghana; Trinidad and Tobago; Cote d'Ivoire") == expected


def test_a_members_table_flattened_into_two_or_four_columns():
    two = "Members\nAustria Côte d'Ivoire\nBelgium Democratic Republic of the Congo\nNiger Nigeria"
    four = "Members\nAustria Belgium Bosnia and Herzegovina Bulgaria\nGuinea Guinea-Bissau Mali"
    tabs = "Members\nAustria\tCôte d'Ivoire\nBelgium\tNiger"
    pipes = "Members\n| |Austria |Chad |\n| |Belgium |Niger |"

    assert [code for code, _r, _g in members(two)] == ["AT", "CI", "BE", "CD", "NE", "NG"]
    assert [code for code, _r, _g in members(four)] == ["AT", "BE", "BA", "BG", "GN", "GW", "ML"]
    assert [code for code, _r, _g in members(tabs)] == ["AT", "CI", "BE", "NE"]
    assert [code for code, _r, _g in members(pipes)] == ["AT", "TD", "BE", "NE"]


def test_grouped_members_under_their_headings():
    text = (
        "Members\n5 Members (2 EU Member States and 3 Non-EU Member States)\n"
        "EU Member States\n- Austria\n- Spain\n"
        "Non-EU Member States:\n- Morocco\n- Tunisia\n- Senegal"
    )

    parsed, report = parse_page(build(replace={"members": text}))

    assert [(c.code, c.group) for c in parsed.member_states] == [
        ("AT", "EU"),
        ("ES", "EU"),
        ("MA", "Non-EU"),
        ("TN", "Non-EU"),
        ("SN", "Non-EU"),
    ]
    assert not report.of_kind(kinds.COUNT)


def test_a_two_column_table_with_a_group_per_column():
    text = (
        "Members\nCountries of origin\tCountries of destination\nGhana\tSpain\nSenegal\tItaly\nMali"
    )

    parsed, _report = parse_page(build(replace={"members": text}))

    assert [(c.code, c.group) for c in parsed.member_states] == [
        ("GH", "Countries of origin"),
        ("ES", "Countries of destination"),
        ("SN", "Countries of origin"),
        ("IT", "Countries of destination"),
        ("ML", ""),
    ]


def test_groups_stated_in_the_header_are_given_from_known_memberships():
    text = (
        "Members\n4 Members (2 AU Member States and 2 EU Member States)\n"
        "Austria\nGhana\nSpain\nMali"
    )

    parsed, report = parse_page(build(replace={"members": text}))

    assert [(c.code, c.group) for c in parsed.member_states] == [
        ("AT", "EU"),
        ("GH", "AU"),
        ("ES", "EU"),
        ("ML", "AU"),
    ]
    assert report.findings == []


def test_footnotes_and_notes_on_suspended_and_former_members():
    text = (
        "Members\n- Ghana\n- Mali*\n- Guinea (suspended since 2021)\n- Togo (former member)\n"
        "- Senegal (1)\n* Membership suspended in 2022\n(1) Joined in 2019"
    )

    parsed, report = parse_page(build(replace={"members": text}))

    assert [(c.code, c.role, c.note) for c in parsed.countries if c.role != "observer"] == [
        ("GH", "member", ""),
        ("ML", "suspended", "Membership suspended in 2022"),
        ("GN", "suspended", "suspended since 2021"),
        ("SN", "member", "Joined in 2019"),
    ]
    assert [f.message for f in report.of_kind(kinds.NOT_IMPORTED)] == [
        "Togo (former member) is a former participant, so it was not imported"
    ]


def test_member_organisations_among_or_after_the_states():
    text = (
        "Member States (2 States)\nGhana\nMali\n"
        "Member Organizations (1 organization)\nEconomic Community of West African States (ECOWAS)"
    )

    parsed, report = parse_page(build(replace={"members": text}))

    assert [c.code for c in parsed.member_states] == ["GH", "ML"]
    assert [(o.name, o.acronym) for o in parsed.member_organisations] == [
        ("Economic Community of West African States", "ECOWAS")
    ]
    assert report.findings == []


def test_a_page_with_no_members():
    parsed, report = parse_page(build(without=["members"]))

    assert parsed.member_states == [] and "members" not in parsed.parts
    assert report.findings == []


def test_members_under_discussion_is_an_empty_list_not_a_name():
    parsed, report = parse_page(build(replace={"observers": "Observer States\nUnder discussion"}))

    assert parsed.observer_states == [] and "observers" in parsed.parts
    assert report.findings == []


# --- The report --------------------------------------------------------------------------------


def test_duplicates_are_merged_and_reported():
    text = "Members\n- Ghana\n- Mali\n- Ghana\n- Ghana"

    parsed, report = parse_page(build(replace={"members": text}))

    assert [c.code for c in parsed.member_states] == ["GH", "ML"]
    assert findings(report) == [
        (kinds.DUPLICATE, "Ghana is listed twice; merged"),
        (kinds.DUPLICATE, "Ghana is listed twice; merged"),
    ]


def test_a_name_that_is_not_a_country_comes_with_a_suggestion_and_stops_the_import():
    parsed, report = parse_page(build(replace={"members": "Members\n- Ghana\n- Senegall"}))

    [finding] = report.of_kind(kinds.UNKNOWN_NAME)
    assert finding.message == "“Senegall” is not a country: did you mean “Senegal”?"
    assert finding.blocking and finding.suggestion == "SN"
    assert report.blocking() == [finding]
    assert report.blocking(accept_suggestions=True) == []
    assert parsed.member_states[1].code is None


def test_a_name_without_any_suggestion_is_reported_too():
    _parsed, report = parse_page(
        build(replace={"members": "Members\n- Ghana\n- Atlantis Republic"})
    )

    [finding] = report.of_kind(kinds.UNKNOWN_NAME)
    assert finding.message == (
        "“Atlantis Republic” is not a country, and no country's name is close to it"
    )
    assert finding.suggestion == ""


def test_stated_counts_that_disagree_with_the_lists_are_warnings():
    text = "Members\n5 Members (2 EU Member States and 2 AU Member States)\nAustria\nSpain\nGhana"

    parsed, report = parse_page(build(replace={"members": text}))

    assert findings(report) == [
        (kinds.COUNT, "The page states 5 members but lists 3"),
        (kinds.COUNT, "The groups add up to 4 (2 EU + 2 AU), not the 5 stated"),
        (kinds.COUNT, "The page states 2 AU member states but lists 1"),
    ]
    assert report.blocking() == []
    assert len(parsed.member_states) == 3


def test_editorial_markers_are_removed_and_reported():
    page = build(
        replace={
            "objectives": "Objectives\nThe SDM [AB12] is a forum.[pic]",
            "members": "Members\n- Ghana[KG1]",
        }
    )

    parsed, report = parse_page(page)

    assert parsed.objectives == "The SDM is a forum."
    assert [c.code for c in parsed.member_states] == ["GH"]
    assert [(f.section, f.message) for f in report.of_kind(kinds.MARKER)] == [
        ("Objectives", "Editorial marker “[AB12]” removed"),
        ("Objectives", "Editorial marker “[pic]” removed"),
        ("Members", "Editorial marker “[KG1]” removed"),
    ]


def test_ceased_organisations_are_reported():
    page = build(
        replace={"observers": "Observer Organizations\n- Organisation of African Unity (OAU)"}
    )

    _parsed, report = parse_page(page)

    assert findings(report) == [
        (
            kinds.CEASED,
            "Organisation of African Unity (OAU) ceased to exist in 2002; its successor is the "
            "African Union (AU)",
        )
    ]


def test_the_report_reads_as_text_with_headings_and_quotes():
    _parsed, report = parse_page(
        build(replace={"members": "Members\n- Ghana\n- Ghana\n- Senegall"})
    )

    assert report.lines() == [
        "Names that are not countries (1):",
        # The line is the page's: Senegall is its 21st line.
        "  - Members, line 21: “Senegall” is not a country: did you mean “Senegal”?",
        "Duplicates merged (1):",
        "  - Members: Ghana is listed twice; merged",
    ]


# --- Meetings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title", "start", "end", "precision", "city", "country"),
    [
        ("4th Sample- Region summit, Brussels, April 02-03, 2014", "4th Sample-Region Summit",
         "2014-04-02", "2014-04-03", "day", "Brussels", "BE"),
        ("Sample Summit “Adoption of the Plan, which covers 2011–2013,” 29–30 November 2010, "
         "Tripoli, Libya", "Sample Summit “Adoption of the Plan, which covers 2011–2013”",
         "2010-11-29", "2010-11-30", "day", "Tripoli", "LY"),
        ("2nd Sample Summit, Lisbon, Portugal, 8 December – 9 December 2007", "2nd Sample Summit",
         "2007-12-08", "2007-12-09", "day", "Lisbon", "PT"),
        ("1st Sample Summit, Cairo, Egypt, April 2000", "1st Sample Summit", "2000-04-01", None,
         "month", "Cairo", "EG"),
        ("Expert Meeting on Labour Mobility, Dubai, UAE, May 11-12, 2016",
         "Expert Meeting on Labour Mobility", "2016-05-11", "2016-05-12", "day", "Dubai", "AE"),
        ("Annual Conference, September 17, 2020, Virtual Event", "Annual Conference",
         "2020-09-17", None, "day", "Virtual Event", ""),
        ("3–4 May 2019, Accra, Ghana, Workshop on Data, Statistics and Research",
         "Workshop on Data, Statistics and Research", "2019-05-03", "2019-05-04", "day",
         "Accra", "GH"),
        ("Regional Workshop, 30 November – 2 December 2010, Abuja, Nigeria", "Regional Workshop",
         "2010-11-30", "2010-12-02", "day", "Abuja", "NG"),
        ("Réunion ministérielle, Rabat, Maroc, 2-3 avril 2014", "Réunion ministérielle",
         "2014-04-02", "2014-04-03", "day", "Rabat", "MA"),
        ("Senior Officials Meeting, Sampletown, Ghana, 2015", "Senior Officials Meeting",
         "2015-01-01", None, "year", "Sampletown", "GH"),
    ],
)  # fmt: skip
def test_meetings_in_any_order_of_fields_and_any_date_style(
    line, title, start, end, precision, city, country
):
    parsed, report = parse_page(build(replace={"meetings": f"Meetings\n- {line}"}))

    [meeting] = parsed.meetings
    assert meeting.title == title
    assert meeting.dates.start == datetime.date.fromisoformat(start)
    assert meeting.dates.end == (datetime.date.fromisoformat(end) if end else None)
    assert meeting.dates.precision == precision
    assert (meeting.city, meeting.country or "") == (city, country)
    assert report.findings == []


def test_a_line_without_a_date_is_not_a_meeting_and_is_reported():
    text = "Recent Meetings:\n- Sample Summit, Accra, Ghana, 3 May 2019\nSee the archive for more."

    parsed, report = parse_page(build(replace={"meetings": text}, extra=["Established: 2005"]))

    assert len(parsed.meetings) == 1
    assert [f.quote for f in report.of_kind(kinds.UNPLACED)] == ["See the archive for more."]


# --- Pages cut off, French pages -------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_part", "tail", "kept"),
    [
        ("members", "Members\n- Ghana\n- Mali\n- Burk", ["GH", "ML"]),
        ("focus", "Current Focus\n- border management\n- labour migr", ["border management"]),
        (
            "objectives",
            "Objectives\nThe SDM is a forum. It meets every year and rep",
            "The SDM is a forum.",
        ),
        ("meetings", "Meetings\n- Sample Summit, Accra, Ghana, 3 May 2019\n- Previous M", 1),
    ],
)
def test_a_page_cut_off_mid_word(last_part, tail, kept):
    order = [name for name in ORDER if name != last_part] + [last_part]
    text = build(order=order, replace={last_part: tail}).rstrip("\n")

    parsed, report = parse_page(text)

    [cut] = report.of_kind(kinds.CUT_OFF)
    assert cut.message.startswith("The page ends in the middle of")
    assert report.blocking() == []
    if last_part == "members":
        assert [c.code for c in parsed.member_states] == kept
    elif last_part == "focus":
        assert parsed.focus_areas == kept
    elif last_part == "objectives":
        assert parsed.objectives == kept
    else:
        assert len(parsed.meetings) == kept


FRENCH_PAGE = """Dialogue d'exemple sur la migration (DEM)
Type : Processus consultatif régional sur la migration (région couverte : Afrique de l'Ouest)
Créé en 2003
Objectifs
Le Dialogue d'exemple sur la migration est un forum où les ministères échangent leurs pratiques.
Domaines d'intervention
- gestion des frontières
- migration de main-d'œuvre
Présidence actuelle : Sénégal (2022)
États membres
- Sénégal
- Côte d'Ivoire
- Guinée
- Maroc
États observateurs
- Suisse
Organisations observatrices
- Organisation internationale pour les migrations (OIM)
Secrétariat
Pas de secrétariat officiel. Le pays qui préside assure le soutien technique.
Réunions
- Réunion ministérielle, Dakar, Sénégal, 2-3 avril 2014
"""


def test_a_french_page_is_read_by_its_french_labels():
    parsed, report = parse_page(FRENCH_PAGE)

    assert report.findings == []
    assert (parsed.name, parsed.acronym) == ("Dialogue d'exemple sur la migration", "DEM")
    assert (parsed.kind, parsed.established) == ("rcp", 2003)
    assert parsed.objectives.startswith("Le Dialogue d'exemple")
    assert parsed.focus_areas == ["gestion des frontières", "migration de main-d'œuvre"]
    assert [(c.country, str(c.dates), c.tenure) for c in parsed.chairs] == [
        ("SN", "2022", "current")
    ]
    assert [c.code for c in parsed.member_states] == ["SN", "CI", "GN", "MA"]
    assert [c.code for c in parsed.observer_states] == ["CH"]
    assert [o.acronym for o in parsed.observer_organisations] == ["OIM"]
    assert parsed.has_official_secretariat is False
    assert parsed.secretariat == "Le pays qui préside assure le soutien technique."
    assert [(m.title, m.city, m.country) for m in parsed.meetings] == [
        ("Réunion ministérielle", "Dakar", "SN")
    ]


def test_a_page_without_a_name_stops_with_a_clear_problem():
    page = build(without=["title", "objectives"])

    parsed, report = parse_page(page)

    assert parsed.name == ""
    [problem] = report.blocking(accept_suggestions=True)
    assert "give the name" in problem.message


# --- Writing profiles ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_import_creates_a_draft_profile_with_every_part():
    outcome = import_text(build(navigation=True))

    process = outcome.process
    assert outcome.created
    assert (process.name, process.acronym, process.slug, process.status) == (
        "Sample Dialogue on Migration",
        "SDM",
        "sample-dialogue-on-migration",
        "draft",
    )
    assert [r.name for r in process.regions.all()] == ["West Africa"]
    assert [o.acronym for o in process.associated_organisations.all()] == ["ECOWAS"]
    assert sorted(p.country.code for p in process.participations.all()) == [
        "FR",
        "GH",
        "ML",
        "SN",
        "TG",
    ]
    assert [
        (link.organisation.name, link.role, link.position)
        for link in process.organisation_roles.all()
    ] == [
        ("International Organization for Migration", "observer", 1),
        ("Sample Research Network", "observer", 2),
    ]
    assert [area.name for area in process.focus_areas] == [
        "border management",
        "labour migration",
        "diaspora engagement",
    ]
    assert sorted((c.country.code, c.dates_display) for c in process.chairs.all()) == [
        ("GH", "2021"),
        ("ML", "2016\u20132017"),
        ("SN", "2018\u20132020"),
    ]
    assert [m.dates_display for m in process.meetings_newest_first] == [
        "3\u20134 May 2019",
        "April 2017",
    ]


@pytest.mark.django_db
def test_a_dry_run_writes_nothing():
    before = database_snapshot()

    outcome = import_text(build(), dry_run=True)

    assert outcome.dry_run and outcome.created
    assert outcome.legacy_import is None
    assert database_snapshot() == before


@pytest.mark.django_db
def test_re_importing_updates_the_profile_instead_of_creating_another():
    import_text(build())
    changed = build(
        replace={"members": "Members\n- Ghana\n- Niger", "established": "Established: 2006"}
    )

    outcome = import_text(changed)

    process = Process.objects.get()
    assert not outcome.created and outcome.process == process
    assert process.established == 2006
    assert sorted(p.country.code for p in process.participations.filter(role="member")) == [
        "GH",
        "NE",
    ]
    assert LegacyImport.objects.filter(process=process).count() == 2


@pytest.mark.django_db
def test_re_importing_an_unchanged_page_changes_nothing():
    import_text(build())
    process = Process.objects.get()
    version = process.version
    histories = Participation.history.count(), Meeting.history.count(), Process.history.count()

    import_text(build())

    process.refresh_from_db()
    assert process.version == version
    assert (
        Participation.history.count(),
        Meeting.history.count(),
        Process.history.count(),
    ) == histories


@pytest.mark.django_db
def test_a_page_matches_its_profile_by_acronym():
    import_text(build())
    renamed = build(replace={"title": "Sample Migration Dialogue (SDM)"})

    outcome = import_text(renamed)

    assert Process.objects.count() == 1
    assert outcome.process.name == "Sample Dialogue on Migration"
    [note] = outcome.report.of_kind(kinds.NAME)
    assert "“Sample Migration Dialogue”" in note.message


@pytest.mark.django_db
def test_parts_a_page_lacks_are_kept_when_it_updates_a_profile():
    import_text(build())

    import_text(build(without=["observers", "meetings"]))

    process = Process.objects.get()
    assert process.participations.filter(role="observer").count() == 1
    assert process.meetings.count() == 2
    assert process.organisation_roles.count() == 2


@pytest.mark.django_db
def test_an_import_is_one_version_in_the_profile_history():
    import_text(build())

    process = Process.objects.get()
    changesets = {record.changeset for record in process.history.all()}
    changesets |= {r.changeset for r in Participation.history.filter(process_id=process.pk)}
    changesets |= {r.changeset for r in Meeting.history.filter(process_id=process.pk)}
    assert len(changesets) == 1


@pytest.mark.django_db
def test_organisations_are_matched_by_acronym_and_ceased_ones_recorded():
    existing = Organisation.objects.create(
        name="International Organisation for Migration", acronym="IOM"
    )
    page = build(
        replace={
            "observers": "Observer Organizations\n- International Organization for Migration (IOM)"
            "\n- Organisation of African Unity (OAU)"
        }
    )

    outcome = import_text(page)

    links = list(outcome.process.organisation_roles.select_related("organisation"))
    assert links[0].organisation == existing
    oau = links[1].organisation
    assert (oau.ceased_year, oau.succeeded_by.name, oau.succeeded_by.acronym) == (
        2002,
        "African Union",
        "AU",
    )


@pytest.mark.django_db
def test_accepting_suggestions_uses_them_and_never_guesses_otherwise():
    page = build(replace={"members": "Members\n- Ghana\n- Senegall\n- Atlantis Republic"})

    with pytest.raises(ImportRefused):
        import_text(page)
    outcome = import_text(page, accept_suggestions=True)

    assert sorted(p.country.code for p in outcome.process.participations.filter(role="member")) == [
        "GH",
        "SN",
    ]


@pytest.mark.django_db
def test_publishing_on_import():
    outcome = import_text(build(), publish=True, user=COMMAND_LINE)

    assert outcome.process.status == "published"


@pytest.mark.django_db
def test_an_invalid_record_writes_nothing():
    before = database_snapshot()
    page = build(replace={"established": "Established: 2099"})

    with pytest.raises(ImportRefused) as refused:
        import_text(page)

    assert "2099 is in the future" in str(refused.value)
    assert database_snapshot() == before


# --- The command ---------------------------------------------------------------------------


def run_command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_legacy_page", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_the_command_imports_pages_and_prints_their_reports(tmp_path):
    first = tmp_path / "sample.txt"
    first.write_text(build(replace={"members": "Members\n- Ghana\n- Ghana"}), encoding="utf-8")
    second = tmp_path / "french.html"
    second.write_text(as_html(FRENCH_PAGE), encoding="utf-8")

    out, _err = run_command(str(first), str(second), "--publish", "--language", "en")

    assert "Sample Dialogue on Migration (SDM), established 2005" in out
    assert "Duplicates merged (1):" in out
    assert "Members: Ghana is listed twice; merged" in out
    assert "Created the profile “Sample Dialogue on Migration” (Published)." in out
    # Read as English (--language): a French page is otherwise a translation, and the
    # translated pages have their own tests (test_legacy_translations.py).
    assert "Created the profile “Dialogue d'exemple sur la migration” (Published)." in out
    assert Process.objects.filter(status="published").count() == 2


@pytest.mark.django_db
def test_the_command_exits_non_zero_when_a_page_is_not_imported(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(build(), encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text(build(replace={"members": "Members\n- Senegall"}), encoding="utf-8")

    with pytest.raises(CommandError, match="1 of 2 page"):
        run_command(str(bad), str(good))

    assert list(Process.objects.values_list("name", flat=True)) == ["Sample Dialogue on Migration"]


@pytest.mark.django_db
def test_the_command_dry_run_and_name(tmp_path):
    page = tmp_path / "untitled.txt"
    page.write_text(build(without=["title"]), encoding="utf-8")

    out, _err = run_command(str(page), "--dry-run", "--name", "Sample Dialogue (SD)")

    assert "Dry run, nothing written: Would create the profile “Sample Dialogue” (Draft)." in out
    assert not Process.objects.exists()
    with pytest.raises(CommandError, match="single FILE"):
        run_command(str(page), str(page), "--name", "Two pages")


# --- The admin -------------------------------------------------------------------------------

UPLOAD_URL = "/admin/rcp/process/import-legacy-page/"
CONFIRM_URL = "/admin/rcp/process/import-legacy-page/confirm/"


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.django_db
def test_admin_upload_preview_and_confirm(admin_client):
    response = admin_client.get("/admin/rcp/process/")
    assert UPLOAD_URL in response.content.decode()

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "sample.html", as_html(build(replace={"members": "Members\n- Ghana\n- Senegall"})).encode()
    )
    preview = admin_client.post(UPLOAD_URL, {"page_file": upload, "name": ""})

    text = preview.content.decode()
    assert preview.status_code == 200
    assert "Sample Dialogue on Migration" in text
    assert "did you mean “Senegal”?" in text
    assert "This page creates a new profile" in text
    assert not Process.objects.exists()

    refused = admin_client.post(CONFIRM_URL, {"token": token_of(preview)})
    assert refused.status_code == 200
    assert "accept the suggestions" in refused.content.decode()
    assert not Process.objects.exists()

    done = admin_client.post(CONFIRM_URL, {"token": token_of(preview), "accept_suggestions": "on"})

    process = Process.objects.get()
    assert done.status_code == 302 and done.url == f"/admin/rcp/process/{process.pk}/change/"
    assert process.status == "draft"
    assert sorted(p.country.code for p in process.participations.filter(role="member")) == [
        "GH",
        "SN",
    ]
    change_page = admin_client.get(done.url).content.decode()
    assert "Legacy page imports" in change_page
    assert "did you mean “Senegal”? (suggestion accepted)" in change_page


@pytest.mark.django_db
def test_admin_pasted_text_and_a_name(admin_client):
    preview = admin_client.post(
        UPLOAD_URL, {"page_text": build(without=["title"]), "name": "Sample Dialogue"}
    )
    admin_client.post(CONFIRM_URL, {"token": token_of(preview), "publish": "on"})

    process = Process.objects.get()
    assert (process.name, process.status) == ("Sample Dialogue", "published")
    assert LegacyImport.objects.get().source_name == "pasted text"


@pytest.mark.django_db
def test_admin_an_expired_or_foreign_upload_is_not_imported(admin_client):
    response = admin_client.post(CONFIRM_URL, {"token": "no-such-upload"}, follow=True)

    assert "no longer waiting for confirmation" in response.content.decode()
    assert not Process.objects.exists()


def staff_user(django_user_model, *codenames):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.mark.django_db
def test_admin_only_staff_who_may_add_or_change_profiles_import(client, django_user_model):
    client.force_login(staff_user(django_user_model, "view_process"))

    assert client.get(UPLOAD_URL).status_code == 403
    assert client.post(UPLOAD_URL, {"page_text": build()}).status_code == 403


@pytest.mark.django_db
def test_admin_an_editor_imports_drafts_and_cannot_publish(client, django_user_model):
    client.force_login(
        staff_user(django_user_model, "view_process", "add_process", "change_process")
    )

    preview = client.post(UPLOAD_URL, {"page_text": build()})
    assert "Publish the profile" not in preview.content.decode()
    assert (
        client.post(CONFIRM_URL, {"token": token_of(preview), "publish": "on"}).status_code == 403
    )
    client.post(CONFIRM_URL, {"token": token_of(preview)})

    assert Process.objects.get().status == "draft"
    assert LegacyImport.objects.get().user.username == "editor"


# --- IOM's saved pages --------------------------------------------------------------------------

SAVED_PAGES = sorted(LEGACY_PAGES.glob("*.txt")) if LEGACY_PAGES.is_dir() else []


@pytest.mark.skipif(not SAVED_PAGES, reason=f"IOM's saved pages are not in {LEGACY_PAGES}")
@pytest.mark.django_db
def test_every_saved_legacy_page_imports_without_a_crash():
    for path in SAVED_PAGES:
        parsed, report = parse_page(path.read_bytes())
        assert parsed.name, path.name
        outcome = import_profile(parsed, report, accept_suggestions=True, source_name=path.name)
        assert outcome.process.pk, path.name
        assert not report.blocking(accept_suggestions=True), path.name
    assert Process.objects.count() >= 15
    assert LegacyImport.objects.count() == len(SAVED_PAGES)
    assert not ProcessOrganisation.objects.filter(organisation__name="").exists()


SAVED_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sample Dialogue | IOM</title></head>
<body>
<header><a href="#main">Skip to main content</a></header>
<nav><ul><li><a href="/who">Who we are</a></li><li><a href="/work">Our Work</a></li></ul></nav>
<main id="main">
<h1>Sample Dialogue on Migration (SDM)</h1>
<div class="field"><div class="label">Established</div><div class="value">2005</div></div>
<h2>Objectives</h2>
<p>The Sample Dialogue on Migration is a forum where ministries exchange practice.</p>
<h2>Members</h2>
<p>4 Members (2 EU Member States and 2 non-EU Member States)</p>
<table>
<tr><th>EU Member States</th><th>Non-EU Member States</th></tr>
<tr><td>Austria</td><td>Morocco</td></tr>
<tr><td>Spain</td><td>Tunisia</td></tr>
</table>
<h2>Observers</h2>
<h3>Observer Organizations</h3>
<ul><li><p>International Organization for Migration (IOM)</p></li></ul>
<h2>Funding</h2>
<p>Member states contribute every year.</p>
<h2>Meetings</h2>
<ul><li>Ministerial Conference, Vienna, Austria, 2&ndash;3 May 2019</li></ul>
</main>
<footer><p>&copy; IOM</p></footer>
</body></html>
"""


def test_a_saved_html_page_with_headings_tables_and_fields_in_elements():
    parsed, report = parse_page(SAVED_HTML.encode("utf-8"))

    assert (parsed.name, parsed.acronym, parsed.established) == (
        "Sample Dialogue on Migration",
        "SDM",
        2005,
    )
    assert [(c.code, c.group) for c in parsed.member_states] == [
        ("AT", "EU"),
        ("MA", "Non-EU"),
        ("ES", "EU"),
        ("TN", "Non-EU"),
    ]
    assert [o.acronym for o in parsed.observer_organisations] == ["IOM"]
    assert [(m.title, m.city, m.country) for m in parsed.meetings] == [
        ("Ministerial Conference", "Vienna", "AT")
    ]
    assert findings(report) == [
        (kinds.UNPLACED, "“Member states contribute every year.” (a section the profile has no "
         "place for)"),
    ]  # fmt: skip
    assert report.findings[0].section == "Funding"


def test_windows_1252_and_a_byte_order_mark_are_read():
    page = build(replace={"members": "Members\n- Côte d'Ivoire\n- São Tomé and Príncipe"})

    for data in (page.encode("cp1252", errors="replace"), b"\xef\xbb\xbf" + page.encode()):
        parsed, _report = parse_page(data)
        assert parsed.name == "Sample Dialogue on Migration"
        assert [c.code for c in parsed.member_states][:1] == ["CI"]


def test_a_long_rename_history_after_the_year_established_is_reported():
    history = (
        "Established: 1996 (the dialogue has been renamed several times: Sample Directors' "
        "Meeting in 1996, Sample Directors' Conference in 1997, Sample Development Conference "
        "in 2017, Sample Development Community since 2018)"
    )

    parsed, report = parse_page(build(replace={"established": history}))

    assert parsed.established == 1996
    [leftover] = report.of_kind(kinds.UNPLACED)
    assert leftover.quote.startswith("(the dialogue has been renamed several times")
