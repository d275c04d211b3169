"""Binder without Docker: an environment built from the repository's own files, and a JupyterLab server on it.

repo2docker (what Binder runs) copies the repository, installs the Python that ``runtime.txt`` names, installs the
root ``requirements.txt`` (our lock; its ``-e .`` line installs scratchnn from src/) and finally runs ``postBuild``.
:func:`build_env` does the same steps in a fresh virtual environment, with uv instead of pip for speed (the lock
pins every version, so the installer does not choose anything). :class:`LabServer` starts that environment's
JupyterLab on 127.0.0.1 with a token and empty settings, workspace and runtime folders, and stops it by its PID.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    """Run `cmd`; on failure raise with its output (the last 5000 characters of each stream)."""
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout[-5000:]}\n{proc.stderr[-5000:]}"
        )
    return proc


def repository_copy(dest: Path, leave_out: tuple[str, ...] = ()) -> Path:
    """The repository as a clone has it (tracked and not-ignored files, nothing built), minus `leave_out`."""
    names = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT).stdout.split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file() and name not in leave_out:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def uv() -> str:
    """The uv that requirements-test.txt installed next to this Python (or one on PATH)."""
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if found is None:
        raise RuntimeError("uv not found: install requirements-test.txt (`make setup`)")
    return found


def build_env(repo: Path, env: Path, requirements: str = "requirements.txt") -> Path:
    """Build `env` from `repo` as repo2docker does: runtime.txt's Python, `requirements`, then postBuild if present.

    Returns the environment's ``bin`` folder.
    """
    runtime = (repo / "runtime.txt").read_text().strip()
    if not runtime.startswith("python-"):
        raise ValueError(f"runtime.txt: expected 'python-X.Y', got {runtime!r}")
    version = runtime.removeprefix("python-")
    environ = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "VIRTUAL_ENV": str(env)}
    run([uv(), "venv", "--quiet", "--python", version, env], cwd=repo, env=environ)
    run([uv(), "pip", "install", "--quiet", "-r", requirements], cwd=repo, env=environ, timeout=1200)
    bin_dir = env / "bin"
    if (repo / "postBuild").is_file():
        path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
        run(["bash", repo / "postBuild"], cwd=repo, env={**os.environ, "PATH": path})
    return bin_dir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """``jupyter lab`` of `bin_dir` serving `root` on 127.0.0.1, with fresh per-user state under `state`.

    Settings, workspaces, runtime and config folders are new and empty, so that no saved layout or user setting
    can make a check pass or fail by accident. ``expose_app_in_browser`` lets the test read the notebook model
    (``window.jupyterapp``); it changes nothing that a reader sees.
    """

    def __init__(self, bin_dir: Path, root: Path, state: Path):
        self.bin_dir, self.root, self.state = bin_dir, root, state
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = state / "jupyterlab.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> LabServer:
        folders = {
            "JUPYTER_CONFIG_DIR": "config",
            "JUPYTER_DATA_DIR": "data",
            "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_SETTINGS_DIR": "settings",
            "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
            "IPYTHONDIR": "ipython",
        }
        environ = dict(os.environ)
        for variable, name in folders.items():
            (self.state / name).mkdir(parents=True, exist_ok=True)
            environ[variable] = str(self.state / name)
        environ["PATH"] = f"{self.bin_dir}{os.pathsep}{environ['PATH']}"
        cmd = [
            self.bin_dir / "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.allow_root=True",
            "--LabApp.expose_app_in_browser=True",
        ]
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                [str(c) for c in cmd], cwd=self.root, env=environ, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            self._wait_until_up(timeout=120)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log.read_text()[-5000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"jupyter lab did not answer within {timeout} s:\n{self.log.read_text()[-5000:]}")

    def lab_url(self, urlpath: str) -> str:
        """A launch URL's ``urlpath`` (``lab/tree/book/01_forward.md``) on this server, with the token."""
        return f"{self.url}/{urlpath.lstrip('/')}?token={self.token}"

    def stop(self) -> None:
        """SIGTERM to the server's own PID (it shuts its kernels down), SIGKILL to that PID if it does not exit."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
