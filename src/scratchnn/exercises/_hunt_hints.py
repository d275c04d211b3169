"""The bug hunt's hints: they follow the learner's program as it is now, and go on per problem across checks.

:class:`HuntResult` is what :func:`~scratchnn.exercises.seed.check_seed_fix` returns. Its ``hint()`` first
looks the four functions up again by name where they were defined (a notebook's namespace), together with
the functions they call there. When any of them was redefined since the check, it checks the program again
before choosing, so a hint is never about a problem the learner has fixed. Which hints of a problem were shown
is remembered by :data:`MEMORY`, keyed by the problem, so a new check goes on with the pointer after the nudge.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass, field

from ._hints import wrap
from ._report import CheckResult

__all__ = ["MEMORY", "HintMemory", "HuntResult", "reset_hints"]


class HintMemory:
    """How many hints of each problem were shown; ``reset()`` starts every problem again at its nudge."""

    def __init__(self) -> None:
        self._shown: dict = {}

    def shown(self, key) -> int:
        return self._shown.get(key, 0)

    def mark(self, key) -> None:
        self._shown[key] = self.shown(key) + 1

    def reset(self) -> None:
        self._shown.clear()


MEMORY = HintMemory()


def reset_hints() -> None:
    """Forget which hints were shown: the next ``hint()`` of each problem is its nudge again."""
    MEMORY.reset()


def _binding(fn):
    """Where `fn` is defined by name (its module's or notebook's globals and its name), or None."""
    scope = getattr(fn, "__globals__", None)
    name = getattr(fn, "__name__", None)
    if isinstance(scope, dict) and isinstance(name, str) and scope.get(name) is fn:
        return scope, name
    return None


def _current(fn, binding):
    """The function now defined under `fn`'s name, or `fn` itself when that name holds no function."""
    if binding is None:
        return fn
    value = binding[0].get(binding[1])
    return value if callable(value) else fn


def _names(code: types.CodeType):
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):  # comprehensions and nested functions
            yield from _names(const)


def fingerprint(functions) -> tuple:
    """The identities of `functions` and of the functions (and plain numbers or strings) they use by name,
    followed through their globals: it changes when any of them is redefined."""
    parts, seen, todo = [], set(), list(functions)
    while todo:
        fn = todo.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        parts.append(id(fn))
        code, scope = getattr(fn, "__code__", None), getattr(fn, "__globals__", None)
        if not isinstance(code, types.CodeType) or not isinstance(scope, dict):
            continue
        for name in dict.fromkeys(_names(code)):
            value = scope.get(name)
            if isinstance(value, types.FunctionType):
                parts.append((name, id(value)))
                todo.append(value)
            elif isinstance(value, (bool, int, float, complex, str)):
                parts.append((name, value))
    return tuple(sorted(parts, key=repr))


@dataclass(repr=False)  # keep CheckResult's report as the repr
class HuntResult(CheckResult):
    """A :class:`CheckResult` whose ``hint()`` answers the program as it is now (see the module docstring).

    ``entries`` is the ladder for the program as checked: ``(key, steps)`` per problem found, in the hunt's
    order, the key the problem's number and the steps its nudge and its pointer; then other findings.
    """

    program: tuple = ()
    entries: tuple = ()
    recheck: Callable | None = field(default=None, repr=False, compare=False)
    _bindings: tuple = field(default=(), repr=False, compare=False)
    _snapshot: tuple = field(default=(), repr=False, compare=False)
    _passes: bool = field(default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._bindings = tuple(_binding(fn) for fn in self.program)
        self._snapshot = fingerprint(self.program)
        self._passes = self.passed

    def _follow(self) -> None:
        """Check again when the program was redefined since the last check, and take that check's findings."""
        program = tuple(_current(fn, b) for fn, b in zip(self.program, self._bindings, strict=True))
        if self.recheck is None or fingerprint(program) == self._snapshot:
            return
        print("Your program changed since this check, so it was checked again first.")
        fresh = self.recheck(*program)
        self.program, self.entries = fresh.program, fresh.entries
        self._bindings, self._snapshot, self._passes = fresh._bindings, fresh._snapshot, fresh._passes

    def hint(self) -> None:
        """Print the next hint about what is wrong in the program now: per problem, its nudge, then its pointer."""
        self._follow()
        if not self.entries:
            print(f"No hints: your program passes {self.name}." if self._passes else "No hints for this program.")
            return
        for key, steps in self.entries:
            shown = MEMORY.shown(key)
            if shown < len(steps):
                MEMORY.mark(key)
                print(wrap(_label(key, shown, steps) + steps[shown]))
                return
        key, steps = self.entries[0]
        print(wrap("You have seen every hint for what is still wrong. Again: " + _label(key, len(steps) - 1, steps)
                   + steps[-1]))  # fmt: skip

    def _footer(self) -> list[str]:
        if self.passed:
            return []
        return ["Call .hint() on this result for a hint about what is still wrong, one at a time."]


def _label(key, index: int, steps) -> str:
    problem = f"(problem {key}) " if isinstance(key, int) else ""
    return f"{problem}Hint {index + 1} of {len(steps)}: "
