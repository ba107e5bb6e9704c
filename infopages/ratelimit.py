"""One rate limiter for everything counted per person or per client: readers' feedback,
outside reviewers' one-time codes and tries.

Fixed windows counted in the shared cache: ``allow`` counts one more and says whether
``who`` is still within ``limit`` for the current window of ``seconds``. ``who`` (an address,
an invitation) is kept only as a keyed hash, so the cache never holds a client's address,
and the count expires with its window, never reaching the database.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def allow(scope: str, who: str, *, limit: int, seconds: int) -> bool:
    """Count one more for ``who`` in ``scope``; False once they have used up ``limit`` in the
    current window of ``seconds``."""
    digest = hmac.new(settings.SECRET_KEY.encode(), who.encode(), hashlib.sha256).hexdigest()
    key = f"{scope}:{digest[:32]}:{int(time.time() // seconds)}"
    cache.add(key, 0, timeout=seconds + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=seconds + 60)
        count = 1
    return count <= limit
