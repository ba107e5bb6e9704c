"""The restore drill (``make restore-drill``): a backup is only as good as its last restore.

On the PostgreSQL server at 127.0.0.1:5432 (user ``postgres``), in scratch databases it
creates and always drops: migrate, load the demo and some history (changes reviewed and
published through the services, a page taken down), dump it as the nightly backup does
(``pg_dump -Fc``), restore the dump into a fresh database (``pg_restore``), and check that
what matters came back the same:

- every public page's response (status, body, validators): each address in the sitemap,
  every page ever published (its page, print view, history and API entry, or its 404),
  the home page, the feed, the API list and a few searches;
- every publication's stored snapshot, its sections' HTML and search vectors;
- the audit log (every event) and its append-only triggers, which must refuse UPDATE,
  DELETE and TRUNCATE in the restored database;
- the number of rows in every table (versions, sign-offs, users...).

It prints what it checked and exits 1 on any difference (2 if it could not run).
"""

import argparse
import hashlib
import io
import logging
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import psycopg

SERVER = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
SEARCHES = ["cancer", "bone scan", "treatment", "side effects"]
# Per response, never stored: the CSP nonce and CSRF tokens.
_VOLATILE = [
    (re.compile(r'nonce="[^"]*"'), 'nonce="…"'),
    (re.compile(r"'nonce-[^']*'"), "'nonce-…'"),
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"'), r'\1…"'),
]
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


def admin_sql(statement: str) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as admin:
        admin.execute(statement)


def postgres_tool(*args: str) -> None:
    """Run pg_dump or pg_restore against the drill's server; stop on its first error."""
    command = [*args, "-h", SERVER["host"], "-p", SERVER["port"], "-U", SERVER["user"]]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {result.stderr.strip()[:2000]}")


def configure_django(database: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=(f"postgres://{SERVER['user']}@{SERVER['host']}:{SERVER['port']}/{database}"),
        DEBUG="true",  # loaddemo's well-known logins, in a scratch database
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        ALLOWED_HOSTS="testserver",
        REDIS_URL="",
        PUBLIC_PAGE_CACHE_SECONDS="0",
        PUBLIC_PAGE_MEMORY_MB="0",
        DB_CONN_MAX_AGE="0",
    )
    import django
    from django.conf import settings

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    django.setup()
    # A page taken down answers 404 on purpose: no "Not Found" lines in the drill's report.
    logging.getLogger("django.request").setLevel(logging.ERROR)


def make_history() -> list[str]:
    """Changes reviewed and published through the services, on top of the demo: so the dump
    holds replaced snapshots, sign-offs, versions and their audit events, and a take-down."""
    from django.contrib.auth import get_user_model

    from infopages.models import PublishedPage, Section
    from reviews import services
    from reviews.core.status import ReviewStatus
    from reviews.models import ChangeRequest, Decision

    users = {u.username: u for u in get_user_model().objects.all()}
    editor, medic, publisher = users["editor"], users["medreviewer"], users["publisher"]

    def approve_and_publish(change, note: str) -> None:
        services.sign_off(
            change=change,
            reviewer=medic,
            decision=Decision.APPROVE,
            seen_hash=change.content_hash,
            comment="Accurate and clear.",
            sections=ReviewStatus(change).section_ids,
        )
        change.refresh_from_db()
        services.publish(change=change, by=publisher, public_note=note)

    done = []
    waiting = (
        ChangeRequest.objects.filter(state=ChangeRequest.State.IN_REVIEW).order_by("pk").first()
    )
    if waiting is not None:
        approve_and_publish(waiting, "Added antibody-drug conjugates for HER2-low cancer.")
        done.append(f"published the demo's waiting change to {waiting.page.slug}")
    live = PublishedPage.objects.filter(is_current=True).order_by("slug")
    open_pages = ChangeRequest.objects.filter(state__in=ChangeRequest.OPEN_STATES).values_list(
        "page_id", flat=True
    )
    for snapshot in live.exclude(page_id__in=open_pages)[:3]:
        page = snapshot.page
        change = services.start_change(page=page, by=editor, summary="Clearer wording")
        section = Section.objects.filter(page=page).order_by("position", "pk").first()
        section.body = f"{section.body.rstrip()}\n\nAsk your nurse if anything is unclear.\n"
        services.edit_in_change(
            change=change,
            obj=section,
            by=editor,
            comment="Point readers to their nurse",
            expected_lock_version=section.lock_version,
        )
        services.submit_for_review(change=change, by=editor)
        change.refresh_from_db()
        approve_and_publish(change, "Says who to ask.")
        done.append(f"changed and published {page.slug}")
    last = live.exclude(page_id__in=open_pages).order_by("-slug").first()
    if last is not None:
        services.unpublish_page(page=last.page, by=publisher, reason="Restore drill take-down")
        done.append(f"took {last.slug} down")
    return done


def public_addresses() -> list[str]:
    """Every public address the drill asks for, read from the database being checked."""
    from django.conf import settings
    from django.test import Client

    from infopages.models import PublishedPage

    client = Client()
    addresses = ["/", "/robots.txt", "/sitemap.xml", "/feeds/updated/", "/api/pages/"]
    addresses += [f"/search/?q={words.replace(' ', '+')}" for words in SEARCHES]
    pending = ["/sitemap.xml"]
    while pending:
        xml = client.get(pending.pop()).content
        for loc in ElementTree.fromstring(xml).iter(_SITEMAP):
            path = loc.text.removeprefix(settings.SITE_URL)
            if path not in addresses:
                addresses.append(path)
                if path.endswith(".xml"):
                    pending.append(path)
    # A shared block's signed snapshots are not pages readers can open.
    readers_pages = PublishedPage.objects.filter(block_publication__isnull=True)
    for slug in readers_pages.order_by("slug").values_list("slug", flat=True).distinct():
        for path in ("", "print/", "history/"):
            addresses.append(f"/info/{slug}/{path}")
        addresses.append(f"/api/pages/{slug}/")
    return list(dict.fromkeys(addresses))


def append_only_refusals() -> dict[str, bool]:
    """Whether the database's append-only triggers refuse each way of changing the audit log
    (each try rolled back, whatever happens)."""
    from django.db import DatabaseError, connection, transaction

    from reviews.models import AuditEvent

    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    tries = {
        "UPDATE": f"UPDATE {table} SET message = 'changed'",
        "DELETE": f"DELETE FROM {table}",
        "TRUNCATE": f"TRUNCATE {table}",
    }
    refused = {}
    for name, sql in tries.items():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
                refused[name] = False
                raise _Undo
        except _Undo:
            pass
        except DatabaseError as error:
            refused[name] = "append-only" in str(error)
    return refused


class _Undo(Exception):
    pass


def snapshot(addresses: list[str]) -> dict[str, object]:
    """What must come back the same, read from the current default database."""
    from django.apps import apps
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client

    from infopages.models import PublishedPage, PublishedSection, StoredPageBody
    from reviews.models import AuditEvent

    for alias in caches:
        caches[alias].clear()
    client = Client()
    found: dict[str, object] = {}
    for address in addresses:
        response = client.get(address)
        body = response.content.decode("utf-8", "replace")
        for pattern, replacement in _VOLATILE:
            body = pattern.sub(replacement, body)
        headers = {h: response.get(h, "") for h in ("Location", "ETag", "Last-Modified")}
        found[f"public {address}"] = (response.status_code, headers, body)
    for model in (PublishedPage, PublishedSection, StoredPageBody, AuditEvent):
        for row in model.objects.order_by("pk").values():
            found[f"{model._meta.db_table} #{row[model._meta.pk.attname]}"] = row
    for model in apps.get_models():
        found[f"rows in {model._meta.db_table}"] = model._base_manager.count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
            "AND tgenabled <> 'D' ORDER BY tgname",
            [AuditEvent._meta.db_table],
        )
        found["audit log triggers"] = [name for (name,) in cursor.fetchall()]
    found["audit log refuses"] = append_only_refusals()
    return found


def differences(before: dict, after: dict) -> list[str]:
    """What the restore did not bring back the same, one line each."""
    lines = []
    for key in sorted(before.keys() | after.keys()):
        if key not in after:
            lines.append(f"missing after the restore: {key}")
        elif key not in before:
            lines.append(f"only after the restore: {key}")
        elif before[key] != after[key]:
            lines.append(f"differs: {key}")
    return lines


def digest(found: dict) -> str:
    return hashlib.sha256(repr(sorted(found.items(), key=lambda kv: kv[0])).encode()).hexdigest()


def run(*, keep_dump: Path | None) -> int:
    suffix = f"{os.getpid()}_{secrets.token_hex(4)}"
    source, restored = f"restore_drill_{suffix}", f"restore_drill_{suffix}_restored"
    started = time.monotonic()
    admin_sql(f"CREATE DATABASE {source}")
    try:
        configure_django(source)
        from django.core.management import call_command
        from django.db import connection, connections

        call_command("migrate", verbosity=0)
        call_command("loaddemo", stdout=io.StringIO())
        for step in make_history():
            print(f"history: {step}")
        addresses = public_addresses()
        before = snapshot(addresses)
        connections.close_all()
        with tempfile.TemporaryDirectory() as folder:
            dump = keep_dump or Path(folder) / "portal.dump"
            postgres_tool("pg_dump", "--format=custom", "--file", str(dump), "--dbname", source)
            print(f"dumped {source}: {dump.stat().st_size / 1024:.0f} kB (pg_dump -Fc)")
            admin_sql(f"CREATE DATABASE {restored} TEMPLATE template0")
            postgres_tool(
                "pg_restore", "--exit-on-error", "--single-transaction", "--dbname", restored,
                str(dump),
            )  # fmt: skip
        print(f"restored into {restored} (pg_restore)")
        connection.settings_dict["NAME"] = restored
        after = snapshot(addresses)
        connections.close_all()
    finally:
        from django.db import connections

        connections.close_all()
        for name in (restored, source):
            admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    counts = {
        "public responses": sum(k.startswith("public ") for k in before),
        "publications": sum(k.startswith("infopages_publishedpage #") for k in before),
        "published sections (HTML and search vectors)": sum(
            k.startswith("infopages_publishedsection #") for k in before
        ),
        "audit events": sum(k.startswith("reviews_auditevent #") for k in before),
        "tables counted": sum(k.startswith("rows in ") for k in before),
    }
    for what, n in counts.items():
        print(f"checked {n} {what}")
    statuses = Counter(value[0] for key, value in before.items() if key.startswith("public "))
    print("public responses: " + ", ".join(f"{n} × {code}" for code, n in sorted(statuses.items())))
    print(f"audit log triggers: {', '.join(before['audit log triggers']) or 'none'}")
    problems = differences(before, after)
    refuses = after["audit log refuses"]
    problems += [f"the restored audit log accepts {what}" for what, ok in refuses.items() if not ok]
    if not before["audit log triggers"]:
        problems.append("the audit log has no triggers")
    # A drill that compared nothing proves nothing.
    if not (counts["publications"] and counts["audit events"]):
        problems.append("nothing was published or audited before the dump")
    if "/info/" not in before[f"public /search/?q={SEARCHES[0]}"][2]:
        problems.append(f"searching for {SEARCHES[0]!r} found no page before the dump")
    elapsed = time.monotonic() - started
    if problems:
        for line in problems[:50]:
            print(f"FAILED: {line}")
        print(f"Restore drill FAILED: {len(problems)} difference(s), in {elapsed:.0f} s.")
        return 1
    print(
        f"Restore drill passed in {elapsed:.0f} s: the restored database is the same "
        f"(digest {digest(after)[:16]}), and its audit log refuses "
        f"{', '.join(refuses)}; scratch databases dropped."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-dump", type=Path, help="Also keep the dump at this path.")
    args = parser.parse_args(argv)
    try:
        return run(keep_dump=args.keep_dump)
    except (RuntimeError, OSError, psycopg.Error) as failed:
        print(f"Restore drill could not run: {failed}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
