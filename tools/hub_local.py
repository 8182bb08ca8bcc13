"""Run the course's JupyterHub (hub/jupyterhub_config.py) on 127.0.0.1 for tests and the benchmark.

Students log in with any name and the run's own random password (the config's test-only
authenticator, which takes logins from this machine only) and run as this user in their own home
under the work folder (simple spawner); the single-user environment is this Python's, which must
hold the pins of binder/requirements.txt and the course's JupyterLab settings, as the Binder image
does. nbgitpuller pulls only the repositories given as `pull_repos`.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HUB_DIR = REPO / "hub"
CONFIG = HUB_DIR / "jupyterhub_config.py"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
PORTS = range(18000, 18100, 3)  # this project's hub ports: public, proxy API, hub
LAB_SETTINGS = Path(sys.prefix, "share", "jupyter", "lab", "settings", "overrides.json")
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class Hub:
    """A running hub: its URL, the students' homes, its log, an admin token, the login password."""

    url: str
    homes: Path
    log: Path
    admin_token: str
    pid: int
    password: str


def missing_parts() -> list[str]:
    """Return what this machine lacks to run the hub, each with the command that fixes it."""
    missing = []
    if not PROXY.exists():
        missing.append(f"{PROXY} (run: npm ci --prefix hub)")
    for command in ("jupyterhub", "jupyterhub-singleuser"):
        if not Path(sys.executable).with_name(command).exists():
            missing.append(f"{command} in {sys.prefix} (run: make test, which installs the pins)")
    shipped = (REPO / "binder" / "overrides.json").read_text(encoding="utf-8")
    if not LAB_SETTINGS.exists() or LAB_SETTINGS.read_text(encoding="utf-8") != shipped:
        missing.append(f"the course's lab settings in {LAB_SETTINGS} (run: make test)")
    return missing


def make_upstream(dest: Path, branch: str = "main") -> Path:
    """Publish the checkout's committed HEAD as branch of a new bare repository at dest."""
    subprocess.run(
        ["git", "init", "--quiet", "--bare", "--initial-branch", branch, str(dest)], check=True
    )
    subprocess.run(
        ["git", "push", "--quiet", str(dest), f"HEAD:refs/heads/{branch}"], cwd=REPO, check=True
    )
    return dest


def free_hub_port() -> int:
    """Return the first port P of this project's range with P, P+1 and P+2 free on 127.0.0.1."""
    for port in PORTS:
        try:
            for offset in range(3):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port + offset))
        except OSError:
            continue
        return port
    raise RuntimeError(f"no free ports for a hub in {PORTS.start}-{PORTS.stop - 1}")


def api(hub: Hub, method: str, path: str, body: dict | None = None) -> dict:
    """Call the hub's REST API as the course-admin service; return the JSON answer."""
    request = urllib.request.Request(
        f"{hub.url}/hub/api/{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {hub.admin_token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read()
    return json.loads(text) if text else {}


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll the hub's API root until it answers; raise with the hub's log if it never does."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/hub/api/", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"JupyterHub did not come up at {url}:\n{log.read_text(encoding='utf-8')}")


def stop(process: subprocess.Popen) -> None:
    """Stop the hub (it stops the proxy and the students' servers), then its whole process group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # anything of ours left behind
    except ProcessLookupError:
        pass
    process.wait()


@contextmanager
def local_hub(
    workdir: Path, pull_repos: list[str] | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[Hub]:
    """Run the course's hub on 127.0.0.1 with its state and homes in workdir; stop it after.

    pull_repos are the repositories nbgitpuller may pull (each into the folder named like it).
    """
    missing = missing_parts()
    if missing:
        raise RuntimeError("cannot start the hub; missing: " + "; ".join(missing))
    homes, state = workdir / "homes", workdir / "state"
    homes.mkdir(parents=True, exist_ok=True)
    state.mkdir(parents=True, exist_ok=True)
    # Kernel sockets live in the servers' runtime folders, whose paths must stay short (a Unix
    # socket's path fits in 107 bytes); the homes under a test's tmp folder are too deep.
    runtime = Path(tempfile.mkdtemp(prefix="otslab-rt-", dir="/tmp"))
    port, token, password = free_hub_port(), secrets.token_hex(32), secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "OTSLAB_HUB_IP": "127.0.0.1",
        "OTSLAB_HUB_PORT": str(port),
        "OTSLAB_HUB_AUTH": "dummy",
        "OTSLAB_HUB_SPAWNER": "simple",
        "OTSLAB_HUB_INSECURE_TEST": "1",
        "OTSLAB_HUB_TEST_PASSWORD": password,
        "OTSLAB_HUB_HOMES": str(homes),
        "OTSLAB_HUB_RUNTIME": str(runtime),
        "OTSLAB_HUB_ADMIN_TOKEN": token,
        "OTSLAB_PULL_REPOS": " ".join(pull_repos or []),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **(extra_env or {}),
    }
    log = workdir / "jupyterhub.log"
    command = [Path(sys.executable).with_name("jupyterhub"), "-f", CONFIG]
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command,
            cwd=state,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, process, log)
        yield Hub(url, homes, log, token, process.pid, password)
    finally:
        stop(process)
        shutil.rmtree(runtime, ignore_errors=True)
