"""Formatted text in the profile editor: the exact help, a live preview, and a warning at save
when the public page will leave some of the markup out.

The preview is rendered by the server with the public page's own pipeline
(:func:`rcp.text.render_formatted_text`), so it cannot differ from what readers see; the
warnings come from :func:`rcp.text.dropped_markup`, at save and in the preview alike. Without
JavaScript the text box works as before: the preview region stays hidden.
"""

from django.contrib import messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.template import loader
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext

from rcp.text import (
    FORMATTED_TEXT_EDITOR_HELP,
    dropped_markup,
    normalise_formatted_text,
    render_formatted_text,
    validate_formatted_text_length,
    validate_no_editorial_markers,
)


class FormattedTextarea(AdminTextareaWidget):
    """The admin's text box for Markdown, with a preview region below it that
    ``formatted-text.js`` fills from the profile admin's preview address.

    What the browser posts is normalised here (:func:`rcp.text.normalise_formatted_text`),
    so a text sent back unchanged with "\\r\\n" line breaks is not a changed field.
    """

    #: The box around the admin's own text box, a template of the site's (the form renderer
    #: finds Django's and the apps' only).
    wrapper_template_name = "admin/rcp/widgets/formatted_textarea.html"
    preview_url_name = "admin:rcp_process_formatted_text_preview"

    class Media:
        css = {"all": ["css/formatted-text.css"]}
        js = ["rcp/admin/formatted-text.js"]

    def value_from_datadict(self, data, files, name):
        return normalise_formatted_text(super().value_from_datadict(data, files, name))

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        return loader.render_to_string(
            self.wrapper_template_name,
            {
                "textarea": textarea,
                "id": (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}",
                "preview_url": reverse(self.preview_url_name),
            },
        )


def dropped_markup_message(label: str, text: str) -> str | None:
    """ "Objectives: the HTML tag <font> was not kept; …." for a text the public page shows
    only in part, else None."""
    dropped = dropped_markup(text)
    if not dropped:
        return None
    return gettext("%(field)s: %(dropped)s.") % {
        "field": capfirst(label),
        "dropped": "; ".join(dropped),
    }


def formatted_text_field(instance, name: str) -> str:
    """The model field a form field ``name`` edits: "objectives" for ``objectives_fr``."""
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    return getattr(model_field, "translated_field", model_field).name


class FormattedTextAdminMixin:
    """The formatted text fields of a model admin (``formatted_text_fields``): their help text,
    their preview view, and a warning after a save that stored markup the page leaves out.

    The text is stored as typed (it is the source an editor corrects); it renders safely.
    """

    formatted_text_fields = ("objectives", "secretariat")

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "formatted-text-preview/",
                self.admin_site.admin_view(self.formatted_text_preview_view),
                name=f"{prefix}_formatted_text_preview",
            ),
            *super().get_urls(),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The help text says exactly what the page keeps. The form does not trim the text:
        normalising does (keeping the first line's indent, which places a list)."""
        if getattr(db_field, "translated_field", db_field).name in self.formatted_text_fields:
            kwargs["help_text"] = FORMATTED_TEXT_EDITOR_HELP
            kwargs["strip"] = False
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Saves, then warns about each formatted text the editor changed that the public page
        will show only in part (an unchanged one is not reported at every save; its preview
        says it)."""
        super().save_model(request, obj, form, change)
        for name, field in form.fields.items():
            if formatted_text_field(obj, name) not in self.formatted_text_fields:
                continue
            if change and name not in form.changed_data:
                continue
            message = dropped_markup_message(str(field.label), getattr(obj, name))
            if message:
                self.message_user(request, message, level=messages.WARNING)

    def formatted_text_preview_view(self, request):
        """POST ``text``: JSON with ``html``, the text rendered as the public page renders it,
        ``warnings``, what the page leaves out (each a sentence), and ``errors``, what would
        stop a save; a text
        over the length limit is refused (400) with the form's message. For staff who may
        change profiles; CSRF-protected, as every admin view."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        text = normalise_formatted_text(request.POST.get("text", ""))
        try:
            validate_formatted_text_length(text)
        except ValidationError as error:
            return JsonResponse({"error": error.messages[0]}, status=400)
        errors = []
        try:
            validate_no_editorial_markers(text)
        except ValidationError as error:
            errors = error.messages
        return JsonResponse(
            {
                "html": str(render_formatted_text(text)),
                "warnings": [capfirst(phrase) for phrase in dropped_markup(text)],
                "errors": errors,
            }
        )
