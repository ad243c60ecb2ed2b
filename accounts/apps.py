from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Bureaus and accounts")

    def ready(self) -> None:
        from accounts.selectors import home_queues
        from cbec_supervision.home import register_queues

        register_queues(home_queues)

        from django.contrib.auth.signals import user_logged_in

        from accounts.receivers import record_login

        user_logged_in.connect(record_login, dispatch_uid="accounts.record_login")
