"""Shared blocks in the workspace: creating, editing, retiring them, where they are used, and
republishing the pages that embed one when a new version of it is published."""
