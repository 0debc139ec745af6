"""Who may do what: the role table, in one place.

Roles (``models.ROLES``):

| action          | contract_manager   | expert | researcher | admin |
|-----------------|--------------------|--------|------------|-------|
| view            | own cases          | all    | all        | all   |
| create_case     | assigned to self   | -      | -          | any   |
| upload          | own cases          | all    | -          | all   |
| analyse         | own cases          | all    | all        | all   |
| review          | own cases          | all    | -          | all   |
| edit_question   | own cases          | all    | -          | all   |
| delete          | own cases          | -      | -          | all   |
| manage_users    | -                  | -      | -          | yes   |
| export_training | -                  | all    | all        | all   |

"Own cases" are the cases whose contract manager the user is. Researchers read
(and may cache analyses, which changes no judgement) but do not judge or change
cases. Deactivated users may do nothing.
"""

from __future__ import annotations

from analyzer.store.errors import PermissionDenied
from analyzer.store.models import Case, User

ALL, OWN = "all", "own"

PERMISSIONS: dict[str, dict[str, str]] = {
    "view": {"contract_manager": OWN, "expert": ALL, "researcher": ALL, "admin": ALL},
    "create_case": {"contract_manager": OWN, "admin": ALL},
    "upload": {"contract_manager": OWN, "expert": ALL, "admin": ALL},
    "analyse": {"contract_manager": OWN, "expert": ALL, "researcher": ALL, "admin": ALL},
    "review": {"contract_manager": OWN, "expert": ALL, "admin": ALL},
    "edit_question": {"contract_manager": OWN, "expert": ALL, "admin": ALL},
    "delete": {"contract_manager": OWN, "admin": ALL},
    "manage_users": {"admin": ALL},
    # Reviewed passages leave the database as training data: only roles that see every case.
    "export_training": {"expert": ALL, "researcher": ALL, "admin": ALL},
}

_VERBS = {
    "view": "see", "create_case": "create", "upload": "upload documents to", "analyse": "analyse documents of",
    "review": "review", "edit_question": "edit questions of", "delete": "delete", "manage_users": "manage users",
    "export_training": "export reviewed passages as training data",
}


def sees_all_cases(user: User) -> bool:
    return user.active and PERMISSIONS["view"].get(user.role) == ALL


def allowed(user: User, action: str, case: Case | None = None, manager_id: int | None = None) -> bool:
    """May ``user`` do ``action`` on ``case`` (or, for create_case, for a case managed by ``manager_id``)?"""
    scope = PERMISSIONS[action].get(user.role)
    if not user.active or scope is None:
        return False
    if scope == ALL:
        return True
    owner = case.manager_id if case is not None else manager_id
    return owner == user.id


def require(user: User, action: str, case: Case | None = None, manager_id: int | None = None) -> None:
    """Raise ``PermissionDenied`` with a one-line reason unless ``allowed``."""
    if allowed(user, action, case, manager_id):
        return
    if not user.active:
        raise PermissionDenied(f"user {user.username!r} is deactivated; ask an administrator to reactivate the account")
    what = _VERBS[action]
    if case is not None and PERMISSIONS[action].get(user.role) == OWN:
        raise PermissionDenied(f"{user.username!r} may only {what} cases assigned to them, and case {case.id} is not; "
                               f"ask its contract manager or an administrator")
    if action == "create_case" and PERMISSIONS[action].get(user.role) == OWN:
        raise PermissionDenied("a contract manager may only create cases assigned to themselves; "
                               "leave the manager out or ask an administrator")
    target = f" case {case.id}" if case is not None else (" cases" if action not in ("manage_users", "export_training")
                                                          else "")
    raise PermissionDenied(f"role {user.role!r} may not {what}{target}; ask an administrator for another role")
