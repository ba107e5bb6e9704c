"""The change workflow, the core every feature plugs into: change requests and what they hold,
the table of steps, sign-offs and their binding to content, publishing, the audit log.

The core imports no feature. Features contribute through ``reviews.core.hooks`` (what happens
inside a sign-off, a publication, an edit) and ``reviews.core.panels`` (what they show on the
change page, the dashboard and a page's history); they register in their ``apps`` module,
which ``reviews.apps`` loads when Django starts.
"""
