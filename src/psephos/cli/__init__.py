"""The command line: thin commands over the library, mirroring its functions."""
