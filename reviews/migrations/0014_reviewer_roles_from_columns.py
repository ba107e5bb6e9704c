"""Turn the medical and lay columns of each sign-off requirement into rows, with the same
effect: the two roles the portal started with, each requirement's counts, and the default
requirement (one medical reviewer; a full review also one lay reviewer)."""

from django.db import migrations

STARTING_ROLES = [
    # code, label, public label, group, position
    ("medical", "medical reviewer", "Medical reviewer", "Medical reviewers", 0),
    ("lay", "lay reviewer", "Lay reviewer", "Lay reviewers", 1),
]


def columns_to_rows(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ReviewerRole = apps.get_model("reviews", "ReviewerRole")
    SignOffRequirement = apps.get_model("reviews", "SignOffRequirement")
    Row = apps.get_model("reviews", "SignOffRequirementRole")
    roles = {}
    for code, label, public_label, group_name, position in STARTING_ROLES:
        roles[code] = ReviewerRole.objects.create(
            code=code,
            label=label,
            public_label=public_label,
            group=Group.objects.get_or_create(name=group_name)[0],
            position=position,
        )
    for requirement in SignOffRequirement.objects.all():
        Row.objects.create(
            requirement=requirement,
            role=roles["medical"],
            for_every_change=requirement.needs_medical,
            for_full_review=0,
        )
        if requirement.needs_lay or requirement.full_review_needs_lay:
            Row.objects.create(
                requirement=requirement,
                role=roles["lay"],
                for_every_change=requirement.needs_lay,
                for_full_review=requirement.full_review_needs_lay,
            )
    default = SignOffRequirement.objects.create(topic=None, page=None)
    Row.objects.create(requirement=default, role=roles["medical"], for_every_change=1)
    Row.objects.create(requirement=default, role=roles["lay"], for_full_review=1)


def rows_to_columns(apps, schema_editor):
    SignOffRequirement = apps.get_model("reviews", "SignOffRequirement")
    ReviewerRole = apps.get_model("reviews", "ReviewerRole")
    SignOffRequirement.objects.filter(topic=None, page=None).delete()
    for requirement in SignOffRequirement.objects.all():
        rows = {row.role.code: row for row in requirement.roles.select_related("role")}
        medical, lay = rows.get("medical"), rows.get("lay")
        requirement.needs_medical = max(medical.for_every_change, 1) if medical else 1
        requirement.needs_lay = lay.for_every_change if lay else 0
        requirement.full_review_needs_lay = lay.for_full_review if lay else 0
        requirement.save()
    requirement_rows = apps.get_model("reviews", "SignOffRequirementRole")
    requirement_rows.objects.all().delete()
    ReviewerRole.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0013_reviewer_roles")]

    operations = [migrations.RunPython(columns_to_rows, rows_to_columns)]
