import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import OperationalError

from infopages.checks import rendered_pages_need_a_shared_cache

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    class UnreachableDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("infopages.views.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.parametrize("email_host", ["smtp.example.org", ""])
def test_deploy_check_is_clean_with_production_settings(email_host):
    """With or without a mail server: without one, email is refused, not printed (portal.mail)."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "x7#kP2!qL9@vR4$wZ8^mN3&bT6*yH1(jF5)dG0-cS" * 2,
        "ALLOWED_HOSTS": "information.example.org",
        "EMAIL_HOST": email_host,
        "DATABASE_URL": "",
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_without_a_secret_key():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "false"}
    environment.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_web_server_refuses_to_start_without_a_secret_key_when_debug_is_off():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "false"}
    environment.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_web_server_starts_in_development_without_a_secret_key():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "true"}
    environment.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_the_operations_guide_lists_every_setting_read_from_the_environment():
    root = Path(__file__).resolve().parents[1]
    source = (root / "portal" / "settings.py").read_text()
    names = set(re.findall(r'(?:environ\.get|env_bool|env_list|env_int)\("([A-Z_]+)"', source))
    settings_table = (root / "docs" / "operations.md").read_text()

    assert names, "no settings found: has settings.py changed how it reads them?"
    assert sorted(name for name in names if f"`{name}`" not in settings_table) == []


def run_with(environment: dict, *command: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **environment}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_page_cache_without_a_shared_cache_is_refused_by_check_and_server():
    environment = {
        "PUBLIC_PAGE_CACHE_SECONDS": "600",
        "REDIS_URL": "",
        "DEBUG": "false",
        "SECRET_KEY": "a-real-enough-key-for-this-test-only-" * 2,
        "DATABASE_URL": "",
    }

    check = run_with(environment, "manage.py", "check")
    server = run_with(environment, "-c", "import portal.wsgi")

    assert check.returncode != 0
    assert "portal.E001" in check.stdout + check.stderr
    assert "REDIS_URL" in check.stdout + check.stderr
    assert server.returncode != 0
    assert "portal.E001" in server.stderr


def test_page_cache_with_redis_passes_the_check():
    result = run_with(
        {"PUBLIC_PAGE_CACHE_SECONDS": "600", "REDIS_URL": "redis://127.0.0.1:6379/14"},
        "manage.py",
        "check",
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("backend", "seconds", "refused"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", 600, True),
        ("django.core.cache.backends.filebased.FileBasedCache", 600, True),
        ("django.core.cache.backends.locmem.LocMemCache", 0, False),
        ("django.core.cache.backends.redis.RedisCache", 600, False),
        ("django.core.cache.backends.memcached.PyMemcacheCache", 600, False),
        ("django.core.cache.backends.db.DatabaseCache", 600, False),
    ],
)
def test_page_cache_check(settings, backend, seconds, refused):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "x"}}
    settings.PUBLIC_PAGE_CACHE_SECONDS = seconds

    errors = rendered_pages_need_a_shared_cache(None)

    assert [e.id for e in errors] == (["portal.E001"] if refused else [])


@pytest.mark.parametrize("name", ["site.css", "workspace.css"])
def test_style_sheets_are_well_formed(name):
    """An unclosed block silently swallows every rule after it (a merge can leave one)."""
    css = (Path(__file__).resolve().parents[1] / "static" / "css" / name).read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    depth = 0
    for character in css:
        depth += {"{": 1, "}": -1}.get(character, 0)
        assert depth >= 0
    assert depth == 0
