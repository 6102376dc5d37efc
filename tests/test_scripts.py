"""The README's two commands: set-up that skips what is already there, and JupyterLab without the news pop-up.

The quick tests run the real scripts in a copy of the repository's scripts, with ``python``, ``jupyter`` and
``dot`` replaced by stand-ins that log how they were called. The slow test starts the real JupyterLab through
``scripts/run-examples.sh`` and asks its settings API.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEWS = "@jupyterlab/apputils-extension:notification"
LOGGER = '#!/bin/sh\nprintf "%s\\n" "$(basename "$0") $*" >>"{log}"\n'


def checkout(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the scripts and pyproject.toml with a set-up .venv whose ``python`` / ``jupyter`` only log their
    arguments (``python`` fails while a file ``pip-fails`` exists), and a ``dot`` on the PATH."""
    repo, log = tmp_path / "repo", tmp_path / "calls.log"
    shutil.copytree(ROOT / "scripts", repo / "scripts")
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    for path, extra in ((repo / ".venv/bin/python", 'if [ -e "{repo}/pip-fails" ]; then exit 1; fi\n'),
                        (repo / ".venv/bin/jupyter", 'echo "JUPYTER_CONFIG_PATH=$JUPYTER_CONFIG_PATH" >>"{log}"\n'),
                        (tmp_path / "bin/dot", "")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(LOGGER.format(log=log) + extra.format(repo=repo, log=log))
        path.chmod(0o755)
    return repo, log


def run_script(repo: Path, script: str) -> None:
    env = {**os.environ, "PATH": f"{repo.parent / 'bin'}:{os.environ['PATH']}"}
    env.pop("JUPYTER_CONFIG_PATH", None)
    subprocess.run(["bash", f"scripts/{script}"], cwd=repo, env=env, check=True, timeout=60,
                   stdin=subprocess.DEVNULL, capture_output=True)


def pip_runs(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if " -m pip install" in line] if log.exists() else []


def test_setup_installs_once_and_again_only_when_pyproject_changes(tmp_path: Path):
    repo, log = checkout(tmp_path)
    run_script(repo, "setup.sh")
    assert pip_runs(log) == ["python -m pip install -q --upgrade pip", "python -m pip install -q -e .[dev]"]
    run_script(repo, "setup.sh")
    assert len(pip_runs(log)) == 2  # nothing changed: no pip at all
    with (repo / "pyproject.toml").open("a") as out:
        out.write("\n# a new dependency, say\n")
    run_script(repo, "setup.sh")
    assert len(pip_runs(log)) == 4


def test_setup_tries_again_after_a_failed_install(tmp_path: Path):
    repo, log = checkout(tmp_path)
    (repo / "pip-fails").touch()
    with pytest.raises(subprocess.CalledProcessError):
        run_script(repo, "setup.sh")
    (repo / "pip-fails").unlink()
    run_script(repo, "setup.sh")
    assert pip_runs(log)[-1] == "python -m pip install -q -e .[dev]"  # no stamp was left by the failed run


def test_run_examples_starts_jupyterlab_with_the_news_question_answered(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    pytest.importorskip("jupyterlab_server")
    from jupyterlab_server.settings_utils import _get_overrides

    repo, log = checkout(tmp_path)
    run_script(repo, "run-examples.sh")
    calls = log.read_text().splitlines()
    [config_path] = [line.split("=", 1)[1] for line in calls if line.startswith("JUPYTER_CONFIG_PATH=")]
    assert config_path == str(repo / "scripts/jupyter-config")
    assert any(line.startswith("jupyter lab --ip=127.0.0.1 --notebook-dir=examples") for line in calls)
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", config_path)
    overrides, error = _get_overrides(str(tmp_path / "no-app-settings"))  # what JupyterLab reads as defaults
    assert not error and overrides[NEWS] == {"fetchNews": "false"}


@pytest.mark.slow
def test_run_examples_opens_jupyterlab_without_the_news_question(tmp_path: Path):
    """The real command: set-up (already done) and JupyterLab, whose settings API says news are not fetched."""
    if not (ROOT / ".venv/bin/jupyter").exists():
        pytest.skip("no .venv in this checkout: run `bash scripts/setup.sh` first")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")}  # the user's own config stays untouched
    env.pop("JUPYTER_CONFIG_PATH", None)
    url = f"http://127.0.0.1:{port}/lab/api/settings/{NEWS}?token=t"
    with (tmp_path / "lab.log").open("wb") as out:
        lab = subprocess.Popen(["bash", "scripts/run-examples.sh", "--no-browser", f"--port={port}",
                                "--ServerApp.port_retries=0", "--IdentityProvider.token=t"],
                               cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        deadline, settings = time.monotonic() + 120, None
        while settings is None and time.monotonic() < deadline and lab.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    settings = json.load(response)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert settings is not None, (tmp_path / "lab.log").read_text()[-3000:]
        # What the page uses: the user's setting, else the schema's default, which the repo's config overrides.
        # JupyterLab asks about news only while this is "none" (its own default).
        fetch_news = settings["settings"].get("fetchNews", settings["schema"]["properties"]["fetchNews"]["default"])
        assert fetch_news == "false"
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait(timeout=10)
