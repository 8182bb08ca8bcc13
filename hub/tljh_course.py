"""The course's extra settings for The Littlest JupyterHub (TLJH 2.0.0).

Copy this file to /opt/tljh/config/jupyterhub_config.d/course.py, set the line marked CHANGE,
then `sudo tljh-config reload` (hub/README.md, "One machine"). Sign-in, HTTPS, the class, the
admins and the limits are set with tljh-config; this file adds what tljh-config cannot:

- nbgitpuller pulls only the course's repository, into its own folder (the pull guard in
  hub/singleuser, installed into TLJH's user environment; see its docstring);
- configuration files in a student's home never run, and admins cannot open students' servers;
- kernels on Unix sockets, so that a class opening notebooks at once loses no kernel to a race
  for a TCP port (hub/README.md, "When the hub is full"), where the socket's path fits.
"""

from __future__ import annotations

c = get_config()  # noqa: F821 - JupyterHub provides get_config when it loads this file

# CHANGE: the course's repository, the same URL as in the students' link (several: separate
# them with spaces).
COURSE_REPOSITORY = "https://git.example.org/your-school/turkic-nato"

SOCKET_PATH_MAX = 107  # bytes in a Unix socket's path (sun_path), less the final NUL
IPC_NAME = len("/kernel-00000000-0000-0000-0000-000000000000-ipc-5")  # a kernel socket's name


def system_username(name: str) -> str:
    """The system account TLJH runs a student's server as (jupyter-<name>, shortened if long)."""
    try:
        from tljh.normalize import generate_system_username
    except ImportError:  # outside TLJH's hub environment (the course's tests)
        return f"jupyter-{name}"[:32]
    return generate_system_username(f"jupyter-{name}")


def kernels_on_unix_sockets(spawner) -> None:  # noqa: ANN001 - TLJH's spawner
    """Before a server starts: its kernels on Unix sockets if their path fits, else on TCP."""
    runtime = f"/home/{system_username(spawner.user.name)}/.local/share/jupyter/runtime"
    if len(runtime.encode()) + IPC_NAME > SOCKET_PATH_MAX:
        spawner.log.warning(f"{runtime}: too long for kernel sockets; kernels use TCP ports")
        return
    if "--KernelManager.transport=ipc" not in spawner.args:
        spawner.args = [*spawner.args, "--KernelManager.transport=ipc"]


c.Spawner.environment = {"OTSLAB_PULL_REPOS": COURSE_REPOSITORY}
c.Spawner.disable_user_config = True
c.JupyterHub.admin_access = False
# A kernel still on TCP that loses a race for a port restarts on new ports, not the same ones.
c.Spawner.args = ["--KernelManager.cache_ports=False"]
c.Spawner.pre_spawn_hook = kernels_on_unix_sockets
