"""The bundled data in English, French and Spanish (fixtures/tripoli-process.json and
fixtures/organisations.json, loaded by ``manage.py load_bundled_profiles``).

The fixtures name each language's column (``name_en``, ``name_fr``, ``name_es``), so loading
them fills the same columns whatever language is active; the Tripoli Process then reads
entirely in French under /fr/ and in Spanish under /es/, and the well-known intergovernmental
organisations carry their official French and Spanish names and acronyms.
"""

import json
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.utils import translation

from rcp.models import Organisation, Process
from rcp.multilingual import (
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGES,
    column,
    is_untranslated,
    translated_fields,
    untranslated_texts,
)

from .conftest import FIXTURES
from .pages import get_page, items, section
from .test_profile_page import PROFILE_PAGE_QUERIES

pytestmark = pytest.mark.django_db

TRIPOLI = FIXTURES / "tripoli-process.json"
ORGANISATIONS = FIXTURES / "organisations.json"

# What each language's page shows of the bundled profile.
PAGES = {
    "fr": {
        "url": "/fr/processes/tripoli-process/",
        "h1": "Processus de Tripoli",
        "focus": "Priorités actuelles",
        "secretariat": "Secrétariat",
        "members": "Membres",
        "observers": "Observateurs",
        "meetings": "Réunions",
        "focus_areas": [
            "souci des droits de l’homme et du bien-être des migrants",
            "ressources humaines et fuite des cerveaux",
            "migration irrégulière",
            "migration et développement",
            "défis de la gestion des migrations",
            "possibilités de migration régulière",
            "paix et sécurité",
            "protection des réfugiés",
            "partage des bonnes pratiques",
        ],
        "secretariat_text": (
            "L’OIM appuie des activités de renforcement des capacités destinées tant aux "
            "institutions de la CEDEAO qu’à ses États membres."
        ),
        "organisations": [
            "Organisation internationale pour les migrations (OIM)",
            "Communauté économique des États de l’Afrique de l’Ouest (CEDEAO)",
            "Haut Commissariat des Nations Unies pour les réfugiés (HCR)",
        ],
        "meetings_list": [
            "4e sommet UE-Afrique, 2–3 avril 2014, Bruxelles, Belgique",
            "Sommet Afrique-UE « Adoption du deuxième plan d’action, couvrant la période "
            "2011–2013 », 29–30 novembre 2010, Tripoli, Libye",
            "2e sommet Afrique-UE, 8–9 décembre 2007, Lisbonne, Portugal",
            "Réunion UE-Union africaine « Déclaration conjointe Afrique-UE sur la migration et "
            "le développement » (« Conférence de Tripoli »), 22–23 novembre 2006, Tripoli, Libye",
            "1er sommet Afrique-UE, avril 2000, Le Caire, Égypte",
        ],
        "groups": ("UA", "UE"),
    },
    "es": {
        "url": "/es/processes/tripoli-process/",
        "h1": "Proceso de Trípoli",
        "focus": "Prioridades actuales",
        "secretariat": "Secretaría",
        "members": "Miembros",
        "observers": "Observadores",
        "meetings": "Reuniones",
        "focus_areas": [
            "preocupación por los derechos humanos y el bienestar de los migrantes",
            "recursos humanos y fuga de cerebros",
            "migración irregular",
            "migración y desarrollo",
            "desafíos de la gestión de la migración",
            "oportunidades de migración regular",
            "paz y seguridad",
            "protección de los refugiados",
            "intercambio de buenas prácticas",
        ],
        "secretariat_text": (
            "La OIM presta apoyo a actividades de fortalecimiento de capacidades dirigidas tanto "
            "a las instituciones de la CEDEAO como a sus Estados miembros."
        ),
        "organisations": [
            "Organización Internacional para las Migraciones (OIM)",
            "Comunidad Económica de los Estados de África Occidental (CEDEAO)",
            "Oficina del Alto Comisionado de las Naciones Unidas para los Refugiados (ACNUR)",
        ],
        "meetings_list": [
            "IV Cumbre UE-África, 2–3 de abril de 2014, Bruselas, Bélgica",
            "Cumbre África-UE «Aprobación del Segundo Plan de Acción, que abarca el período "
            "2011–2013», 29–30 de noviembre de 2010, Trípoli, Libia",
            "II Cumbre África-UE, 8–9 de diciembre de 2007, Lisboa, Portugal",
            "Reunión UE-Unión Africana «Declaración conjunta África-UE sobre Migración y "
            "Desarrollo» («Conferencia de Trípoli»), 22–23 de noviembre de 2006, Trípoli, Libia",
            "I Cumbre África-UE, abril de 2000, El Cairo, Egipto",
        ],
        "groups": ("UA", "UE"),
    },
}

# The organisations' own French and Spanish names and acronyms: (name, acronym) per language.
OFFICIAL_NAMES = {
    "iom": (
        ("Organisation internationale pour les migrations", "OIM"),
        ("Organización Internacional para las Migraciones", "OIM"),
    ),
    "ecowas": (
        ("Communauté économique des États de l’Afrique de l’Ouest", "CEDEAO"),
        ("Comunidad Económica de los Estados de África Occidental", "CEDEAO"),
    ),
    "au": (("Union africaine", "UA"), ("Unión Africana", "UA")),
    "eu": (("Union européenne", "UE"), ("Unión Europea", "UE")),
    "unhcr": (
        ("Haut Commissariat des Nations Unies pour les réfugiés", "HCR"),
        ("Oficina del Alto Comisionado de las Naciones Unidas para los Refugiados", "ACNUR"),
    ),
    "icmpd": (
        ("Centre international pour le développement des politiques migratoires", "ICMPD"),
        ("Centro Internacional para el Desarrollo de Políticas Migratorias", "ICMPD"),
    ),
    "ilo": (
        ("Organisation internationale du Travail", "OIT"),
        ("Organización Internacional del Trabajo", "OIT"),
    ),
    "unodc": (
        ("Office des Nations Unies contre la drogue et le crime", "ONUDC"),
        ("Oficina de las Naciones Unidas contra la Droga y el Delito", "UNODC"),
    ),
}


def load_bundled() -> None:
    call_command("load_bundled_profiles", stdout=StringIO())


def fixture_items(path) -> list[dict]:
    with path.open(encoding="utf-8") as source:
        return json.load(source)


def translations_snapshot() -> dict[str, list[dict]]:
    """Every language column of every translated model, by primary key."""
    snapshot = {}
    for model in apps.get_app_config("rcp").get_models():
        columns = [
            column(field, language)
            for field in translated_fields(model)
            for language in (SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES)
        ]
        if columns:
            snapshot[model._meta.label] = list(model.objects.order_by("pk").values("pk", *columns))
    return snapshot


@pytest.mark.parametrize("language", TRANSLATION_LANGUAGES)
def test_the_bundled_profile_reads_entirely_in_each_language(
    client, language, django_assert_max_num_queries
):
    load_bundled()
    expected = PAGES[language]

    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES):
        page = get_page(client, expected["url"])

    main = page.find("main")
    assert [h1.text for h1 in page.find_all("h1")] == [expected["h1"]]
    assert not main.find_all("p", "translation-note")
    # The one text in English is CONGAD's English name, given beside its French official name.
    assert [element.text for element in main.iter() if "lang" in element.attrs] == [
        "Council of Non-Governmental Development Support"
    ]
    assert items(section(page, expected["focus"]).find("ul")) == expected["focus_areas"]
    assert expected["secretariat_text"] in section(page, expected["secretariat"]).text
    header = section(page, expected["members"]).find("p", "profile__count").text
    union, european = expected["groups"]
    assert re.search(rf"\b53 .*\b{union}\b", header) and re.search(rf"\b28 .*{european}\b", header)
    assert not re.search(r"\b(AU|EU)\b", header)
    observers = items(section(page, expected["observers"]).find("ul", "organisation-list"))
    assert set(expected["organisations"]) <= set(observers)
    assert items(section(page, expected["meetings"]).find("ul")) == expected["meetings_list"]
    assert "Tripoli Process" not in main.text


@pytest.mark.parametrize("language", TRANSLATION_LANGUAGES)
def test_no_text_of_the_bundled_profile_is_left_untranslated(language):
    load_bundled()
    process = Process.objects.for_profile_page().get(slug="tripoli-process")

    assert process.participations.count() == 82
    assert untranslated_texts(process, language) == []


@pytest.mark.parametrize("slug", sorted(OFFICIAL_NAMES))
def test_well_known_organisations_carry_their_official_french_and_spanish_names(slug):
    load_bundled()
    organisation = Organisation.objects.get(slug=slug)
    french, spanish = OFFICIAL_NAMES[slug]

    assert (organisation.name_fr, organisation.acronym_fr) == french
    assert (organisation.name_es, organisation.acronym_es) == spanish


def test_every_bundled_organisation_is_named_in_every_language():
    load_bundled()
    organisations = list(Organisation.objects.all())

    assert len(organisations) == 15 + len(fixture_items(ORGANISATIONS))
    untranslated = [
        (organisation.slug, field, language)
        for organisation in organisations
        for field in translated_fields(Organisation)
        for language in TRANSLATION_LANGUAGES
        if is_untranslated(organisation, field, language)
    ]
    assert untranslated == []


def test_the_organisation_page_of_iom_reads_oim_in_french_and_spanish(client):
    load_bundled()

    french = get_page(client, "/fr/organisations/iom/")
    spanish = get_page(client, "/es/organisations/iom/")

    assert french.find("h1").text == "Organisation internationale pour les migrations (OIM)"
    assert spanish.find("h1").text == "Organización Internacional para las Migraciones (OIM)"


def test_loading_under_another_language_fills_the_same_columns():
    """A fixture naming only ``name`` would fill the active language's column (French here)."""
    with translation.override("fr"):
        load_bundled()

    process = Process.objects.get(slug="tripoli-process")
    iom = Organisation.objects.get(slug="iom")
    assert (process.name_en, process.name_fr, process.name_es) == (
        "Tripoli Process",
        "Processus de Tripoli",
        "Proceso de Trípoli",
    )
    assert (iom.acronym_en, iom.acronym_fr, iom.acronym_es) == ("IOM", "OIM", "OIM")
    assert process.meetings.filter(city_en="Brussels", city_fr="Bruxelles").exists()


def test_loading_the_bundled_data_again_changes_no_translation():
    load_bundled()
    before = translations_snapshot()

    call_command("loaddata", str(ORGANISATIONS), str(TRIPOLI), verbosity=0)

    assert translations_snapshot() == before


def test_the_bundled_organisations_are_valid_and_distinct_from_the_profiles():
    load_bundled()
    profile_slugs = {
        item["fields"]["slug"]
        for item in fixture_items(TRIPOLI)
        if item["model"] == "rcp.organisation"
    }
    with ORGANISATIONS.open(encoding="utf-8") as source:
        deserialized = list(serializers.deserialize("json", source))

    for item in deserialized:
        organisation = item.object
        organisation._state.adding = False  # the loaded row: unique names checked against others
        organisation.full_clean()
    assert not profile_slugs & {item.object.slug for item in deserialized}
    # An acronym names one organisation in each language, so an import finds the right one.
    for language in (SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES):
        acronyms = [
            acronym
            for acronym in Organisation.objects.values_list(column("acronym", language), flat=True)
            if acronym
        ]
        assert len(acronyms) == len(set(acronyms)), language
