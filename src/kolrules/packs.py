"""Which rule packs a run uses: the bundled ones, yours beside them, or only yours.

``--rules PATH`` adds the packs at PATH to the bundled packs, so a UK pack is checked together
with the US, CN and VN packs that ship with kolrules. A pack that declares a jurisdiction the
bundled packs also declare (an edited copy of the US pack) takes that jurisdiction's place:
two packs for one jurisdiction would only contradict each other. ``--only-rules PATH`` loads
the packs at PATH and nothing else.

Each side is compiled (and cached) on its own and the compiled programs are joined, so adding a
small pack does not recompile the bundled ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs

from kolrules.engine import Engine
from kolrules.errors import UsageError
from kolrules.program import Program


@attrs.frozen
class RuleSet:
    """The rule paths of a run: ``added`` beside the bundled packs, or ``only`` these."""

    added: tuple[str, ...] = ()
    only: tuple[str, ...] = ()

    @classmethod
    def of(cls, rules: Sequence[str] | None, only_rules: Sequence[str] | None) -> RuleSet:
        """From the CLI's ``--rules`` and ``--only-rules`` (each repeatable, at most one kind)."""
        if rules and only_rules:
            raise UsageError(
                "give --rules (your packs beside the bundled ones) or --only-rules (your packs "
                "alone), not both"
            )
        return cls(tuple(rules or ()), tuple(only_rules or ()))

    @property
    def given(self) -> tuple[str, ...]:
        """The paths the user gave, of either kind."""
        return self.only or self.added

    def engine(self, jurisdictions: Sequence[str] | None = None) -> Engine:
        """The engine over these packs (optionally only some jurisdictions)."""
        if not self.given:
            return Engine.bundled(jurisdictions=jurisdictions)
        missing = [p for p in self.given if not Path(p).exists()]
        if missing:
            raise UsageError(f"no such rules file or folder: {', '.join(missing)}")
        own = Engine.from_paths(list(self.given)).program
        if not own.rules:
            raise UsageError(
                f"no rules in {', '.join(self.given)}: the folders hold no rule (*.kol files "
                "with `rule` blocks), so nothing could be checked"
            )
        program = own if self.only else beside(Engine.bundled().program, own)
        return Engine.from_program(program, jurisdictions=jurisdictions)

    def replaced(self) -> tuple[str, ...]:
        """The bundled jurisdictions that ``added`` packs take the place of."""
        if not self.added:
            return ()
        own = Engine.from_paths(list(self.added)).program
        return tuple(sorted(set(own.jurisdictions) & set(Engine.bundled().program.jurisdictions)))


def beside(bundled: Program, own: Program) -> Program:
    """``own`` added to ``bundled``; ``own``'s jurisdictions replace bundled ones of that code.

    The bundled examples that name a replaced jurisdiction's rules go with it. Two packs that
    still share a rule id (possible only for ids outside their own jurisdiction's prefix) are a
    usage error naming both places.
    """
    replaced = set(own.jurisdictions)
    kept = tuple(r for r in bundled.rules if r.jurisdiction not in replaced)
    kept_ids = {r.rule_id for r in kept}
    clash = next((r for r in own.rules if r.rule_id in kept_ids), None)
    if clash is not None:
        first = next(r for r in kept if r.rule_id == clash.rule_id)
        raise UsageError(
            f"rule {clash.rule_id} is in the bundled packs ({first.source}) and in yours "
            f"({clash.source}); rename yours, or use --only-rules"
        )
    examples = tuple(
        e for e in bundled.examples if all(x.rule_id in kept_ids for x in e.expects)
    )
    jurisdictions = {c: j for c, j in bundled.jurisdictions.items() if c not in replaced}
    jurisdictions.update(own.jurisdictions)
    return Program(
        jurisdictions=dict(sorted(jurisdictions.items())),
        rules=kept + own.rules,
        examples=examples + own.examples,
        warnings=bundled.warnings + own.warnings,
    )
