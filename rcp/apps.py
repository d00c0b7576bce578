from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RcpConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rcp"
    verbose_name = _("RCP profiles")
