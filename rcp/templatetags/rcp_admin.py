"""Template tags of the profile editor."""

from django import template
from django.contrib.admin.templatetags.admin_modify import cell_count
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from rcp.admin.translations import language_name
from rcp.multilingual import SOURCE_LANGUAGE

register = template.Library()


def _cell(field) -> str:
    if field.is_readonly:
        name, hidden = field.field["name"], field.field["is_hidden"]
        content = format_html("<p>{}</p>", field.contents())
    else:
        name, hidden = field.field.name, field.field.is_hidden
        errors = field.field.errors
        content = format_html("{}{}", errors.as_ul() if errors else "", field.field)
    classes = f"field-{name}" + (" hidden" if hidden else "")
    return format_html('<td class="{}">{}</td>', classes, content)


def _language(field) -> str:
    widget = getattr(field.field, "field", None)
    widget = getattr(widget, "widget", None)
    return getattr(widget, "attrs", {}).get("lang", "")


@register.filter
def is_translation(widget) -> bool:
    """Whether a form field's widget edits a translation (``title_fr``): its column is not
    shown, its input is in the English one's cell (rcp.admin.translations)."""
    language = getattr(widget, "attrs", {}).get("lang", "")
    return bool(language) and language != SOURCE_LANGUAGE


def _cells(fields) -> list[str]:
    """A cell per field, but the translations of a text (``title_fr``, ``title_es``) under its
    English input, in a disclosure: the table is no wider for them."""
    cells, translations = [], []

    def close():
        if translations:
            summary = gettext("Translations")
            opened = mark_safe(" open") if any(field.field.errors for field in translations) else ""
            cells[-1] = (
                cells[-1].removesuffix("</td>")
                + str(
                    format_html(
                        '<details class="inline-translations"{}><summary>{}</summary>{}</details>',
                        opened,
                        summary,
                        format_html_join(
                            "",
                            "<label>{}{}{}</label>",
                            (
                                (
                                    language_name(_language(field)),
                                    field.field.errors.as_ul() if field.field.errors else "",
                                    field.field,
                                )
                                for field in translations
                            ),
                        ),
                    )
                )
                + "</td>"
            )
            translations.clear()

    for field in fields:
        if not field.is_readonly and cells and is_translation(field.field.field.widget):
            translations.append(field)
            continue
        close()
        cells.append(str(_cell(field)))
    close()
    return cells


@register.simple_tag
def inline_rows(inline_admin_formset):
    """The rows of a tabular inline, as Django's ``edit_inline/tabular.html`` writes them (the
    same classes and ids, which the admin's inlines.js reads), built in Python: the template's
    loops over fieldsets, lines and fields cost a few milliseconds a row, most of a profile
    page's time."""
    formset = inline_admin_formset.formset
    can_delete = formset.can_delete and inline_admin_formset.has_delete_permission
    rows = []
    inline_admin_forms = list(inline_admin_formset)
    for index, inline_admin_form in enumerate(inline_admin_forms):
        form = inline_admin_form.form
        is_empty = index == len(inline_admin_forms) - 1 and inline_admin_formset.has_add_permission
        if form.errors and form.non_field_errors():
            rows.append(
                format_html(
                    '<tr class="row-form-errors"><td colspan="{}">{}</td></tr>',
                    cell_count(inline_admin_form),
                    form.non_field_errors(),
                )
            )
        original = inline_admin_form.original
        hidden = []
        if inline_admin_form.needs_explicit_pk_field():
            hidden.append(str(inline_admin_form.pk_field().field))
        if inline_admin_form.fk_field():
            hidden.append(str(inline_admin_form.fk_field().field))
        first = format_html(
            '<td class="original">{}{}</td>',
            format_html("<p>{}</p>", original) if original else "",
            mark_safe("".join(hidden)),
        )
        fields = [field for fieldset in inline_admin_form for line in fieldset for field in line]
        cells = mark_safe("".join(_cells(fields)))
        delete = ""
        if can_delete and original:
            delete = str(inline_admin_form.deletion_field().field)
        classes = (
            "form-row" + (" has_original" if original else "") + (" empty-form" if is_empty else "")
        )
        row_id = f"{formset.prefix}-{'empty' if is_empty else index}"
        rows.append(
            format_html(
                '<tr class="{}" id="{}">{}{}<td class="delete">{}</td></tr>',
                classes,
                row_id,
                first,
                cells,
                mark_safe(delete),
            )
        )
    return mark_safe("".join(rows))
