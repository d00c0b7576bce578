"""Form widgets and forms that keep the profile editor light: labels from rows already
fetched, options written without a template each."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class PrefetchedAutocompleteSelect(AutocompleteSelect):
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


class PrefetchedLabelsForm(forms.ModelForm):
    """Hands each autocomplete the object the row already holds (see above)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PrefetchedAutocompleteSelect):
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
