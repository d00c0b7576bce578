"""The interface in French and Spanish: the committed catalogues (locale/*/LC_MESSAGES/django.po)
are complete, keep every placeholder, and cover every string the code and templates mark for
translation; the .mo files compile without GNU gettext; and pages under /fr/ and /es/ read in
their language, with a language switcher and hreflang alternates.

A failure of test_every_marked_string_is_in_the_catalogues means a string was added or changed:
run `.venv/bin/python manage.py makemessages -l fr -l es --ignore=.venv --ignore=staticfiles
--ignore=tests --ignore=bench`, translate the new entries (and clear any "fuzzy" flag) in both
.po files, then `make test` compiles them.
"""

import ast
import datetime
import io
import re
import tokenize
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation.template import templatize

from rcp.dates import format_date_range
from rcp.management.commands.compile_translations import catalogues, compile_catalogue

from .factories import MeetingFactory, ParticipationFactory, ProcessFactory
from .pages import Element, facts, get_page, h2_texts, items, navigation_items, section

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
TRANSLATED = ["fr", "es"]
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "es": "nplurals=2; plural=(n != 1);"}
PREFIXES = {"en": "", "fr": "/fr", "es": "/es"}
SPELT_THE_SAME = {
    "fr": {
        "F Y",
        "j F",
        "j F Y",
        "Type",
        "type",
        "Association",
        "Action",
        "version",
        "position",
        "page",
        "organisation",
        "organisations",
        "Organisations",
        "Note",
        "source",
        "%(field)s (%(language)s)",
        "Page",
        "Pages",
        # The membership matrix's abbreviations of Member, Observer and Suspended member.
        "M",
        "O",
        "S",
    },
    # "no" in an answer; a field's name and what was dropped, joined by a colon.
    # A quoted line of a legacy page, and with why it was not placed.
    "es": {
        "no",
        "%(field)s: %(dropped)s.",
        "%(field)s (%(language)s)",
        "“%(line)s” (%(why)s)",
        "“%(line)s”",
        "M",
        "O",
        "S",
    },
}
# What makemessages reads (the Makefile's and the README's command): not these folders.
NOT_SCANNED = {".venv", "staticfiles", "tests", "bench", "node_modules", ".git"}

# printf-style placeholders: %(name)s, %d, %s, ... ("%%" is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> Counter:
    return Counter(found for found in PLACEHOLDER.findall(text) if found != "%%")


# --- The catalogues -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalogue_is_complete_with_no_fuzzy_or_obsolete_entry(language):
    po = catalogue(language)

    assert len(po) > 300
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert [entry.msgid for entry in po.obsolete_entries()] == []
    # No translation left as a copy of the English, but for words spelt the same in both
    # languages and the date formats French writes as English does.
    same = {entry.msgid for entry in po if entry.msgstr == entry.msgid}
    assert same <= SPELT_THE_SAME[language]


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalogue_declares_its_language_and_plural_rule(language):
    po = catalogue(language)

    assert po.metadata["Language"] == language
    assert po.metadata["Plural-Forms"] == PLURAL_FORMS[language]
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder_of_the_english(language):
    wrong = []
    for entry in catalogue(language):
        if entry.msgid_plural:
            # Each form keeps the placeholders of the English plural (the singular may spell
            # out the count, but here every form keeps it).
            english = placeholders(entry.msgid_plural)
            assert placeholders(entry.msgid) <= english
            translations = list(entry.msgstr_plural.values())
            assert len(translations) == 2, entry.msgid
        else:
            english = placeholders(entry.msgid)
            translations = [entry.msgstr]
        for translated in translations:
            if placeholders(translated) != english:
                wrong.append((entry.msgid, translated))
        # Template placeholders would show as typed: none may reach a translation.
        for translated in translations:
            if "{{" in translated or "{%" in translated:
                wrong.append((entry.msgid, translated))
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_french_and_spanish_use_their_own_typography(language):
    po = catalogue(language)
    texts = [entry.msgstr for entry in po] + [
        form for entry in po for form in entry.msgstr_plural.values()
    ]
    if language == "fr":
        # A no-break space before a colon and inside guillemets; never a plain space.
        assert not [text for text in texts if re.search(r" [:;?!»]|« ", text)]
        assert any("\u00a0:" in text for text in texts)
    else:
        # Spanish opens questions with ¿.
        assert all("¿" in text for text in texts if text.endswith("?"))


def marked_in_python(path: Path) -> set[tuple[str, str]]:
    """(context, msgid) of each gettext call with literal arguments, as xgettext finds them."""
    found = set()
    singular = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
    with_context = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        if name in singular and args and isinstance(args[0], str):
            found.add(("", args[0]))
        elif name in with_context and len(args) > 1 and all(isinstance(a, str) for a in args[:2]):
            found.add((args[0], args[1]))
    return found


def marked_in_template(path: Path) -> set[tuple[str, str]]:
    """The same for a template, through Django's own conversion for xgettext (templatize)."""
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found = set()
    tokens = [
        t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type != tokenize.NL
    ]
    for index, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or tokens[index + 1].string != "(":
            continue
        # The literal arguments: STRING, then "," and another STRING, and so on.
        strings, position = [], index + 2
        while position < len(tokens) and tokens[position].type == tokenize.STRING:
            strings.append(ast.literal_eval(tokens[position].string))
            if tokens[position + 1].string != ",":
                break
            position += 2
        if token.string in {"_", "gettext", "ngettext"} and strings:
            found.add(("", strings[0]))
        elif token.string in {"pgettext", "npgettext"} and len(strings) > 1:
            found.add((strings[0], strings[1]))
    return found


def project_files(suffix: str) -> list[Path]:
    return [
        path
        for path in BASE_DIR.rglob(f"*{suffix}")
        if not NOT_SCANNED & set(path.relative_to(BASE_DIR).parts[:-1])
    ]


def test_every_marked_string_is_in_the_catalogues():
    marked = {}
    for path in project_files(".py"):
        for key in marked_in_python(path):
            marked.setdefault(key, path.relative_to(BASE_DIR))
    for path in project_files(".html") + project_files(".txt"):
        for key in marked_in_template(path):
            marked.setdefault(key, path.relative_to(BASE_DIR))
    assert len(marked) > 300  # the scan found the interface

    for language in TRANSLATED:
        known = {(entry.msgctxt or "", entry.msgid) for entry in catalogue(language)}
        missing = sorted(
            f"{where}: {key[1]!r}" for key, where in marked.items() if key not in known
        )
        assert missing == [], f"not in locale/{language}: run makemessages and translate them"


def test_the_catalogues_compile_without_gnu_gettext(tmp_path):
    """compile_translations writes .mo files that Python's gettext reads back."""
    import gettext

    for language in TRANSLATED:
        po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
        mo_path = tmp_path / f"{language}.mo"
        count = compile_catalogue(po_path, mo_path)
        assert count == len(catalogue(language).translated_entries())
        with mo_path.open("rb") as mo:
            compiled = gettext.GNUTranslations(mo)
        assert compiled.gettext("Members") == {"fr": "Membres", "es": "Miembros"}[language]
        assert (
            compiled.ngettext("%(counter)s process", "%(counter)s processes", 1)
            == {
                "fr": "%(counter)s processus",
                "es": "%(counter)s proceso",
            }[language]
        )
        # French puts 0 in the singular, Spanish in the plural.
        assert (
            compiled.ngettext("%(count)d Member", "%(count)d Members", 0)
            == {
                "fr": "%(count)d membre",
                "es": "%(count)d miembros",
            }[language]
        )


def test_compile_translations_compiles_only_outdated_catalogues():
    found = catalogues(settings.LOCALE_PATHS)
    assert {path.parent.parent.name for path in found} == set(TRANSLATED)

    call_command("compile_translations", verbosity=0)  # whatever was outdated
    output = io.StringIO()
    call_command("compile_translations", stdout=output)
    assert output.getvalue().strip() == (
        f"Translations: 0 catalogue(s) compiled, {len(found)} already up to date."
    )
    for path in found:
        assert path.with_suffix(".mo").stat().st_mtime >= path.stat().st_mtime


# --- Pages in French and Spanish ----------------------------------------------------------------


def visible_text(page: Element) -> str:
    """The page's text, white space (no-break spaces included) collapsed to single spaces."""
    return page.find("body").text


def interface_strings(language: str) -> dict[str, str]:
    """English interface strings of two words or more (no placeholder) and their translation."""
    return {
        entry.msgid: entry.msgstr
        for entry in catalogue(language)
        if not entry.msgid_plural
        and " " in entry.msgid
        and not placeholders(entry.msgid)
        and "{" not in entry.msgid
        and entry.msgstr != entry.msgid
    }


def page_urls(process) -> list[str]:
    return [
        "/",
        f"/processes/{process.slug}/",
        "/countries/",
        "/countries/ma/",
        "/search/?q=Morocco",
        "/data/",
    ]


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_english_interface_string_is_left_on_a_translated_page(client, tripoli, language):
    english = interface_strings(language)
    for url in page_urls(tripoli):
        with translation.override("en"):
            page = get_page(client, PREFIXES[language] + url)
        text = visible_text(page)
        left = sorted(msgid for msgid in english if msgid in text)
        # The profile's own data (objectives, names) is in English: none of it is an interface
        # string, so whatever is found here was not translated.
        assert left == [], f"{PREFIXES[language]}{url}"
        assert page.find("html").attrs["lang"] == language


def test_a_profile_in_french_has_french_headings_facts_and_country_names(client, tripoli):
    with translation.override("en"):
        page = get_page(client, "/fr/processes/tripoli-process/")

    assert h2_texts(page) == [
        "Objectifs",
        "Priorités actuelles",
        "Secrétariat",
        "Membres",
        "Observateurs",
        "Réunions",
    ]
    # The page text collapses white space; the HTML has a no-break space before each colon.
    assert facts(page) == ["Année de création : 2001"]
    with translation.override("en"):
        html = client.get("/fr/processes/tripoli-process/").content.decode()
    assert "Année de création\u00a0: 2001" in html
    members = section(page, "Membres")
    assert members.find("p", "profile__count").text == (
        "81 membres (53 États membres UA et 28 États membres UE)"
    )
    african_union, european_union = (items(ul) for ul in members.find_all("ul", "country-list"))
    assert "Maroc" in african_union
    assert "Morocco" not in african_union + european_union
    assert african_union[:3] == ["Afrique du Sud", "Algérie", "Angola"]
    assert european_union[:3] == ["Allemagne", "Autriche", "Belgique"]
    observers = section(page, "Observateurs")
    assert [h3.text for h3 in observers.find_all("h3")] == [
        "États observateurs",
        "Organisations observatrices",
    ]
    assert items(observers.find("ul")) == ["Suisse"]
    assert "(a cessé d'exister en 2002)" in observers.text
    assert "Pas de secrétariat officiel." in section(page, "Secrétariat").text
    assert "Les domaines de discussion comprennent notamment :" in (
        section(page, "Priorités actuelles").text
    )
    assert page.find("p", "profile__updated").text.startswith("Dernière mise à jour :")
    assert navigation_items(page)[:3] == ["Qui sommes-nous", "Notre action", "Ce que nous faisons"]
    assert page.find("a", "skip-link").text == "Aller au contenu principal"


def test_a_profile_in_spanish_reads_in_spanish(client, tripoli):
    with translation.override("en"):
        page = get_page(client, "/es/processes/tripoli-process/")

    assert h2_texts(page) == [
        "Objetivos",
        "Prioridades actuales",
        "Secretaría",
        "Miembros",
        "Observadores",
        "Reuniones",
    ]
    assert facts(page) == ["Año de creación: 2001"]
    members = section(page, "Miembros")
    assert members.find("p", "profile__count").text == (
        "81 miembros (53 Estados miembros UA y 28 Estados miembros UE)"
    )
    assert "Marruecos" in items(members.find("ul"))
    assert navigation_items(page)[:3] == ["Quiénes somos", "Nuestro trabajo", "Qué hacemos"]


def test_the_home_page_in_spanish(client, tripoli):
    tripoli.kind = "rcp"
    tripoli.save()
    with translation.override("en"):
        page = get_page(client, "/es/")

    assert page.find("html").attrs["lang"] == "es"
    assert page.find("h1").text == "Procesos Consultivos Regionales sobre Migración"
    assert page.find("title").text == "Procesos Consultivos Regionales sobre Migración | OIM"
    card = page.find("li", "process-list__item")
    assert "Tipo: Proceso Consultivo Regional" in card.text
    assert "81 miembros" in card.text
    labels = [label.text for label in page.find("form", "filters").find_all("label")]
    assert labels == ["Tipo", "Región"]
    assert page.find("footer").find("p").text == (
        "Perfiles de los diálogos sobre migración, actualizados por la Organización "
        "Internacional para las Migraciones (OIM)."
    )


def test_choices_and_counts_follow_the_language(client, db):
    process = ProcessFactory(kind="interregional", activity="dormant")
    for code in ["MA", "SN"]:
        ParticipationFactory(process=process, country=code)
    with translation.override("en"):
        french = get_page(client, f"/fr/processes/{process.slug}/")
        spanish = get_page(client, f"/es/processes/{process.slug}/")
        country = get_page(client, "/fr/countries/sn/")

    assert "Type : Forum interrégional" in facts(french)
    assert "Statut : En sommeil" in facts(french)
    assert "Tipo: Foro interregional" in facts(spanish)
    assert "Estado: Inactivo" in facts(spanish)
    assert country.find("h1").text == "Sénégal"
    assert "Sénégal participe à 1 processus." in country.find("main").text


def test_meeting_dates_are_written_as_each_language_writes_them(client, db):
    process = ProcessFactory()
    MeetingFactory(
        process=process,
        title="Réunion ministérielle",
        start_date=datetime.date(2014, 4, 2),
        end_date=datetime.date(2014, 4, 3),
        city="Rabat",
        country="MA",
    )
    with translation.override("en"):
        pages = {
            language: get_page(client, f"{prefix}/processes/{process.slug}/")
            for language, prefix in PREFIXES.items()
        }

    meetings = {
        language: items(page.find("ul", "meeting-list")) for language, page in pages.items()
    }
    assert meetings == {
        "en": ["Réunion ministérielle, 2\u20133 April 2014, Rabat, Morocco"],
        "fr": ["Réunion ministérielle, 2\u20133 avril 2014, Rabat, Maroc"],
        "es": ["Réunion ministérielle, 2\u20133 de abril de 2014, Rabat, Marruecos"],
    }
    with translation.override("es"):
        assert format_date_range(datetime.date(2000, 4, 1), None, "month") == "abril de 2000"


# --- The language switcher and hreflang alternates ----------------------------------------------


@pytest.mark.parametrize("current", ["en", "fr", "es"])
def test_the_language_switcher_links_each_page_to_its_other_languages(client, tripoli, current):
    for path in ["/", "/processes/tripoli-process/", "/countries/", "/countries/ma/", "/data/"]:
        with translation.override("en"):
            page = get_page(client, PREFIXES[current] + path)

        switcher = page.find("nav", "site-languages")
        label = {"en": "Language", "fr": "Langue", "es": "Idioma"}[current]
        assert switcher.attrs["aria-label"] == label
        links = switcher.find_all("a")
        assert [(a.text, a.attrs["href"], a.attrs["hreflang"], a.attrs["lang"]) for a in links] == [
            ("English", path, "en", "en"),
            ("Français", "/fr" + path, "fr", "fr"),
            ("Español", "/es" + path, "es", "es"),
        ], path
        assert [a.attrs["hreflang"] for a in links if a.attrs.get("aria-current")] == [current]

        alternates = {
            link.attrs["hreflang"]: link.attrs["href"]
            for link in page.find("head").find_all("link")
            if link.attrs.get("rel") == "alternate" and "hreflang" in link.attrs
        }
        assert alternates == {
            "en": "http://testserver" + path,
            "fr": "http://testserver/fr" + path,
            "es": "http://testserver/es" + path,
            "x-default": "http://testserver" + path,
        }, path


def test_a_page_not_found_under_fr_is_in_french(client, db):
    with translation.override("en"):
        page = get_page(client, "/fr/processes/no-such-process/", status=404)

    assert page.find("h1").text == "Page introuvable"
    assert page.find("html").attrs["lang"] == "fr"


def test_the_server_error_page_follows_the_language(rf):
    from rcp.health import server_error

    with translation.override("es"):
        response = server_error(rf.get("/es/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="es">' in page
    assert "<h1>Se ha producido un error</h1>" in page


# --- The admin ----------------------------------------------------------------------------------


def test_model_labels_and_choices_are_translated(db):
    from rcp.models import Participation, Process

    with translation.override("fr"):
        assert str(Process._meta.verbose_name) == "processus"
        assert str(Participation._meta.verbose_name_plural) == "pays participants"
        assert dict(Process._meta.get_field("kind").choices)["rcp"] == (
            "Processus consultatif régional"
        )
    with translation.override("es"):
        assert str(Process._meta.get_field("established").verbose_name) == "año de creación"
        assert dict(Participation._meta.get_field("role").choices)["observer"] == "Observador"


def test_the_admin_follows_the_editors_browser_language(admin_client, tripoli):
    admin = "/" + settings.ADMIN_URL
    with translation.override("en"):
        french = admin_client.get(admin + "rcp/process/", headers={"accept-language": "fr"})
        spanish = admin_client.get(admin, headers={"accept-language": "es-ES,es;q=0.9"})
        english = admin_client.get(admin + "rcp/process/")

    french_page = french.content.decode()
    assert french.headers["Content-Language"] == "fr"
    assert "Administration des profils des PCR" in french_page
    assert "Importer une ancienne page" in french_page
    assert "Publier les profils sélectionnés" in french_page
    assert "Sélectionnez l’objet processus à changer" in french_page  # Django's own French
    assert "Perfiles de los PCR" in spanish.content.decode()
    assert english.headers["Content-Language"] == "en"
    assert "Import a legacy page" in english.content.decode()


def test_public_pages_keep_the_language_of_their_address_whatever_the_browser_prefers(
    client, tripoli
):
    with translation.override("en"):
        english = get_page(client, "/processes/tripoli-process/", accept_language="fr")
        spanish = get_page(client, "/es/processes/tripoli-process/", accept_language="fr")

    assert english.find("html").attrs["lang"] == "en"
    assert "Members" in h2_texts(english)
    assert spanish.find("html").attrs["lang"] == "es"
