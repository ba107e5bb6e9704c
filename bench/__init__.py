"""``make bench``: what the public site and the workspace cost, against the framework's floor."""
