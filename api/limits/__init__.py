"""The API's limits: document size and shape, node count and cost, rate, batching."""
