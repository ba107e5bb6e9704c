"""``manage.py check_reference_links``: check every link in the evidence register (weekly)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from infopages.linkcheck import (
    DEFAULT_INTERVAL,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
    LinkResult,
    check_links,
    politeness_budget,
)
from infopages.sources import Source
from infopages.weblinks import is_public_address

SAVED_EVERY = 200
RESULT_FIELDS = [
    "link_checked_at",
    "link_status",
    "link_status_code",
    "link_final_url",
    "link_redirects",
    "link_error",
]


def user_agent() -> str:
    """Names the portal and where to find it, so a site's owner knows who is asking."""
    return f"Cancer information link checker (+{settings.SITE_URL})"


class Command(BaseCommand):
    help = (
        "Check the link of every source in the evidence register: HEAD, then GET when HEAD "
        "is refused or fails; redirects followed and recorded. Polite: one request per host "
        "per interval, a timeout, a User-Agent naming the portal. Records each result and "
        "when it was checked; broken links are listed in the workspace. Run it weekly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=DEFAULT_INTERVAL,
            help=f"Seconds between two requests to one host (default {DEFAULT_INTERVAL:g}).",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT,
            help=f"Seconds to wait for an answer (default {DEFAULT_TIMEOUT:g}).",
        )
        parser.add_argument(
            "--allow-private-addresses",
            action="store_true",
            help=(
                "Also check links to this machine and private networks (a test server). "
                "Links are still read strictly and asked at the address checked."
            ),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=DEFAULT_WORKERS,
            help=f"Hosts checked at the same time (default {DEFAULT_WORKERS}).",
        )

    def handle(self, *args, interval, timeout, workers, allow_private_addresses, **options):
        if interval < 0 or timeout <= 0 or workers < 1:
            raise CommandError("--interval must be 0 or more, --timeout and --workers above 0.")
        sources: dict[str, list[int]] = {}
        for pk, url in (
            Source.objects.filter(merged_into__isnull=True)
            .exclude(url="")
            .order_by("pk")
            .values_list("pk", "url")
        ):
            sources.setdefault(url, []).append(pk)
        budget = politeness_budget(sources, interval=interval, workers=workers)
        self.stdout.write(
            f"Checking {budget}, {interval:g} s apart (timeout {timeout:g} s, {workers} "
            "hosts at a time)."
        )
        pending: list[Source] = []
        counts = {status: 0 for status in Source.LinkStatus.values}
        started = time.monotonic()

        def record(url: str, result: LinkResult) -> None:
            counts[result.status] += 1
            now = timezone.now()
            for pk in sources[url]:
                pending.append(
                    Source(
                        pk=pk,
                        link_checked_at=now,
                        link_status=result.status,
                        link_status_code=result.code,
                        link_final_url=result.final_url,
                        link_redirects=result.redirects,
                        link_error=result.error[:300],
                    )
                )
            if len(pending) >= SAVED_EVERY:
                save(pending)

        def save(rows: list[Source]) -> None:
            with transaction.atomic():
                Source.objects.bulk_update(rows, RESULT_FIELDS)
            rows.clear()

        checked = check_links(
            sources,
            record=record,
            interval=interval,
            timeout=timeout,
            workers=workers,
            user_agent=user_agent(),
            address_allowed=(lambda _address: True)
            if allow_private_addresses
            else is_public_address,
        )
        save(pending)
        elapsed = time.monotonic() - started
        labels = dict(Source.LinkStatus.choices)
        summary = ", ".join(
            f"{labels[status]}: {n}" for status, n in counts.items() if status and n
        )
        self.stdout.write(
            f"Checked {checked} link{'s' if checked != 1 else ''} in {elapsed:.1f} s "
            f"(politeness budget: at least {budget.seconds:.1f} s). "
            + (summary or "Nothing to check.")
        )
        broken = counts[Source.LinkStatus.BROKEN] + counts[Source.LinkStatus.UNREACHABLE]
        if broken:
            self.stdout.write(f"{broken} broken: {settings.SITE_URL}/reviews/sources/broken-links/")
