from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cbec_supervision"
    label = "core"
    verbose_name = _("Supervision core")

    def ready(self) -> None:
        from cbec_supervision.correlation import connect_celery_signals
        from cbec_supervision.dashboard import notification_panels, register_panels
        from cbec_supervision.home import notification_queues, register_queues

        connect_celery_signals()
        register_queues(notification_queues)
        register_panels(notification_panels)
