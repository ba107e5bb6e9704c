"""Keep the public caches honest: any write to the read model refreshes rendered pages.

The generation is bumped at once and again after the transaction commits. The first bump
covers code that reads inside the same transaction (and tests); the second covers a reader in
another process who rendered the old page between the write and the commit and cached it
under the new generation.

Topics' names reach readers only through publications (each records its topic trail), but
the editors' order of topics decides the order of the home and topic pages, so reordering
them refreshes the shared cache too. The review notice and its wording are part of the read
model as well.
"""

from django.db import transaction
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
    transaction.on_commit(bump_generation, robust=True)
