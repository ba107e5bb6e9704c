"""Keep the public caches honest when the read model changes other than by a publication.

Publications (and take-downs) refresh the caches once each, through their event
(``infopages.subscriptions``), and review notices through ``infopages.publishing``. What
remains: topics' names reach readers only through publications (each records its topic
trail), but the editors' order of topics decides the order of the home and topic pages, so
reordering them refreshes the shared cache too; the wording readers are shown is part of the
read model as well; and a snapshot deleted (never by the portal itself) must disappear.
Each bumps the generation through the same function, in the same transaction as the write.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from infopages.caching import bump_generation
from infopages.models import PublicWording, PublishedPage, Topic


@receiver(post_save, sender=PublicWording, dispatch_uid="infopages.public_cache_on_wording")
@receiver(post_delete, sender=PublishedPage, dispatch_uid="infopages.public_cache_on_delete")
@receiver(post_save, sender=Topic, dispatch_uid="infopages.public_cache_on_topic_save")
@receiver(post_delete, sender=Topic, dispatch_uid="infopages.public_cache_on_topic_delete")
def refresh_public_caches(sender, **kwargs) -> None:
    bump_generation()
