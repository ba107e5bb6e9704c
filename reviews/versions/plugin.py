"""How language and easy read versions take part in the change workflow (``reviews.core.hooks``)
and show on its screens (``reviews.core.panels``). ``reviews.apps`` calls ``register()`` once."""

from infopages.languages import VERSION_KINDS
from reviews.core import hooks, panels
from reviews.core.workflow import Step
from reviews.versions import rules
from reviews.versions.selectors import english_live, outdated_versions, source_diff, versions_of


def _on_change_page(*, change, steps, **given) -> dict | None:
    """On a version's change page: what it is made from, and when the English page has
    moved on since, what the English page changed (the core's diffs) and the step that makes
    the version follow it. Two queries, and the diff's."""
    page = change.page
    if not rules.is_version(page):
        return None
    now = english_live(page)
    made_from = page.made_from
    moved_on = (
        now is not None
        and made_from is not None
        and now.source_versions != made_from.source_versions
    )
    return {
        "version": {
            "kind": page.language,
            "made_from": made_from,
            "english_now": now,
            "moved_on": moved_on,
            "follows_newer": now is not None and made_from is not None and now.pk != made_from.pk,
            "diff": source_diff(made_from=made_from, english_now=now) if moved_on else [],
            "may_follow": Step.EDIT in steps and now is not None and now.pk != page.made_from_id,
        }
    }


def _on_page_screen(*, page, steps, **given) -> dict:
    """On a page's history: its versions (or, for a version, its English page), and for an
    English page, starting a version in a language it has none in. One query."""
    if rules.is_version(page):
        return {"versions_panel": {"source": page.source, "versions": [], "kinds": []}}
    existing = versions_of(page)
    have = {v.version_kind for v in existing}
    kinds = [kind for code, kind in VERSION_KINDS.items() if code not in have]
    return {
        "versions_panel": {
            "source": None,
            "versions": existing,
            "kinds": kinds if steps["START_CHANGE"] else [],
        }
    }


def _on_dashboard(*, user, steps, **given) -> dict | None:
    """The versions the person looks after whose English page has moved on. Three queries."""
    if not steps["START_CHANGE"]:
        return None
    return {"outdated_versions": outdated_versions(owner=user)}


def register() -> None:
    hooks.add_requirement_rule(
        hooks.RequirementRule(key="versions", applies=rules.is_version, required=rules.required)
    )
    panels.add(
        panels.Panel(
            panels.CHANGE_PAGE, "version", _on_change_page, {"top": "reviews/_version_change.html"}
        )
    )
    panels.add(
        panels.Panel(
            panels.PAGE_SCREEN, "versions", _on_page_screen, {"top": "reviews/_page_versions.html"}
        )
    )
    panels.add(
        panels.Panel(
            panels.DASHBOARD,
            "outdated versions",
            _on_dashboard,
            {"editor": "reviews/_outdated_versions.html"},
        )
    )
