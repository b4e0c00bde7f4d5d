"""The counting rules: pure functions from a Profile to a Count."""
