"""Benchmarks at scale: `python -m benchmarks` (see benchmarks/cli.py)."""
