"""Rasa input channels of the project's own (named in credentials.yml)."""
