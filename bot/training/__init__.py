"""Training workflow: fingerprint the assistant's sources, train only when they changed."""
