"""The `rapport` command: the composition root that wires the API and the site generator."""
