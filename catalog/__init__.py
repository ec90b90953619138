"""The in-memory metadata index that answers every metadata call.

Built from a :class:`~catalog.snapshot.Snapshot` of siibra's concepts, it
knows only protobuf messages and never imports siibra.
"""
