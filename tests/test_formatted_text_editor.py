"""Formatted text without surprises, for the editors of objectives and secretariat details:

- the same text is the same text however it comes in: a browser's "\\r\\n" line breaks and the
  blanks at line ends are normalised once (rcp.text.normalise_formatted_text), so saving a
  profile where only a country changed records no change to its objectives, and a spreadsheet
  with the same text changes nothing; the rendered page is the same;
- a live preview: an admin view that renders the text with the public page's own pipeline, for
  staff who may change profiles, CSRF-protected, within the length limit;
- a warning at save naming what the public page leaves out (HTML tags, links to
  ``javascript:`` and other addresses, images, code), field by field;
- headings render, under the page's own section headings.
"""

import csv
import html
import io
import random
import re
import time

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client
from django.utils.text import capfirst

from rcp.formats import SafeCSV
from rcp.history import profile_timeline, record_baseline
from rcp.models import Process
from rcp.resources import ProcessResource
from rcp.text import (
    FORMATTED_TEXT_EDITOR_HELP,
    FORMATTED_TEXT_MAX_LENGTH,
    dropped_markup,
    normalise_formatted_text,
    render_formatted_text,
)
from rcp.workflow import COMMAND_LINE

from .admin_forms import form_data
from .factories import ProcessFactory
from .test_text import WORST_CASES

PREVIEW_URL = "/admin/rcp/process/formatted-text-preview/"

JAVASCRIPT_WARNING = (
    "a link to “javascript:…” was removed because only web and e-mail addresses are allowed"
)


def change_url(process) -> str:
    return f"/admin/rcp/process/{process.pk}/change/"


def as_browser_sends(text: str) -> str:
    """A text box's content as a browser posts it: "\\r\\n" line breaks (and, here, the
    blanks an editor leaves at line ends)."""
    return "  \r\n".join(text.split("\n")) + " \r\n"


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def make_user(db, django_user_model):
    def make(username: str, group: str | None = None):
        user = django_user_model.objects.create_user(
            username=username, password="a long passphrase 42", is_staff=True
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def editor(make_user) -> Client:
    """An Editor (may change profiles, not publish them), logged in."""
    client = Client()
    client.force_login(make_user("alice", "Editors"))
    return client


def add_a_country(data: dict) -> None:
    """Add Japan to the profile in the posted form: through the countries editor's paste box,
    or as a new row of the countries inline."""
    if "participations-add-countries" in data:
        data["participations-add-countries"] = "Japan"
        return
    total = int(data["participations-TOTAL_FORMS"])
    data["participations-TOTAL_FORMS"] = str(total + 1)
    data[f"participations-{total}-country"] = "JP"
    data[f"participations-{total}-role"] = "member"


# --- Normalising: the same text, however it came in ---------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("First.\r\n\r\nSecond.", "First.\n\nSecond."),
        ("First.\rSecond.", "First.\nSecond."),
        ("First. \t\nSecond.\t", "First.\nSecond."),
        ("\r\n \r\n\tFirst.\r\n\r\n  \r\n", "\tFirst."),
        ("   - indented\n- item", "   - indented\n- item"),
        ("A line break:   \nnext line", "A line break:  \nnext line"),
        ("Not at a paragraph's end:  \n\nNext.", "Not at a paragraph's end:\n\nNext."),
        ("A backslash \\ \nstays text", "A backslash \\ \nstays text"),
        ("   ", ""),
        ("One.  \n  \nTwo.", "One.\n\nTwo."),
    ],
    ids=[
        "browser line breaks",
        "old Mac line breaks",
        "blanks at line ends",
        "blank lines around",
        "first line keeps its indent",
        "two spaces make a line break",
        "two spaces before a blank line do not",
        "a backslash before a blank is not a line break",
        "blanks only",
        "a blank line keeps no blanks",
    ],
)
def test_normalising_takes_out_what_does_not_show(typed, normalised):
    assert normalise_formatted_text(typed) == normalised
    assert normalise_formatted_text(normalised) == normalised
    assert render_formatted_text(normalised) == render_formatted_text(typed)


def test_normalising_never_changes_the_rendered_page():
    """Thousands of texts built of what Markdown reads at line starts and ends (list markers,
    quotes, headings, emphasis, backslashes, blanks, every kind of line break)."""
    rng = random.Random(11)
    starts = ["", "", "- ", "1. ", "> ", "## ", "  ", "* ", "   - "]
    words = ["a", "*b*", "**c**", "\\", "[l](https://x.org)", "d\\", "===", " --- ", "<b>x</b>"]
    ends = ["", " ", "  ", "   ", "\t", " \t", "\t  ", "\\", "\\ ", "\\\\ ", "\\  "]
    for _ in range(3000):
        lines = [
            rng.choice(["", " ", "  ", "\t"])
            if rng.random() < 0.2
            else rng.choice(starts)
            + " ".join(rng.choices(words, k=rng.randint(1, 3)))
            + rng.choice(ends)
            for _ in range(rng.randint(1, 6))
        ]
        text = "".join(line + rng.choice(["\n", "\r\n", "\r"]) for line in lines)
        normalised = normalise_formatted_text(text)
        assert render_formatted_text(normalised) == render_formatted_text(text), repr(text)
        assert normalise_formatted_text(normalised) == normalised, repr(text)
        assert not re.search(r"^[ \t]+$", normalised, re.MULTILINE), repr(text)


def test_a_profile_stores_normalised_text_however_it_is_assigned(db):
    process = Process(name="Rabat Process", slug="rabat-process", objectives="One.\r\nTwo. ")
    process.secretariat = "IOM.\r\n\r\n"
    process.save()

    process.refresh_from_db()
    assert (process.objectives, process.secretariat) == ("One.\nTwo.", "IOM.")


def test_a_text_stored_before_normalising_reads_back_normalised_and_saves_as_no_change(db):
    process = ProcessFactory(objectives="One.\nTwo.")
    record_baseline()
    Process.objects.filter(pk=process.pk).update(objectives="One.\r\nTwo.  \r\n")

    process = Process.objects.get(pk=process.pk)
    assert process.objectives == "One.\nTwo."
    process.save()

    assert Process.objects.values_list("objectives", flat=True).get() == "One.\nTwo."
    assert [version.changes[0].kind for version in profile_timeline(process.pk)] == ["+"]


def test_saving_only_a_country_with_the_text_as_a_browser_sends_it_changes_no_text(
    tripoli, admin_client
):
    record_baseline()
    stored = (tripoli.objectives, tripoli.secretariat)
    data = form_data(admin_client.get(change_url(tripoli)))
    data["objectives_en"] = as_browser_sends(tripoli.objectives)
    data["secretariat_en"] = as_browser_sends(tripoli.secretariat)
    add_a_country(data)

    response = admin_client.post(change_url(tripoli), data)

    assert response.status_code == 302, page_text(response)
    tripoli.refresh_from_db()
    assert (tripoli.objectives, tripoli.secretariat) == stored
    assert tripoli.participations.filter(country="JP").exists()
    latest = profile_timeline(tripoli.pk)[0]
    assert [change.label.split(" (")[0] for change in latest.changes] == [
        "participating country: Japan"
    ]
    change_message = LogEntry.objects.latest("action_time").get_change_message()
    assert "Objectives" not in change_message
    assert "Secretariat" not in change_message


def test_a_spreadsheet_with_the_same_text_as_a_browser_saved_it_is_no_change(tripoli):
    record_baseline()
    records = Process.history.filter(id=tripoli.pk).count()
    content = io.StringIO()
    writer = csv.writer(content)
    writer.writerow(["slug", "name", "objectives", "secretariat"])
    writer.writerow(
        [
            tripoli.slug,
            tripoli.name,
            as_browser_sends(tripoli.objectives),
            as_browser_sends(tripoli.secretariat),
        ]
    )

    result = ProcessResource().import_data(
        SafeCSV().create_dataset(content.getvalue().encode()), dry_run=False, user=COMMAND_LINE
    )

    assert (result.totals["skip"], result.totals["update"]) == (1, 0)
    assert Process.history.filter(id=tripoli.pk).count() == records


def test_the_bundled_profile_is_stored_normalised(tripoli):
    """So no data migration is needed: the fixture reads as it is stored."""
    stored = Process.objects.filter(pk=tripoli.pk).values("objectives", "secretariat").get()

    assert {name: normalise_formatted_text(text) for name, text in stored.items()} == stored


# --- What the public page leaves out, in words --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("Plain **bold** *italic* [a link](https://iom.int) [mail](mailto:rcp@iom.int)", []),
        ("## Heading\n\n- item\n1. item\n\n> quote", []),
        (
            '<font color="red">Red</font> and <span>span</span>, <font>again</font>',
            ["the HTML tags <font>, <span> were not kept"],
        ),
        ("<b>Bold</b>", ["the HTML tag <b> was not kept"]),
        ("Hidden <!-- note --> text", ["an HTML comment was not kept"]),
        ("[click](javascript:alert(1))", [JAVASCRIPT_WARNING]),
        (
            "[a](data:text/html,x) [b](DATA:x)",
            ["2 links to “data:…” were removed because only web and e-mail addresses are allowed"],
        ),
        (
            "[call](tel:+41227179111)",
            ["a link to “tel:…” was removed because only web and e-mail addresses are allowed"],
        ),
        ("[nowhere]()", ["a link without an address was removed"]),
        ("![IOM logo](logo.png)", ["an image was not kept (its description is shown instead)"]),
        (
            "Run `manage.py`",
            [
                "code formatting (text between backticks, or lines indented by four spaces) "
                "was not kept"
            ],
        ),
        (
            "Above\n\n---\n\nBelow",
            ["a horizontal line (“---” or “***” alone on a line) was not kept"],
        ),
        ("> " * 20 + "deep", ["lists or quotes nested more than 16 deep were flattened"]),
    ],
    ids=[
        "all kept",
        "blocks kept",
        "tags",
        "one tag",
        "comment",
        "javascript link",
        "data links",
        "telephone link",
        "empty link",
        "image",
        "code",
        "horizontal line",
        "deep nesting",
    ],
)
def test_dropped_markup_names_what_the_page_leaves_out(text, phrases):
    assert dropped_markup(text) == phrases


def test_dropped_markup_lists_each_kind_in_turn():
    text = "<span>Hi</span> [x](javascript:void(0)) ![pic](a.png)"

    assert dropped_markup(text) == [
        "the HTML tag <span> was not kept",
        JAVASCRIPT_WARNING,
        "an image was not kept (its description is shown instead)",
    ]


@pytest.mark.parametrize("source", WORST_CASES.values(), ids=WORST_CASES.keys())
def test_the_preview_of_the_longest_accepted_text_is_quick(source):
    """The preview normalises, renders and checks the text at every pause in typing."""
    started = time.perf_counter()
    normalised = normalise_formatted_text(source)
    render_formatted_text(normalised)
    dropped_markup(normalised)
    elapsed = time.perf_counter() - started

    assert elapsed < 0.5, f"{elapsed:.2f} s"  # well under 0.2 s; 0.5 s on a loaded machine


# --- The admin: help, preview, warnings ---------------------------------------------------------


def test_the_change_page_offers_a_preview_and_says_exactly_what_is_kept(admin_client):
    process = ProcessFactory(objectives="Our **aims**.")

    response = admin_client.get(change_url(process))

    page = response.content.decode()
    assert page_text(response).count(str(FORMATTED_TEXT_EDITOR_HELP)) == 2  # both fields
    for field in ["objectives", "secretariat"]:
        assert f'aria-controls="id_{field}_en_preview"' in page
        assert re.search(rf'id="id_{field}_en_preview" aria-live="polite"', page)
    # Hidden until the script fills it: without JavaScript the text box works as before.
    assert page.count('<div class="formatted-text__preview" hidden>') == 6  # 3 languages each
    assert re.search(r'<script src="/static/rcp/admin/formatted-text\.[0-9a-f]+\.js">', page)
    assert re.search(r'href="/static/css/formatted-text\.[0-9a-f]+\.css"', page)
    assert f'data-preview-url="{PREVIEW_URL}"' in page


def test_the_preview_is_the_public_pages_rendering(editor):
    text = "## Our aims\r\n\r\n- **regional** dialogue\r\n- [the declaration](https://x.org/d)"
    process = ProcessFactory(status="published", objectives=text)

    response = editor.post(PREVIEW_URL, {"text": text})

    assert response.status_code == 200
    preview = response.json()
    assert preview == {
        "html": (
            "<h3>Our aims</h3>\n<ul>\n<li><strong>regional</strong> dialogue</li>\n"
            '<li><a href="https://x.org/d" rel="noopener noreferrer">the declaration</a></li>\n'
            "</ul>"
        ),
        "warnings": [],
        "errors": [],
    }
    public_page = Client().get(process.get_absolute_url()).content.decode()
    assert preview["html"] in public_page


def test_the_preview_names_what_the_page_leaves_out_and_what_stops_a_save(editor):
    response = editor.post(PREVIEW_URL, {"text": "<font>Old</font> [x](javascript:go()) [KG1]"})

    assert response.status_code == 200
    assert response.json() == {
        "html": "<p>Old x [KG1]</p>",
        "warnings": ["The HTML tag <font> was not kept", capfirst(JAVASCRIPT_WARNING)],
        "errors": [
            "Remove the editorial marker [KG1]: it is a reviewer's note, not text for the "
            "public page."
        ],
    }


def test_the_preview_refuses_a_text_over_the_length_limit_saying_by_how_much(editor):
    response = editor.post(PREVIEW_URL, {"text": "x" * (FORMATTED_TEXT_MAX_LENGTH + 5)})

    assert response.status_code == 400
    assert response.json() == {
        "error": "This text is 20,005 characters long; a profile field holds at most 20,000. "
        "Shorten it by 5 characters, for instance by linking to a document that gives the "
        "details."
    }
    at_limit = editor.post(PREVIEW_URL, {"text": "x\r\n" * (FORMATTED_TEXT_MAX_LENGTH // 2)})
    assert at_limit.status_code == 200


def test_the_preview_is_for_staff_who_may_change_profiles(client, make_user, editor):
    assert client.post(PREVIEW_URL, {"text": "Hi"}).status_code == 302  # to the log-in page
    no_role = Client()
    no_role.force_login(make_user("bob"))
    assert no_role.post(PREVIEW_URL, {"text": "Hi"}).status_code == 403
    assert editor.get(PREVIEW_URL).status_code == 405
    assert editor.post(PREVIEW_URL, {"text": "Hi"}).json()["html"] == "<p>Hi</p>"


def test_the_preview_needs_the_forms_csrf_token(make_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user("alice", "Editors"))
    process = ProcessFactory()

    assert browser.post(PREVIEW_URL, {"text": "Hi"}).status_code == 403
    token = form_data(browser.get(change_url(process)))["csrfmiddlewaretoken"]
    answer = browser.post(PREVIEW_URL, {"text": "Hi", "csrfmiddlewaretoken": token})
    assert answer.status_code == 200
    assert answer.json()["html"] == "<p>Hi</p>"


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_save_warns_field_by_field_what_the_page_leaves_out_and_keeps_the_text(editor):
    process = ProcessFactory(objectives="Old.", secretariat="<b>Stored</b> earlier.")
    data = form_data(editor.get(change_url(process)))
    typed = '<font color="red">Our</font> <span>aims</span>, see [the plan](javascript:alert(1)).'
    data["objectives_en"] = typed

    response = editor.post(change_url(process), data, follow=True)

    assert messages_of(response)[0] == (
        "Objectives: the HTML tags <font>, <span> were not kept; a link to “javascript:…” "
        "was removed because only web and e-mail addresses are allowed."
    )
    # The secretariat details, unchanged, are not reported again at every save.
    assert not any(m.startswith("Secretariat") for m in messages_of(response))
    assert any("was changed successfully" in m for m in messages_of(response))
    process.refresh_from_db()
    assert process.objectives == typed  # the source, as typed; it renders safely
    assert process.objectives_html == "<p>Our aims, see the plan.</p>"


def test_a_save_of_text_the_page_shows_whole_gives_no_warning(editor):
    process = ProcessFactory(objectives="Old.")
    data = form_data(editor.get(change_url(process)))
    data["objectives_en"] = "## Aims\r\n\r\n**Regional** dialogue on [migration](https://iom.int)."
    data["secretariat_en"] = "IOM"

    response = editor.post(change_url(process), data, follow=True)

    assert [m for m in messages_of(response) if "was changed successfully" not in m] == []


def test_a_new_profile_is_warned_about_each_field(admin_client):
    data = form_data(admin_client.get("/admin/rcp/process/add/"))
    data.update(
        name_en="Rabat Process",
        slug="rabat-process",
        objectives_en="![map](map.png)",
        secretariat_en="Call [us](tel:123).",
    )

    response = admin_client.post("/admin/rcp/process/add/", data, follow=True)

    assert Process.objects.filter(slug="rabat-process").exists(), page_text(response)
    assert messages_of(response)[:2] == [
        "Objectives: an image was not kept (its description is shown instead).",
        "Secretariat details: a link to “tel:…” was removed because only web and e-mail "
        "addresses are allowed.",
    ]


# --- Headings on the public page ----------------------------------------------------------------


def test_headings_in_objectives_sit_under_the_sections_heading_on_the_public_page(db, client):
    process = ProcessFactory(
        status="published",
        objectives="# Aims\n\nText.\n\n## Means\n\nMore.",
        secretariat="### Contact\n\nIOM.",
    )

    page = client.get(process.get_absolute_url()).content.decode()

    objectives = page[page.index('<h2 id="objectives">') :]
    assert objectives.index("<h3>Aims</h3>") < objectives.index("<h4>Means</h4>")
    assert "<h3>Contact</h3>" in page[page.index('<h2 id="secretariat">') :]
    assert "# Aims" not in page
    assert not re.search(r"<h[12]>(Aims|Means|Contact)", page)


def test_a_heading_preview_matches_the_page_for_every_level(editor):
    text = "\n\n".join(f"{'#' * level} Level {level}" for level in range(1, 7))

    response = editor.post(PREVIEW_URL, {"text": text})

    assert response.json()["html"] == (
        "<h3>Level 1</h3>\n<h4>Level 2</h4>\n<h5>Level 3</h5>\n"
        "<h6>Level 4</h6>\n<h6>Level 5</h6>\n<h6>Level 6</h6>"
    )
