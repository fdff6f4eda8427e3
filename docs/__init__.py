"""Documentation generators (not installed with the package): `python -m docs.numpy_coverage`."""
