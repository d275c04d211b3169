"""requirements.txt is the lock of requirements.in: every requirement pinned exactly, inside its range."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def locked_versions() -> dict[str, set[Version]]:
    """name -> pinned versions (a universal lock may pin one per Python version, behind a marker)."""
    pins: dict[str, set[Version]] = {}
    for line in requirement_lines(ROOT / "requirements.txt"):
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"requirements.txt: {line!r} is not an exact pin"
        pins.setdefault(re.sub(r"[-_.]+", "-", requirement.name).lower(), set()).add(Version(spec.version))
    return pins


def test_every_range_of_requirements_in_is_locked_inside_its_range():
    pins = locked_versions()
    for line in requirement_lines(ROOT / "requirements.in"):
        requirement = Requirement(line)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{name} is in requirements.in but not in the lock: run `make lock`"
        outside = [v for v in pins[name] if not requirement.specifier.contains(v, prereleases=True)]
        assert not outside, f"the lock pins {name} {outside}, outside {requirement.specifier}: run `make lock`"


def test_the_lock_installs_the_course_package_and_says_how_it_was_made():
    text = (ROOT / "requirements.txt").read_text()
    assert "\n-e .\n" in text, "the lock must install scratchnn from the repository (-e .)"
    assert "make lock" in text.splitlines()[1], "the lock's header must name the command that refreshes it"
    assert len(locked_versions()) > 50
