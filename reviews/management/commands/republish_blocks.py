"""Republish the live pages embedding a shared block with its newest version, in batches.

Publishing a block starts a run and does its first batch at once; this command does the rest
(run it every minute, like ``publish_scheduled``). Each small group of pages (``--group-size``,
20) is one transaction, and what is done is read from the pages' snapshots under their locks,
so an interrupted run simply resumes, and two runs at once never publish a page twice."""

from django.core.management.base import BaseCommand, CommandError

from reviews.blocks import services


class Command(BaseCommand):
    help = "Republish the live pages that embed a newly published shared block."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)
        parser.add_argument(
            "--group-size",
            type=int,
            default=services.GROUP_SIZE,
            help="Pages republished in one transaction (default: %(default)s).",
        )
        parser.add_argument(
            "--max-pages", type=int, default=None, help="Stop after this many (default: all)."
        )

    def handle(self, *args, batch_size: int, group_size: int, max_pages: int | None, **options):
        def report(run, remaining):
            version = run.block_publication
            self.stdout.write(
                f"{version.block.name} v{version.number}: {run.republished} of {run.total} "
                f"republished, {remaining} left"
            )

        if group_size < 1 or batch_size < 1:
            raise CommandError("--batch-size and --group-size must be at least 1.")
        done = services.run_unfinished(
            batch_size=batch_size, group_size=group_size, max_pages=max_pages, report=report
        )
        self.stdout.write(f"Republished {done} page{'' if done == 1 else 's'}.")
