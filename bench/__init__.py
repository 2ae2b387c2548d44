"""Benchmarks of the edition at the sizes it has to reach, and of its reading page on a phone.

Nothing here is a test: it prints numbers (bench/README.md says how to run each benchmark and what
its figures mean). ``bench.run`` builds synthetic editions (``bench.generate``) at growing N,
``bench.archive`` copies of a real memo, ``bench.phone`` the memo page against plain Material.
"""
