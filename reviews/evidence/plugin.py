"""How the evidence register takes part in the change workflow (``reviews.core.hooks``) and
shows on its screens (``reviews.core.panels``). ``reviews.apps`` calls ``register()`` once."""

from infopages.models import Reference, Source
from reviews.core import hooks, panels
from reviews.evidence import flags as review_flags
from reviews.evidence.selectors import matching, register_counts, with_citing_passages
from reviews.evidence.services.flags import clear_seen_flags, record_shown, require_shown
from reviews.evidence.services.sources import source_for_reference


def _check_flags(change, shown: list[int]):
    return require_shown(change=change, shown=shown)


def _record_flags(sign_off, flags) -> None:
    record_shown(sign_off=sign_off, flags=flags)


def _clear_flags(*, change, approvals, at, **given) -> hooks.Outcome:
    cleared, still_open = clear_seen_flags(change=change, approvals=approvals, at=at)
    sentences = []
    if cleared:
        sentences.append(
            "Review no longer needed (its reviewers saw why): "
            + "; ".join(flag.summary for flag in cleared)
        )
    if still_open:
        sentences.append(f"Still needing review, not shown to every reviewer: {len(still_open)}.")
    return hooks.Outcome(" ".join(sentences), {"cleared_flags": [flag.pk for flag in cleared]})


def _file_reference(part, by) -> None:
    if isinstance(part, Reference) and part.source_id is None:
        part.source = source_for_reference(citation=part.citation, url=part.url, by=by)


def _flags_on_change_page(*, change, **given) -> dict:
    """Why the page needs review, at the top of the change page and in the decision form,
    with the passages citing each source. Two queries."""
    context = review_flags.on_change_page(change)
    with_citing_passages(context["flags"], page=change.page)
    return context


def _flags_on_publishing(*, change, review, **given) -> dict:
    return review_flags.on_publishing(change, approvals=review.counting)


def _register_links(*, steps, **given) -> dict:
    """The register's links on the dashboard, with the count of broken links for those who
    may start changes (one query)."""
    return {"register_counts": register_counts()} if steps["START_CHANGE"] else {}


def _source_picker(*, request, kind, form, **given) -> dict | None:
    """What a reference's screen shows of the register: the source chosen, and the sources
    matching what the editor searched for. Two queries at most."""
    if "source" not in kind.hidden_fields:
        return None
    value = form["source"].value()
    chosen = None
    if str(value or "").isdigit():
        chosen = Source.objects.filter(pk=int(value)).first()
    find = request.GET.get("find", "").strip()[:200]
    return {
        "source_picker": {
            "chosen": chosen,
            "find": find,
            "matches": matching(find),
            "path": request.path,
        }
    }


def register() -> None:
    hooks.add_shown_with_decision(
        hooks.ShownWithDecision(
            key="flags", field="flags_shown", check=_check_flags, record=_record_flags
        )
    )
    hooks.add_on_publish(hooks.OnPublish(key="flags", run=_clear_flags))
    hooks.add_before_part_saved("sources", _file_reference)
    panels.add(
        panels.Panel(
            panels.CHANGE_PAGE,
            "flags",
            _flags_on_change_page,
            {
                "top": "reviews/_review_flags.html",
                "sign_off_form": "reviews/_sign_off_flags.html",
            },
        )
    )
    panels.add(
        panels.Panel(
            panels.PUBLISH_CONFIRM,
            "flags",
            _flags_on_publishing,
            {"confirm": "reviews/_publish_flags.html"},
        )
    )
    panels.add(
        panels.Panel(
            panels.DASHBOARD,
            "register links",
            _register_links,
            {"links": "reviews/_dashboard_link_register.html"},
        )
    )
    panels.add(
        panels.Panel(
            panels.PART_EDITOR,
            "source picker",
            _source_picker,
            {"editor": "reviews/_source_picker.html"},
        )
    )
