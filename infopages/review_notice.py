"""When readers see "This content is currently being reviewed": the one rule, for the public
pages, the API and the workspace's "as readers saw it" screens."""

import datetime as dt


def notice_starts_on(next_review_on: dt.date | None) -> dt.date | None:
    """The first day readers see the notice: the day after the next review date."""
    return next_review_on + dt.timedelta(days=1) if next_review_on else None


def review_overdue(next_review_on: dt.date | None, today: dt.date) -> bool:
    starts = notice_starts_on(next_review_on)
    return starts is not None and starts <= today
