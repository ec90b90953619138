"""Everything that touches siibra's runtime: loading it offline-safe, its HTTP.

Only ``serializers`` (and later the workers) import from here; the gRPC
servicers never import siibra.
"""
