"""When the database cannot be reached, readers get a calm 503 page instead of an error, and
the API's clients a JSON 503."""

import logging

from django.db.utils import InterfaceError, OperationalError

from infopages import errors

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = errors.RETRY_AFTER_SECONDS


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection into ``503.html`` with ``Retry-After`` (under ``/api/``:
    ``{"detail": ...}``, as every API error).

    The template is rendered without the request (no context processors), so showing it needs
    neither the database nor the session. A CDN with ``stale-if-error`` keeps serving cached
    pages meanwhile.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s", request.path, exc_info=exception)
        return errors.unavailable(request)
