"""What an administrator deploys: the hub's settings file, image, Kubernetes values and TLJH
settings, and the links the README and guides print; tested without starting a hub (but for
JupyterHub itself refusing to start with unsafe settings)."""

import json
import os
import re
import runpy
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import hub_link
import pytest
import yaml
from hub_local import free_hub_port, missing_parts
from jupyterhub.auth import DummyAuthenticator
from jupyterhub.spawner import SimpleLocalProcessSpawner
from tornado.httputil import HTTPHeaders
from traitlets.config import Config

from conftest import REPO, require
from otslab.course.links import binder_link, nbgitpuller_link, repo_folder

START = "notebooks/00_start_here.ipynb"
BRANCH = "main"


def query_of(link: str) -> dict[str, str]:
    """Return the single-valued query parameters of a link."""
    query = parse_qs(urlsplit(link).query, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values()), query
    return {key: values[0] for key, values in query.items()}


def test_link_clones_into_the_repository_folder_and_opens_the_notebook() -> None:
    link = nbgitpuller_link(
        "https://hub.example.edu/", "https://git.example.org/teach/turkic-nato.git", "main", START
    )
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "hub.example.edu")
    assert parts.path == "/hub/user-redirect/git-pull"
    assert query_of(link) == {
        "repo": "https://git.example.org/teach/turkic-nato.git",
        "branch": "main",
        "targetPath": "turkic-nato",
        "urlpath": "lab/tree/turkic-nato/notebooks/00_start_here.ipynb",
    }


def test_link_keeps_a_hub_base_path_and_escapes_the_query() -> None:
    link = nbgitpuller_link(
        "https://school.example/jupyter",
        "https://git.example.org/a/course?x=1&y=2",
        "spring-2027",
        "notebooks/my notes.ipynb",
        target_path="course",
    )
    assert link.startswith("https://school.example/jupyter/hub/user-redirect/git-pull?")
    assert " " not in link
    query = query_of(link)
    assert query["repo"] == "https://git.example.org/a/course?x=1&y=2"
    assert query["branch"] == "spring-2027"
    assert query["urlpath"] == "lab/tree/course/notebooks/my%20notes.ipynb"


@pytest.mark.parametrize(
    ("url", "folder"),
    [
        ("https://git.example.org/a/course", "course"),
        ("https://git.example.org/a/course.git/", "course"),
        ("/tmp/upstream/course.git", "course"),
    ],
)
def test_repo_folder(url: str, folder: str) -> None:
    assert repo_folder(url) == folder


@pytest.mark.parametrize(
    ("hub", "repo", "branch", "notebook", "message"),
    [
        ("https://<your-hub>", "https://git.example.org/a/b", "main", START, "hub URL"),
        ("hub.example.edu", "https://git.example.org/a/b", "main", START, "not an http"),
        ("https://hub.example", "https://github.com/<owner>/<repo>", "main", START, "placeholder"),
        ("https://hub.example", "", "main", START, "repository URL"),
        ("https://hub.example", "https://git.example.org/a/b", "", START, "branch"),
        ("https://hub.example", "https://git.example.org/a/b", "my branch", START, "space"),
        ("https://hub.example", "https://git.example.org/a/b", "main", "../etc/x.ipynb", "inside"),
        ("https://hub.example", "https://git.example.org/a/b", "main", "/x.ipynb", "inside"),
        ("https://hub.example", "https://git.example.org/", "main", START, "names no folder"),
    ],
)
def test_link_refuses_placeholders_and_bad_parts(
    hub: str, repo: str, branch: str, notebook: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        nbgitpuller_link(hub, repo, branch, notebook)


HUB_DIR = REPO / "hub"
EXAMPLE_HUB = "https://hub.your-school.example"
EXAMPLE_REPO = "https://git.example.org/your-school/turkic-nato"
GIT_PULL_LINK = re.compile(r"https?://[^\s`)\]\"']+/hub/user-redirect/git-pull\?[^\s`)\]\"']+")


def load_config(argv: list[str] | None = None, **env: str) -> Config:
    """Load hub/jupyterhub_config.py as JupyterHub does, with OTSLAB_* variables set to env."""
    config = Config()
    saved = {key: os.environ.pop(key) for key in list(os.environ) if key.startswith("OTSLAB_")}
    saved_argv = sys.argv
    os.environ.update(env)
    sys.argv = argv or ["jupyterhub", "-f", "hub/jupyterhub_config.py"]
    try:
        runpy.run_path(str(HUB_DIR / "jupyterhub_config.py"), {"get_config": lambda: config})
    finally:
        sys.argv = saved_argv
        for key in env:
            os.environ.pop(key, None)
        os.environ.update(saved)
    return config


SCHOOL = {"OTSLAB_HUB_STUDENTS": "class-9b", "OTSLAB_HUB_ADMINS": "teacher, head"}
TEST_HUB = {
    "OTSLAB_HUB_INSECURE_TEST": "1",
    "OTSLAB_HUB_TEST_PASSWORD": "a-long-enough-test-password",
}


def test_config_defaults_to_a_school_hub_on_loopback_ports_in_a_row() -> None:
    config = load_config(OTSLAB_HUB_PORT="18050", **SCHOOL)
    assert config.JupyterHub.authenticator_class.__name__ == "PAMAuthenticator"
    assert config.JupyterHub.spawner_class.__name__ == "LocalProcessSpawner"
    assert (config.JupyterHub.ip, config.JupyterHub.port) == ("127.0.0.1", 18050)
    assert config.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:18051"
    assert config.JupyterHub.hub_port == 18052
    assert config.Spawner.default_url == "/lab"
    assert "--MappingKernelManager.cull_idle_timeout=1800" in config.Spawner.args
    assert "--ServerApp.shutdown_no_activity_timeout=3600" in config.Spawner.args
    assert not any("allow_root" in arg for arg in config.Spawner.args)


def test_config_allows_only_the_class_names_the_admins_and_never_root() -> None:
    config = load_config(**SCHOOL)
    assert config.PAMAuthenticator.allowed_groups == {"class-9b"}
    assert config.Authenticator.admin_users == {"teacher", "head"}
    assert "root" in config.Authenticator.blocked_users
    assert config.JupyterHub.admin_access is False
    assert config.Spawner.disable_user_config is True
    with pytest.raises(ValueError, match="OTSLAB_HUB_STUDENTS"):
        load_config(OTSLAB_HUB_ADMINS="teacher")
    with pytest.raises(ValueError, match="OTSLAB_HUB_ADMINS"):
        load_config(OTSLAB_HUB_STUDENTS="class-9b")


def test_config_sets_the_measured_limits_by_default_and_passes_others_through() -> None:
    limits = readme_limits()
    config = load_config(**SCHOOL)
    assert (config.Spawner.mem_limit, config.Spawner.mem_guarantee) == (
        limits["mem_limit"],
        limits["mem_guarantee"],
    )
    assert config.Spawner.cpu_limit == float(limits["cpu_limit"])
    assert config.Spawner.cpu_guarantee == float(limits["cpu_guarantee"])
    config = load_config(OTSLAB_MEM_LIMIT="2G", OTSLAB_CPU_LIMIT="2", **SCHOOL)
    assert (config.Spawner.mem_limit, config.Spawner.cpu_limit) == ("2G", 2.0)


def test_config_gives_servers_the_pull_guard_instead_of_nbgitpuller() -> None:
    config = load_config(OTSLAB_PULL_REPOS="https://git.example.org/s/turkic-nato", **SCHOOL)
    environment = config.Spawner.environment
    guard = HUB_DIR / "singleuser"
    assert environment["PYTHONPATH"] == environment["JUPYTER_CONFIG_PATH"] == str(guard)
    assert environment["OTSLAB_PULL_REPOS"] == "https://git.example.org/s/turkic-nato"
    settings = json.loads(
        (guard / "jupyter_server_config.d" / "otslab_pull_guard.json").read_text()
    )
    assert settings["ServerApp"]["jpserver_extensions"] == {
        "nbgitpuller": False,
        "otslab_pull_guard": True,
    }
    # A file of that name sorts after nbgitpuller's own in the same folder, so it wins there too.
    assert "otslab_pull_guard.json" > "nbgitpuller.json"


class OtherDummy(DummyAuthenticator):
    """A test-only authenticator under another name."""


class OtherSimple(SimpleLocalProcessSpawner):
    """A test-only spawner under another name."""


TEST_ONLY_PARTS = [
    {"OTSLAB_HUB_AUTH": "dummy"},
    {"OTSLAB_HUB_AUTH": "jupyterhub.auth.DummyAuthenticator"},
    {"OTSLAB_HUB_AUTH": f"{__name__}.OtherDummy"},
    {"OTSLAB_HUB_SPAWNER": "simple"},
    {"OTSLAB_HUB_SPAWNER": "jupyterhub.spawner.SimpleLocalProcessSpawner"},
    {"OTSLAB_HUB_SPAWNER": f"{__name__}.OtherSimple"},
]


@pytest.mark.parametrize("parts", TEST_ONLY_PARTS, ids=lambda p: next(iter(p.values())))
def test_config_refuses_test_only_parts_without_the_tests_setting(parts: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="OTSLAB_HUB_INSECURE_TEST"):
        load_config(**SCHOOL, **parts)
    password = {"OTSLAB_HUB_TEST_PASSWORD": TEST_HUB["OTSLAB_HUB_TEST_PASSWORD"]}
    with pytest.raises(ValueError, match="OTSLAB_HUB_INSECURE_TEST"):
        load_config(OTSLAB_HUB_INSECURE_TEST="yes", **password, **SCHOOL, **parts)


@pytest.mark.parametrize("parts", TEST_ONLY_PARTS, ids=lambda p: next(iter(p.values())))
@pytest.mark.parametrize("ip", ["0.0.0.0", "", "::", "192.0.2.10", "example.invalid"])
def test_config_refuses_test_only_parts_off_loopback(parts: dict[str, str], ip: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        load_config(OTSLAB_HUB_IP=ip, **SCHOOL, **TEST_HUB, **parts)


def test_config_runs_a_test_hub_on_loopback_with_a_password_from_this_machine_only() -> None:
    config = load_config(OTSLAB_HUB_AUTH="dummy", OTSLAB_HUB_SPAWNER="simple", **TEST_HUB)
    auth = config.JupyterHub.authenticator_class
    assert auth.__name__ == "TestOnlyAuthenticator" and issubclass(auth, DummyAuthenticator)
    # Any authenticator on a hub with the test-only spawner takes local logins only.
    config = load_config(OTSLAB_HUB_SPAWNER="simple", **SCHOOL, **TEST_HUB)
    auth = config.JupyterHub.authenticator_class
    assert auth.__name__ == "LocalLoginsOnlyPAMAuthenticator" and hasattr(auth, "check_request")
    assert load_config(OTSLAB_HUB_IP="localhost", OTSLAB_HUB_AUTH="dummy", **TEST_HUB)
    with pytest.raises(ValueError, match="OTSLAB_HUB_TEST_PASSWORD"):
        load_config(OTSLAB_HUB_AUTH="dummy", OTSLAB_HUB_INSECURE_TEST="1")


@pytest.mark.hub
@pytest.mark.parametrize(
    "settings",
    [
        {"OTSLAB_HUB_AUTH": "jupyterhub.auth.DummyAuthenticator"},
        {"OTSLAB_HUB_AUTH": "dummy", "OTSLAB_HUB_IP": "0.0.0.0", **TEST_HUB},
        {"OTSLAB_HUB_SPAWNER": "simple", "OTSLAB_HUB_IP": "0.0.0.0", **SCHOOL, **TEST_HUB},
        {"OTSLAB_HUB_IP": "0.0.0.0", **SCHOOL},
    ],
    ids=["dummy-by-class-name", "dummy-off-loopback", "simple-off-loopback", "no-https"],
)
def test_jupyterhub_itself_refuses_to_start(settings: dict[str, str], tmp_path: Path) -> None:
    require(not missing_parts(), "; ".join(missing_parts()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTSLAB_")}
    env["OTSLAB_HUB_PORT"] = str(free_hub_port())
    jupyterhub = Path(sys.executable).with_name("jupyterhub")
    result = subprocess.run(
        [str(jupyterhub), "-f", str(HUB_DIR / "jupyterhub_config.py")],
        cwd=tmp_path,
        env={**env, **settings},
        capture_output=True,
        text=True,
        timeout=120,  # a hub that started would run until killed: the test fails on the timeout
    )
    assert result.returncode != 0
    assert "HubSettingError" in result.stderr, result.stderr[-2000:]
    assert not (tmp_path / "jupyterhub.sqlite").exists(), "the hub got as far as its database"


@pytest.mark.parametrize(
    "argv",
    [
        ["jupyterhub", "-f", "c.py", "--JupyterHub.authenticator_class=dummy"],
        ["/usr/bin/jupyterhub", "-f", "c.py", "--JupyterHub.spawner_class", "simple"],
        ["jupyterhub", "-f", "c.py", "--ip", "0.0.0.0"],
        ["jupyterhub", "-f", "c.py", "--JupyterHub.bind_url=http://0.0.0.0:8000"],
    ],
)
def test_config_refuses_overrides_on_the_command_line(argv: list[str]) -> None:
    with pytest.raises(ValueError, match="OTSLAB_HUB_AUTH"):
        load_config(argv, **SCHOOL)


@pytest.mark.parametrize(
    "setting",
    [
        {"OTSLAB_HUB_PORT": "eighty"},
        {"OTSLAB_HUB_PORT": "70000"},
        {"OTSLAB_IDLE_MINUTES": "half an hour"},
        {"OTSLAB_CPU_LIMIT": "-1"},
        {"OTSLAB_CPU_GUARANTEE": "nan"},
    ],
)
def test_config_names_the_setting_that_is_not_a_number(setting: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=f"{next(iter(setting))}=.*give a number"):
        load_config(**SCHOOL, **setting)


def test_config_refuses_a_public_address_without_https() -> None:
    with pytest.raises(ValueError, match="without HTTPS"):
        load_config(OTSLAB_HUB_IP="0.0.0.0", **SCHOOL)
    config = load_config(
        OTSLAB_HUB_IP="0.0.0.0",
        OTSLAB_HUB_SSL_CERT="/etc/ssl/hub.crt",
        OTSLAB_HUB_SSL_KEY="/etc/ssl/hub.key",
        **SCHOOL,
    )
    assert (config.JupyterHub.ssl_cert, config.JupyterHub.ssl_key) == (
        "/etc/ssl/hub.crt",
        "/etc/ssl/hub.key",
    )


@dataclass
class FakeRequest:
    """The parts of a tornado request the test hub's login looks at."""

    remote_ip: str
    host: str
    headers: HTTPHeaders


@pytest.mark.parametrize(
    ("remote", "host", "headers", "refused"),
    [
        ("127.0.0.1", "127.0.0.1:8000", {"X-Forwarded-For": "127.0.0.1"}, False),
        ("::1", "[::1]:8000", {}, False),
        ("127.0.0.1", "localhost:8000", {}, False),
        ("127.0.0.1", "hub.school.example", {"X-Forwarded-For": "127.0.0.1"}, True),
        ("127.0.0.1", "127.0.0.1:8000", {"X-Forwarded-For": "203.0.113.5, 127.0.0.1"}, True),
        ("127.0.0.1", "127.0.0.1:8000", {"X-Real-Ip": "203.0.113.5"}, True),
        ("127.0.0.1", "127.0.0.1:8000", {"Forwarded": 'for="203.0.113.5";proto=https'}, True),
        ("127.0.0.1", "127.0.0.1:8000", {"X-Forwarded-Host": "hub.school.example"}, True),
        ("203.0.113.5", "127.0.0.1:8000", {}, True),
    ],
)
def test_the_test_hub_takes_logins_from_this_machine_only_never_through_a_proxy(
    remote: str, host: str, headers: dict[str, str], refused: bool
) -> None:
    auth_class = load_config(OTSLAB_HUB_AUTH="dummy", **TEST_HUB).JupyterHub.authenticator_class
    handler = SimpleNamespace(request=FakeRequest(remote, host, HTTPHeaders(headers)))
    assert (auth_class().check_request(handler) is not None) is refused


def test_image_builds_from_binders_pins_and_settings() -> None:
    dockerfile = (HUB_DIR / "Dockerfile").read_text(encoding="utf-8")
    runtime = (REPO / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    base = re.search(r"^FROM python:(\d+\.\d+)", dockerfile, re.M)
    assert base and f"python-{base[1]}" == runtime, "the image's Python is not Binder's"
    copied = re.search(r"^COPY binder/requirements\.txt (\S+)$", dockerfile, re.M)
    assert copied and re.search(rf"pip install .*-r {re.escape(copied[1])}", dockerfile)
    settings = "COPY binder/overrides.json /usr/local/share/jupyter/lab/settings/overrides.json"
    assert settings in dockerfile.splitlines()
    hub_version = re.search(r"^ARG JUPYTERHUB_VERSION=(\S+)$", dockerfile, re.M)
    dev_pins = (REPO / "requirements-dev.txt").read_text(encoding="utf-8")
    assert hub_version and f"jupyterhub=={hub_version[1]}\n" in dev_pins
    assert re.search(r"apt-get install .*\bgit\b", dockerfile), "nbgitpuller needs git"
    assert dockerfile.rstrip().endswith('CMD ["jupyterhub-singleuser"]')


def readme_limits() -> dict[str, str]:
    """The per-student limits the README tells an administrator to set."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return dict(
        re.findall(r"`(mem_limit|mem_guarantee|cpu_limit|cpu_guarantee)` ([0-9.]+[MG]?)", readme)
    )


def test_tljh_settings_allow_the_course_and_put_kernels_on_sockets_where_they_fit() -> None:
    config = Config()
    runpy.run_path(str(HUB_DIR / "tljh_course.py"), {"get_config": lambda: config})
    assert config.Spawner.environment == {"OTSLAB_PULL_REPOS": EXAMPLE_REPO}
    assert config.Spawner.disable_user_config is True
    assert config.JupyterHub.admin_access is False
    hook = config.Spawner.pre_spawn_hook
    for name, ipc in [("alice", True), ("a" * 14, True), ("a" * 15, False), ("b" * 40, False)]:
        spawner = SimpleNamespace(
            user=SimpleNamespace(name=name), args=list(config.Spawner.args), log=SimpleNamespace()
        )
        spawner.log.warning = lambda message: None
        hook(spawner)
        assert ("--KernelManager.transport=ipc" in spawner.args) is ipc, name
        hook(spawner)  # a second start adds nothing
        assert spawner.args.count("--KernelManager.transport=ipc") == int(ipc)


def test_why_kernels_lost_a_race_for_a_port_and_why_sockets_cannot(tmp_path: Path) -> None:
    """The port race's cause, shown with the code a server runs; and the Unix sockets instead."""
    from jupyter_client.connect import write_connection_file

    # Over TCP, the server picks each of a kernel's five ports by binding port 0 and closing the
    # socket again; the kernel binds the number a second or more later. In between the port is
    # free for anyone: here another socket takes the kernel's shell port first.
    _, tcp = write_connection_file(str(tmp_path / "tcp.json"), ip="127.0.0.1", transport="tcp")
    with socket.socket() as other:
        other.bind(("127.0.0.1", tcp["shell_port"]))  # would raise if the port were held
    # Over Unix sockets, a kernel's channels are files named after its own connection file (its
    # kernel id), so two kernels cannot clash; the config sizes the path to fit 107 bytes.
    runtime = tmp_path / "rt"
    runtime.mkdir()
    kernel = "kernel-00000000-0000-0000-0000-000000000000"
    name, ipc = write_connection_file(
        str(runtime / f"{kernel}.json"), ip=str(runtime / f"{kernel}-ipc"), transport="ipc"
    )
    assert ipc["transport"] == "ipc" and ipc["ip"] == str(runtime / f"{kernel}-ipc")
    longest = f"{ipc['ip']}-{max(ipc[k] for k in ipc if k.endswith('_port'))}"
    assert len(longest) == len(str(runtime)) + len(f"/{kernel}-ipc-5")


def kubernetes_values() -> dict:
    """hub/z2jh-values.yaml, parsed."""
    return yaml.safe_load((HUB_DIR / "z2jh-values.yaml").read_text(encoding="utf-8"))


def test_kubernetes_values_use_the_measured_limits_and_cull_idle_servers() -> None:
    values = kubernetes_values()
    single = values["singleuser"]
    limits = readme_limits()
    assert str(single["memory"]["limit"]) == limits["mem_limit"]
    assert str(single["memory"]["guarantee"]) == limits["mem_guarantee"]
    assert str(single["cpu"]["limit"]) == limits["cpu_limit"]
    assert str(single["cpu"]["guarantee"]) == limits["cpu_guarantee"]
    assert single["defaultUrl"] == "/lab"
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    command = " ".join(single["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert f"gitpuller {EXAMPLE_REPO} {BRANCH} {repo_folder(EXAMPLE_REPO)}" in command
    assert single["extraEnv"]["OTSLAB_PULL_REPOS"] == EXAMPLE_REPO


# Authenticators that let anyone in (the chart's default "dummy": any name, any password; "tmp":
# a new user for every visitor) or that are meant for nothing but tests.
ACCEPT_ANYONE = {
    "dummy",
    "jupyterhub.auth.DummyAuthenticator",
    "tmp",
    "tmpauthenticator.TmpAuthenticator",
    "null",
    "firstuseauthenticator.FirstUseAuthenticator",
}


def test_kubernetes_values_let_in_only_the_class_over_https() -> None:
    values = kubernetes_values()
    config = values["hub"]["config"]
    authenticator = config["JupyterHub"].get("authenticator_class")
    assert authenticator, "no authenticator: the chart's default lets anyone in as anyone"
    assert authenticator not in ACCEPT_ANYONE
    assert config["JupyterHub"]["admin_access"] is False
    allow = config["Authenticator"]
    assert allow["allow_all"] is False
    assert allow["allowed_users"] and allow["admin_users"], "name the class and the teachers"
    google = config["GoogleOAuthenticator"]
    assert authenticator == "google" and google["hosted_domain"], "only the school's domain"
    https = values["proxy"]["https"]
    assert https["enabled"] is True and https["type"] == "letsencrypt"
    assert https["hosts"] and https["letsencrypt"]["contactEmail"]
    callback = urlsplit(google["oauth_callback_url"])
    assert callback.scheme == "https" and callback.hostname in https["hosts"]
    assert callback.path == "/hub/oauth_callback"


def test_kubernetes_values_run_servers_as_a_user_without_privileges() -> None:
    values = kubernetes_values()
    single = values["singleuser"]
    assert single["uid"] == 1000 and single["fsGid"] == 100
    assert single["allowPrivilegeEscalation"] is False
    assert values["hub"]["config"]["KubeSpawner"]["disable_user_config"] is True
    dockerfile = (HUB_DIR / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^USER 1000$", dockerfile, re.M), "the image runs as root"
    assert re.search(r"useradd .*--uid 1000 --gid 100 ", dockerfile)


def test_guides_pin_the_chart_and_tljh_versions_the_files_are_written_for() -> None:
    guide = (HUB_DIR / "README.md").read_text(encoding="utf-8")
    values = (HUB_DIR / "z2jh-values.yaml").read_text(encoding="utf-8")
    chart = re.search(r"chart \"jupyterhub\", version (\S+): JupyterHub (\S+)\)", values)
    assert chart, "the values do not say which chart version they are written for"
    assert f"jupyterhub/jupyterhub --version {chart[1]}" in guide.replace("\\\n", "")
    assert f"--build-arg JUPYTERHUB_VERSION={chart[2]}" in guide
    assert "bootstrap.py | sudo -E python3 - --version 2.0.0" in guide
    assert "tljh_course.py /opt/tljh/config/jupyterhub_config.d/course.py" in guide


def test_image_ships_the_pull_guard_in_place_of_nbgitpuller() -> None:
    dockerfile = (HUB_DIR / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    python = re.search(r"^FROM python:(\d+\.\d+)", dockerfile, re.M)
    assert python
    site = f"/usr/local/lib/python{python[1]}/site-packages"
    copies = dict(re.findall(r"^COPY (hub/singleuser/\S+)\s+(\S+)$", dockerfile, re.M))
    assert copies == {
        "hub/singleuser/otslab_pull_guard.py": f"{site}/otslab_pull_guard.py",
        "hub/singleuser/jupyter_server_config.d/otslab_pull_guard.json": (
            "/usr/local/etc/jupyter/jupyter_server_config.d/otslab_pull_guard.json"
        ),
    }


def test_every_hub_link_in_the_guides_is_what_nbgitpuller_link_builds() -> None:
    links = []
    for guide in (REPO / "README.md", HUB_DIR / "README.md"):
        links += GIT_PULL_LINK.findall(guide.read_text(encoding="utf-8"))
    assert links, "the guides show no nbgitpuller link"
    for link in links:
        query = query_of(link)
        hub = link.split("/hub/user-redirect/", 1)[0]
        notebook = query["urlpath"].removeprefix(f"lab/tree/{query['targetPath']}/")
        rebuilt = nbgitpuller_link(hub, query["repo"], query["branch"], notebook)
        assert link == rebuilt, f"a guide shows a link nbgitpuller_link would not build: {link}"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert nbgitpuller_link(EXAMPLE_HUB, EXAMPLE_REPO, BRANCH, START) in readme


def test_hub_link_prints_the_link_for_the_course_repository(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OTSLAB_REPOSITORY", EXAMPLE_REPO)
    assert hub_link.main([EXAMPLE_HUB]) == 0
    assert capsys.readouterr().out.strip() == nbgitpuller_link(
        EXAMPLE_HUB, EXAMPLE_REPO, BRANCH, START
    )


def test_hub_link_says_what_to_set_when_no_repository_is_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("OTSLAB_REPOSITORY", raising=False)
    citation = tmp_path / "CITATION.cff"
    citation.write_text("cff-version: 1.2.0\ntitle: a course\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        hub_link.main([EXAMPLE_HUB], citation=citation)
    assert stop.value.code == 2
    assert "add `repository-code: https://...` to CITATION.cff" in capsys.readouterr().err


def test_binder_link_prints_the_link_and_badge_the_readme_shows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    example = "https://github.com/your-school/turkic-nato"
    monkeypatch.setenv("OTSLAB_REPOSITORY", example)
    assert hub_link.main(["--binder"]) == 0
    link, badge = capsys.readouterr().out.strip().splitlines()
    assert link == binder_link(example, BRANCH, START)
    assert link.startswith("https://mybinder.org/v2/gh/your-school/turkic-nato/main?urlpath=")
    assert badge == f"[![Binder](https://mybinder.org/badge_logo.svg)]({link})"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"```\n{link}\n{badge}\n```" in readme, "the README shows another Binder link"
    assert "<owner>" not in readme and "<repo>" not in readme
