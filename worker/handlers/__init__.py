"""Handlers of the calls that run on workers; importing this registers them."""
