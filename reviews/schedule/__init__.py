"""The review schedule: owners, intervals, next review dates, reminders, the calendar and
its feeds and report."""
