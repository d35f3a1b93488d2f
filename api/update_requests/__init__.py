"""Update requests: the PMO asks a subcontractor (or a colleague) to update exactly these milestones and risks."""
