"""The events and fees database: models, sessions, repositories, migrations, seed data."""
