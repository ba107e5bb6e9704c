from django.core.management.base import BaseCommand

from reviews.services import publish_due


class Command(BaseCommand):
    help = "Publish scheduled changes whose time has come. Run it from cron every few minutes."

    def handle(self, *args, **options):
        publications = publish_due()
        for publication in publications:
            self.stdout.write(f"Published {publication.slug} (publication {publication.pk}).")
        self.stdout.write(f"{len(publications)} scheduled change(s) published.")
