"""Keep the public caches honest: any write to the read model gives it a new generation.

The generation lives in the database and changes in the same transaction as the write, so
no process can see the new generation with the old content (``infopages.caching``).

Topics' names reach readers only through publications (each records its topic trail), but
the editors' order of topics decides the order of the home and topic pages, so reordering
them refreshes the shared cache too. The review notice and its wording are part of the read
model as well.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from infopages.caching import bump_generation
from infopages.models import PublicReviewNotice, PublicWording, PublishedPage, Topic


@receiver(post_save, sender=PublishedPage, dispatch_uid="infopages.public_cache_on_save")
@receiver(post_save, sender=PublicReviewNotice, dispatch_uid="infopages.public_cache_on_notice")
@receiver(post_save, sender=PublicWording, dispatch_uid="infopages.public_cache_on_wording")
@receiver(post_delete, sender=PublishedPage, dispatch_uid="infopages.public_cache_on_delete")
@receiver(post_save, sender=Topic, dispatch_uid="infopages.public_cache_on_topic_save")
@receiver(post_delete, sender=Topic, dispatch_uid="infopages.public_cache_on_topic_delete")
def refresh_public_caches(sender, **kwargs) -> None:
    bump_generation()
