"""Comments on milestones, risks and status reports, each for one audience."""
