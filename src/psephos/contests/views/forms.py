"""What a voter sends, checked: a voting code, and a ranking made of one select per preference.

One ``<select>`` per preference ("1st preference", "2nd preference", ...) rather than a rank
box per candidate: each control has a plain label, works with a keyboard and every screen
reader, cannot hold a number out of range, and reads in the order the ballot is counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms

from psephos.contests.tokens import normalise_postal


@dataclass(frozen=True)
class FieldError:
    """One problem to list in the error summary, linked to the field's id."""

    field: str
    message: str


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def preference_field(rank: int) -> str:
    """The form field (and element id) of the ``rank``-th preference, from 1."""
    return f"pref-{rank}"


class CodeForm(forms.Form):
    """The code printed on a ballot paper (or the token from an email link), typed in."""

    code = forms.CharField(max_length=200, required=False, strip=True)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if not normalise_postal(code):
            raise forms.ValidationError("Enter the voting code from your ballot paper or email")
        return code


class SecretForm(forms.Form):
    """A voter's code or link, typed or pasted to find their own ballot on the board."""

    secret = forms.CharField(max_length=300, required=False, strip=True)

    def clean_secret(self) -> str:
        secret: str = self.cleaned_data["secret"]
        if not secret:
            raise forms.ValidationError("Enter the voting code from your ballot paper, or "
                                        "the link from your e-mail")
        return secret


class RankingForm(forms.Form):
    """One optional choice per preference; at least one, no gaps, no candidate twice."""

    def __init__(self, candidates: Sequence[str], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        choices = [("", "No preference"), *((name, name) for name in self.candidates)]
        for rank in range(1, len(self.candidates) + 1):
            self.fields[preference_field(rank)] = forms.ChoiceField(
                choices=choices, required=False, label=f"{ordinal(rank)} preference")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        chosen = [(rank, data.get(preference_field(rank)) or "")
                  for rank in range(1, len(self.candidates) + 1)]
        if not any(name for _, name in chosen):
            self.add_error(preference_field(1),
                           "Choose at least your 1st preference. You can leave the rest blank")
            return data
        seen: dict[str, int] = {}
        first_blank = None
        for rank, name in chosen:
            if not name:
                first_blank = first_blank or rank
                continue
            if first_blank is not None:
                self.add_error(preference_field(first_blank),
                               f"Your {ordinal(first_blank)} preference is blank but your "
                               f"{ordinal(rank)} is not. Fill your preferences in order, "
                               "without gaps")
                first_blank = None
            if name in seen:
                self.add_error(preference_field(rank),
                               f"You chose {name} as your {ordinal(seen[name])} and "
                               f"{ordinal(rank)} preference. Choose each candidate only once")
            else:
                seen[name] = rank
        return data

    def ranking(self) -> list[str]:
        """The candidates in order of preference (call after `is_valid`)."""
        return [name for rank in range(1, len(self.candidates) + 1)
                if (name := self.cleaned_data.get(preference_field(rank)))]

    def field_errors(self) -> list[FieldError]:
        """Every problem, in field order, for the error summary."""
        return [FieldError(name, str(message))
                for name in self.fields if name in self.errors
                for message in self.errors[name]]

    def rows(self) -> list[dict[str, object]]:
        """What the template draws for each preference: id, label, options and any error."""
        values = self.data if self.is_bound else self.initial
        return [{
            "id": name,
            "label": field.label,
            "value": values.get(name, ""),
            "choices": field.choices,
            "errors": [str(e) for e in self.errors.get(name, [])] if self.is_bound else [],
        } for name, field in self.fields.items()]
