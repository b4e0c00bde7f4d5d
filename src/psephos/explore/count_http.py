"""What the count page and the count endpoint share: the upload limit, counting a valid
form, and answering with a download."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from psephos.explore.count_form import CountForm
from psephos.explore.counting import OUTPUTS, Counted, count_example, count_upload


def upload_limit() -> int:
    """The largest request body the count page reads, in bytes (`PSEPHOS_EXPLORE_UPLOAD_MB`)."""
    return int(float(settings.PSEPHOS_EXPLORE_UPLOAD_MB) * 1024 * 1024)


def limit_mb() -> str:
    """The upload limit as the page states it, e.g. ``50``."""
    return f"{float(settings.PSEPHOS_EXPLORE_UPLOAD_MB):g}"


def too_large(request: HttpRequest) -> str | None:
    """Why the request is too large to read, or None: judged by its declared length, before
    a byte of the body is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = upload_limit()
    if length > limit:
        return (f"file: the upload is {length / 1048576:.1f} MB; the largest this site "
                f"counts is {limit_mb()} MB. Count larger files with psephos count.")
    return None


def run_form(form: CountForm) -> Counted:
    """Count what a valid `CountForm` names."""
    upload = form.cleaned_data.get("file")
    if upload is not None:
        return count_upload(upload.chunks(), upload.name or "ballots", form.count_request())
    return count_example(form.cleaned_data["example"], form.count_request())


def download(counted: Counted, kind: str) -> HttpResponse:
    """One output as an attachment, bytes as ``psephos count`` writes them."""
    response = HttpResponse(counted.output(kind).encode("utf-8"),
                            content_type=f"{OUTPUTS[kind][1]}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{counted.filename(kind)}"'
    return response
