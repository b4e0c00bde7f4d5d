"""The one error the pact model raises for a user's mistake, naming the setting at fault."""

from __future__ import annotations

from collections.abc import Callable, Iterable


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


def code_of(key: str, value: object, choices: tuple[str, ...] | list[str]) -> str:
    """``value`` as one of the lower-case codes ``choices``, ignoring case ("Lab" is ``lab``),
    else a `ScenarioError` listing them."""
    if isinstance(value, str) and value.casefold() in choices:
        return value.casefold()
    return one_of(key, value, choices)


def codes_of(key: str, values: Iterable[object], choices: tuple[str, ...] | list[str],
             where: Callable[[object], str] | None = None) -> list[str]:
    """Each of ``values`` as a code of ``choices`` (`code_of`; a bad one is said of
    ``where(value)``, else of ``key``); a code given twice, in any spelling ("lab" and
    "Lab"), is a `ScenarioError` naming both."""
    seen: dict[str, object] = {}
    for value in values:
        code = code_of(where(value) if where is not None else key, value, choices)
        if code in seen:
            spellings = "" if seen[code] == value else f" ({seen[code]!r} and {value!r})"
            raise ScenarioError(key, f"{code} is named twice{spellings}")
        seen[code] = value
    return list(seen)


def share(key: str, value: object) -> float:
    """``value`` as a share between 0 and 1, else a `ScenarioError`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(key, f"{value!r} is not a number between 0 and 1")
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ScenarioError(key, f"{number:g} is not between 0 and 1")
    return number
