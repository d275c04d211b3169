"""Learner programs, written as a teacher would collect them: right ones in several styles, and real mistakes.

Each module is about one checker and lists ``PROGRAMS``: ``(name, function, expected)``, where `expected` is
``"pass"`` or the exact tuple of diagnosis codes the checker must give. tests/test_learner_programs.py runs
every program, with and without NumPy's floating-point flags.
"""

PASS = "pass"


class Programs(list):
    """A list of ``(name, function, expected)`` filled by the :meth:`expect` decorator."""

    def expect(self, *codes):
        """Register the decorated function: it must pass (no codes), or get exactly `codes`."""

        def register(fn):
            self.append((fn.__name__, fn, PASS if not codes else tuple(codes)))
            return fn

        return register
