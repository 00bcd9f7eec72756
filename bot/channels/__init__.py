"""Rasa input channels of the project's own (named in credentials.yml).

Rasa imports this package when it starts, so it is where our fixes to Rasa's internals
are installed (see bot/rasa_patches.py).
"""
from bot import rasa_patches

rasa_patches.install()
