"""Webhooks: signed HTTP calls to integrators' endpoints (the Standard Webhooks specification)."""
