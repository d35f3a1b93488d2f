"""Clients: organizations of kind CLIENT, as the API shows them."""
