"""The ASGI entry point. It refuses to serve with DEBUG off and no real SECRET_KEY, or
with a system check error (portal.startup)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_asgi_application()

from portal.startup import refuse_to_serve_if_misconfigured  # noqa: E402

refuse_to_serve_if_misconfigured()
