"""`psephos contest roll`: changes to the roll after the freeze, by two people.

One person proposes (``roll propose``), a different person approves (``roll approve``);
only then does the roll change. Who is acting is ``--actor`` or the operating-system
user, so the rule is as strong as the separation of the two people's accounts (the admin
pages use the logged-in user instead).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from psephos.cli.output import JsonOption, emit_json

roll_app = typer.Typer(help="Roll changes after the freeze: one person proposes, another "
                            "approves.", no_args_is_help=True)

ContestArg = Annotated[str, typer.Argument(help="The contest's slug.")]
ActorOption = Annotated[str | None, typer.Option(
    "--actor", help="Who is acting (default: the operating-system user).")]


def _who(actor: str | None) -> str:
    from psephos.cli.contest import _actor

    return actor.strip() if actor and actor.strip() else _actor()


def _describe(change: Any) -> str:
    fields = ", ".join(f"{k}={v}" for k, v in sorted(change.payload.items()))
    return (f"{change.pk}  {change.state:<8}  {change.kind:<6}  {change.member_number}"
            f"{'  ' + fields if fields else ''}  (proposed by {change.proposed_by}"
            f"{', ' + change.state + ' by ' + change.decided_by if change.decided_by else ''}"
            f"): {change.reason}")


@roll_app.command("propose")
def propose_command(
    ctx: typer.Context, contest: ContestArg,
    kind: Annotated[str, typer.Argument(help="add, remove or edit.")],
    member: Annotated[str, typer.Argument(help="The voter's member number.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (logged for review).")],
    name: Annotated[str | None, typer.Option("--name")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    section: Annotated[str | None, typer.Option("--section", help="Section slug or name.")]
    = None,
    joined: Annotated[str | None, typer.Option("--joined", help="YYYY-MM-DD.")] = None,
    arrears_paid: Annotated[str | None, typer.Option("--arrears-paid", help="yes or no.")]
    = None,
    fee_paid_on: Annotated[str | None, typer.Option("--fee-paid-on", help="YYYY-MM-DD.")]
    = None,
    actor: ActorOption = None,
) -> None:
    """Propose adding, removing or editing a voter (applied once another person approves).

    Example: psephos contest roll propose labour-2016 add M9001 --section members
    --name "Ann Example" --email ann@example.org --joined 2015-03-01 --reason "omitted"
    """
    from psephos.cli.contest import _contest, _services

    fields = {"name": name, "email": email, "section": section, "joined": joined,
              "arrears_paid": arrears_paid, "fee_paid_on": fee_paid_on}
    with _services(ctx):
        from psephos.contests.roll import propose

        change = propose(_contest(contest), kind, member, reason=reason, actor=_who(actor),
                         fields=fields)
    typer.echo(f"proposed roll change {change.pk} ({change.kind} {change.member_number}); "
               f"another person approves it with: psephos contest roll approve {contest} "
               f"{change.pk}")


@roll_app.command("approve")
def approve_command(
    ctx: typer.Context, contest: ContestArg,
    change: Annotated[int, typer.Argument(help="The roll change's number.")],
    actor: ActorOption = None,
) -> None:
    """Approve and apply a roll change proposed by someone else.

    Example: psephos contest roll approve labour-2016 3
    """
    from psephos.cli.contest import _contest, _services

    with _services(ctx):
        from psephos.contests.roll import approve, get_change

        done = approve(get_change(_contest(contest), change), actor=_who(actor))
    typer.echo(f"applied roll change {done.pk} ({done.kind} {done.member_number})")


@roll_app.command("reject")
def reject_command(
    ctx: typer.Context, contest: ContestArg,
    change: Annotated[int, typer.Argument(help="The roll change's number.")],
    note: Annotated[str, typer.Option("--note", help="Why (logged).")] = "",
    actor: ActorOption = None,
) -> None:
    """Turn a proposed roll change down (or withdraw your own).

    Example: psephos contest roll reject labour-2016 3 --note "duplicate of M1234"
    """
    from psephos.cli.contest import _contest, _services

    with _services(ctx):
        from psephos.contests.roll import get_change, reject

        done = reject(get_change(_contest(contest), change), actor=_who(actor), note=note)
    typer.echo(f"rejected roll change {done.pk}")


@roll_app.command("list")
def list_command(ctx: typer.Context, contest: ContestArg, as_json: JsonOption = False) -> None:
    """List the contest's roll changes, proposed, applied and rejected.

    Example: psephos contest roll list labour-2016
    """
    from psephos.cli.contest import _contest, _services

    with _services(ctx):
        changes = list(_contest(contest).roll_changes.order_by("pk"))
    if as_json:
        emit_json([{"id": c.pk, "kind": c.kind, "member_number": c.member_number,
                    "fields": c.payload, "reason": c.reason, "state": c.state,
                    "proposed_by": c.proposed_by, "decided_by": c.decided_by}
                   for c in changes])
        return
    for change in changes:
        typer.echo(_describe(change))
    if not changes:
        typer.echo("no roll changes")
