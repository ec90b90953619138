"""Benchmarks of the siibra-grpc metadata service, run as ``python -m bench``.

Starts the server as a subprocess (cold, then warm cache), measures start
time, first calls, steady-state latency over gRPC and REST, and memory, prints
a table and writes JSON. It prints figures only and asserts nothing.
"""
