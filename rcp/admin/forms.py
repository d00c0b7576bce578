"""The profile form."""

from django import forms

from rcp.admin.concurrency import ConcurrentFormMixin
from rcp.admin.formatted_text import FormattedTextarea
from rcp.models import (
    Process,
)


class ProcessAdminForm(ConcurrentFormMixin, forms.ModelForm):
    """The profile form. Saving after a colleague saved merges both sets of changes, and
    asks about the fields both changed (rcp.admin.concurrency)."""

    class Meta:
        model = Process
        fields = [
            "name",
            "acronym",
            "slug",
            "status",
            "kind",
            "regions",
            "activity",
            "established",
            "website",
            "objectives",
            "has_official_secretariat",
            "secretariat_organisation",
            "secretariat",
            "associated_organisations",
        ]
        widgets = {"objectives": FormattedTextarea, "secretariat": FormattedTextarea}

    def clean_associated_organisations(self):
        organisations = self.cleaned_data["associated_organisations"]
        Process.validate_associated_organisations(list(organisations))
        return organisations
