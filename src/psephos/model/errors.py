"""The one error the pact model raises for a user's mistake, naming the setting at fault."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario the model cannot run: which setting (``key``) and what was expected.

    ``key`` is the setting's place in a scenario file (``swing.model``,
    ``transfer.from.green.alliance``); the CLI maps it to its flag. The CLI turns this
    error into ``psephos: <message>`` on stderr and exit status 2.
    """

    def __init__(self, key: str, message: str, *, path: str | None = None) -> None:
        self.key = key
        self.message = message
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [part for part in (self.path, self.key) if part]
        return ": ".join([*where, self.message])

    def in_file(self, path: str) -> ScenarioError:
        """The same error, said of the scenario file at ``path``."""
        return ScenarioError(self.key, self.message, path=path)


def one_of(key: str, value: object, choices: tuple[str, ...] | list[str]) -> str:
    """``value`` if it is one of ``choices``, else a `ScenarioError` listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ScenarioError(key, f"{value!r} is not a choice; choose one of {', '.join(choices)}")
    return value


def share(key: str, value: object) -> float:
    """``value`` as a share between 0 and 1, else a `ScenarioError`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(key, f"{value!r} is not a number between 0 and 1")
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ScenarioError(key, f"{number:g} is not between 0 and 1")
    return number
