"""Benchmarks of the edition at sizes it has to reach: synthetic editions, builds, micro-benchmarks.

Nothing here is a test: it prints numbers. ``bench.generate`` makes a complete synthetic edition
of N memos; ``bench.run`` builds it with and without the edition's hooks and times the core.
"""
