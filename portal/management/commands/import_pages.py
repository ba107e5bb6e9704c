"""``manage.py import_pages --user NAME FILE_OR_DIR...``: a thin wrapper around the import
service (``reviews.core.services.imports``), which lives above both content and workflow."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reviews.core.errors import NotAllowed
from reviews.core.services.imports import import_pages


class Command(BaseCommand):
    help = (
        "Import information pages from markdown files with YAML front matter (directories "
        "are searched for *.md). Each page is published as reviewed on its 'reviewed' date "
        "unless --draft is given. Bad files are reported and skipped; the rest still import."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Update the working copy only; what readers see is left as it is.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            required=True,
            help="Who is importing: a publisher (an editor may import with --draft). The "
            "versions, publications and audit events are recorded against them.",
        )

    def handle(self, *args, paths: list[str], draft: bool, user: str, **options):
        try:
            by = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {user!r}.") from None
        try:
            report = import_pages(paths, draft=draft, by=by, progress=options["verbosity"] > 0)
        except NotAllowed as refusal:
            raise CommandError(refusal.message) from None
        for line in report.warnings:
            self.stderr.write(f"Warning: {line}", style_func=self.style.WARNING)
        for line in report.errors:
            self.stderr.write(line)
        if report.errors:
            raise CommandError(report.summary())
        self.stdout.write(report.summary(), style_func=self.style.SUCCESS)
