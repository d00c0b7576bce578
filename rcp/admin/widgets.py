"""Form widgets and forms that keep the profile editor light: labels from rows already
fetched, options written without a template each."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.forms.utils import flatatt
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from rcp.countries import resolve_country, suggest_country


class PrefetchedAutocompleteMixin:
    """An autocomplete that labels its selected option from the row's own related object.

    Django's autocomplete runs one query per inline row to find the label of the
    selected option. The inline querysets below ``select_related`` that object,
    so the label is already at hand and the page runs a constant number of queries.
    """

    selected_objects: dict[str, object] | None = None

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        known = self.selected_objects or {}
        if not selected or any(v not in known for v in selected):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for v in selected:
            label = self.choices.field.label_from_instance(known[v])
            options.append(self.create_option(name, v, label, set(selected), len(options)))
        return [(None, options, 0)]

    def render(self, name, value, attrs=None, renderer=None):
        """Written directly, as Django's select template would (a template per row's select
        and option was most of an inline's time)."""
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class PrefetchedAutocompleteSelect(PrefetchedAutocompleteMixin, AutocompleteSelect):
    pass


class PrefetchedAutocompleteSelectMultiple(PrefetchedAutocompleteMixin, AutocompleteSelectMultiple):
    """The same, for several objects (a profile's regions), read from ``prefetch_related``."""


class PrefetchedLabelsForm(forms.ModelForm):
    """Hands each autocomplete the objects the row already holds (see above): a related object
    from ``select_related``, related objects from ``prefetch_related``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prefetched = getattr(self.instance, "_prefetched_objects_cache", {})
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PrefetchedAutocompleteMixin):
                continue
            if name in prefetched:
                widget.selected_objects = {str(item.pk): item for item in prefetched[name]}
                continue
            related = self.instance._state.fields_cache.get(name)
            if related is not None:
                widget.selected_objects = {str(related.pk): related}


class FastSelect(forms.Select):
    """A select that writes its options directly instead of through a template per option.

    Django renders every ``<option>`` through a template; a profile with 200 countries has
    200 country selects of 250 options each, which took seconds. Same HTML, a hundred times
    faster. Grouped choices fall back to Django's rendering.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = "".join(
            '<option value="{}"{}>{}</option>'.format(
                escape(option_value),
                " selected" if str(option_value) in selected else "",
                escape(label),
            )
            for option_value, label in choices
        )
        return mark_safe(f"<select{flatatt(attrs)}>{options}</select>")


#: The one list of country names on the change page, which every country input offers.
COUNTRY_NAMES_LIST_ID = "rcp-country-names"


def country_name(code: str) -> str:
    return str(countries.name(code)) if code else ""


class CountryNameInput(forms.TextInput):
    """A text input offering the page's list of country names; shows a code as its name."""

    def __init__(self, attrs=None):
        super().__init__({"list": COUNTRY_NAMES_LIST_ID, "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        code = str(value or "")
        if len(code) == 2 and code.upper() in countries:
            return country_name(code.upper())
        return super().format_value(value)


class CountryNameField(forms.CharField):
    """A country typed by name (in English, French or Spanish, IOM's or ISO's, or an alias such
    as "UK") or code, read by the matcher of the imports; stored as its ISO code."""

    widget = CountryNameInput

    def __init__(self, **kwargs):
        kwargs.pop("choices", None)
        kwargs.pop("coerce", None)
        kwargs.pop("empty_value", None)
        kwargs.pop("max_length", None)
        kwargs.setdefault("help_text", _("A name in English, French or Spanish, or its code."))
        super().__init__(max_length=200, **kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return ""
        code = resolve_country(text)
        if code is None:
            suggestion = suggest_country(text)
            if suggestion:
                message = gettext("“%(text)s” is not a country we know: did you mean %(name)s?")
                raise forms.ValidationError(
                    message % {"text": text, "name": suggestion}, code="unknown_country"
                )
            raise forms.ValidationError(
                gettext(
                    "“%(text)s” is not a country we know. Check the spelling, or type its "
                    "two-letter code."
                )
                % {"text": text},
                code="unknown_country",
            )
        return code

    def has_changed(self, initial, data):
        try:
            return (initial or "") != self.to_python(data)
        except forms.ValidationError:
            return True


class FastInput:
    """Renders an ``<input>`` directly, as Django's ``input.html`` template would: a page of
    profile parts has hundreds of inputs, and a template render each made up most of its time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_attr = ""
        if widget["value"] is not None:
            value_attr = format_html(' value="{}"', str(widget["value"]))
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            value_attr,
            flatatt(widget["attrs"]),
        )


_FAST_WIDGETS: dict[type, type] = {}
#: The templates that only write ``input.html``: a widget rendered by one of them, whose context
#: is Django's own, is rendered the same by :class:`FastInput`.
_PLAIN_INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "hidden", "checkbox", "email", "url")
}
_PLAIN_CONTEXTS = {
    forms.Widget.get_context,
    forms.widgets.Input.get_context,
    forms.CheckboxInput.get_context,
}


def render_fast(widget: forms.Widget) -> forms.Widget:
    """``widget`` rendered without a template, when it is one of Django's (or the admin's)
    plain inputs or selects, not a widget with a template or context of its own."""
    kind = type(widget)
    if kind is forms.Select:
        widget.__class__ = FastSelect
    elif (
        isinstance(widget, forms.widgets.Input)
        and widget.template_name in _PLAIN_INPUT_TEMPLATES
        and kind.get_context in _PLAIN_CONTEXTS
    ):
        if kind not in _FAST_WIDGETS:
            _FAST_WIDGETS[kind] = type(f"Fast{kind.__name__}", (FastInput, kind), {})
        widget.__class__ = _FAST_WIDGETS[kind]
    return widget
