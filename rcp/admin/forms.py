"""The profile form."""

from rcp.admin.concurrency import ConcurrentFormMixin
from rcp.admin.formatted_text import FormattedTextarea
from rcp.admin.translations import language_columns
from rcp.admin.widgets import PrefetchedLabelsForm
from rcp.models import (
    Process,
)


class ProcessAdminForm(ConcurrentFormMixin, PrefetchedLabelsForm):
    """The profile form. Saving after a colleague saved merges both sets of changes, and
    asks about the fields both changed (rcp.admin.concurrency). Its autocompletes label the
    regions and organisations from the profile as fetched (ProcessAdmin.get_object)."""

    class Meta:
        model = Process
        # The language columns: a form field "name" would write the editor's language's.
        fields = [
            *language_columns("name"),
            *language_columns("acronym"),
            "slug",
            "status",
            "kind",
            "regions",
            "activity",
            "established",
            "website",
            *language_columns("objectives"),
            "has_official_secretariat",
            "secretariat_organisation",
            *language_columns("secretariat"),
            "associated_organisations",
        ]
        widgets = dict.fromkeys(
            [*language_columns("objectives"), *language_columns("secretariat")], FormattedTextarea
        )

    def clean_associated_organisations(self):
        organisations = self.cleaned_data["associated_organisations"]
        Process.validate_associated_organisations(list(organisations))
        return organisations
