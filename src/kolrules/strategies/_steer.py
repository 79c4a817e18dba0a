"""Steering a record so that a compiled condition comes out true, false or unknown: the
``_Builder`` sets (or removes) the facts each condition reads."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from kolrules import ir
from kolrules.evaluate import evaluate, truth
from kolrules.records import validate
from kolrules.runtime.builtins import BUILTINS, Brand, Known, SetsField, Signature, Text, Timed
from kolrules.runtime.derived import FACTS, FieldValues, NumberField
from kolrules.schema import RECORD
from kolrules.strategies._records import COUNTRIES
from kolrules.text import LabelMatcher
from kolrules.timeutil import Duration, shift
from kolrules.types import EnumType, ListOf, ObjectType, Scalar, path_type, step_type
from kolrules.values import Context


class _Stuck(Exception):
    """The builder met a construct it cannot steer; another attempt draws other choices."""


def _holds(op: str, current: Any, value: Any) -> bool | None:
    """Whether ``current op value`` holds, when the two can be compared here."""
    if isinstance(value, dt.date) and isinstance(current, str):
        try:
            current = (
                dt.datetime.fromisoformat(current.replace("Z", "+00:00"))
                if isinstance(value, dt.datetime)
                else dt.date.fromisoformat(current[:10])
            )
        except ValueError:
            return None
    try:
        return bool(
            {"==": current == value, "!=": current != value}[op]
            if op in ("==", "!=")
            else {
                "<": current < value,
                "<=": current <= value,
                ">": current > value,
                ">=": current >= value,
            }[op]
        )
    except TypeError:
        return None


def _other(t: Any, value: Any, draw: st.DrawFn) -> Any:
    """A valid value of type ``t`` different from ``value``."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(t, EnumType):
        choices = [v for v in t.values if v != value]
        return draw(st.sampled_from(choices))
    if isinstance(t, Scalar) and t.kind.value == "country":
        return draw(st.sampled_from([c for c in COUNTRIES if c != value]))
    if isinstance(value, str):
        return value + "-other"
    raise _Stuck(f"no other value for {value!r}")


def _some(t: Any) -> Any:
    """Some valid value of type ``t``, for a fact that only needs to be given."""
    if isinstance(t, ListOf):
        return []
    if isinstance(t, EnumType):
        return t.values[0]
    if isinstance(t, ObjectType):
        return {}
    kind = getattr(getattr(t, "kind", None), "value", None)
    return {
        "country": "US",
        "language": "en",
        "boolean": False,
        "integer": 0,
        "number": 0,
        "seconds": 0,
        "date": "2020-01-01",
        "datetime": "2020-01-01T00:00:00Z",
    }.get(kind or "", "x")


def _first_label(rest: Sequence[ir.Node]) -> str:
    """The first word of the label class a built-in is given after its text ("x" without)."""
    words = rest[0].value if rest and isinstance(rest[0], ir.Const) else None
    labels = words.labels if isinstance(words, LabelMatcher) else ()
    return str(labels[0]) if labels else "x"


class _Builder:
    """Sets and removes record facts so that conditions take wanted truth values."""

    def __init__(
        self, record: dict[str, Any], draw: st.DrawFn, lets: dict[str, ir.Node], turn: int = 0
    ) -> None:
        self.record = record
        self.draw = draw
        self.lets = lets
        # Which operand of an `or` to try first is drawn, then shifted by ``turn``: Hypothesis
        # starts from minimal draws, so without it every retry would make the same choices.
        self.turn = turn
        self.bound: dict[str, dict[str, Any]] = {}  # let name → the element it stands for
        # Fields a `known(...)` was made true for: removing one would silently undo it.
        self.required: set[tuple[object, ...]] = set()

    def _snapshot(self, env: dict[str, Any]) -> tuple[Any, ...]:
        # Elements that variables and lets stand for keep their identity; their contents are
        # saved apart, so an undo restores them in place.
        elements = [element for element, _ in env.values()] + list(self.bound.values())
        memo: dict[int, Any] = {id(element): element for element in elements}
        record = copy.deepcopy(self.record, memo)
        contents = [(element, copy.deepcopy(element)) for element in elements]
        return record, contents, dict(self.bound), set(self.required)

    def _restore(self, saved: tuple[Any, ...], env: dict[str, Any]) -> None:
        record, contents, bound, required = saved
        self.record.clear()
        self.record.update(record)
        for element, content in contents:
            element.clear()
            element.update(content)
        self.bound = bound
        self.required = required

    # -- paths --
    def _start(self, path: ir.Path, env: dict[str, Any]) -> tuple[Any, Any]:
        if path.base is None:
            return self.record, RECORD
        if isinstance(path.base, str):
            element, item_type = env[path.base]
            return element, item_type
        if isinstance(path.base, ir.LetRef) and path.base.name in self.bound:
            return self.bound[path.base.name], None
        raise _Stuck("path over an expression")

    def _container(self, path: ir.Path, env: dict[str, Any]) -> tuple[dict[str, Any], str, Any]:
        value, t = self._start(path, env)
        steps = path.steps
        if not steps or any(isinstance(s, int) for s in steps):
            raise _Stuck("indexed path")
        for step in steps[:-1]:
            nxt = value.get(step)
            if not isinstance(nxt, dict):
                nxt = value[step] = {}
            value = nxt
        return value, str(steps[-1]), path_type(t, steps)

    def set(self, path: ir.Path, env: dict[str, Any], value: Any) -> None:
        container, key, _ = self._container(path, env)
        container[key] = value

    @staticmethod
    def _key(path: ir.Path, env: dict[str, Any]) -> tuple[object, ...]:
        base = id(env[path.base][0]) if isinstance(path.base, str) and path.base in env else None
        return (base, *path.steps)

    def remove(self, path: ir.Path, env: dict[str, Any]) -> None:
        if self._key(path, env) in self.required:
            raise _Stuck("a known(...) needs this field")
        container, key, _ = self._container(path, env)
        container.pop(key, None)

    def _put(self, dotted: str, value: object) -> None:
        """Set a record field by dotted path; a step ``name[]`` sets it in every element of
        the list there (a derived fact's steering)."""
        holders: list[dict[str, Any]] = [self.record]
        *steps, last = dotted.split(".")
        for step in steps:
            name = step.removesuffix("[]")
            if step.endswith("[]"):
                holders = [e for h in holders for e in h.get(name, ()) if isinstance(e, dict)]
            else:
                holders = [h.setdefault(name, {}) for h in holders]
        for holder in holders:
            holder[last] = copy.deepcopy(value)

    def _drop(self, dotted: str) -> None:
        """Remove a record field by dotted path (no list steps)."""
        *steps, last = dotted.split(".")
        holder: Any = self.record
        for step in steps:
            holder = holder.get(step)
            if not isinstance(holder, dict):
                return
        holder.pop(last, None)

    def current(self, path: ir.Path, env: dict[str, Any]) -> Any:
        container, key, _ = self._container(path, env)
        return container.get(key)

    # -- conditions --
    def make(self, node: ir.Node, want: bool | None, env: dict[str, Any]) -> None:
        draw = self.draw
        match node:
            case ir.Const(value):
                if want is not None and bool(value) != want:
                    raise _Stuck("a constant condition")
            case ir.Not(operand):
                self.make(operand, None if want is None else not want, env)
            case ir.And(operands) | ir.Or(operands):
                conj = isinstance(node, ir.And)
                if want is (bool(conj)):
                    for operand in operands:
                        self.make(operand, want, env)
                else:
                    # One operand decides (or stays open); try each, starting at a drawn one.
                    first = (draw(st.integers(0, len(operands) - 1)) + self.turn) % len(operands)
                    order = [*range(first, len(operands)), *range(first)]
                    if want is not None:  # prefer an operand that already is as wanted
                        order.sort(key=lambda i: self._rank(operands[i], want, env))
                    for attempt, pick in enumerate(order):
                        saved = self._snapshot(env)
                        try:
                            if want is None:  # the others must not decide it
                                for index, operand in enumerate(operands):
                                    if index != pick:
                                        self.make(operand, conj, env)
                            self.make(operands[pick], want, env)
                            return
                        except _Stuck:
                            if attempt == len(order) - 1:
                                raise
                            self._restore(saved, env)
            case ir.Derived(name):
                steering = FACTS[name].steering
                if not isinstance(steering, FieldValues):
                    raise _Stuck(f"{name} is a number, not a condition")
                if want is None:
                    for dotted in steering.unknown:
                        self._drop(dotted)
                else:
                    chosen = draw(st.sampled_from(steering.true)) if want else steering.false
                    for dotted, value in chosen:
                        self._put(dotted, value)
            case ir.Compare(op, ir.Count(_, ir.Path() as listed, None), ir.Const(0)) if op in (
                "==",
                "!=",
                ">",
            ):
                # `count(x in L) == 0` and its negations: only whether L is empty matters.
                if want is None:
                    self.remove(listed, env)
                else:
                    empty = want == (op == "==")
                    item = step_type(self._container(listed, env)[2], 0)
                    self.set(listed, env, [] if empty else [_some(item)])
            case ir.Compare(op, left, right):
                self.compare(op, left, right, want, env)
            case ir.Member(item, ir.Const(frozenset() as values), negated) if isinstance(
                item, ir.Path
            ):
                inside = None if want is None else (want != negated)
                self.member(item, values, inside, env)
            case ir.Contains(collection, ir.Const(value)) if isinstance(collection, ir.Path):
                if want is None:
                    self.remove(collection, env)
                    return
                items = [v for v in (self.current(collection, env) or []) if v != value]
                self.set(collection, env, [*items, value] if want else items)
            case ir.Matches(subject, matcher, _) if isinstance(subject, ir.Path):
                if want is None:
                    self.remove(subject, env)
                elif (
                    isinstance(self.current(subject, env), str)
                    and matcher.matches(self.current(subject, env)) == want
                ):
                    pass  # already as wanted
                elif want:
                    self.set(subject, env, draw(st.sampled_from(matcher.labels)))
                else:
                    neutral = [
                        t
                        for t in ("new drop!", "weekend vibes", "so good", "x")
                        if not matcher.matches(t)
                    ]
                    self.set(subject, env, draw(st.sampled_from(neutral)))
            case ir.Quantified(quantifier, var, collection, where, body):
                self.quantified(quantifier, var, collection, where, body, want, env)
            case ir.Exists(ir.First(var, collection, where)):
                self.quantified("any", var, collection, where, ir.Const(True), want, env)
            case ir.Exists(ir.LetRef(name)):
                let = self.lets.get(name)
                if not isinstance(let, ir.First):
                    raise _Stuck("exists over a let that is not first(...)")
                element = self.quantified(
                    "any", let.var, let.collection, let.where, ir.Const(True), want, env
                )
                if element is not None:
                    self.bound[name] = element
            case ir.Builtin(name, args):
                self.builtin(BUILTINS[name], args, want, env)
            case ir.Within(ir.Path() as subject, ir.Const(duration), direction, anchor):
                self.within(subject, duration, direction, anchor, want, env)
            case _:
                raise _Stuck(f"cannot steer {type(node).__name__}")

    def _rank(self, node: ir.Node, want: bool, env: dict[str, Any]) -> int:
        """0 for an operand already as wanted, 2 for one already the opposite (steering it
        would undo an earlier step), 1 otherwise."""
        if self._already(node, want, env):
            return 0
        if not env:
            try:
                data = validate(self.record).data
                now = truth(evaluate(node, Context(data, dt.timezone.utc)))
            except Exception:  # a half-built record may not validate yet
                return 1
            if now is want:
                return 0
            if now is (not want):
                return 2
        return 1

    def _already(self, node: ir.Node, want: bool, env: dict[str, Any]) -> bool:
        """Whether a simple condition already has the wanted value (so steering costs nothing)."""
        try:
            match node:
                case ir.Not(operand):
                    return self._already(operand, not want, env)
                case ir.Matches(ir.Path() as subject, matcher, _):
                    text = self.current(subject, env)
                    return isinstance(text, str) and matcher.matches(text) == want
                case ir.Compare(op, ir.Path() as left, ir.Const(value)):
                    current = self.current(left, env)
                    return current is not None and _holds(op, current, value) == want
                case ir.Member(ir.Path() as item, ir.Const(values), negated):
                    current = self.current(item, env)
                    inside = current in values  # type: ignore[operator]
                    return current is not None and (inside != negated) == want
                case ir.Builtin(name, (ir.Path(str(var), ()),)):
                    steering = BUILTINS[name].steering
                    if isinstance(steering, SetsField) and steering.holds_for:
                        value = env[var][0].get(steering.field)
                        holds = steering.holds_for
                        return (value is not None or None in holds) and (value in holds) == want
        except (_Stuck, KeyError, TypeError):
            return False
        return False

    def member(
        self, item: ir.Path, values: frozenset[Any], inside: bool | None, env: dict[str, Any]
    ) -> None:
        if inside is None:
            self.remove(item, env)
            return
        _, _, t = self._container(item, env)
        current = self.current(item, env)
        if current is not None and (current in values) == inside:
            return  # already as wanted: leave what other conditions may have set
        if inside:
            self.set(item, env, self.draw(st.sampled_from(sorted(values, key=str))))
            return
        pool = [v for v in getattr(t, "values", ()) if v not in values] or ["other"]
        self.set(item, env, self.draw(st.sampled_from(pool)))

    def compare(
        self, op: str, left: ir.Node, right: ir.Node, want: bool | None, env: dict[str, Any]
    ) -> None:
        if isinstance(left, ir.Const) and not isinstance(right, ir.Const):
            flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
            self.compare(flipped, right, left, want, env)
            return
        if isinstance(left, ir.Derived):
            steering = FACTS[left.name].steering
            if not isinstance(steering, NumberField):
                raise _Stuck(f"{left.name} compared as a number")
            for dotted in steering.clears:
                self._drop(dotted)
            if want is None:
                self._drop(steering.field)
                return
            if not isinstance(right, ir.Const):
                raise _Stuck("a derived number compared with a fact")
            self._put(steering.field, max(0, int(self._satisfy(op, right, want, None))))
            return
        if not isinstance(left, ir.Path):
            raise _Stuck("comparison of two facts")
        if want is None:
            self.remove(left, env)
            return
        if not isinstance(right, ir.Const):
            right = ir.Const(self.value_of(right, env))
        _, _, t = self._container(left, env)
        current = self.current(left, env)
        if current is not None and _holds(op, current, right.value) == want:
            return
        self.set(left, env, self._satisfy(op, right, want, t))

    def value_of(self, node: ir.Node, env: dict[str, Any]) -> Any:
        """The value an expression has in the record as built so far (dates as objects)."""
        if isinstance(node, ir.Const):
            return node.value
        if isinstance(node, ir.Arith) and isinstance(node.right, ir.Const):
            base = self.value_of(node.left, env)
            duration = node.right.value
            if not isinstance(duration, Duration):
                raise _Stuck("arithmetic with a number")
            return shift(base, duration, 1 if node.op == "+" else -1)
        if isinstance(node, ir.Path):
            value = self.current(node, env)
            if isinstance(value, str) and len(value) > 10 and value[4] == "-":
                return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if value is None:
                raise _Stuck("a value the record does not have yet")
            return value
        raise _Stuck(f"cannot compute {type(node).__name__}")

    def _satisfy(self, op: str, right: ir.Const, want: bool, t: Any) -> Any:
        value = right.value
        if isinstance(value, dt.datetime):
            hour = dt.timedelta(hours=1)
            if not want:
                op = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}[op]
            return (
                value + hour
                if op in (">", ">=", "!=")
                else value - hour
                if op in ("<", "<=")
                else value
            ).isoformat()
        if not want:
            op = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}[op]
        if op == "==":
            return value
        if op == "!=":
            return _other(t, value, self.draw)
        if isinstance(value, dt.date):
            step = dt.timedelta(days=1)
            shifted = value + step if op in (">", ">=") else value - step
            return shifted.isoformat()
        if not isinstance(value, (int, float)):
            raise _Stuck("ordering of non-numbers")
        return value + 1 if op in (">", ">=") else max(value - 1, 0) if op == "<" else value

    def quantified(
        self,
        quantifier: str,
        var: str,
        collection: ir.Node,
        where: ir.Node | None,
        body: ir.Node,
        want: bool | None,
        env: dict[str, Any],
    ) -> dict[str, Any] | None:
        if not isinstance(collection, ir.Path):
            raise _Stuck("quantifier over an expression")
        _, _, t = self._container(collection, env)
        item_type = step_type(t, 0)
        if quantifier == "none":
            quantifier, want = "any", None if want is None else not want
        items = self.current(collection, env)
        items = items if isinstance(items, list) else []
        self.set(collection, env, items)

        def new() -> dict[str, Any]:
            element: dict[str, Any] = {}
            if getattr(item_type, "name", "") == "event":  # events always say when
                published = dt.datetime.fromisoformat(self.record["published_at"])
                element["at"] = (published + dt.timedelta(days=1)).isoformat()
            items.append(element)
            return element

        def steer(element: Any, cond: ir.Node | None, value: bool | None) -> None:
            if cond is not None:
                self.make(cond, value, {**env, var: (element, item_type)})

        if not isinstance(item_type, ObjectType):
            self.scalars(quantifier, var, collection, where, body, want, env, items)
            return None
        if (quantifier, want) in (("any", True), ("all", False)):
            element = new()
            steer(element, where, True)
            steer(element, body, quantifier == "any")
            return element
        if want is None:
            if self._key(collection, env) not in self.required and self.draw(st.booleans()):
                self.remove(collection, env)  # the list itself unknown: always undecided
                return None
            for element in items:
                steer(element, where, False) if where is not None else steer(
                    element, body, quantifier == "all"
                )
            element = new()
            steer(element, where, True)
            steer(element, body, None)
            return element
        # any → False, all → True: every element must fail (any) or hold (all)
        for element in items:
            pinned = any(element is e for e in self.bound.values())  # a let stands for it
            if where is not None and (pinned or self.draw(st.booleans())):
                steer(element, where, False)
            else:
                steer(element, where, True)
                steer(element, body, quantifier == "all")
        return None

    def scalars(
        self,
        quantifier: str,
        var: str,
        collection: ir.Path,
        where: ir.Node | None,
        body: ir.Node,
        want: bool | None,
        env: dict[str, Any],
        items: list[Any],
    ) -> None:
        """Lists of strings (genres, hashtags): ``any g in L: g in {…}`` and the like."""
        if where is not None:
            raise _Stuck("a filter over a list of values")
        values: frozenset[Any]
        match body:
            case ir.Member(ir.Path(str(v), ()), ir.Const(found), False) if v == var:
                values = frozenset(found)  # type: ignore[call-overload]
            case ir.Compare("==", ir.Path(str(v), ()), ir.Const(found)) if v == var:
                values = frozenset({found})
            case _:
                raise _Stuck("a condition on list values")
        if want is None:
            self.remove(collection, env)
            return
        holds = (quantifier == "any") == want
        kept = (
            [v for v in items if (v in values) != (quantifier == "any")]
            if holds
            else [v for v in items if (v in values) == (quantifier == "all")]
        )
        if holds and quantifier == "any":
            kept.append(self.draw(st.sampled_from(sorted(values, key=str))))
        elif not holds and quantifier == "all":
            kept.append("other")
        self.set(collection, env, kept)

    def builtin(
        self,
        signature: Signature,
        args: Sequence[ir.Node],
        want: bool | None,
        env: dict[str, Any],
    ) -> None:
        """A built-in call made true, false or unknown as its declared steering says."""
        first, rest = (args[0], args[1:]) if args else (None, ())
        disclosure: dict[str, Any] | None = None
        if signature.params[:1] == ("disclosure",):
            if not (isinstance(first, ir.Path) and isinstance(first.base, str) and not first.steps):
                raise _Stuck("a disclosure built-in over an expression")
            disclosure = env[first.base][0]
        elif not isinstance(first, ir.Path):
            raise _Stuck("a built-in over an expression")
        steering = signature.steering
        match steering:
            case Known():
                self.known(first, want, env)
            case Text():
                self.text(steering, first, rest, want, env)
            case Brand(unknown=unknown):
                word = _first_label(rest)
                if disclosure is not None:
                    self.brand_label(disclosure, want, word)
                elif want is None and unknown == "text":
                    self.remove(first, env)
                else:
                    container, key, _ = self._container(first, env)
                    self.brand_label(container, want, word, key)
            case SetsField() | Timed() if disclosure is not None:
                self.disclosure(steering, disclosure, rest, want)
            case _:
                raise _Stuck(f"no steering for {signature.usage}")

    def known(self, path: ir.Path, want: bool | None, env: dict[str, Any]) -> None:
        if want is None:
            raise _Stuck("known(...) is never unknown")
        if not want:
            self.remove(path, env)
        else:
            if self.current(path, env) is None:
                self.set(path, env, _some(self._container(path, env)[2]))
            self.required.add(self._key(path, env))

    def disclosure(
        self,
        steering: SetsField | Timed,
        d: dict[str, Any],
        rest: Sequence[ir.Node],
        want: bool | None,
    ) -> None:
        """One of the disclosure's fields set (``SetsField``), or an in-video notice's times
        against an hour-long video promoting from 5 s to 60 s (``Timed``)."""
        if want is None:
            if isinstance(steering, SetsField) and steering.never_unknown:
                raise _Stuck(f"{steering.field} always decides")
            d.pop(steering.field if isinstance(steering, SetsField) else "placement", None)
            return
        limit = 0.0
        if rest and isinstance(rest[0], ir.Const) and isinstance(rest[0].value, Duration):
            limit = rest[0].value.seconds()
        content = self.record.setdefault("content", {})
        if isinstance(steering, SetsField):
            d[steering.field] = steering.true if want else steering.false
            for path in steering.clears:  # so that the field alone decides
                *parents, last = path.split(".")
                holder = self.record
                for part in parents:
                    holder = holder.setdefault(part, {})
                holder.pop(last, None)
            return
        d["placement"] = "overlay"
        d.pop("repeat_every_s", None)
        content["promotion_segments"] = [{"start_s": 5, "end_s": 60}]
        self.record["duration_s"] = 3600
        if want:
            d["start_s"], d["end_s"] = 0, 3600
            if steering.sets_every:
                d["repeat_every_s"] = limit
        else:
            d["start_s"], d["end_s"] = limit + 10, limit + 20
            if steering.sets_every:
                d["repeat_every_s"] = limit + 1

    def text(
        self,
        steering: Text,
        text: ir.Path,
        rest: Sequence[ir.Node],
        want: bool | None,
        env: dict[str, Any],
    ) -> None:
        """The text set to the declared shape for ``want`` (a list field gets it as its one
        item), with the caption's fold the shape gives; or removed, for unknown."""
        content = self.record.setdefault("content", {})
        if want is None:
            if steering.unknown is None:
                raise _Stuck("the text always decides")
            if steering.unknown == "remove":
                self.remove(text, env)
                return
            shape = steering.unknown
        else:
            shape = steering.true if want else steering.false
        label = _first_label(rest)
        value = shape.text.format(label=label, tag="#" + label.replace(" ", "").lstrip("#"))
        container, key, t = self._container(text, env)
        container[key] = [value] if isinstance(t, ListOf) else value
        if shape.fold is None:
            content.pop("caption_fold_at", None)
        elif shape.fold != "keep":
            content["caption_fold_at"] = shape.fold

    def brand_label(
        self, d: dict[str, Any], want: bool | None, word: str, key: str = "text"
    ) -> None:
        """``d[key]`` joins the advertiser's name with ``word`` ("#GlowCoPartner"), or not."""
        commercial = self.record.setdefault("commercial", {})
        if want is None:
            commercial.get("advertiser", {}).pop("name", None)
            commercial.get("product", {}).pop("name", None)
            return
        advertiser = commercial.setdefault("advertiser", {})
        name = advertiser.setdefault("name", "Glow Co")
        if want:
            d[key] = "#" + name.replace(" ", "") + word.title().replace(" ", "")
        elif (
            isinstance(d.get(key), str)
            and name.replace(" ", "").lower() in d[key].replace(" ", "").lower()
        ):
            raise _Stuck("the text already names the brand")

    def within(
        self,
        subject: ir.Path,
        duration: Any,
        direction: str,
        anchor: ir.Node,
        want: bool | None,
        env: dict[str, Any],
    ) -> None:
        if want is None:
            self.remove(subject, env)
            return
        point = self.value_of(anchor, env)
        _, _, t = self._container(subject, env)
        sign = -1 if direction == "before" else 1
        if want:  # halfway into the window
            half = duration.amount / 2 if duration.is_fixed else 0
            moved = (
                shift(point, type(duration)(half, duration.unit), sign)
                if duration.is_fixed
                else point
            )
        else:  # a little past its far end
            moved = shift(shift(point, duration, sign), type(duration)(2, "days"), sign)
        if isinstance(t, Scalar) and t.kind.value == "date" and isinstance(moved, dt.datetime):
            moved = moved.date()
        self.set(subject, env, moved.isoformat())
