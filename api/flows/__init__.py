"""What follows each domain event, decided in one place and carried out after commit (see reactions.py)."""
