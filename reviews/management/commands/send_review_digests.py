from django.core.management.base import BaseCommand

from reviews.core.notifications import send_digests


class Command(BaseCommand):
    help = (
        "Send each person their daily digest of review emails, and retry immediate emails "
        "that could not be sent. Run it from cron once a day."
    )

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"{sent} email(s) sent.")
