"""Errors a rule raises when asked something it cannot count."""


class RuleError(ValueError):
    """The profile or options do not fit the rule (e.g. fewer candidates than seats)."""
