"""Turn siibra objects into protobuf messages.

The only package that knows both siibra's classes and our messages.
"""
