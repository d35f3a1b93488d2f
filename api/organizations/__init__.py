"""Organizations: the PMO, its clients and its subcontractors."""
