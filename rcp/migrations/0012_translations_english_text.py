"""The texts of every profile, as they were before they had languages, become their English
text, in the profiles and in their history (a revert to an older version restores its English
text). The French and Spanish of a text not translated yet is "" (NULL for the unique names),
as rcp/translation.py stores it. A migration of its own: PostgreSQL refuses to alter a table
in the transaction that updated its rows."""

from django.db import migrations, models

#: The translated fields of each model; the unique ones (names) keep NULL when missing.
TRANSLATED = {
    "region": ["name"],
    "organisation": ["name", "acronym"],
    "focusarea": ["name"],
    "process": ["name", "acronym", "objectives", "secretariat"],
    "participation": ["group", "note"],
    "processorganisation": ["group"],
    "meeting": ["title", "city"],
}


UNIQUE = {"name"}


def copy_to_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        for name in (model_name, "historical" + model_name):
            model = apps.get_model("rcp", name)
            model._base_manager.update(**{f"{field}_en": models.F(field) for field in fields})
            for field in set(fields) - UNIQUE:
                for language in ("fr", "es"):
                    column = f"{field}_{language}"
                    model._base_manager.filter(**{f"{column}__isnull": True}).update(
                        **{column: ""}
                    )


def copy_from_english(apps, schema_editor):
    """Undoing: English back into the field, the translations dropped with their columns."""
    for model_name, fields in TRANSLATED.items():
        for name in (model_name, "historical" + model_name):
            model = apps.get_model("rcp", name)
            for field in fields:
                model._base_manager.exclude(**{f"{field}_en__isnull": True}).update(
                    **{field: models.F(f"{field}_en")}
                )


class Migration(migrations.Migration):
    dependencies = [("rcp", "0011_translations")]

    operations = [migrations.RunPython(copy_to_english, copy_from_english)]
