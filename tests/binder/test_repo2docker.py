"""repo2docker itself reads the repository as intended: Python from runtime.txt, the lock, then postBuild.

``repo2docker --no-build`` plans the image without Docker. The plan must install the root requirements.txt (the
lock) into the Python that runtime.txt names and run postBuild: the steps that lab_env.build_env reproduces.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from lab_env import repository_copy, uv

pytestmark = [pytest.mark.binder]


def test_repo2docker_plans_lock_runtime_and_postbuild(tmp_path):
    repo = repository_copy(tmp_path / "repo")
    assert not (repo / "binder").exists() and not (repo / ".binder").exists(), (
        "a binder/ folder would make repo2docker ignore the root requirements.txt, runtime.txt and postBuild"
    )
    env = tmp_path / "r2d"
    environ = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "VIRTUAL_ENV": str(env)}
    subprocess.run([uv(), "venv", "--quiet", env], check=True, env=environ)
    install = subprocess.run(
        [uv(), "pip", "install", "--quiet", "jupyter-repo2docker"], capture_output=True, text=True, env=environ
    )
    if install.returncode != 0:
        pytest.skip(f"jupyter-repo2docker could not be installed here: {install.stderr[-500:]}")
    plan = subprocess.run(
        [env / "bin" / "repo2docker", "--no-build", "--no-run", "--debug", repo],
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = plan.stdout + plan.stderr
    assert plan.returncode == 0, f"repo2docker rejected the repository:\n{out[-5000:]}"
    assert "python=3.11" in out, "runtime.txt was not read"
    assert 'pip install --no-cache-dir -r "requirements.txt"' in out, "the root requirements.txt is not installed"
    assert "postBuild" in out, "postBuild is not run"
