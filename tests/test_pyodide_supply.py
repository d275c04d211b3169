"""scripts/pyodide_supply.py: only wheels whose sha256 matches the official lock reach the site; scratchnn's wheel."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import pyodide_supply as supply  # noqa: E402

WHEELS = {
    "alpha": ("alpha-1.0-py3-none-any.whl", b"the alpha wheel's bytes", []),
    "beta": ("beta-2.0-cp312-cp312-pyodide_2024_0_wasm32.whl", b"the beta wheel's bytes", ["alpha"]),
    "unused": ("unused-0.1-py3-none-any.whl", b"never shipped", []),
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project with a fake npm pyodide (core files and a lock of three packages) and a folder of wheels."""
    npm = tmp_path / "node_modules" / "pyodide"
    npm.mkdir(parents=True)
    (npm / "package.json").write_text(json.dumps({"version": supply.PYODIDE_VERSION}))
    for name in supply.CORE_FILES:
        (npm / name).write_bytes(f"core file {name}".encode())
    packages = {
        name: {
            "name": name,
            "version": file_name.split("-")[1],
            "file_name": file_name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "depends": depends,
        }
        for name, (file_name, data, depends) in WHEELS.items()
    }
    info = {"version": supply.PYODIDE_VERSION, "python": "3.12.7"}
    (npm / "pyodide-lock.json").write_text(json.dumps({"info": info, "packages": packages}))
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for file_name, data, _ in WHEELS.values():
        (wheels / file_name).write_bytes(data)
    (tmp_path / "src").symlink_to(ROOT / "src")
    (tmp_path / "assets" / "runner").mkdir(parents=True)
    shutil.copy2(ROOT / "assets" / "runner" / "LICENSE-pyodide.txt", tmp_path / "assets" / "runner")
    shutil.copy2(ROOT / "LICENSE", tmp_path / "LICENSE")
    monkeypatch.setenv("PYODIDE_WHEELS_DIR", str(wheels))
    monkeypatch.setattr(supply, "ROOT_PACKAGES", ["beta"])
    monkeypatch.setattr(supply, "UNUSED_DEPENDENCIES", {})
    return tmp_path


def test_verified_wheels_land_in_the_site_with_a_trimmed_lock(project):
    out = project / "_vendor" / "vendor" / "pyodide"
    lines = supply.vendor_pyodide(project, out)
    assert "alpha 1.0, beta 2.0" in lines[1]
    assert (out / WHEELS["beta"][0]).read_bytes() == WHEELS["beta"][1]
    assert not (out / WHEELS["unused"][0]).exists()
    lock = json.loads((out / "pyodide-lock.json").read_text())
    assert sorted(lock["packages"]) == ["alpha", "beta", "scratchnn"]
    wheel = out / lock["packages"]["scratchnn"]["file_name"]
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == lock["packages"]["scratchnn"]["sha256"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["total_bytes"] == sum((out / name).stat().st_size for name in manifest["sizes"])
    assert set(manifest["sizes"]) == {*supply.CORE_FILES, *(entry["file_name"] for entry in lock["packages"].values())}
    # The page keys what it saves of a start by the manifest's sha256: the manifest must change with any wheel.
    assert manifest["lock_sha256"] == hashlib.sha256((out / "pyodide-lock.json").read_bytes()).hexdigest()


def test_a_tampered_wheel_fails_the_build(project):
    file_name = WHEELS["alpha"][0]
    (project / "wheels" / file_name).write_bytes(b"the alpha wheel's bytes, changed")
    out = project / "_vendor" / "vendor" / "pyodide"
    with pytest.raises(supply.SupplyError, match=f"{file_name} has sha256 .* refusing to ship it"):
        supply.vendor_pyodide(project, out)
    assert not out.exists(), "nothing may be written when a wheel is rejected"


def test_a_missing_package_is_named(project, monkeypatch):
    monkeypatch.setattr(supply, "ROOT_PACKAGES", ["beta", "gamma"])
    with pytest.raises(supply.SupplyError, match=r"'gamma' is not in pyodide-lock\.json"):
        supply.vendor_pyodide(project, project / "out")


def test_another_pyodide_version_is_refused(project):
    (project / "node_modules" / "pyodide" / "package.json").write_text(json.dumps({"version": "0.26.0"}))
    with pytest.raises(supply.SupplyError, match=r"is 0\.26\.0, expected"):
        supply.vendor_pyodide(project, project / "out")


def wheel_lock(modules: dict[str, str]) -> tuple[dict, dict]:
    """A lock where "plot" (a wheel of ``modules``) depends on "tz" and "num", and the wheel reader of its files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, text in modules.items():
            archive.writestr(path, text)
    files = {"plot-1.0-py3-none-any.whl": buffer.getvalue()}
    entry = {"file_name": "plot-1.0-py3-none-any.whl", "sha256": supply.sha256(buffer.getvalue())}
    return {"info": {}, "packages": {"plot": {**entry, "depends": ["num", "tz"]}}}, files


def test_an_unused_dependency_is_dropped_when_no_module_imports_it(monkeypatch):
    monkeypatch.setattr(supply, "UNUSED_DEPENDENCIES", {"plot": ["tz"]})
    lock, files = wheel_lock({"plot/dates.py": "import num\n# tz zones are attached by localizing\nimport tzlocal\n"})
    trimmed = supply.drop_unused_dependencies(lock, files.__getitem__)
    assert trimmed["packages"]["plot"]["depends"] == ["num"]
    assert lock["packages"]["plot"]["depends"] == ["num", "tz"], "the official lock is not changed"


@pytest.mark.parametrize("line", ["import tz", "    from tz.tzinfo import BaseTzInfo", "import tz as zones"])
def test_a_dependency_that_is_imported_is_not_dropped(monkeypatch, line):
    monkeypatch.setattr(supply, "UNUSED_DEPENDENCIES", {"plot": ["tz"]})
    lock, files = wheel_lock({"plot/__init__.py": "", "plot/dates.py": f"def zone():\n{line}\n"})
    with pytest.raises(supply.SupplyError, match=r"plot/dates\.py imports tz: it is not unused by plot"):
        supply.drop_unused_dependencies(lock, files.__getitem__)


def test_scratchnn_wheel_is_the_current_source_and_reproducible():
    version, file_name, data = supply.scratchnn_wheel(ROOT)
    assert file_name == f"scratchnn-{version}-py3-none-any.whl"
    assert supply.scratchnn_wheel(ROOT)[2] == data, "same src/, same bytes"
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    for path in (ROOT / "src" / "scratchnn").rglob("*.py"):
        rel = path.relative_to(ROOT / "src").as_posix()
        assert archive.read(rel) == path.read_bytes(), rel
    assert "scratchnn/data/digits.csv.gz" in names
    record = archive.read(f"scratchnn-{version}.dist-info/RECORD").decode().splitlines()
    assert {line.split(",")[0] for line in record} == names
