"""Rapport's site generator: one static status microsite per client."""
