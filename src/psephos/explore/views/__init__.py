"""The explorer's pages: one module per page family."""
