"""The production settings, plus one route: the floor (``bench.urls``)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
