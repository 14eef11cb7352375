"""Thin endpoint modules, one per API group: path, parameters and model; no I/O of their own."""
