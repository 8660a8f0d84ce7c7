"""The command line. It only translates: arguments in, a service call, a table or JSON out.

A refusal prints `error: RULE-ID: message` on stderr and exits 2, as does input that cannot be
understood; anything else that fails exits 1."""

from hifazat.cli import (
    admin,
    attendance,
    backup,
    decisions,
    delivery,
    events,
    exports,
    ledger,
    notices,
    oversight,
    roster,
    witness,
    workflows,
)
from hifazat.cli.core import State, app, main

__all__ = [
    "State",
    "admin",
    "app",
    "attendance",
    "backup",
    "decisions",
    "delivery",
    "events",
    "exports",
    "ledger",
    "main",
    "notices",
    "oversight",
    "roster",
    "witness",
    "workflows",
]
