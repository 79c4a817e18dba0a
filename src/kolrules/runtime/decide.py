"""How a rule's outcome follows from its three-valued scope and requirement (written once)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kolrules.findings import Outcome
from kolrules.runtime.kleene import truth
from kolrules.values import missing_of

#: (outcome, facts whose absence left it undetermined, overriding rules that made it not apply)
Decision = tuple[Outcome, tuple[str, ...], tuple[str, ...]]

#: The decision of every rule of a jurisdiction whose scope is false for the record.
NOT_APPLICABLE_NOTHING: Decision = (Outcome.NOT_APPLICABLE, (), ())


def conclude(
    scope: object, requirement: Callable[[], object], overridden_by: Iterable[str]
) -> Decision:
    """The decision from the rule's whole scope (jurisdiction, overrides and its own, Kleene
    ``and``) and its requirement, computed only when the scope is not false."""
    if scope is False:
        return Outcome.NOT_APPLICABLE, (), tuple(overridden_by)
    met = truth(requirement())
    if met is True:
        return Outcome.PASS, (), ()
    if scope is True and met is False:
        return Outcome.VIOLATION, (), ()
    return Outcome.UNDETERMINED, tuple(sorted(missing_of(scope, met))), ()
