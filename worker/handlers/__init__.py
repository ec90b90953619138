"""Handlers of the calls that run on workers; importing this registers them."""

from worker.handlers import (
    features,  # noqa: F401
    maps,  # noqa: F401
)
