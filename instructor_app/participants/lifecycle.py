"""A participant's status and the transitions allowed between them (each kept in an append-only
history by the service)."""

from __future__ import annotations

from enum import StrEnum

from instructor_app.errors import InvalidInput, Label
from instructor_app.i18n import N_


class Status(StrEnum):
    REFERRED = "referred"
    INTAKE = "intake"
    ACTIVE = "active"
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"
    REFUSED = "refused"          # refused the programme: an art. 72 case
    TRANSFERRED = "transferred"  # to another centre
    SUSPENDED = "suspended"


STATUS_LABELS = {
    Status.REFERRED: N_("Referred"), Status.INTAKE: N_("Intake"), Status.ACTIVE: N_("Attending"),
    Status.COMPLETED: N_("Completed"), Status.DROPPED_OUT: N_("Dropped out"),
    Status.REFUSED: N_("Refused (art. 72)"), Status.TRANSFERRED: N_("Transferred"), Status.SUSPENDED: N_("Suspended"),
}

ALLOWED: dict[Status, frozenset[Status]] = {
    Status.REFERRED: frozenset({Status.INTAKE, Status.REFUSED, Status.TRANSFERRED}),
    Status.INTAKE: frozenset({Status.ACTIVE, Status.REFUSED, Status.DROPPED_OUT, Status.TRANSFERRED}),
    Status.ACTIVE: frozenset({Status.COMPLETED, Status.DROPPED_OUT, Status.REFUSED, Status.TRANSFERRED,
                              Status.SUSPENDED}),
    Status.SUSPENDED: frozenset({Status.ACTIVE, Status.DROPPED_OUT, Status.REFUSED, Status.TRANSFERRED}),
    Status.DROPPED_OUT: frozenset({Status.ACTIVE}),  # rejoins a later group at the point reached
    Status.COMPLETED: frozenset(),
    Status.REFUSED: frozenset(),
    Status.TRANSFERRED: frozenset(),
}
FINAL = frozenset(s for s, targets in ALLOWED.items() if not targets)


def check_transition(current: Status | str, target: Status | str) -> Status:
    """The target status if the move is allowed; otherwise a message that names both."""
    current, target = Status(current), Status(target)
    if target not in ALLOWED[current]:
        raise InvalidInput("status", N_("A participant cannot go from “{current}” to “{target}”."),
                           current=Label(STATUS_LABELS[current]), target=Label(STATUS_LABELS[target]))
    return target
