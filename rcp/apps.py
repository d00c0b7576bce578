from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RcpConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rcp"
    verbose_name = _("RCP profiles")

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from rcp.history_records import stamp_changeset

        pre_create_historical_record.connect(stamp_changeset, dispatch_uid="rcp_stamp_changeset")

        from rcp.cache import connect_signals

        connect_signals()  # public pages are invalidated by any change to the app's models
