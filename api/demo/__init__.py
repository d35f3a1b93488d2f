"""The deterministic demo data set: a PMO, its clients, projects, reports and feedback."""
