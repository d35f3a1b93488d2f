"""The change seam: domain events kept in an outbox, reactions to them, and exact per-client data versions."""
