"""The ballot, reached by an e-mailed link or by typing the code from a paper ballot.

Three steps, each a plain HTML form: rank the candidates, confirm the ranking, then a
receipt with the ballot's tracker. The voter's secret travels in the link's path or in a
hidden field, never in a cookie, so nothing is left behind on a shared computer; the pages
are marked not to be cached. The ballot is cast by the same service call as the API's.
Each code takes one of the client's attempts for the contest before it is looked at, given
back if it matched (`throttle`). Every page says when voting closes, in UK time
(`psephos.contests.timetable.deadline`), and the first request after the close time closes
the contest (`timekeeper`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import capfirst
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from psephos.contests import sealing, timetable
from psephos.contests.casting.lookup import (
    CredentialKey,
    VotedWithTracker,
    contest_of_credential,
    credential_problem,
)
from psephos.contests.casting.paper import ballot_paper
from psephos.contests.casting.service import cast_ballot
from psephos.contests.casting.signing import BrowserBallot
from psephos.contests.errors import (
    AlreadyVoted,
    ContestError,
    ContestNotOpen,
    UnknownCredential,
    VoteWithdrawn,
    status_for,
)
from psephos.contests.models import Ballot, Contest
from psephos.contests.public_credentials import identifier
from psephos.contests.throttle import ANY_CONTEST, TooManyFailures, reserve, settle
from psephos.contests.timekeeper import close_if_due
from psephos.contests.views.forms import CodeForm, FieldError, RankingForm, ordinal

UNKNOWN_CODE = ("We do not recognise this code. Check it against your ballot paper or "
                "e-mail; if it was replaced by a newer one, use the newest")
USED_CODE = ("This code has already been used to cast a ballot, and a code casts one "
             "ballot only. If you did not vote with it, contact the ballot helpdesk")
WITHDRAWN_VOTE = ("Your vote in this ballot was withdrawn by the returning officer: your "
                  "entitlement to vote was revoked, and any ballot you cast was removed. "
                  "If you think this is wrong, contact the ballot helpdesk")


def _message(error: ContestError, contest: Contest) -> str:
    """What to tell a voter: plain words for a bad or used code, else the service's reason."""
    if isinstance(error, UnknownCredential):
        return UNKNOWN_CODE
    if isinstance(error, VotedWithTracker):
        return (f"You have already voted: this code has already been used to cast a ballot. "
                f"Your tracker is {error.tracker}: look for it on the published list of "
                "ballots")
    if isinstance(error, AlreadyVoted):
        return USED_CODE
    if isinstance(error, VoteWithdrawn):
        return WITHDRAWN_VOTE
    if isinstance(error, ContestNotOpen):
        if contest.state == Contest.State.DRAFT:
            return f"Voting in {contest.name} has not opened yet"
        return f"Voting in {contest.name} has closed"  # and the page says when
    return capfirst(error.message)


def _too_many(request: HttpRequest, error: TooManyFailures) -> HttpResponse:
    response = render(request, "contests/too_many.html", {"message": str(error)}, status=429)
    response["Retry-After"] = str(error.seconds)
    return response


def _refuse(request: HttpRequest, error: ContestError, contest: Contest) -> HttpResponse:
    return render(request, "contests/vote_refused.html",
                  {"message": _message(error, contest), **_about(contest)},
                  status=status_for(error))


def _about(contest: Contest) -> dict[str, object]:
    """What every page about one contest shows: the contest and when voting closes."""
    return {"contest": contest, "deadline": timetable.deadline(contest)}


def _open_deadlines() -> list[tuple[Contest, timetable.Deadline | None]]:
    """The contests open for voting now, each with when it closes (for the code page)."""
    return [(contest, timetable.deadline(contest))
            for contest in Contest.objects.filter(state=Contest.State.OPEN).order_by("name")
            if close_if_due(contest) is None]


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Type the code from a ballot paper; then the same steps as a link."""
    if request.method == "GET":
        return render(request, "contests/vote_start.html", {
            "form": CodeForm(), "errors": [], "deadlines": _open_deadlines()})
    try:
        attempt = reserve(request, ANY_CONTEST)
    except TooManyFailures as error:
        return _too_many(request, error)
    code_form = CodeForm(request.POST)
    if not code_form.is_valid():
        settle(attempt, matched=True)  # no code was looked at
        errors = [FieldError("code", str(e)) for e in code_form.errors["code"]]
        return render(request, "contests/vote_start.html",
                      {"form": code_form, "errors": errors, "deadlines": _open_deadlines()},
                      status=400)
    code = code_form.cleaned_data["code"]
    key = CredentialKey.of(code)  # hashed once for every look-up and the cast
    contest = contest_of_credential(key)
    if contest is None:
        settle(attempt, matched=False)
        return _code_refused(request, code_form, UnknownCredential(UNKNOWN_CODE), UNKNOWN_CODE)
    close_if_due(contest)
    problem = credential_problem(contest, key)
    settle(attempt, matched=not isinstance(problem, UnknownCredential))
    if problem is None:
        return _ballot_steps(request, contest, code, key, reverse("contests:vote"),
                             hidden=True, first=request.POST.get("step") == "code")
    if isinstance(problem, UnknownCredential | AlreadyVoted | VoteWithdrawn):
        return _code_refused(request, code_form, problem, _message(problem, contest))
    return _refuse(request, problem, contest)


def _code_refused(request: HttpRequest, form: CodeForm, error: ContestError,
                  message: str) -> HttpResponse:
    """The code form again, with why the code cannot vote linked to its field."""
    return render(request, "contests/vote_start.html",
                  {"form": form, "errors": [FieldError("code", message)],
                   "deadlines": _open_deadlines()},
                  status=status_for(error))


@never_cache
@require_http_methods(["GET", "POST"])
def by_link(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The link from the ballot e-mail: its token is the voter's secret."""
    contest = get_object_or_404(Contest, slug=slug)
    try:
        attempt = reserve(request, contest.slug)
    except TooManyFailures as error:
        return _too_many(request, error)
    key = CredentialKey.of(token)  # hashed once for every look-up and the cast
    close_if_due(contest)
    problem = credential_problem(contest, key)
    settle(attempt, matched=not isinstance(problem, UnknownCredential))
    if problem is not None:
        return _refuse(request, problem, contest)
    action = reverse("contests:vote-link", args=[slug, token])
    return _ballot_steps(request, contest, token, key, action, hidden=False,
                         first=request.method == "GET")


def _ballot_steps(request: HttpRequest, contest: Contest, code: str, key: CredentialKey,
                  action: str, *, hidden: bool, first: bool) -> HttpResponse:
    """Show the ballot, check it and ask to confirm, or cast it, by the button pressed."""
    candidates = list(ballot_paper(contest).names)
    context = {**_about(contest), "action": action, "code": code if hidden else None}
    if first:
        form = RankingForm(candidates)
        return render(request, "contests/ballot.html", {**context, "rows": form.rows(),
                                                         "errors": []})
    form = RankingForm(candidates, request.POST)
    step = request.POST.get("step", "")
    if step == "change" or not form.is_valid():
        errors = [] if step == "change" else form.field_errors()
        return render(request, "contests/ballot.html",
                      {**context, "rows": form.rows(), "errors": errors},
                      status=400 if errors else 200)
    ranking = form.ranking()
    if step != "cast":
        return render(request, "contests/confirm.html", {
            **context, "ranking": [(ordinal(i), name) for i, name in enumerate(ranking, 1)],
            "hidden": [(row["id"], row["value"]) for row in form.rows()],
            "sealing": sealing_data(contest, code, ranking)})
    browser = browser_ballot(request)
    try:
        receipt = cast_ballot(contest, key, ranking, channel="web", browser=browser)
    except ContestError as error:
        return _refuse(request, error, contest)
    address = reverse("contests:receipt", args=[contest.slug, receipt.tracker])
    return HttpResponseRedirect(address + ("?sealed=browser" if browser else ""))


#: The hidden fields the confirm page's script fills in (hex), in `BrowserBallot`'s order.
BROWSER_FIELDS = ("sealed", "credential", "signature", "proof")


def browser_ballot(request: HttpRequest) -> BrowserBallot | None:
    """The ballot the voter's browser sealed and signed, if the form carries one."""
    fields = [request.POST.get(name, "").strip() for name in BROWSER_FIELDS]
    return BrowserBallot(*fields) if all(fields) else None


def sealing_data(contest: Contest, secret: str, ranking: list[str]) -> dict[str, Any]:
    """What the confirm page's script needs to seal and sign in the browser
    (`contests/ballot.js`): nothing the voter does not already hold."""
    paper = ballot_paper(contest)
    key = sealing.election_key(contest)
    return {"contest": identifier(contest), "key": (key or b"").hex(),
            "width": len(paper.pks), "postal_iterations": contest.postal_iterations,
            "slots": ",".join(str(paper.slots[pk]) for pk in paper.resolve(ranking)),
            "secret": secret}


@require_http_methods(["GET"])
def receipt(request: HttpRequest, slug: str, tracker: str) -> HttpResponse:
    """After casting: the tracker to look for on the public board; nothing about the vote."""
    contest = get_object_or_404(Contest, slug=slug)
    ballot = get_object_or_404(Ballot, contest=contest, tracker=tracker)
    close_if_due(contest)
    return render(request, "contests/receipt.html", {
        **_about(contest), "tracker": ballot.tracker,
        "sealed_by_browser": request.GET.get("sealed") == "browser"})
