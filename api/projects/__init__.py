"""Projects (contracts, task orders), their assignments, milestones and risks."""
