"""Writing to the audit log. Every service that changes workflow state calls ``record``."""

from typing import Any

from reviews.models import AuditEvent


def record(
    *,
    action: str,
    actor=None,
    page=None,
    change_request_id: int | None = None,
    versions: dict[str, Any] | None = None,
    message: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        page=page,
        change_request_id=change_request_id,
        versions=versions or {},
        message=message,
    )
