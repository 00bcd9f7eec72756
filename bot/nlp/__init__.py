"""The project's spaCy pipeline and the entity patterns it is built from."""
