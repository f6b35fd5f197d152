"""Helpers shared by the browser tests, the benchmarks and the screenshot script (not part of the app)."""
