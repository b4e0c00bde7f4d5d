"""psephos: count, model and run elections exactly."""

__version__ = "0.1.0"
