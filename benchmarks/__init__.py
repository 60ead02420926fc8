"""Benchmarks that print figures (not tests: the machines are shared and noisy)."""
