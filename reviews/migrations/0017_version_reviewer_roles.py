"""The reviewer roles language and easy read versions need (``infopages.languages``): a Welsh,
Urdu, Arabic, Polish and easy read reviewer, each a group whose members hold it. Rows, so the
administrators may rename them, add members, or add a language."""

from django.db import migrations

ROLES = [
    ("welsh", "Welsh reviewer", "Welsh language reviewer", "Welsh reviewers"),
    ("urdu", "Urdu reviewer", "Urdu language reviewer", "Urdu reviewers"),
    ("arabic", "Arabic reviewer", "Arabic language reviewer", "Arabic reviewers"),
    ("polish", "Polish reviewer", "Polish language reviewer", "Polish reviewers"),
    ("easy-read", "easy read reviewer", "Easy read reviewer", "Easy read reviewers"),
]


def add_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ReviewerRole = apps.get_model("reviews", "ReviewerRole")
    for position, (code, label, public_label, group_name) in enumerate(ROLES, start=10):
        if ReviewerRole.objects.filter(code=code).exists():
            continue
        ReviewerRole.objects.create(
            code=code,
            label=label,
            public_label=public_label,
            group=Group.objects.get_or_create(name=group_name)[0],
            position=position,
        )


def remove_roles(apps, schema_editor):
    ReviewerRole = apps.get_model("reviews", "ReviewerRole")
    ReviewerRole.objects.filter(code__in=[code for code, *_ in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0016_block_republications"),
        ("infopages", "0011_page_versions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(add_roles, remove_roles)]
