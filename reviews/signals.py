"""What the workflow does when something it relies on changes outside it.

- A reviewer leaves a reviewer group or their account is closed: their sign-offs stop
  counting (``status.ReviewStatus``), so an approved or scheduled change that relied on one
  goes back to review instead of waiting to be published on a sign-off that no longer holds.
- An editor leaves the Editors group (or the group goes) or their account is closed: their
  private calendar address is revoked for good, so joining again does not revive it.
- A topic is renamed or moved: its name is part of what reviewers sign (pages show it), so
  open changes to pages under it take in the new name and, if signed off, go back to review.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from infopages.models import Topic
from reviews import services
from reviews.core import policy
from reviews.core.models import ReviewerRole
from reviews.schedule.services.calendar_feeds import revoke_feeds_of_former_editors

User = get_user_model()


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="reviews.reviewer_left_group")
def reviewer_left_group(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_remove", "post_clear"):
        return
    if reverse:  # group.user_set.remove(...): the instance is the group
        if not ReviewerRole.objects.filter(group=instance).exists():
            return
        user_ids = set(pk_set or [])
        if action == "post_clear":
            return  # nothing says who was in it; the publish step still refuses
    else:
        user_ids = {instance.pk}
    _reconsider(user_ids, "a reviewer left their reviewer group")


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="reviews.editor_left_group")
def editor_left_group(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_remove", "post_clear"):
        return
    if reverse:  # group.user_set.remove(...) or .clear(): the instance is the group
        if instance.name != policy.EDITORS:
            return
        user_ids = set(pk_set) if action == "post_remove" else None  # cleared: whoever
    else:
        user_ids = {instance.pk}
    revoke_feeds_of_former_editors(user_ids=user_ids)


@receiver(post_delete, sender=Group, dispatch_uid="reviews.editors_group_deleted")
def editors_group_deleted(sender, instance, **kwargs) -> None:
    if instance.name == policy.EDITORS:
        revoke_feeds_of_former_editors()


@receiver(pre_save, sender=User, dispatch_uid="reviews.remember_active")
def remember_active(sender, instance, **kwargs) -> None:
    if instance.pk:
        instance._was_active = (
            User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        )


@receiver(post_save, sender=User, dispatch_uid="reviews.reviewer_deactivated")
def reviewer_deactivated(sender, instance, created, **kwargs) -> None:
    if not created and getattr(instance, "_was_active", False) and not instance.is_active:
        _reconsider({instance.pk}, "a reviewer's account was closed")
        revoke_feeds_of_former_editors(user_ids={instance.pk})


def _reconsider(user_ids: set[int], reason: str) -> None:
    transaction.on_commit(
        lambda: services.reconsider_approvals(reviewer_ids=user_ids, reason=reason), robust=True
    )


@receiver(pre_save, sender=Topic, dispatch_uid="reviews.remember_topic")
def remember_topic(sender, instance, **kwargs) -> None:
    if instance.pk:
        instance._was = (
            Topic.objects.filter(pk=instance.pk).values("name", "slug", "parent_id").first()
        )


@receiver(post_save, sender=Topic, dispatch_uid="reviews.topic_changed")
def topic_changed(sender, instance, created, **kwargs) -> None:
    was = getattr(instance, "_was", None)
    now = {"name": instance.name, "slug": instance.slug, "parent_id": instance.parent_id}
    if created or was is None or was == now:
        return
    transaction.on_commit(lambda: services.topic_changed(topic=instance), robust=True)
