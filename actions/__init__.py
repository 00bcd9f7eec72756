"""Custom actions for the IR careers assistant, served by rasa_sdk's action server."""
