"""Runs: a run's folder and record, the catalogue of finished runs, and the stores that keep
them (the local runs folder or S3-compatible storage)."""
