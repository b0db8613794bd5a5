from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CASConfig(AppConfig):
    name = "accounts.cas"
    label = "accounts_cas"
    verbose_name = _("Connexion ENT (CAS)")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from accounts.cas import services

        user_logged_out.connect(services.forget_cas_session, dispatch_uid="accounts.cas.forget_cas_session")
