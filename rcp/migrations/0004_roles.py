"""The three roles of the editorial workflow, as groups (documented in README.md).

- Editors edit profiles and their parts, import and export them, but cannot publish.
- Publishers do what Editors do, and publish, unpublish and archive profiles.
- Administrators do what Publishers do, and manage users and their groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RCP_MODELS = [
    "process",
    "participation",
    "processorganisation",
    "processfocusarea",
    "chair",
    "meeting",
    "organisation",
    "focusarea",
    "region",
]
HISTORY_MODELS = [f"historical{model}" for model in RCP_MODELS]
ROLES = ["Editors", "Publishers", "Administrators"]


def editor_codenames():
    codenames = []
    for model in RCP_MODELS:
        codenames += [f"{action}_{model}" for action in ("view", "add", "change", "delete")]
        codenames += [f"import_{model}", f"export_{model}"]
    codenames += [f"view_{model}" for model in HISTORY_MODELS]
    return codenames


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = list(Permission.objects.filter(content_type__app_label="rcp",
                                             codename__in=editor_codenames()))
    publishers = editors + list(
        Permission.objects.filter(content_type__app_label="rcp", codename="publish_process")
    )
    administrators = publishers + list(
        Permission.objects.filter(
            content_type__app_label="auth",
            content_type__model__in=["user", "group"],
        )
    )
    for name, permissions in zip(ROLES, [editors, publishers, administrators], strict=True):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rcp", "0003_history_versions_review"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
