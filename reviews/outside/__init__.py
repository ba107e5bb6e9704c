"""Outside reviewers: inviting someone without an account to sign off one change, by a
secure link and a one-time code, and their screens."""
