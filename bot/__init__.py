"""The IR careers assistant's own package: database, command line, NLP pipeline, workflow."""
