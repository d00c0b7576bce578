"""French and Spanish profile pages in a real browser (tests/browser.py): axe-core finds no
accessibility violation on a profile read in its language, nor on one whose untranslated texts
read in English; the page says it is in French or Spanish, and says which of its texts are in
English (WCAG 2.1, 3.1.1 and 3.1.2)."""

import datetime

import pytest

from rcp.models import Region

from .browser import axe_violations, visit
from .factories import (
    FocusAreaFactory,
    MeetingFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessFocusAreaFactory,
    ProcessOrganisationFactory,
    iom_in_every_language,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LANGUAGES = {"fr": "/fr", "es": "/es"}
TRANSLATED, PARTLY_TRANSLATED = "/processes/tripoli-process/", "/processes/rabat-process/"


@pytest.fixture
def site(db):
    """The Tripoli Process in three languages, and the Rabat Process with its name, objectives,
    a group and a meeting's city in English only."""
    tripoli = ProcessFactory(
        name="Tripoli Process",
        name_fr="Processus de Tripoli",
        name_es="Proceso de Trípoli",
        slug="tripoli-process",
        objectives="A dialogue between *Africa* and Europe.",
        objectives_fr="Un dialogue entre l'*Afrique* et l'Europe.",
        objectives_es="Un diálogo entre *África* y Europa.",
        secretariat="The African Union Commission.",
        secretariat_fr="La Commission de l'Union africaine.",
        secretariat_es="La Comisión de la Unión Africana.",
    )
    africa = Region.objects.create(name="Africa", name_fr="Afrique", name_es="África")
    tripoli.regions.add(africa)
    iom = iom_in_every_language()
    theme = FocusAreaFactory(
        name="irregular migration", name_fr="migration irrégulière", name_es="migración irregular"
    )
    rabat = ProcessFactory(name="Rabat Process", slug="rabat-process")
    rabat.regions.add(africa)
    for process in (tripoli, rabat):
        complete = process is tripoli
        ProcessOrganisationFactory(process=process, organisation=iom, role="observer")
        ProcessFocusAreaFactory(process=process, focus_area=theme)
        ParticipationFactory(
            process=process, country="MA", group="AU", group_fr="UA", group_es="UA"
        )
        ParticipationFactory(
            process=process,
            country="FR",
            group="EU",
            group_fr="UE" if complete else "",
            group_es="UE" if complete else "",
        )
        MeetingFactory(
            process=process,
            title="Ministerial conference",
            title_fr="Conférence ministérielle",
            title_es="Conferencia ministerial",
            city="Brussels",
            city_fr="Bruxelles" if complete else "",
            city_es="Bruselas" if complete else "",
            country="BE",
            start_date=datetime.date(2006, 11, 22),
        )
    return tripoli


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_violation_on_profiles_in_french_and_spanish(reader, language):
    found = {}
    for path in (TRANSLATED, PARTLY_TRANSLATED):
        visit(reader, LANGUAGES[language] + path)
        assert reader.page.locator("html").get_attribute("lang") == language
        if violations := axe_violations(reader.page):
            found[path] = violations

    assert found == {}
    assert reader.failures == []  # judged with the page's styles


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_translated_profile_marks_nothing_as_english(reader, language):
    visit(reader, LANGUAGES[language] + TRANSLATED)

    assert reader.page.locator("main [lang]").count() == 0
    assert reader.page.locator("main .translation-note").count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_texts_in_english_are_marked_and_the_page_says_it_is_not_fully_translated(reader, language):
    visit(reader, LANGUAGES[language] + PARTLY_TRANSLATED)
    page = reader.page

    english = [text.strip() for text in page.locator("main [lang='en']").all_inner_texts()]
    # "EU" twice: in the Members header and heading its group's list.
    assert english == [
        "Rabat Process",
        "A regional dialogue on migration.",
        "EU",
        "EU",
        "Brussels",
    ]
    # The English text is read as English: the language of its closest element with one.
    heading_language = page.evaluate(
        "document.querySelector('main h1 span').closest('[lang]').getAttribute('lang')"
    )
    assert heading_language == "en"
    assert page.get_by_role("note").is_visible()
