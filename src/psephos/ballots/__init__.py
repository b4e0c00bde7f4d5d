"""Ballot profiles and the readers and writers of ballot files."""
