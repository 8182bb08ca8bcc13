"""JupyterHub settings for a class using the course (the hub test and `make hub-bench` run them).

Run it with `jupyterhub -f hub/jupyterhub_config.py` from the folder that is to hold the hub's
database and secrets. Every setting below is read from an environment variable (all optional):

    OTSLAB_HUB_IP, OTSLAB_HUB_PORT  where students reach the hub (default 127.0.0.1:8000); the
                                    proxy's API listens on PORT+1, the hub itself on PORT+2,
                                    both on 127.0.0.1
    OTSLAB_HUB_AUTH                 authenticator: "pam" (default: the machine's accounts), any
                                    authenticator JupyterHub knows, or "dummy" (any name and
                                    password: tests only, refused unless the hub is on loopback)
    OTSLAB_HUB_STUDENTS             with "pam": the system group whose members may log in
    OTSLAB_HUB_ADMINS               comma-separated user names who administer the hub
    OTSLAB_HUB_SPAWNER              spawner: "localprocess" (default: one system user per student),
                                    "systemd" (enforces the limits; needs the package
                                    jupyterhub-systemdspawner),
                                    or "simple" (every student runs as the hub's own user in
                                    OTSLAB_HUB_HOMES/<name>: tests only, refused unless on loopback)
    OTSLAB_HUB_HOMES                with "simple": the folder of the students' homes
    OTSLAB_SINGLEUSER               the student servers' command (default: jupyterhub-singleuser
                                    beside this Python, i.e. the course's environment)
    OTSLAB_PROXY                    configurable-http-proxy (default: hub/node_modules/.bin/...)
    OTSLAB_MEM_LIMIT, OTSLAB_CPU_LIMIT  per-student limits, e.g. "1G" and "1"; only spawners
                                    that can enforce them do (systemd, Docker, Kubernetes)
    OTSLAB_IDLE_MINUTES             an idle kernel is stopped after this long, and a server with
                                    no activity after twice this long (default 30)
    OTSLAB_HUB_ADMIN_TOKEN          if set, a service "course-admin" with this token may create
                                    users, start their servers and reach them (the benchmark)
"""

import ipaddress
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub provides get_config when it loads this file

HERE = Path(__file__).resolve().parent
env = os.environ.get

ip = env("OTSLAB_HUB_IP", "127.0.0.1")
port = int(env("OTSLAB_HUB_PORT", "8000"))
auth = env("OTSLAB_HUB_AUTH", "pam")
spawner = env("OTSLAB_HUB_SPAWNER", "localprocess")
loopback = ip == "localhost" or ipaddress.ip_address(ip).is_loopback
if not loopback and (auth == "dummy" or spawner == "simple"):
    raise ValueError(
        f"OTSLAB_HUB_IP={ip}: the 'dummy' authenticator and 'simple' spawner let anyone in as "
        "anyone; they are for tests on 127.0.0.1 only"
    )

c.JupyterHub.ip = ip
c.JupyterHub.port = port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 1}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 2
c.ConfigurableHTTPProxy.command = [
    env("OTSLAB_PROXY", str(HERE / "node_modules" / ".bin" / "configurable-http-proxy"))
]
c.JupyterHub.authenticator_class = auth
c.JupyterHub.spawner_class = spawner
if env("OTSLAB_HUB_STUDENTS"):
    c.PAMAuthenticator.allowed_groups = {env("OTSLAB_HUB_STUDENTS")}
if env("OTSLAB_HUB_ADMINS"):
    c.Authenticator.admin_users = {name.strip() for name in env("OTSLAB_HUB_ADMINS").split(",")}
if spawner == "simple":
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
idle_s = int(float(env("OTSLAB_IDLE_MINUTES", "30")) * 60)
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={idle_s}",
    "--MappingKernelManager.cull_interval=60",
    f"--ServerApp.shutdown_no_activity_timeout={2 * idle_s}",
    # Servers on one machine pick kernel ports independently, so when a class opens notebooks
    # at once, a kernel can lose a race for a port. With cached ports (the default) it is
    # restarted on the same ports until declared dead; without, it restarts on new ones. Its
    # connections can still fail: see hub/README.md, "When the hub is full".
    "--KernelManager.cache_ports=False",
]
if os.geteuid() == 0 and spawner == "simple":
    # A test run as root (CI): the students' servers run as root too, on loopback only.
    c.Spawner.args.append("--ServerApp.allow_root=True")
if env("OTSLAB_MEM_LIMIT"):
    c.Spawner.mem_limit = env("OTSLAB_MEM_LIMIT")
if env("OTSLAB_CPU_LIMIT"):
    c.Spawner.cpu_limit = float(env("OTSLAB_CPU_LIMIT"))

if env("OTSLAB_HUB_ADMIN_TOKEN"):
    c.JupyterHub.services = [{"name": "course-admin", "api_token": env("OTSLAB_HUB_ADMIN_TOKEN")}]
    c.JupyterHub.load_roles = [
        {
            "name": "course-admin",
            "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
            "services": ["course-admin"],
        }
    ]
