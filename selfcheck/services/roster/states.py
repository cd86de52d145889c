"""The states of a RosterImport and the steps between them, in one table.

    upload ──► uploaded ──task──► validating ──► validated ──confirm──► committing ──task──► committed
                                      │               │  ▲                   │
                                      └──► failed     │  └── re-validated ◄──┘ (rows turned invalid)
                                                      └── re-validate (another encoding, colleges mapped)

Every step claims the import with a conditional UPDATE from the states the table
allows, so a step run twice (a task delivered again, a double click) is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass

from selfcheck.models import RosterImport

S = RosterImport.State


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]  # states the step may start from
    targets: tuple[str, ...]  # states it may leave the import in


STEPS: dict[str, Step] = {
    "validate": Step(sources=(S.UPLOADED,), targets=(S.VALIDATING,)),
    "validate_done": Step(sources=(S.VALIDATING,), targets=(S.VALIDATED, S.FAILED)),
    "revalidate": Step(sources=(S.UPLOADED, S.VALIDATING, S.VALIDATED, S.FAILED, S.COMMITTING), targets=(S.UPLOADED,)),
    "confirm": Step(sources=(S.VALIDATED,), targets=(S.COMMITTING,)),
    "commit": Step(sources=(S.COMMITTING,), targets=(S.COMMITTED, S.VALIDATED, S.FAILED)),
}

# Work is under way: the page keeps polling.
RUNNING = (S.UPLOADED, S.VALIDATING, S.COMMITTING)


def can(step: str, state: str) -> bool:
    return state in STEPS[step].sources


def claim(pk: int, step: str, to: str, **fields) -> bool:
    """Move import ``pk`` into ``to`` if its state allows ``step``; False when it did not."""
    if to not in STEPS[step].targets:
        raise ValueError(f"step {step!r} cannot end in {to!r}")
    # An import whose file was purged after the retention period has nothing left to read.
    claimed = RosterImport.objects.filter(pk=pk, state__in=STEPS[step].sources, file_purged_at__isnull=True)
    return claimed.update(state=to, **fields) == 1
