"""Kho benchmarks: each prints its own numbers and ratios against a baseline measured in the same run."""
