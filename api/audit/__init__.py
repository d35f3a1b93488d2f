"""Audit trail: who changed what, and when."""
