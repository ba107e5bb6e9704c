"""Which sign-offs a change to a language or easy read version needs.

The rule: its language's reviewer (``VersionKind.role``: a Welsh reviewer for Welsh) always
signs it off, since only they can say the text says what it should in that language; and a
medical reviewer too when the change makes the version follow English text it did not
follow before (its first publication, or ``made_from`` moved to a publication of the
English page whose content differs). Those are the changes that carry medical content over:
the English text's own medical sign-off vouches for the English, not for its translation.
A change that only mends the language (a typo, a clearer word) keeps ``made_from`` and needs
the language reviewer alone. The requirement rows of the page and its topics do not apply
to versions: they name the roles English pages need.
"""

from infopages.languages import kind_of_language
from infopages.models import Page, PublishedPage
from reviews.core.models.roles import MEDICAL, RoleKey, role_key


def is_version(page: Page) -> bool:
    return page.source_id is not None


def needs_medical_sign_off(page: Page) -> bool:
    """The version is about to follow English text it did not follow before. Two queries."""
    last = PublishedPage.objects.last_for(page)
    if last is None or last.made_from_id is None:
        return True
    if last.made_from_id == page.made_from_id or page.made_from_id is None:
        return False
    followed = dict(
        PublishedPage.objects.filter(pk__in=[last.made_from_id, page.made_from_id]).values_list(
            "pk", "source_versions"
        )
    )
    return followed.get(last.made_from_id) != followed.get(page.made_from_id)


def required(change, needed: dict) -> dict:
    """The version's language reviewer, and a medical reviewer when its English text moved
    (see the module's docstring). A role that does not exist, or is inactive, is named by
    its code: nobody holds it, so the change is never approved rather than approved by
    fewer people."""
    page = change.page
    roles = {}
    language_role = kind_of_language(page.version_kind).role
    roles[role_key(language_role) or _unknown(language_role)] = 1
    if needs_medical_sign_off(page):
        roles[role_key(MEDICAL) or _unknown(MEDICAL)] = 1
    return dict(sorted(roles.items(), key=lambda item: (item[0].position, str(item[0]))))


def _unknown(code: str) -> RoleKey:
    return RoleKey(code, label=code, public_label=code, position=1000)
