"""Alembic environment of the receiving service: always run programmatically on a connection that
``instructor_app.server.db.upgrade`` opened inside a transaction."""

from alembic import context

from instructor_app.server.db import ServerBase

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=ServerBase.metadata,
                  render_as_batch=connection.dialect.name == "sqlite", transactional_ddl=True)

with context.begin_transaction():
    context.run_migrations()
