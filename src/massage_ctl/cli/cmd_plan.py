"""``massage-ctl plan set|show|clear`` — the treatment plan (a reminder; never starts a device)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from massage_ctl.cli.history_args import date_arg, open_default_store, span_arg, warn_damage
from massage_ctl.history.plan import Plan, PlanStatus


def register(subparsers: Any) -> None:
    """Add the ``plan`` subcommand and its ``set``/``show``/``clear`` actions."""
    parser = subparsers.add_parser(
        "plan",
        help="set or show the treatment plan (e.g. weekly for 6 weeks, then every 3 weeks)",
        description="The treatment plan reminds you when a session is due. "
        "It never starts a device by itself.",
    )
    actions = parser.add_subparsers(dest="plan_action", metavar="ACTION")
    set_p = actions.add_parser("set", help="set (replace) the plan")
    set_p.add_argument("--every", type=span_arg, required=True, metavar="SPAN",
                       help="interval between sessions, e.g. 7d or 1w")
    set_p.add_argument("--for", dest="for_days", type=span_arg, metavar="SPAN",
                       help="how long that first phase lasts, e.g. 6w (default: no end)")
    set_p.add_argument("--then-every", type=span_arg, metavar="SPAN",
                       help="maintenance interval after the first phase, e.g. 3w")
    set_p.add_argument("--program", metavar="ID", help="program the plan is for (optional)")
    set_p.add_argument("--start", type=date_arg, metavar="DATE",
                       help="first session date, YYYY-MM-DD (default: today)")
    actions.add_parser("show", help="show the plan and what is due (default)")
    actions.add_parser("clear", help="remove the plan")
    parser.set_defaults(func=run, plan_action=None)


def describe_status(status: PlanStatus) -> list[str]:
    """Human lines for a plan status (used by ``plan show`` and ``history``)."""
    lines = [f"Plan: {status.plan.describe()}"]
    if status.next_due is None:
        lines.append("The plan is finished. Set a new one with: massage-ctl plan set ...")
    elif status.overdue_days > 0:
        lines.append(
            f"Next session was due {status.next_due.isoformat()} "
            f"({status.overdue_days} day{'s' if status.overdue_days != 1 else ''} overdue)."
        )
    elif status.next_due == status.today:
        lines.append("A session is due today.")
    else:
        days = (status.next_due - status.today).days
        lines.append(
            f"Next session due {status.next_due.isoformat()} (in {days} day{'s' * (days != 1)})."
        )
    lines.append(
        f"Sessions done under the plan: {status.sessions_done}; on-time streak: {status.streak}."
    )
    return lines


def run(args: argparse.Namespace) -> int:
    """Carry out the plan action."""
    with open_default_store() as store:
        if args.plan_action == "set":
            if args.then_every is not None and args.for_days is None:
                print(
                    "massage-ctl plan: error: --then-every needs --for (how long the first "
                    "phase lasts)",
                    file=sys.stderr,
                )
                return 2
            plan = Plan(
                every_days=args.every,
                start_date=args.start or date.today(),
                for_days=args.for_days,
                then_every_days=args.then_every,
                program_id=args.program,
            )
            store.set_plan(plan)
            print(f"Plan set: {plan.describe()}.")
            print("The plan only reminds you; it never starts a device by itself.")
            return 0
        if args.plan_action == "clear":
            print("Plan cleared." if store.clear_plan() else "There was no plan.")
            return 0
        status = store.plan_status(date.today())
        warn_damage(store)
    if status is None:
        print("No treatment plan. Set one, e.g.: massage-ctl plan set --every 7d --for 6w "
              "--then-every 3w")
        return 0
    print("\n".join(describe_status(status)))
    return 0
