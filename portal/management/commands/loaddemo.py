"""Fill a development database with demo pages, groups and one login per role.

The demo tells the README's story: a change to "Secondary breast cancer" waits for the medical
reviewer, and every other page is free for the editor to start a change. The demo reviewers
have public credits, so a page published after a full review names them as readers see it.
Demo people get their workflow emails as a daily digest, so nothing is printed while you try
it (``manage.py send_review_digests`` prints the digests to the console).

Safe to run again: groups, users and pages are looked up before they are created, passwords
are set back to the demo ones, and the demo change is made only once.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from infopages.models import Block, Page, Person, PublishedPage, Section
from infopages.parts import part_models
from portal.demo_versions import publish_demo_versions
from reviews import services as review_services
from reviews.blocks import services as block_services
from reviews.core.selectors import open_change_for
from reviews.core.services.imports import import_pages
from reviews.core.status import ReviewStatus
from reviews.models import (
    ChangeRequest,
    Decision,
    Frequency,
    NotificationPreference,
    ReviewerRole,
)

DEMO_PAGES_DIR = Path(settings.BASE_DIR) / "demo" / "pages"

# Shared blocks every demo page shows (their markers are in demo/pages/*.md), written for the
# demo. The phone number is in the range Ofcom keeps for drama, so it rings nobody.
DEMO_BLOCKS = [
    (
        "support-line",
        "support_line",
        "Our support line",
        {
            "intro": "We are here for you. If you would like to talk to someone, you can:",
            "phone": "0808 157 0192",
            "hours": "Monday to Friday, 9am to 6pm, and Saturday, 10am to 2pm",
            "chat": "https://www.example.org/chat",
            "email": "support@example.org",
        },
    ),
    (
        "worried-about-a-symptom",
        "paragraph",
        "Worried about a symptom",
        {
            "text": "If a symptom worries you, or it is new or getting worse, tell your doctor "
            "or specialist nurse. You do not need to wait for your next appointment: it is "
            "always fine to ask."
        },
    ),
]

# Imported as a draft only: it exists for editors but readers get a 404.
DRAFT_ONLY_SLUGS = {"ct-scan"}
# The demo's language reviewer signs off its Welsh, Urdu and easy read examples.
LANGUAGE_REVIEWER_GROUPS = ("Welsh reviewers", "Urdu reviewers", "Easy read reviewers")

# A change the editor has made to a published page, waiting for the medical reviewer.
DRAFT_EDIT_PAGE = "secondary-breast-cancer"
DRAFT_EDIT_ANCHOR = "treatment"
DRAFT_EDIT_TEXT = (
    "Some people with HER2-low breast cancer may be offered an antibody-drug conjugate. "
    "This is a targeted drug joined to a chemotherapy drug."
)

# Permissions in the admin. Pages and their parts are read-only there for everyone (they are
# edited in the workspace); editors may also look after topics and reviewers' credits there.
# Every kind of page part in the registry (infopages.parts) is content too.
CONTENT_MODELS = ["page", *(model._meta.model_name for model in part_models()), "topic", "person"]
ADMIN_EDITED_MODELS = ["topic", "person"]
# Reviewer roles' groups (``ReviewerRole``: Medical reviewers, Lay reviewers and any added in
# the admin) may view.
GROUP_ACTIONS = {
    "Editors": ["add", "change", "view"],
    "Publishers": ["view"],
}
REVIEWER_ACTIONS = ["view"]

# username, password, group (None for the superuser), first name, last name, role as shown
DEMO_USERS = [
    ("editor", "demo-editor-2026", "Editors", "Ellie", "Marsh", "Editor (information team)"),
    (
        "medreviewer",
        "demo-medreviewer-2026",
        "Medical reviewers",
        "Amira",
        "Hale",
        "Medical reviewer",
    ),
    ("layreviewer", "demo-layreviewer-2026", "Lay reviewers", "Sam", "Okafor", "Lay reviewer"),
    ("publisher", "demo-publisher-2026", "Publishers", "Priya", "Ashdown", "Publisher"),
    (
        "langreviewer",
        "demo-langreviewer-2026",
        "Welsh reviewers",
        "Rhian",
        "Pryce",
        "Welsh, Urdu and easy read reviewer",
    ),
    ("admin", "demo-admin-2026", None, "Site", "Admin", "Administrator (superuser)"),
]

# The reviewers' public credit (name, credentials, role as readers see it): a page published
# after a full review names them under "About our information". Made up for the demo.
DEMO_CREDITS = {
    "medreviewer": ("Dr Amira Hale", "MBChB, FRCR", "Consultant clinical oncologist"),
    "layreviewer": ("Sam Okafor", "", "Lay reviewer, living with secondary breast cancer"),
}


class Command(BaseCommand):
    help = (
        "Load demo pages, reviewer groups and one demo login per role into a development "
        "database. Refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. Never do this on a live site: the demo "
            "passwords are printed and well known.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "loaddemo creates logins with well-known passwords, so it only runs when "
                "DEBUG is on. Set DEBUG=true for a development database, or add --force if "
                "you are sure this is not a live site."
            )
        with transaction.atomic():
            groups = self.ensure_groups()
            users = self.ensure_users(groups)
            editor, publisher = users["editor"], users["publisher"]
            medic = users["medreviewer"]
            self.ensure_demo_blocks(editor=editor, publisher=publisher, medic=medic)
            paths = sorted(DEMO_PAGES_DIR.glob("*.md"))
            if not paths:
                raise CommandError(f"No demo pages found in {DEMO_PAGES_DIR}.")
            # Each demo page is loaded once: a second run keeps what people changed since,
            # and does not pile up versions and publications.
            loaded = set(Page.objects.values_list("slug", flat=True))
            paths = [p for p in paths if p.stem not in loaded]
            to_publish = [p for p in paths if p.stem not in DRAFT_ONLY_SLUGS]
            draft_only = [p for p in paths if p.stem in DRAFT_ONLY_SLUGS]
            reports = []
            if paths:
                # Drafts first, so published pages can link to them; on a first run the
                # drafts' own links point at pages that do not exist yet, so they go in again.
                drafts = import_pages(draft_only, draft=True, by=editor)
                reports.append(import_pages(to_publish, by=publisher))
                if drafts.warnings or drafts.errors:
                    drafts = import_pages(draft_only, draft=True, by=editor)
                reports.append(drafts)
            for report in reports:
                for warning in report.warnings:
                    self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
            errors = [error for report in reports for error in report.errors]
            if errors:
                for error in errors:
                    self.stderr.write(f"Error: {error}")
                raise CommandError(
                    f"{len(errors)} demo page(s) could not be imported; nothing was changed."
                )
            self.open_demo_change(editor=editor)
            self.give_pages_owners(editor=editor, publisher=publisher)
            language_reviewer = users["langreviewer"]
            language_reviewer.groups.add(*(groups[name] for name in LANGUAGE_REVIEWER_GROUPS))
            publish_demo_versions(
                editor=editor,
                medic=medic,
                language_reviewer=language_reviewer,
                publisher=publisher,
            )

        self.print_summary()
        self.print_logins()

    def ensure_demo_blocks(self, *, editor, publisher, medic) -> None:
        """Once: the demo's shared blocks, each through its own review (the editor writes it,
        the reviewer its type needs signs it off, the publisher publishes it)."""
        for name, kind, title, values in DEMO_BLOCKS:
            if Block.objects.filter(name=name).exists():
                continue
            change = block_services.create_block(name=name, kind=kind, title=title, by=editor)
            block = Block.objects.get(name=name)
            _values, counters = block_services.working_values(block)
            block_services.edit_block(
                change=change, values=values, lock_versions=counters, by=editor, comment="Demo"
            )
            change = review_services.submit_for_review(change=change, by=editor)
            review = ReviewStatus(change)
            reviewer, role = (publisher, "publisher") if kind != "paragraph" else (medic, "medical")
            review_services.sign_off(
                change=change,
                reviewer=reviewer,
                role=role,
                decision=Decision.APPROVE,
                seen_hash=change.content_hash,
                comment="Checked for the demo.",
                sections=review.section_ids,
            )
            review_services.publish(change=change, by=publisher)

    def give_pages_owners(self, *, editor, publisher) -> None:
        """The demo editor looks after the pages without an owner, so the dashboard, the
        calendar and the reminders have someone to show them to."""
        for page in Page.objects.filter(owner__isnull=True).order_by("pk"):
            review_services.set_owner(page=page, owner=editor, by=publisher)

    def ensure_groups(self) -> dict[str, Group]:
        groups = {}
        reviewer_groups = {
            role.group.name: REVIEWER_ACTIONS
            for role in ReviewerRole.objects.select_related("group")
        }
        for name, actions in (GROUP_ACTIONS | reviewer_groups).items():
            group, _ = Group.objects.get_or_create(name=name)
            codenames = [
                f"{action}_{model}"
                for model in CONTENT_MODELS
                for action in actions
                if action == "view" or model in ADMIN_EDITED_MODELS
            ]
            # Add, never replace: permissions given to these groups elsewhere are kept.
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="infopages", codename__in=codenames
                )
            )
            groups[name] = group
        return groups

    def ensure_users(self, groups: dict[str, Group]) -> dict:
        User = get_user_model()
        users = {}
        for username, password, group_name, first_name, last_name, _role in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first_name, last_name
            user.email = f"{username}@example.org"
            user.is_active = True
            user.is_staff = True
            user.is_superuser = group_name is None
            # Set again on every run so the password printed below always works.
            user.set_password(password)
            user.save()
            if group_name:
                user.groups.add(groups[group_name])
            if username in DEMO_CREDITS:
                name, credentials, role = DEMO_CREDITS[username]
                # Created once: a credit changed in the admin since is kept.
                Person.objects.get_or_create(
                    user=user, defaults={"name": name, "credentials": credentials, "role": role}
                )
            # Workflow emails in a daily digest, unless the person chose otherwise: trying the
            # demo prints no emails (see the module's docstring).
            NotificationPreference.objects.get_or_create(
                user=user, defaults={"frequency": Frequency.DAILY}
            )
            users[username] = user
        return users

    def open_demo_change(self, *, editor) -> None:
        """Once: the editor changes a live page in a change request and sends it for
        review, so the medical reviewer finds work waiting (readers do not see it)."""
        page = Page.objects.filter(slug=DRAFT_EDIT_PAGE).first()
        if page is None or ChangeRequest.objects.filter(page=page).exists():
            return
        change = review_services.start_change(
            page=page,
            by=editor,
            summary="Added a sentence on antibody-drug conjugates for HER2-low breast cancer, "
            "which NICE now recommends for some people.",
        )
        section = Section.objects.filter(page=page, anchor=DRAFT_EDIT_ANCHOR).first()
        if section is not None:
            section.body = f"{section.body.rstrip()}\n\n{DRAFT_EDIT_TEXT}\n"
            review_services.edit_in_change(
                change=change,
                obj=section,
                by=editor,
                comment="Mention antibody-drug conjugates for HER2-low cancer",
                expected_lock_version=section.lock_version,
            )
        review_services.submit_for_review(change=change, by=editor)

    def print_summary(self) -> None:
        today = timezone.localdate()
        live = {p.page_id: p for p in PublishedPage.objects.current()}
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo pages"))
        for page in Page.objects.filter(shared_block__isnull=True).order_by("title"):
            publication = live.get(page.pk)
            if publication is None:
                state = "draft only (readers get a 404)"
            elif publication.next_review_on and publication.next_review_on < today:
                state = "published, review overdue (readers see the notice)"
            else:
                state = "published"
            change = open_change_for(page)
            if change is not None:
                state += f"; change #{change.pk} {change.get_state_display().lower()}"
            self.stdout.write(f"  {page.get_absolute_url():<45} {state}")

    def print_logins(self) -> None:
        site = settings.SITE_URL
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins (for development only)"))
        self.stdout.write(f"  {'Username':<13} {'Password':<23} Role")
        for username, password, _group, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {username:<13} {password:<23} {role}")
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Where to go"))
        self.stdout.write(f"  Public site:  {site}/")
        self.stdout.write(f"  Workspace:    {site}/reviews/")
        self.stdout.write(
            "    medreviewer: a change to “Secondary breast cancer” waits for your sign-off"
        )
        self.stdout.write("    editor:      start a change to any other page, e.g. “Bone scan”")
        self.stdout.write("    publisher:   publish what the reviewers approved")
        self.stdout.write(
            f"  Versions:     {site}/cy/info/secondary-breast-cancer-cy/ (Welsh), "
            "/easy-read/info/secondary-breast-cancer-easy-read/, "
            "/ur/info/secondary-breast-cancer-ur/ (Urdu, right to left): examples in our own "
            "words, not reviewed translations"
        )
        self.stdout.write(f"  Admin:        {site}/admin/  (admin: people, topics, accounts)")
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
