"""System checks for settings that would quietly serve readers stale or withdrawn pages."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

# Backends every worker process shares: one write (a publication, a take-down) reaches all.
SHARED_CACHE_BACKENDS = (
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
    "django.core.cache.backends.db.DatabaseCache",
)


def is_shared(backend_path: str) -> bool:
    try:
        backend = import_string(backend_path)
    except ImportError:
        return False  # Django's own cache checks report a backend that cannot be imported
    return any(issubclass(backend, import_string(shared)) for shared in SHARED_CACHE_BACKENDS)


@register(Tags.caches)
def rendered_pages_need_a_shared_cache(app_configs, **kwargs) -> list[Error]:
    """``PUBLIC_PAGE_CACHE_SECONDS`` with a per-process cache would let the other workers go
    on serving a page for that long after it was changed or taken down. (Its keys now carry
    the database's publication generation, which bounds that too; the check stays, so a
    shared page cache is always what its name says: see ``infopages.caching``.)"""
    seconds = int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0) or 0)
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if seconds <= 0 or is_shared(backend):
        return []
    return [
        Error(
            f"PUBLIC_PAGE_CACHE_SECONDS is {seconds}, but the default cache ({backend}) is "
            "not shared between worker processes: after a correction or a take-down, other "
            f"workers would go on serving the old page for up to {seconds} seconds.",
            hint="Set REDIS_URL (a cache every worker shares), or PUBLIC_PAGE_CACHE_SECONDS=0.",
            id="portal.E001",
        )
    ]
