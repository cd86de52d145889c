"""Roster and CHSI check-list import: readers, header mapping, normalisation,
validation, commit, preview, the RosterImport states and lifecycle, one module per concern.

Views, tasks and the ``import_roster`` command use the functions exported here.
"""

from selfcheck.services.roster.colleges import CollegeMappingError, roster_college_create, roster_college_map
from selfcheck.services.roster.imports import (
    ConfirmRefused,
    roster_import_claim_validation,
    roster_import_commit,
    roster_import_confirm,
    roster_import_create,
    roster_import_revalidate,
    roster_import_validate,
)
from selfcheck.services.roster.preview import Outcome
from selfcheck.services.roster.problems import FileRefused, RowProblem
from selfcheck.services.roster.run import roster_import_run

__all__ = [
    "CollegeMappingError",
    "ConfirmRefused",
    "FileRefused",
    "Outcome",
    "RowProblem",
    "roster_college_create",
    "roster_college_map",
    "roster_import_claim_validation",
    "roster_import_commit",
    "roster_import_confirm",
    "roster_import_create",
    "roster_import_revalidate",
    "roster_import_run",
    "roster_import_validate",
]
