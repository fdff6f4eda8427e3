"""Datasets shipped with npgrad (the 8x8 digits) and the DataLoader (being built)."""
