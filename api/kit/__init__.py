"""Domain-free building blocks: database, pagination, global IDs, errors."""
