from django.core.management.base import BaseCommand

from reviews.schedule.services.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Email each page's owner (or REVIEW_TEAM_EMAIL) when its full review is due: 90, 30 "
        "and 7 days before, on the day, and weekly once overdue (to the publishers too from "
        "30 days overdue); and, weekly, of pages needing review because a source they cite "
        "was updated or withdrawn. Run it from cron once a day; running it again sends "
        "nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the reminders that would be sent; send and record nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        reminders = send_reminders(dry_run=dry_run)
        verb = "Would remind" if dry_run else "Reminded"
        for reminder in reminders:
            what = "review due" if reminder.kind[:5] != "flag_" else "review needed since"
            self.stdout.write(
                f"{verb}: “{reminder.title}”, {what} "
                f"{reminder.due_on:%Y-%m-%d} ({reminder.kind}) to "
                f"{', '.join(reminder.recipients)}"
            )
        done = "would be sent" if dry_run else "queued"
        self.stdout.write(f"{len(reminders)} reminder(s) {done}.")
