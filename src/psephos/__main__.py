"""`python -m psephos` runs the command line."""

from psephos.cli.main import run

run()
