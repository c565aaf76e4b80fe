"""Alembic environment: always run programmatically on a connection the app opened (with its key)."""

from alembic import context

from instructor_app.storage.models import Base

connection = context.config.attributes["connection"]
# SQLite DDL is transactional; the app opened the transaction (engine.begin) around the upgrade.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  transactional_ddl=True)

with context.begin_transaction():
    context.run_migrations()
