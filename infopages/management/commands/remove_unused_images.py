"""``manage.py remove_unused_images``: remove stored pictures nothing refers to, after a grace.

A picture is kept while a figure on any page, any saved version of a figure (so every
publication, and anything that can be restored) or any publication refers to it. What is
left is a picture uploaded but never saved into a figure (an editor chose another, or left),
or files whose row was never written. Those older than the grace period are removed, files
and row. ``--dry-run`` lists them and changes nothing.
"""

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from infopages import images
from infopages.models import Figure, PublishedPage, StoredImage

DEFAULT_GRACE_DAYS = 30


def referenced_digests() -> set[str]:
    """Every digest a figure, a figure's version or a publication names."""
    digests = set(Figure.objects.values_list("image_id", flat=True))
    for version in Version.objects.get_for_model(Figure).iterator():
        digest = version.field_dict.get("image_id")
        if digest:
            digests.add(digest)
    for figures in PublishedPage.objects.exclude(figures=[]).values_list("figures", flat=True):
        digests.update(figure.get("digest") for figure in figures or [] if figure.get("digest"))
    return digests


def stored_names() -> list[str]:
    """Every file of ours in the figures storage."""
    store = images.storage()
    folders, files = store.listdir("")
    names = [name for name in files if images.NAME.match(name)]
    for folder in folders:
        if images.DIGEST.match(folder):
            names += [f"{folder}/{name}" for name in store.listdir(folder)[1]]
    return [name for name in names if images.NAME.match(name)]


class Command(BaseCommand):
    help = (
        "Remove stored pictures that no figure, figure version or publication refers to, "
        "once older than the grace period. --dry-run lists them and removes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-days",
            type=int,
            default=DEFAULT_GRACE_DAYS,
            help=f"Keep unreferenced pictures this many days (default {DEFAULT_GRACE_DAYS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="List, remove nothing.")

    def handle(self, *args, grace_days: int, dry_run: bool, **options):
        cutoff = timezone.now() - dt.timedelta(days=max(grace_days, 0))
        keep = referenced_digests()
        rows = {image.digest: image for image in StoredImage.objects.all()}
        unused = [
            image
            for digest, image in rows.items()
            if digest not in keep and image.created_at < cutoff
        ]
        store = images.storage()
        names = stored_names()
        # Files without a row (a step that failed after writing them), past the grace too.
        stray = [
            name
            for name in names
            if name[:64] not in rows
            and name[:64] not in keep
            and store.get_modified_time(name) < cutoff
        ]
        verb = "would remove" if dry_run else "removed"
        for image in unused:
            self.stdout.write(
                f"{image.digest} ({image.original_name or 'no name'}, {image.created_at:%Y-%m-%d})"
            )
        for name in stray:
            self.stdout.write(f"{name} (a file without a row)")
        if not dry_run:
            for image in unused:
                with transaction.atomic():
                    # Asked again under a lock: a figure saved meanwhile keeps its picture.
                    locked = StoredImage.objects.select_for_update().filter(pk=image.pk).first()
                    if (
                        locked is None
                        or locked.figures.exists()
                        or image.digest in referenced_digests()
                    ):
                        continue
                    files = [name for name in names if name.startswith(image.digest)]
                    locked.delete()
                    transaction.on_commit(lambda files=files: images.delete_files(files))
            images.delete_files(stray)
        self.stdout.write(
            f"{verb} {len(unused)} unused picture{'s' if len(unused) != 1 else ''} and "
            f"{len(stray)} stray file{'s' if len(stray) != 1 else ''} "
            f"(older than {grace_days} days)."
        )
