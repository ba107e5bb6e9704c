from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff sign-in: throttling, two-factor codes and idle sessions (no models of its own)."""

    name = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from accounts import middleware, throttling

        user_locked_out.connect(throttling.record_lockout, dispatch_uid="audit_sign_in_lockout")
        user_logged_in.connect(middleware.note_activity, dispatch_uid="staff_session_activity")
