"""Benchmarks: kolrules against hand-written Python and peer rule engines (see README.md)."""
