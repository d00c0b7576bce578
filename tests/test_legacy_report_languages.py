"""The report of a legacy page in the editor's language: a page parsed in French or Spanish
reports its findings (message and section) in that language, with what the page says filled
in, and the report keeps that text when it goes to JSON and back."""

import json

import pytest
from django.utils import translation

from rcp.legacy import report as kinds
from rcp.legacy.parser import parse_page
from rcp.legacy.report import MAX_LISTED, Report
from tests.legacy_pages import as_html, build

#: A page with a count that disagrees, a name that is not a country, a line before the
#: fields and a section the profile has no place for.
PAGE = build(
    replace={
        "title": "Sample Dialogue on Migration (SDM)\nDraft for review",
        "members": "Members\n5 Members\n- Ghana\n- Senegall\n- Mali\n- Togo",
    },
    extra=["Contact Details\nWrite to the secretariat in Abuja."],
)

EXPECTED = {
    "en": [
        (kinds.UNKNOWN_NAME, "Members", "“Senegall” is not a country: did you mean “Senegal”?"),
        (kinds.COUNT, "Members", "The page states 5 members but lists 4"),
        (
            kinds.UNPLACED,
            "Contact Details",
            "“Write to the secretariat in Abuja.” (a section the profile has no place for)",
        ),
        (kinds.UNPLACED, "Page heading", "“Draft for review” (before the profile's fields)"),
    ],
    "fr": [
        (
            kinds.UNKNOWN_NAME,
            "Membres",
            "«\u00a0Senegall\u00a0» n’est pas un pays\u00a0: "
            "vouliez-vous dire «\u00a0Sénégal\u00a0»\u00a0?",
        ),
        (kinds.COUNT, "Membres", "La page annonce 5 membres mais en liste 4"),
        (
            kinds.UNPLACED,
            "Contact Details",
            "«\u00a0Write to the secretariat in Abuja.\u00a0» (une section pour laquelle le profil "
            "n’a pas de place)",
        ),
        (
            kinds.UNPLACED,
            "En-tête de la page",
            "«\u00a0Draft for review\u00a0» (avant les champs du profil)",
        ),
    ],
    "es": [
        (kinds.UNKNOWN_NAME, "Miembros", "“Senegall” no es un país: ¿quería decir “Senegal”?"),
        (kinds.COUNT, "Miembros", "La página indica 5 miembros pero enumera 4"),
        (
            kinds.UNPLACED,
            "Contact Details",
            "“Write to the secretariat in Abuja.” (una sección para la que el perfil no tiene "
            "lugar)",
        ),
        (
            kinds.UNPLACED,
            "Encabezado de la página",
            "“Draft for review” (antes de los campos del perfil)",
        ),
    ],
}


def parsed_in(language: str) -> Report:
    with translation.override(language):
        return parse_page(PAGE)[1]


def findings(report: Report) -> list[tuple[str, str, str]]:
    return [(f.kind, f.section, f.message) for f in report.findings]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_findings_are_in_the_language_of_the_parse(language):
    report = parsed_in(language)

    assert findings(report) == EXPECTED[language]


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_report_keeps_its_language_once_the_editor_reads_in_another(language):
    report = parsed_in(language)

    with translation.override("en"):
        assert findings(report) == EXPECTED[language]
        # The count is on the page's 20th line, said in the report's language.
        where = {"fr": "Membres, ligne 20", "es": "Miembros, línea 20"}[language]
        assert [str(f) for f in report.findings][1] == f"{where}: {EXPECTED[language][1][2]}"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_a_translated_report_goes_to_json_and_comes_back_unchanged(language):
    report = parsed_in(language)

    stored = json.loads(json.dumps(report.to_json()))
    again = Report.from_json(stored)

    assert findings(again) == EXPECTED[language]
    assert again.to_json() == report.to_json()
    assert all(type(f.message) is str and type(f.section) is str for f in report.findings)


@pytest.mark.parametrize(
    ("language", "omitted", "summary"),
    [
        ("en", 1, "… and 1 more of these, not listed (a report lists the first 200)"),
        ("en", 1234, "… and 1,234 more of these, not listed (a report lists the first 200)"),
        ("fr", 1, "… et 1 autre de ce type, non listé (un rapport liste les 200 premiers)"),
        ("fr", 3, "… et 3 autres de ce type, non listés (un rapport liste les 200 premiers)"),
        ("es", 1, "… y 1 más de este tipo, no enumerado (un informe enumera los 200 primeros)"),
        ("es", 3, "… y 3 más de este tipo, no enumerados (un informe enumera los 200 primeros)"),
    ],
)
def test_the_summary_of_findings_not_listed_agrees_with_their_number(language, omitted, summary):
    report = Report()
    with translation.override(language):
        for number in range(MAX_LISTED + omitted):
            report.add(kinds.UNPLACED, f"line {number}", section="Members")
        report.sort()  # the findings are in: the summary is written

    assert len(report) == MAX_LISTED + 1
    assert report.findings[-1].message == summary
    assert report.findings[-1].omitted == omitted


UPLOAD_URL = "/admin/rcp/process/import-legacy-page/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("fr", ["Membres", "La page annonce 5 membres mais en liste 4", "Lignes non classées"]),
        (
            "es",
            ["Miembros", "La página indica 5 miembros pero enumera 4", "Líneas no clasificadas"],
        ),
    ],
)
def test_the_admin_preview_shows_the_findings_in_the_editors_language(
    admin_client, language, shown
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("sample.html", as_html(PAGE).encode())
    preview = admin_client.post(
        UPLOAD_URL, {"page_file": upload, "name": ""}, HTTP_ACCEPT_LANGUAGE=language
    )

    text = preview.content.decode()
    assert preview.status_code == 200
    for expected in shown:
        assert expected in text
    assert "The page states 5 members" not in text
