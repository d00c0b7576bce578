"""Formatted text on profile pages: editors' Markdown in, only safe HTML out, in linear time,
and at most FORMATTED_TEXT_MAX_LENGTH characters in each field."""

import html
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template

from rcp.formats import SafeCSV
from rcp.models import Process
from rcp.resources import ProcessResource
from rcp.spreadsheets import describe_problems
from rcp.text import (
    FORMATTED_TEXT_MAX_LENGTH,
    MAX_NESTING,
    render_formatted_text,
    validate_formatted_text_length,
)

from .admin_forms import form_data
from .factories import ProcessFactory


def test_empty_line_separates_paragraphs():
    html = render_formatted_text("The first paragraph.\n\nThe second paragraph.")

    assert html == "<p>The first paragraph.</p>\n<p>The second paragraph.</p>"


def test_dashed_lines_make_a_bulleted_list():
    html = render_formatted_text("- labour migration\n- irregular migration")

    assert html == "<ul>\n<li>labour migration</li>\n<li>irregular migration</li>\n</ul>"


@pytest.mark.parametrize("line_end", ["\n", "\r\n"], ids=["unix", "browser-form"])
def test_list_directly_under_its_introduction_is_a_list(line_end):
    source = line_end.join(
        ["Specific areas of discussion include:", "- labour migration", "- return", "", "End."]
    )

    html = render_formatted_text(source)

    assert html == (
        "<p>Specific areas of discussion include:</p>\n"
        "<ul>\n<li>labour migration</li>\n<li>return</li>\n</ul>\n"
        "<p>End.</p>"
    )


def test_a_dash_inside_a_line_is_not_a_list():
    html = render_formatted_text("Meetings are held yearly\nin Rabat - or Tripoli.")

    assert "<li>" not in html
    assert "in Rabat - or Tripoli." in html


def test_asterisks_give_emphasis():
    html = render_formatted_text("A *regional* and **binding** dialogue.")

    assert html == "<p>A <em>regional</em> and <strong>binding</strong> dialogue.</p>"


def test_links_are_kept_and_open_without_referrer():
    html = render_formatted_text("See [the declaration](https://x.org/tripoli).")

    assert html == (
        '<p>See <a href="https://x.org/tripoli" rel="noopener noreferrer">the declaration</a>.</p>'
    )


def test_mailto_links_are_kept():
    html = render_formatted_text("[Write to us](mailto:rcp@iom.int)")

    assert 'href="mailto:rcp@iom.int"' in html


def test_script_is_removed_with_its_content():
    html = render_formatted_text("Before <script>alert('x')</script> after.")

    assert "<script" not in html
    assert "alert" not in html
    assert "Before" in html
    assert "after." in html


def test_event_handler_attributes_are_removed():
    html = render_formatted_text('<p onclick="steal()">Click me</p>')

    assert html == "<p>Click me</p>"


def test_iframe_is_removed():
    html = render_formatted_text('<iframe src="https://evil.example"></iframe>\n\nText.')

    assert "iframe" not in html
    assert "evil.example" not in html
    assert "<p>Text.</p>" in html


@pytest.mark.parametrize(
    "source",
    ["[click](javascript:alert(1))", '<a href="javascript:alert(1)">click</a>'],
    ids=["markdown-link", "html-link"],
)
def test_javascript_links_lose_their_address(source):
    html = render_formatted_text(source)

    assert "javascript" not in html
    assert "click" in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html,x)",
        "[click](tel:+41227179111)",
        "[click]()",
        '<a href="javascript:alert(1)">click</a>',
    ],
    ids=["javascript", "vbscript", "data", "tel", "empty", "html-link"],
)
def test_a_link_to_an_address_not_allowed_reads_as_its_text(source):
    assert render_formatted_text(source) == "<p>click</p>"


def test_a_link_on_this_site_is_kept():
    html = render_formatted_text("[About](/about/)")

    assert html == '<p><a href="/about/" rel="noopener noreferrer">About</a></p>'


def test_an_image_becomes_its_description():
    assert render_formatted_text("![IOM & *partners*](logo.png)") == "<p>IOM &amp; partners</p>"


def test_headings_render_under_the_pages_section_headings():
    html = render_formatted_text("# Aims\n\nText.\n\n## Means\n\n### Tools")

    assert html == "<h3>Aims</h3>\n<p>Text.</p>\n<h4>Means</h4>\n<h5>Tools</h5>"


def test_a_texts_highest_heading_becomes_h3_whatever_level_it_is_typed_at():
    html = render_formatted_text("### Aims\n\n#### Means")

    assert html == "<h3>Aims</h3>\n<h4>Means</h4>"


def test_headings_below_h6_stay_h6_and_underlined_ones_render_too():
    html = render_formatted_text("Aims\n====\n\nMeans\n-----\n\n#### Four\n\n###### Six")

    assert html == "<h3>Aims</h3>\n<h4>Means</h4>\n<h6>Four</h6>\n<h6>Six</h6>"


def test_a_heading_keeps_its_emphasis_and_links():
    html = render_formatted_text("## The *Rabat* [Process](https://x.org)")

    assert html == (
        '<h3>The <em>Rabat</em> <a href="https://x.org" rel="noopener noreferrer">Process</a></h3>'
    )


def test_other_tags_and_attributes_are_removed():
    html = render_formatted_text('<div style="color:red"><img src="x.png"><b>Bold</b></div>')

    assert "div" not in html
    assert "style" not in html
    assert "<img" not in html
    assert "<b>" not in html
    assert "Bold" in html


@pytest.mark.parametrize("source", ["", "   ", "\n\n  \n", None], ids=repr)
def test_empty_text_gives_nothing(source):
    assert render_formatted_text(source) == ""


def test_templates_show_the_html_rather_than_escaping_it():
    template = Template("{{ html }}")

    page = template.render(Context({"html": render_formatted_text("A *regional* dialogue.")}))

    assert page == "<p>A <em>regional</em> dialogue.</p>"


def test_html_an_editor_pastes_is_dropped_and_its_text_kept_in_paragraphs():
    html = render_formatted_text('<div class="x"><p>First <b>point</b>.</p><p>Second.</p></div>')

    assert html == "<p>First point.</p>\n<p>Second.</p>"


@pytest.mark.parametrize(
    "source",
    [
        "<<b>script>alert(1)<</b>/script>",
        "<scr<script>x</script>ipt>alert(1)</script>",
        "<SCRIPT>alert(1)</SCRIPT>",
        "<style>body{}</style><script>alert(1)",
        "<a href='https://x.org' onmouseover='alert(1)'>link</a>",
        "<!-- <script>alert(1)</script> -->",
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,alert(1))",
        "<img src=x onerror=alert(1)>",
    ],
)
def test_no_markup_trick_brings_a_script_or_handler_through(source):
    html = render_formatted_text(source)

    assert "<script" not in html.lower()
    assert "onerror" not in html
    assert "onmouseover" not in html
    assert "javascript:" not in html.lower()
    assert "data:" not in html


def test_what_only_looks_like_html_stays_as_text():
    html = render_formatted_text(r"Children <18, a < b > c, <img and \<b> \<!-- stay; AT&T & co.")

    assert html == (
        "<p>Children &lt;18, a &lt; b &gt; c, &lt;img and &lt;b&gt; &lt;!-- stay; "
        "AT&amp;T &amp; co.</p>"
    )


@pytest.mark.parametrize("marker", [">", "> ", "- ", "- + ", "1. ", "> - ", "*a "])
def test_deep_nesting_is_flattened_and_its_text_kept(marker):
    html = render_formatted_text(marker * 500 + "deepest")

    assert "deepest" in html
    depth = deepest = 0
    for closing in re.findall(r"<(/?)(?:blockquote|ul|ol|li|p|em|strong)\b", html):
        depth += -1 if closing else 1
        deepest = max(deepest, depth)
    assert depth == 0
    assert deepest <= MAX_NESTING


# --- Rendering time: linear in the text, whatever an editor types -----------------------------


def at_the_limit(unit: str) -> str:
    return (unit * (FORMATTED_TEXT_MAX_LENGTH // len(unit) + 1))[:FORMATTED_TEXT_MAX_LENGTH]


# The longest texts a field accepts, each built on a pattern that made a step of the renderer
# backtrack or nest: one long line (the old list rule), brackets and unclosed links
# (Python-Markdown), emphasis markers, quotes and lists nested one per character (the HTML
# sanitiser), unclosed tags and comments (the HTML stripper), escapes, many short blocks.
WORST_CASES = {
    "one line of words": at_the_limit("migration "),
    "one line without spaces": at_the_limit("a"),
    "open brackets": at_the_limit("["),
    "unclosed links": at_the_limit("[a]("),
    "emphasis markers": at_the_limit("*_"),
    "quotes in quotes": at_the_limit(">"),
    "lists in lists": at_the_limit("- + "),
    "ampersands": at_the_limit("&"),
    "unclosed quoted attributes": at_the_limit("<a x='"),
    "unclosed comments": at_the_limit("<!--"),
    "unclosed scripts": at_the_limit("<script>"),
    "nested html": at_the_limit("<ul><li>"),
    "list items": at_the_limit("- item\n"),
    "a line before each list": at_the_limit("Text\n- item\n"),
    "hard line breaks": at_the_limit("a  \n"),
}


@pytest.mark.parametrize("source", WORST_CASES.values(), ids=WORST_CASES.keys())
def test_the_longest_accepted_text_renders_well_under_100_ms(source):
    validate_formatted_text_length(source)  # accepted: exactly at the limit

    started = time.perf_counter()
    render_formatted_text(source)
    elapsed = time.perf_counter() - started

    # The goal is well under 100 ms (make bench prints the figures); 0.5 s survives a loaded
    # CI machine, where the old renderer took 2 s to a minute on these.
    assert elapsed < 0.5, f"{elapsed:.2f} s"


# --- The length limit ---------------------------------------------------------------------------


def too_long_message(length: int) -> str:
    return (
        f"This text is {length:,} characters long; a profile field holds at most "
        f"{FORMATTED_TEXT_MAX_LENGTH:,}. Shorten it by {length - FORMATTED_TEXT_MAX_LENGTH:,} "
        "characters, for instance by linking to a document that gives the details."
    )


@pytest.mark.parametrize("field", ["objectives", "secretariat"])
def test_a_text_over_the_limit_is_refused_saying_by_how_much(db, field):
    process = Process(name="Rabat Process", slug="rabat-process")

    setattr(process, field, "a" * (FORMATTED_TEXT_MAX_LENGTH + 12))
    with pytest.raises(Exception) as refused:
        process.full_clean()
    assert refused.value.message_dict == {
        f"{field}_en": [too_long_message(FORMATTED_TEXT_MAX_LENGTH + 12)]
    }

    setattr(process, field, "a" * FORMATTED_TEXT_MAX_LENGTH)
    process.full_clean()
    setattr(process, field, "a\r\n" * (FORMATTED_TEXT_MAX_LENGTH // 2))  # as a browser sends
    process.full_clean()


@pytest.mark.parametrize("field", ["objectives", "secretariat"])
def test_the_admin_refuses_a_text_over_the_limit_and_keeps_the_stored_one(admin_client, field):
    process = ProcessFactory(objectives="Stored objectives.", secretariat="Stored secretariat.")
    url = f"/admin/rcp/process/{process.pk}/change/"
    data = form_data(admin_client.get(url))
    # 2,001 lines as a browser sends them: 20,009 characters, each line break counted once.
    data[f"{field}_en"] = "\r\n".join(["Too long."] * 2001)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Please correct the error below." in page
    assert too_long_message(20_009) in page
    process.refresh_from_db()
    assert (process.objectives, process.secretariat) == (
        "Stored objectives.",
        "Stored secretariat.",
    )


def test_a_spreadsheet_with_a_text_over_the_limit_is_refused_naming_row_and_column(db):
    ProcessFactory(name="Rabat Process", slug="rabat-process", objectives="Stored.")
    long_text = "x" * (FORMATTED_TEXT_MAX_LENGTH + 1)
    content = f"slug,name,objectives\nrabat-process,Rabat Process,{long_text}\n"
    resource = ProcessResource()

    result = resource.import_data(SafeCSV().create_dataset(content.encode()), dry_run=False)

    problems = describe_problems(resource, result)
    assert problems == [
        f"Line 2, column “objectives”: {too_long_message(FORMATTED_TEXT_MAX_LENGTH + 1)}"
    ]
    assert long_text[:100] not in " ".join(problems)
    assert Process.objects.get(slug="rabat-process").objectives == "Stored."


def test_the_admin_import_preview_shows_an_editor_why_a_text_is_refused(admin_client):
    ProcessFactory(name="Rabat Process", slug="rabat-process", objectives="Stored.")
    long_text = "x" * (FORMATTED_TEXT_MAX_LENGTH + 1)
    content = f"slug,name,objectives\nrabat-process,Rabat Process,{long_text}\n".encode()

    preview = admin_client.post(
        "/admin/rcp/process/import/",
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("processes.csv", content, content_type="text/csv"),
        },
    )

    page = html.unescape(preview.content.decode())
    assert preview.status_code == 200
    assert too_long_message(FORMATTED_TEXT_MAX_LENGTH + 1) in page
    assert "Confirm the import" not in page
    assert Process.objects.get(slug="rabat-process").objectives == "Stored."
