"""Rapport's GraphQL API: domain packages, services and the FastAPI application."""
