"""The count page's form: which file, which rule, which seats, and what to send back.

Choices come from the registries (`psephos.rules.registry.RULES`,
`psephos.ballots.readers.READERS`), never from a list of the explorer's own.
"""

from __future__ import annotations

from typing import Any

from django import forms

from psephos.ballots.readers import DESCRIPTIONS, READERS
from psephos.explore.counting import OUTPUTS, CountRequest, examples
from psephos.rules.registry import RULES

#: What a count can be sent back as: the result page, or one of the downloads.
RESPONSES = ("page", *OUTPUTS)
MAX_SEATS = 10_000


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class CountForm(forms.Form):
    """One ballot file (uploaded, or an example by name) and how to count it."""

    file = forms.FileField(required=False, allow_empty_file=True)
    example = forms.ChoiceField(required=False)
    format = forms.ChoiceField(required=False)
    method = forms.ChoiceField(required=False)
    seats = forms.IntegerField(required=False, min_value=1, max_value=MAX_SEATS)
    seed = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1)
    lot_order = forms.CharField(required=False, max_length=100_000)
    options = forms.CharField(required=False, max_length=10_000)
    output = forms.ChoiceField(required=False, choices=[(r, r) for r in RESPONSES])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        example_field = self.fields["example"]
        format_field = self.fields["format"]
        method_field = self.fields["method"]
        assert isinstance(example_field, forms.ChoiceField)
        assert isinstance(format_field, forms.ChoiceField)
        assert isinstance(method_field, forms.ChoiceField)
        example_field.choices = [("", "(none: upload a file)"),
                                 *((name, name) for name in examples())]
        format_field.choices = [("", "Tell from the file"),
                                *((name, f"{name}: {DESCRIPTIONS[name]}") for name in READERS)]
        method_field.choices = [("", "Default: av for one seat, stv-scotland for more"),
                                *((e.name, f"{e.name}: {e.label}") for e in RULES.values())]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "example" in self.errors or "file" in self.errors:
            return data
        has_file = data.get("file") is not None
        has_example = bool(data.get("example"))
        if has_file == has_example:
            self.add_error("file", "Choose a ballot file to upload, or pick an example "
                                   "(not both).")
        return data

    def count_request(self) -> CountRequest:
        """The validated choices as what `psephos.explore.counting` counts by."""
        data = self.cleaned_data
        return CountRequest(method=data.get("method") or None, seats=data.get("seats"),
                            format=data.get("format") or None, seed=data.get("seed"),
                            lot_order=_lines(data.get("lot_order") or ""),
                            options=_lines(data.get("options") or ""))

    def response_kind(self) -> str:
        return str(self.cleaned_data.get("output") or "page")
