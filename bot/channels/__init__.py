"""Rasa input channels of the project's own (named in credentials.yml).

Shared request handling is in base.py; each channel module adds only its own rules.
"""
