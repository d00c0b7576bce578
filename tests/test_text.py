"""Formatted text on profile pages: editors' Markdown in, only safe HTML out."""

import pytest
from django.template import Context, Template

from rcp.text import render_formatted_text


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
