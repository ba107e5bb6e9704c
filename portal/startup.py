"""What the web server checks before it serves anyone (portal/wsgi.py, portal/asgi.py)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def refuse_to_serve_if_misconfigured() -> None:
    """Stop the server with DEBUG off and no real SECRET_KEY, or with any system check error
    (e.g. ``portal.E001``): gunicorn, unlike runserver, does not run the checks itself."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.INSECURE_DEVELOPMENT_KEY:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment before serving with DEBUG off."
        )
    errors = [m for m in checks.run_checks() if m.is_serious() and not m.is_silenced()]
    if errors:
        raise ImproperlyConfigured(
            "Refusing to serve until these are fixed:\n" + "\n".join(str(e) for e in errors)
        )
