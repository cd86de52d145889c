"""Celery tasks, one module per concern; imported here so the worker finds them."""

from selfcheck.tasks import bulletins, corrections, imports, pushes, retention  # noqa: F401
