"""amparo's benchmarks. ``python -m benchmarks`` (``make bench``) runs them and writes docs/PERFORMANCE.md."""
