"""The profile form."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext

from rcp.history import (
    changes_since,
)
from rcp.models import (
    Process,
)


class ProcessAdminForm(forms.ModelForm):
    """The profile form, with optimistic concurrency.

    It remembers the version of the profile the editor opened. If the profile (or any of its
    countries, organisations, chairs, meetings or focus areas) was saved by someone else
    meanwhile, nothing is saved: the editor is told who changed what, and may save again
    over it knowingly.
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    opened_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version
        self.fields["opened_at"].initial = timezone.now()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        current = (
            Process.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        opened = cleaned_data.get("opened_version")
        if current is None or opened == current:
            return cleaned_data
        opened_at = cleaned_data.get("opened_at") or self.instance.updated_at
        problems = [
            gettext(
                "Someone else saved this profile after you opened it, so your changes were "
                "not saved. Their changes are listed below. Reload the page to start from the "
                "current version, or press Save again to save your version over theirs."
            )
        ]
        for version in changes_since(self.instance.pk, opened_at):
            for change in version.changes:
                details = "; ".join(strip_tags(str(detail)) for detail in change.details)
                problems.append(
                    f"{version.user_name}, {date_format(version.date, 'DATETIME_FORMAT')}: "
                    f"{change.label} {change.verb}{': ' + details if details else ''}"
                )
        # A second Save, after reading this, is a deliberate overwrite.
        data = self.data.copy()
        data[self.add_prefix("opened_version")] = current
        data[self.add_prefix("opened_at")] = timezone.now().isoformat()
        self.data = data
        raise forms.ValidationError(problems, code="conflict")

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

    def clean_associated_organisations(self):
        organisations = self.cleaned_data["associated_organisations"]
        Process.validate_associated_organisations(list(organisations))
        return organisations
