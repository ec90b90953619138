"""Data features: siibra's feature query, matching and data, for the handlers.

``ids`` encodes the ids this service gives features; ``engine`` finds,
groups and loads features with siibra. Neither knows protobuf messages: the
handlers in :mod:`worker.handlers.features` turn requests into engine calls
and :mod:`serializers.features` turns the results into messages.
"""
