"""nn: modules, layers, optimizers, data and the npgrad command line (being built)."""
