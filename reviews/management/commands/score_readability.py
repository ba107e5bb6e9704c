"""``manage.py score_readability``: score live pages published before scores were kept."""

from django.core.management.base import BaseCommand

from infopages.models import PublishedPage
from reviews.readability import scoring as readability


class Command(BaseCommand):
    help = (
        "Give every live page that has no plain-English score one (pages published since "
        "scores were kept are scored when published). Safe to run again."
    )

    def handle(self, *args, **options):
        missing = PublishedPage.objects.current().filter(readability__isnull=True)
        done = 0
        for publication in missing.iterator(chunk_size=200):
            readability.record_for(publication)
            done += 1
        self.stdout.write(f"Scored {done} page(s).")
