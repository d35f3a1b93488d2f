"""Client microsite settings and build records."""
