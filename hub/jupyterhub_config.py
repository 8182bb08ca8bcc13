"""JupyterHub settings for a class using the course (the hub test and `make hub-bench` run them).

Run it with `jupyterhub -f hub/jupyterhub_config.py` from the folder that is to hold the hub's
database and secrets. Every setting below is read from an environment variable:

    OTSLAB_HUB_IP, OTSLAB_HUB_PORT  where students reach the hub (default 127.0.0.1:8000); an
                                    address or a host name. The proxy's API listens on PORT+1,
                                    the hub itself on PORT+2, both on 127.0.0.1
    OTSLAB_HUB_SSL_CERT, OTSLAB_HUB_SSL_KEY  the hub's HTTPS certificate and key; required when
                                    the hub listens on anything but loopback (on loopback, put
                                    an HTTPS proxy in front of it)
    OTSLAB_HUB_AUTH                 authenticator: "pam" (default: the machine's accounts) or any
                                    authenticator JupyterHub knows (e.g.
                                    "oauthenticator.google.GoogleOAuthenticator", configured in
                                    a file of your own); test-only ones: see below
    OTSLAB_HUB_STUDENTS             with "pam" (required): the system group of the class; only
                                    its members may log in
    OTSLAB_HUB_ADMINS               comma-separated user names who administer the hub (required)
    OTSLAB_HUB_SPAWNER              spawner: "localprocess" (default: each student runs as their
                                    own system user) or "systemd" (the same, and enforces the
                                    limits; package jupyterhub-systemdspawner); test-only: below
    OTSLAB_PULL_REPOS               the course repositories nbgitpuller may pull (URLs, separated
                                    by spaces), each into the folder named like it; other
                                    repositories, folders and hidden folders are refused
                                    (hub/singleuser/otslab_pull_guard.py)
    OTSLAB_SINGLEUSER               the student servers' command (default: jupyterhub-singleuser
                                    beside this Python, i.e. the course's environment)
    OTSLAB_PROXY                    configurable-http-proxy (default: hub/node_modules/.bin/...)
    OTSLAB_MEM_LIMIT, OTSLAB_CPU_LIMIT, OTSLAB_MEM_GUARANTEE, OTSLAB_CPU_GUARANTEE
                                    per-student limits (default: `make hub-bench`'s, 1280M, 1,
                                    512M, 0.16); only spawners that can enforce them do
                                    (systemd, Docker, Kubernetes)
    OTSLAB_IDLE_MINUTES             an idle kernel is stopped after this long, and a server with
                                    no activity after twice this long (default 30)
    OTSLAB_HUB_ADMIN_TOKEN          if set, a service "course-admin" with this token may create
                                    users, start their servers and reach them (the benchmark)

For tests only (tools/hub_local.py sets them), a hub on which anyone could be anyone:

    OTSLAB_HUB_AUTH=dummy, OTSLAB_HUB_SPAWNER=simple   a login with a shared password, and every
                                    student's server running as the hub's own user in
                                    OTSLAB_HUB_HOMES/<name>. The hub refuses to start with either
                                    (named in any way, or a subclass) unless
                                    OTSLAB_HUB_INSECURE_TEST=1 and it listens on loopback only;
                                    then it takes logins only with OTSLAB_HUB_TEST_PASSWORD (at
                                    least 16 characters) and only from this machine, never
                                    through a proxy (a request with forwarding headers from
                                    elsewhere or for another host name is refused)
    OTSLAB_HUB_RUNTIME              with "simple": a short folder for the servers' runtime files
                                    (kernel sockets; see "No lost kernels" in hub/README.md)
"""

from __future__ import annotations

import hmac
import importlib
import ipaddress
import os
import pwd
import socket
import sys
from importlib.metadata import entry_points
from pathlib import Path

from jupyterhub.auth import Authenticator, DummyAuthenticator
from jupyterhub.spawner import SimpleLocalProcessSpawner, Spawner

c = get_config()  # noqa: F821 - JupyterHub provides get_config when it loads this file

HERE = Path(__file__).resolve().parent
SINGLEUSER = HERE / "singleuser"  # the pull guard and its jupyter_server config
env = os.environ.get
SOCKET_PATH_MAX = 107  # bytes in a Unix socket's path (sun_path), less the final NUL
IPC_NAME = len("/kernel-00000000-0000-0000-0000-000000000000-ipc-5")  # a kernel socket's name
LIMITS = {"mem_limit": "1280M", "cpu_limit": "1", "mem_guarantee": "512M", "cpu_guarantee": "0.16"}


class HubSettingError(ValueError):
    """A setting that would make the hub unsafe or broken, with what to do instead."""


def number(name: str, default: str, low: float, high: float) -> float:
    """The number in environment variable name (default if unset), between low and high."""
    value = env(name, default)
    try:
        found = float(value)
    except ValueError:
        found = float("nan")
    if not low <= found <= high:  # also false for nan
        raise HubSettingError(f"{name}={value!r}: give a number from {low:g} to {high:g}")
    return found


def resolve(name: str, group: str, base: type) -> type:
    """The class JupyterHub would load for name: an entry point of group, or a dotted path."""
    found = entry_points(group=group, name=name)
    try:
        if found:
            cls = next(iter(found)).load()
        else:
            module, _, attribute = name.rpartition(".")
            cls = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError, ValueError) as error:
        message = f"cannot load {name!r} ({error}): is its package installed?"
        raise HubSettingError(message) from error
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise HubSettingError(f"{name!r} is not a JupyterHub {base.__name__}")
    return cls


def is_loopback(host: str) -> bool:
    """True when every address host names (an address or a host name) is a loopback one."""
    if not host:
        return False  # "" means every interface to JupyterHub
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(
        ipaddress.ip_address(a.split("%", 1)[0]).is_loopback for a in addresses
    )


def forwarded_hosts(headers) -> list[str]:  # noqa: ANN001 - tornado's HTTPHeaders
    """Every client address or host name a request's forwarding headers name."""
    found = []
    for name in ("X-Forwarded-For", "X-Real-Ip", "X-Forwarded-Host", "X-Original-Forwarded-For"):
        for value in headers.get_list(name):
            found += [part.strip() for part in value.split(",") if part.strip()]
    for value in headers.get_list("Forwarded"):
        for element in value.replace(",", ";").split(";"):
            key, _, item = element.strip().partition("=")
            if key.lower() in {"for", "host"}:
                found.append(item.strip('"'))
    return found


def host_name(value: str) -> str:
    """The host part of a Host header or forwarded address ("[::1]:8000" -> "::1")."""
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class LocalLoginsOnly:
    """Refuses a login that reaches the hub from another machine: a mixin for test hubs.

    Each address in the forwarding headers, the connection's address and the Host header must
    all be loopback, so a proxy in front of the hub (which forwards from elsewhere, for its own
    host name) gets no login through.
    """

    def check_request(self, handler) -> str | None:  # noqa: ANN001 - a JupyterHub handler
        """Why this request may not log in on a test hub, or None when it may."""
        request = handler.request
        names = {
            "connection": [request.remote_ip],
            "Host header": [host_name(request.host or "")],
            "forwarding headers": [host_name(h) for h in forwarded_hosts(request.headers)],
        }
        for what, hosts in names.items():
            outside = [h for h in hosts if not is_loopback(h)]
            if outside:
                return f"{what} name(s) {outside}, not this machine"
        return None

    async def authenticate(self, handler, data: dict) -> str | dict | None:  # noqa: ANN001
        """Refuse a login from elsewhere; otherwise authenticate as the authenticator does."""
        reason = self.check_request(handler)
        if reason:
            self.log.warning(f"test hub: login refused: {reason}")
            return None
        return await super().authenticate(handler, data)


class TestOnlyAuthenticator(LocalLoginsOnly, DummyAuthenticator):
    """Any user name with the test run's shared password, from this machine only; for tests."""

    async def authenticate(self, handler, data: dict) -> str | dict | None:  # noqa: ANN001
        """The user name, when the request is local and the password is the test run's."""
        if await super().authenticate(handler, data) is None:
            return None
        password = env("OTSLAB_HUB_TEST_PASSWORD", "")
        given = str(data.get("password", ""))
        if len(password) < 16 or not hmac.compare_digest(given.encode(), password.encode()):
            return None
        return data["username"]


def authenticator_for_tests(auth: type) -> type:
    """A test hub's authenticator: the dummy one with a password, or auth for local logins."""
    if issubclass(auth, DummyAuthenticator):
        return TestOnlyAuthenticator
    return type(f"LocalLoginsOnly{auth.__name__}", (LocalLoginsOnly, auth), {})


def check_test_settings(ip: str, auth: type, spawner: type, environ: dict[str, str]) -> bool:
    """Whether the hub runs with test-only parts; raise HubSettingError where it must not."""
    test_only = []
    if issubclass(auth, DummyAuthenticator):
        test_only.append(f"the test-only authenticator {auth.__name__}")
    if issubclass(spawner, SimpleLocalProcessSpawner):
        test_only.append(f"the test-only spawner {spawner.__name__}")
    if not test_only:
        return False
    parts = " and ".join(test_only)
    if environ.get("OTSLAB_HUB_INSECURE_TEST") != "1":
        raise HubSettingError(
            f"{parts} let(s) anyone in as anyone; they are for the course's tests only "
            "(OTSLAB_HUB_INSECURE_TEST=1). A school's hub: see hub/README.md"
        )
    if not is_loopback(ip):
        raise HubSettingError(
            f"OTSLAB_HUB_IP={ip!r}: {parts} are for tests on a loopback address only (127.0.0.1)"
        )
    if len(environ.get("OTSLAB_HUB_TEST_PASSWORD", "")) < 16:
        raise HubSettingError("a test hub needs OTSLAB_HUB_TEST_PASSWORD of 16 characters or more")
    return True


def refuse_settings_from_the_command_line(argv: list[str]) -> None:
    """Refuse authenticator, spawner or address options given beside this file (they win)."""
    risky = ("authenticator_class", "spawner_class", "--ip", ".ip=", "bind_url")
    given = [arg for arg in argv[1:] if any(word in arg for word in risky)]
    if given:
        raise HubSettingError(
            f"{given}: set the authenticator, spawner and address with OTSLAB_HUB_AUTH, "
            "OTSLAB_HUB_SPAWNER and OTSLAB_HUB_IP, which this file checks"
        )


def runtime_dir(spawner: Spawner, test_runtime: str | None) -> str:
    """Where a student's server keeps its runtime files (connection files, kernel sockets)."""
    if test_runtime:
        return str(Path(test_runtime) / spawner.user.name)
    home = getattr(spawner, "home_dir", None)
    if not home:
        try:
            home = pwd.getpwnam(spawner.user.name).pw_dir
        except KeyError:
            return ""  # no such system user yet: the server's default place
    return str(Path(home) / ".local" / "share" / "jupyter" / "runtime")


def prepare_server(spawner: Spawner) -> None:
    """Before a student's server starts: never as root; kernels on Unix sockets where they fit.

    Kernels of servers on one machine that pick TCP ports at once can lose a race for a port
    (one student in twenty lost a kernel in `make hub-bench`); kernels on Unix sockets named
    after their own id cannot clash, but a socket's path must fit in 107 bytes.
    """
    if not TEST_ONLY:
        try:
            uid = pwd.getpwnam(spawner.user.name).pw_uid
        except KeyError:
            uid = None  # a spawner that creates the user (or one that runs containers)
        if uid == 0:
            raise HubSettingError(f"refused: {spawner.user.name!r} would run as root")
    runtime = runtime_dir(spawner, env("OTSLAB_HUB_RUNTIME") if TEST_ONLY else None)
    if runtime and len(runtime.encode()) + IPC_NAME <= SOCKET_PATH_MAX:
        spawner.environment = {**spawner.environment, "JUPYTER_RUNTIME_DIR": runtime}
        if "--KernelManager.transport=ipc" not in spawner.args:
            spawner.args = [*spawner.args, "--KernelManager.transport=ipc"]
    else:
        spawner.log.warning(
            f"{runtime}: too long for kernel sockets; {spawner.user.name}'s kernels use TCP ports"
        )


ip = env("OTSLAB_HUB_IP", "127.0.0.1")
port = int(number("OTSLAB_HUB_PORT", "8000", 1, 65533))
auth_class = resolve(env("OTSLAB_HUB_AUTH", "pam"), "jupyterhub.authenticators", Authenticator)
spawner_class = resolve(env("OTSLAB_HUB_SPAWNER", "localprocess"), "jupyterhub.spawners", Spawner)
refuse_settings_from_the_command_line(sys.argv)
TEST_ONLY = check_test_settings(ip, auth_class, spawner_class, dict(os.environ))
ssl_cert, ssl_key = env("OTSLAB_HUB_SSL_CERT"), env("OTSLAB_HUB_SSL_KEY")
if not is_loopback(ip) and not (ssl_cert and ssl_key):
    raise HubSettingError(
        f"OTSLAB_HUB_IP={ip!r} without HTTPS: set OTSLAB_HUB_SSL_CERT and OTSLAB_HUB_SSL_KEY, "
        "or listen on 127.0.0.1 behind an HTTPS proxy"
    )
if ssl_cert and ssl_key:
    c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = ssl_cert, ssl_key

c.JupyterHub.ip = ip
c.JupyterHub.port = port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 1}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 2
c.ConfigurableHTTPProxy.command = [
    env("OTSLAB_PROXY", str(HERE / "node_modules" / ".bin" / "configurable-http-proxy"))
]
c.JupyterHub.spawner_class = spawner_class
c.JupyterHub.admin_access = False  # administrators cannot open students' servers
if TEST_ONLY:
    c.JupyterHub.authenticator_class = authenticator_for_tests(auth_class)
else:
    c.JupyterHub.authenticator_class = auth_class
if auth_class.__name__ == "PAMAuthenticator":
    if not env("OTSLAB_HUB_STUDENTS"):
        raise HubSettingError("OTSLAB_HUB_STUDENTS: name the class's system group")
    c.PAMAuthenticator.allowed_groups = {env("OTSLAB_HUB_STUDENTS")}
c.Authenticator.blocked_users = {"root"}
admins = {name.strip() for name in env("OTSLAB_HUB_ADMINS", "").split(",") if name.strip()}
if not admins and not TEST_ONLY:
    raise HubSettingError("OTSLAB_HUB_ADMINS: name the teachers who administer the hub")
c.Authenticator.admin_users = admins
if TEST_ONLY and issubclass(spawner_class, SimpleLocalProcessSpawner):
    c.SimpleLocalProcessSpawner.home_dir_template = str(
        Path(env("OTSLAB_HUB_HOMES", "homes")).resolve() / "{username}"
    )

# Students land in JupyterLab; the course's lab settings (no news pop-up, no kernel dialog)
# are installed in the single-user environment itself, as on Binder (binder/overrides.json).
c.Spawner.default_url = "/lab"
c.Spawner.cmd = [
    env("OTSLAB_SINGLEUSER", str(Path(sys.executable).parent / "jupyterhub-singleuser"))
]
c.Spawner.start_timeout = 180  # a full class logging in at once queues on the CPU
c.Spawner.http_timeout = 120
# Configuration files in a student's home are ignored (a file there would run at every start).
c.Spawner.disable_user_config = True
# nbgitpuller only for the course: the guard replaces nbgitpuller's own extension.
c.Spawner.environment = {
    "PYTHONPATH": str(SINGLEUSER),
    "JUPYTER_CONFIG_PATH": str(SINGLEUSER),
    "OTSLAB_PULL_REPOS": env("OTSLAB_PULL_REPOS", ""),
}
c.Spawner.pre_spawn_hook = prepare_server
idle_s = int(number("OTSLAB_IDLE_MINUTES", "30", 1, 24 * 60) * 60)
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={idle_s}",
    "--MappingKernelManager.cull_interval=60",
    f"--ServerApp.shutdown_no_activity_timeout={2 * idle_s}",
    # A kernel that still uses TCP ports (see prepare_server) and loses a race for one is
    # restarted on new ports rather than on the same ones until declared dead.
    "--KernelManager.cache_ports=False",
]
if os.geteuid() == 0 and TEST_ONLY:
    # A test run as root (CI): the students' servers run as root too, on loopback only.
    c.Spawner.args.append("--ServerApp.allow_root=True")
c.Spawner.mem_limit = env("OTSLAB_MEM_LIMIT", LIMITS["mem_limit"])
c.Spawner.cpu_limit = number("OTSLAB_CPU_LIMIT", LIMITS["cpu_limit"], 0.01, 1024)
c.Spawner.mem_guarantee = env("OTSLAB_MEM_GUARANTEE", LIMITS["mem_guarantee"])
c.Spawner.cpu_guarantee = number("OTSLAB_CPU_GUARANTEE", LIMITS["cpu_guarantee"], 0.01, 1024)

if env("OTSLAB_HUB_ADMIN_TOKEN"):
    c.JupyterHub.services = [{"name": "course-admin", "api_token": env("OTSLAB_HUB_ADMIN_TOKEN")}]
    c.JupyterHub.load_roles = [
        {
            "name": "course-admin",
            "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
            "services": ["course-admin"],
        }
    ]
