"""Activity: what happened on a project, as each person may see it, made from the change seam's events."""
