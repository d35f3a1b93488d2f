"""Delivery: what leaves Rapport for people and systems (mail now), one durable Delivery row per message."""
