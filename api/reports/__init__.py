"""Status reports: drafts, publication, amendments."""
