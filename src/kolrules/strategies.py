"""Hypothesis strategies for activity records (format 1), for testing apps that publish KOL content.

>>> from kolrules.strategies import activity_records, for_rule
>>> records = activity_records(countries=["VN"], formats=["short_video"], sparsity=0.2)

Every record is valid by construction. ``for_rule`` builds records that get a chosen outcome for
one rule, from the rule's compiled structure: each condition is made true, false or unknown by
setting (or removing) the facts it reads, so no examples are thrown away. Install with
``pip install kolrules[hypothesis]``.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from kolrules import ir
from kolrules.engine import Engine
from kolrules.evaluate import evaluate, truth
from kolrules.records import validate
from kolrules.schema import PRODUCT_CATEGORIES, RECORD, RELATIONSHIPS
from kolrules.text import LabelMatcher
from kolrules.timeutil import Duration, shift
from kolrules.types import EnumType, ListOf, ObjectType, Scalar
from kolrules.values import Context

__all__ = ["activity_records", "disclosures", "find_difference", "for_rule", "kols"]

FORMATS = next(f.type for f in RECORD.fields if f.name == "format").values  # type: ignore[union-attr]
PLATFORMS = next(f.type for f in RECORD.fields if f.name == "platform").values  # type: ignore[union-attr]
COUNTRIES = ("US", "CN", "VN", "GB", "FR", "DE", "IN", "KR", "JP", "SG", "TH", "ID")
LANGUAGES = ("en", "zh", "vi", "fr", "ko", "ja")
PLACEMENTS = (
    "caption_start",
    "caption",
    "caption_end",
    "hashtags",
    "overlay",
    "spoken",
    "platform_label",
    "description",
    "bio",
    "comment",
)
TEXTS = (
    "#ad",
    "Sponsored",
    "Paid partnership with Glow",
    "advertisement",
    "#sp",
    "#collab",
    "#adventure",
    "thanks @brand",
    "广告",
    "合作推广",
    "quảng cáo",
    "#QuảngCáo",
    "QUANG CAO",
    "tài trợ",
    "Được tài trợ bởi Nắng Mai",
    "hợp tác",
    "new drop!",
)
CAPTIONS = (
    "Loving this serum",
    "My morning routine",
    "广告 新品上市",
    "Kem chống nắng tuyệt vời",
    "Weekend vibes",
    "Unboxing time",
    "đánh giá thật lòng",
    "3 tips for glass skin",
)
OUTCOMES = ("violation", "pass", "undetermined", "not_applicable")


def _check_choice(name: str, value: Sequence[str] | None, allowed: Sequence[str]) -> list[str]:
    if value is None:
        return list(allowed)
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidArgument(f"{name}={value!r} must be a list of strings, e.g. {[allowed[0]]}")
    unknown = [v for v in value if v not in allowed]
    if unknown or not value:
        raise InvalidArgument(
            f"{name}={value!r}: {unknown or 'empty list'} not among {', '.join(allowed)}"
        )
    return list(value)


def _check_sparsity(sparsity: float) -> float:
    if not isinstance(sparsity, (int, float)) or not 0 <= sparsity <= 1:
        raise InvalidArgument(f"sparsity={sparsity!r} must be a number from 0 to 1")
    return float(sparsity)


def _opt(draw: st.DrawFn, sparsity: float) -> bool:
    """Whether to include an optional fact."""
    if sparsity <= 0:
        return True
    if sparsity >= 1:
        return False
    return draw(st.integers(0, 999)) >= int(sparsity * 1000)


@st.composite
def disclosures(draw: st.DrawFn, *, sparsity: float = 0.0) -> dict[str, Any]:
    """One disclosure (a notice in or around the content)."""
    sparsity = _check_sparsity(sparsity)
    out: dict[str, Any] = {}
    if _opt(draw, sparsity):
        out["text"] = draw(st.sampled_from(TEXTS))
    if _opt(draw, sparsity):
        out["placement"] = draw(st.sampled_from(PLACEMENTS))
    if _opt(draw, sparsity):
        out["kind"] = draw(st.sampled_from(("commercial", "commercial", "ai_generated")))
    if out.get("placement") in ("overlay", "spoken") and _opt(draw, sparsity):
        out["start_s"] = draw(st.integers(0, 120))
        out["end_s"] = out["start_s"] + draw(st.integers(1, 3600))
        if draw(st.booleans()):
            out["repeat_every_s"] = draw(st.sampled_from((60, 300, 900, 1800)))
    return out


@st.composite
def kols(
    draw: st.DrawFn, *, sparsity: float = 0.0, countries: Sequence[str] | None = None
) -> dict[str, Any]:
    """Facts about the KOL and the publishing account."""
    sparsity = _check_sparsity(sparsity)
    countries_ = _check_choice("countries", countries, COUNTRIES)
    out: dict[str, Any] = {"handle": "@" + draw(st.text("abcdefghij.", min_size=3, max_size=10))}
    if _opt(draw, sparsity):
        out["country"] = draw(st.sampled_from(countries_))
    if _opt(draw, sparsity):
        out["birth_date"] = draw(st.dates(dt.date(1960, 1, 1), dt.date(2020, 1, 1))).isoformat()
    if _opt(draw, sparsity):
        out["followers"] = draw(st.integers(0, 5_000_000))
    for flag in ("guardian_consent", "real_name_verified", "monetised", "virtual"):
        if _opt(draw, sparsity):
            out[flag] = draw(st.booleans())
    if _opt(draw, sparsity):
        out["account_verification"] = draw(st.sampled_from(("none", "phone", "national_id")))
    if _opt(draw, sparsity):
        out["sanctions"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "date": st.dates(dt.date(2018, 1, 1), dt.date(2026, 6, 1)).map(
                            dt.date.isoformat
                        ),
                        "kind": st.sampled_from(("false_advertising", "misleading_claims", "tax")),
                        "role": st.sampled_from(("endorser", "advertiser")),
                    }
                ),
                max_size=2,
            )
        )
    return out


@st.composite
def activity_records(
    draw: st.DrawFn,
    *,
    countries: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    relationships: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
    sparsity: float = 0.0,
    published_from: dt.date = dt.date(2023, 1, 1),
    published_until: dt.date = dt.date(2026, 12, 31),
) -> dict[str, Any]:
    """Activity records (format 1) as JSON-ready dicts, valid by construction.

    Args:
        countries: audience countries to choose from (the record gets one to three).
        formats, platforms, relationships, categories, languages: values to choose from.
        sparsity: 0 gives every fact; 1 only ``id`` and ``published_at``; in between, each
            optional fact is left out (unknown) with about that probability.
        published_from, published_until: the publication date range.
    """
    countries_ = _check_choice("countries", countries, COUNTRIES)
    formats_ = _check_choice("formats", formats, FORMATS)
    platforms_ = _check_choice("platforms", platforms, PLATFORMS)
    relationships_ = _check_choice("relationships", relationships, RELATIONSHIPS.values)
    categories_ = _check_choice("categories", categories, PRODUCT_CATEGORIES.values)
    languages_ = _check_choice("languages", languages, LANGUAGES)
    sparsity = _check_sparsity(sparsity)
    if not published_from <= published_until:
        raise InvalidArgument(
            f"published_from={published_from!r} is after published_until={published_until!r}"
        )
    day = draw(st.dates(published_from, published_until))
    moment = dt.datetime.combine(
        day,
        dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))),
        tzinfo=dt.timezone(dt.timedelta(hours=draw(st.sampled_from((-5, 0, 7, 8))))),
    )
    record: dict[str, Any] = {
        "schema": "kolrules/activity@1",
        "id": f"gen-{draw(st.integers(0, 10**9))}",
        "published_at": moment.isoformat(),
    }
    if _opt(draw, sparsity):
        record["audience"] = {
            "countries": draw(
                st.lists(st.sampled_from(countries_), min_size=1, max_size=3, unique=True)
            )
        }
    if _opt(draw, sparsity):
        record["format"] = draw(st.sampled_from(formats_))
    if _opt(draw, sparsity):
        record["platform"] = draw(st.sampled_from(platforms_))
    if _opt(draw, sparsity):
        record["language"] = draw(st.sampled_from(languages_))
    if _opt(draw, sparsity):
        record["published_by"] = draw(st.sampled_from(("kol", "kol", "advertiser")))
    if record.get("format") in ("short_video", "video", "livestream", "audio") and _opt(
        draw, sparsity
    ):
        record["duration_s"] = draw(st.integers(10, 14400))
    record["kol"] = draw(kols(sparsity=sparsity, countries=countries_))
    content: dict[str, Any] = {}
    if _opt(draw, sparsity):
        content["caption"] = draw(st.sampled_from(CAPTIONS))
        content["caption_fold_at"] = draw(st.integers(40, 200))
    if _opt(draw, sparsity):
        content["links"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {"url": st.just("https://example.com/p"), "affiliate": st.booleans()}
                ),
                max_size=2,
            )
        )
    if _opt(draw, sparsity):
        content["genres"] = draw(
            st.lists(
                st.sampled_from(("review", "experience", "tutorial", "entertainment")),
                max_size=2,
                unique=True,
            )
        )
    if _opt(draw, sparsity):
        checkout = draw(st.sampled_from(("none", "external", "in_platform")))
        content["checkout"], content["shoppable"] = checkout, checkout != "none"
    record["content"] = content
    if _opt(draw, sparsity):
        record["disclosures"] = draw(st.lists(disclosures(sparsity=sparsity), max_size=3))
    relationship = draw(st.sampled_from(relationships_))
    commercial: dict[str, Any] = {}
    if _opt(draw, sparsity):
        commercial["relationship"] = relationship
        commercial["connections"] = [] if relationship == "none" else [{"kind": relationship}]
    if relationship == "none":  # keep the record free of contradictions
        for link in content.get("links", []):
            link["affiliate"] = False
    if _opt(draw, sparsity):
        commercial["product"] = {"name": "Product", "category": draw(st.sampled_from(categories_))}
    for flag in ("kol_used_product", "kol_understands_product", "documents_checked"):
        if _opt(draw, sparsity):
            commercial[flag] = draw(st.booleans())
    if _opt(draw, sparsity):
        commercial["advertiser"] = {
            "name": "Brand",
            "legal_status_verified": draw(st.booleans()),
            "publicly_named_violator": draw(st.booleans()),
        }
    record["commercial"] = commercial
    if _opt(draw, sparsity):
        record["events"] = []
        record["observed_at"] = (moment + dt.timedelta(days=3)).isoformat()
    return record


# ---- records that get a chosen outcome for one rule ------------------------------------------


class _Stuck(Exception):
    """The builder met a construct it cannot steer; another attempt draws other choices."""


def _step_type(t: Any, step: str | int) -> Any:
    if isinstance(step, int):
        return t.item if isinstance(t, ListOf) else None
    if isinstance(t, ObjectType):
        field = t.field(step)
        return field.type if field else None
    return getattr(t, "value", None)


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
            t = _step_type(t, step)
            nxt = value.get(step)
            if not isinstance(nxt, dict):
                nxt = value[step] = {}
            value = nxt
        return value, str(steps[-1]), _step_type(t, steps[-1])

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
            case ir.Derived("is_sponsored"):
                commercial = self.record.setdefault("commercial", {})
                content = self.record.setdefault("content", {})
                if want is True:
                    commercial["relationship"] = draw(
                        st.sampled_from(("paid", "gifted", "affiliate"))
                    )
                    commercial["connections"] = [{"kind": commercial["relationship"]}]
                elif want is False:
                    commercial["relationship"], commercial["connections"] = "none", []
                    content["links"] = [
                        dict(link, affiliate=False) for link in content.get("links", [])
                    ]
                else:
                    commercial.pop("relationship", None)
                    commercial.pop("connections", None)
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
                    item = _step_type(self._container(listed, env)[2], 0)
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
            case ir.Builtin("known", (ir.Path() as path,)):
                if want is None:
                    raise _Stuck("known(...) is never unknown")
                if not want:
                    self.remove(path, env)
                else:
                    if self.current(path, env) is None:
                        self.set(path, env, _some(self._container(path, env)[2]))
                    self.required.add(self._key(path, env))
            case ir.Builtin("brand_label", (ir.Path(str(var), ()), _)):
                self.brand_label(env[var][0], want)
            case ir.Builtin(
                "label_before_fold" | "label_buried" as name, (ir.Path() as text, ir.Const(words))
            ):
                self.caption_label(name, text, words, want, env)
            case ir.Builtin("brand_named", (ir.Path() as text, _)):
                if want is None:
                    self.remove(text, env)
                else:
                    container, key, _ = self._container(text, env)
                    self.brand_label(container, want, key)
            case ir.Builtin(
                "label_outside" | "tagged" | "tag_prominent" | "opens_with" | "names_amount"
                as name,
                (ir.Path() as text, *rest),
            ):
                self.text_label(name, text, rest, want, env)
            case ir.Builtin(name, (ir.Path(str(var), ()), *rest)):
                self.builtin(name, env[var][0], rest, want)
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
                case ir.Builtin("is_commercial", (ir.Path(str(var), ()),)):
                    kind = env[var][0].get("kind")
                    return (kind in (None, "commercial")) == want
                case ir.Builtin("in_video", (ir.Path(str(var), ()),)):
                    placement = env[var][0].get("placement")
                    return placement is not None and (placement in ("overlay", "spoken")) == want
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
        if isinstance(left, ir.Derived) and left.name == "kol.age_at_publication":
            kol = self.record.setdefault("kol", {})
            kol.pop("birth_date", None)
            if want is None:
                kol.pop("age", None)
                return
            if not isinstance(right, ir.Const):
                raise _Stuck("an age compared with a fact")
            target = self._satisfy(op, right, want, None)
            kol["age"] = max(0, int(target))
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
        item_type = t.item if isinstance(t, ListOf) else None
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
        self, name: str, d: dict[str, Any], rest: Sequence[ir.Node], want: bool | None
    ) -> None:
        if want is None:
            if name == "is_commercial":
                raise _Stuck("is_commercial is never unknown")
            d.pop("placement", None)
            return
        limit = 0.0
        if rest and isinstance(rest[0], ir.Const) and isinstance(rest[0].value, Duration):
            limit = rest[0].value.seconds()
        content = self.record.setdefault("content", {})
        if name == "is_commercial":
            d["kind"] = "commercial" if want else "ai_generated"
        elif name == "in_video":
            d["placement"] = "overlay" if want else "description"
        elif name in ("before_fold", "buried_in_hashtags"):
            early = want == (name == "before_fold")
            d["placement"] = "caption_start" if early else "hashtags"
            if name == "buried_in_hashtags" and want:
                d["placement"] = "hashtags"
            content.pop("caption", None)  # the placement decides, not a position in a caption
        elif name in (
            "before_and_during",
            "before_promotion",
            "repeated",
            "repeated_every",
            "starts_within",
        ):
            d["placement"] = "overlay"
            d.pop("repeat_every_s", None)
            content["promotion_segments"] = [{"start_s": 5, "end_s": 60}]
            self.record["duration_s"] = 3600
            if want:
                d["start_s"], d["end_s"] = 0, 3600
                if name == "repeated_every":
                    d["repeat_every_s"] = limit
            else:
                d["start_s"], d["end_s"] = limit + 10, limit + 20
                if name == "repeated_every":
                    d["repeat_every_s"] = limit + 1
        else:
            raise _Stuck(f"cannot steer {name}")

    def caption_label(
        self, name: str, text: ir.Path, words: Any, want: bool | None, env: dict[str, Any]
    ) -> None:
        label = words.labels[0]
        content = self.record.setdefault("content", {})
        early = want if name == "label_before_fold" else (None if want is None else not want)
        if want is None and name == "label_buried":
            raise _Stuck("label_buried is never unknown")
        if early is None:  # a label further on, and no fold given
            self.set(text, env, f"{'so good ' * 6}{label}")
            content.pop("caption_fold_at", None)
        elif early:
            self.set(text, env, f"{label} so good")
        elif name == "label_before_fold":
            self.set(text, env, f"{'so good ' * 12}{label}")
            content["caption_fold_at"] = 20
        else:
            tag = "#" + label.replace(" ", "").lstrip("#")
            self.set(text, env, f"so good #one #two {tag}")

    def text_label(
        self,
        name: str,
        text: ir.Path,
        rest: Sequence[ir.Node],
        want: bool | None,
        env: dict[str, Any],
    ) -> None:
        """A text holding (or not) one of the words, standing apart and at its start, which every
        label built-in reads as found; a sum of money for ``names_amount``."""
        content = self.record.setdefault("content", {})
        words = rest[0].value if rest and isinstance(rest[0], ir.Const) else None
        labels = words.labels if isinstance(words, LabelMatcher) else ()
        label = labels[0] if labels else "x"
        if want is None and name == "tag_prominent":  # standing apart further on, no fold given
            value: str = f"{'so good ' * 6}| {label}"
            content.pop("caption_fold_at", None)
        elif want is None:
            self.remove(text, env)
            return
        elif not want:
            value = "so good"
        elif name == "names_amount":
            value = "paid $500"
        else:
            value = f"{label} | so good"
        container, key, t = self._container(text, env)
        container[key] = [value] if isinstance(t, ListOf) else value

    def brand_label(self, d: dict[str, Any], want: bool | None, key: str = "text") -> None:
        commercial = self.record.setdefault("commercial", {})
        if want is None:
            commercial.get("advertiser", {}).pop("name", None)
            commercial.get("product", {}).pop("name", None)
            return
        advertiser = commercial.setdefault("advertiser", {})
        name = advertiser.setdefault("name", "Glow Co")
        if want:
            d[key] = "#" + name.replace(" ", "") + "Partner"
        elif isinstance(d.get(key), str) and name.replace(" ", "").lower() in d[
            key
        ].replace(" ", "").lower():
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


@st.composite
def for_rule(
    draw: st.DrawFn, engine: Engine, rule_id: str, *, outcome: str = "violation"
) -> dict[str, Any]:
    """Records that ``engine`` judges ``outcome`` for ``rule_id``, built from the rule itself.

    The record is published inside one of the rule's in-force windows and falls under its
    jurisdiction; then the rule's scope and requirement (and the scopes of rules that override
    it) are made true, false or unknown as the outcome needs.
    """
    if not isinstance(engine, Engine):
        raise InvalidArgument(f"engine={engine!r} must be a kolrules.Engine")
    versions = engine.versions(rule_id) if isinstance(rule_id, str) else ()
    if not versions:
        raise InvalidArgument(f"rule_id={rule_id!r} is not a rule of this engine")
    if outcome not in OUTCOMES:
        raise InvalidArgument(f"outcome={outcome!r} must be one of {', '.join(OUTCOMES)}")
    for attempt in range(8):
        rule = draw(st.sampled_from(versions))
        # Records are dated from 2000 on: an older open-ended version is drawn from then.
        start = max(rule.start, dt.date(2000, 1, 1))
        end = rule.end - dt.timedelta(days=1) if rule.end else start + dt.timedelta(days=900)
        record = draw(
            activity_records(published_from=start, published_until=max(end, start))
        )
        jurisdiction = engine.program.jurisdictions[rule.jurisdiction]
        day = dt.datetime.fromisoformat(record["published_at"]).date()
        record["published_at"] = dt.datetime.combine(
            day, dt.time(12), tzinfo=jurisdiction.tzinfo
        ).isoformat()
        builder = _Builder(copy.deepcopy(record), draw, dict(rule.lets), attempt // 2)
        try:
            builder.make(jurisdiction.scope, True, {})
            for other in engine.rules:
                if rule.rule_id in other.overrides and other.in_force(day):
                    builder.make(other.scope, False, {})
            if outcome == "not_applicable":
                builder.make(rule.scope, False, {})
            else:
                wanted = {"pass": True, "violation": False, "undetermined": None}[outcome]
                steps = [(rule.scope, True), (rule.requirement, wanted)]
                if attempt % 2:  # scope and requirement may share facts: try the other order
                    steps.reverse()
                for node, want in steps:
                    builder.make(node, want, {})
        except (_Stuck, KeyError, TypeError, AttributeError):
            continue
        built = builder.record
        try:
            if engine.outcomes(built, include_pass=True).get(rule.rule_id) == outcome:
                return built
        except Exception:
            continue
    raise InvalidArgument(
        f"for_rule could not build a record with outcome {outcome!r} for {rule_id!r}: the rule "
        "uses a construct the builder cannot steer, or the outcome is impossible"
    )


def find_difference(
    engine: Engine, first: str, second: str, *, budget: int = 500
) -> dict[str, Any] | None:
    """The smallest record Hypothesis finds on which ``engine`` gives rules ``first`` and
    ``second`` different outcomes, or None when none turned up within ``budget`` tries.

    Candidates are built to put each rule in each outcome (``for_rule``) and mixed with plain
    generated records; the first difference found is shrunk to a minimal record. The search is
    derandomized: the same rules and budget give the same answer on every run.
    """
    from hypothesis import HealthCheck, find, settings
    from hypothesis.errors import NoSuchExample

    candidates = st.one_of(
        *(
            for_rule(engine, rule_id, outcome=outcome)
            for rule_id in (first, second)
            for outcome in OUTCOMES
        ),
        activity_records(),
    )

    def differs(record: dict[str, Any]) -> bool:
        try:
            got = engine.outcomes(record, include_pass=True)
        except Exception:  # an invalid candidate says nothing about the rules
            return False
        return got.get(first) != got.get(second)

    try:
        found: dict[str, Any] = find(
            candidates,
            differs,
            settings=settings(
                max_examples=budget,
                database=None,
                derandomize=True,  # the same question gets the same answer on every run
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    except NoSuchExample:
        return None
    return found
