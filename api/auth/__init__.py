"""Authentication and authorization: users, memberships, tokens, principals, tenant scoping."""
