"""Alembic environment: runs migrations on the URL given by bot.db.migrate."""

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = make_url(config.get_main_option("sqlalchemy.url"))
    # A database that accepts connections but never answers must not hang `make run`
    # (libpq waits for ever by default). No statement timeout: a migration may be slow.
    connect_args = {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}
    engine = create_engine(url, future=True, connect_args=connect_args)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
