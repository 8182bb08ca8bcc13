"""Size a class hub: N students follow the course link at once and run every notebook.

Run by `make hub-bench`.

The course's hub (hub/jupyterhub_config.py) runs on 127.0.0.1 with the course's environment.
Every simulated student, all at the same moment: logs in (the hub creates the user and starts
their server), has nbgitpuller clone the course, opens the start notebook and waits for its
kernel (time from link to a usable notebook), then runs each notebook's code cells in order in
its own kernel through the server's REST and kernel websocket APIs, as JupyterLab does, and keeps
each kernel running, as JupyterLab does when a student moves to the next notebook. What JupyterLab's
page costs the browser is not included (the hub test measures one student in Chromium).

A sampler reads every student's process tree once a second (psutil): the single-user server and
its kernels, RSS and PSS (PSS shares libraries fairly between processes, so it adds up to the
machine's use). Writes build/hub-bench.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import nbformat
import psutil
from hub_local import REPO, Hub, local_hub, make_upstream
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
TARGET, BRANCH = "turkic-nato", "main"  # the course is pulled into the folder named like it
MB = 1024 * 1024
CELL_TIMEOUT_S = 600
WS_ATTEMPTS = 3  # connections to a starting kernel before a student gives up
# What a teacher can ask of a hub: a whole class's Run All done within this, and logins within
# the design's budget for link to a usable notebook.
RUN_ALL_WAIT_S, LOGIN_WAIT_S = 30, 20
CLASS_SIZES = (30, 60, 100, 300)


@dataclass
class Student:
    """What one simulated student did and used."""

    name: str
    usable_s: float = math.nan
    run_s: dict[str, float] = field(default_factory=dict)
    run_cpu_s: dict[str, float] = field(default_factory=dict)
    login_cpu_s: float = math.nan
    failures: list[str] = field(default_factory=list)
    server_rss: float = 0.0
    server_pss: float = 0.0
    kernels_rss: float = 0.0
    kernels_pss: float = 0.0
    total_pss: float = 0.0
    kernel_rss: dict[str, float] = field(default_factory=dict)
    kernel_pss: dict[str, float] = field(default_factory=dict)
    kernel_restarts: int = 0
    ws_reconnects: int = 0
    transport: str = ""


class Sampler(threading.Thread):
    """Once a second, record each student's peak memory (server, kernels) and the hub's."""

    def __init__(self, hub_pid: int, students: dict[str, Student]) -> None:
        super().__init__(daemon=True)
        self.hub = psutil.Process(hub_pid)
        self.students = students
        self.kernel_names: dict[int, str] = {}  # kernel pid -> notebook stem
        self.hub_rss = self.proxy_rss = self.machine_pss = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        """Sample until stopped."""
        while not self.stopped.wait(1.0):
            try:
                self.sample()
            except psutil.Error:
                continue  # a process ended while being read: the next sample has it

    def sample(self) -> None:
        """Read every process tree once."""
        self.hub_rss = max(self.hub_rss, self.hub.memory_info().rss / MB)
        machine = self.hub.memory_full_info().pss / MB
        for child in self.hub.children():
            name = child.environ().get("JUPYTERHUB_USER")
            if name not in self.students:
                if "configurable-http-proxy" in " ".join(child.cmdline()):
                    self.proxy_rss = max(self.proxy_rss, child.memory_info().rss / MB)
                    machine += child.memory_full_info().pss / MB
                continue
            student = self.students[name]
            server = child.memory_full_info()
            processes = child.children(recursive=True)
            kernels = [process.memory_full_info() for process in processes]
            for kernel, info in zip(processes, kernels, strict=True):
                stem = self.kernel_names.get(kernel.pid)
                if stem:
                    student.kernel_rss[stem] = max(student.kernel_rss.get(stem, 0), info.rss / MB)
                    student.kernel_pss[stem] = max(student.kernel_pss.get(stem, 0), info.pss / MB)
            k_rss, k_pss = sum(i.rss for i in kernels) / MB, sum(i.pss for i in kernels) / MB
            student.server_rss = max(student.server_rss, server.rss / MB)
            student.server_pss = max(student.server_pss, server.pss / MB)
            student.kernels_rss = max(student.kernels_rss, k_rss)
            student.kernels_pss = max(student.kernels_pss, k_pss)
            student.total_pss = max(student.total_pss, server.pss / MB + k_pss)
            machine += server.pss / MB + k_pss
        self.machine_pss = max(self.machine_pss, machine)


def server_process(hub_pid: int, name: str) -> psutil.Process:
    """Return the single-user server process of a student."""
    for child in psutil.Process(hub_pid).children():
        if child.environ().get("JUPYTERHUB_USER") == name:
            return child
    raise LookupError(f"no server process for {name}")


def kernel_transport(kernel: psutil.Process) -> str:
    """The transport a kernel was started with ("tcp" or "ipc"), read from its connection file."""
    command = kernel.cmdline()
    if "-f" not in command[:-1]:
        return "unknown"
    connection = json.loads(Path(command[command.index("-f") + 1]).read_text(encoding="utf-8"))
    return connection.get("transport", "unknown")


def cpu_s(process: psutil.Process) -> float:
    """CPU seconds of a process, including its finished children (git, for the server)."""
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


class Kernel:
    """A kernel of a student's server, driven through its websocket as JupyterLab does."""

    def __init__(self, ws: WebSocketClientConnection, kernel_id: str) -> None:
        self.ws, self.kernel_id, self.session = ws, kernel_id, uuid.uuid4().hex
        self.restarts = 0

    async def request(self, msg_type: str, content: dict) -> list[str]:
        """Send a shell request; wait for its reply and for idle; return errors and stderr."""
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "username": "student",
            "session": self.session,
            "date": datetime.datetime.now(datetime.UTC).isoformat(),
            "version": "5.3",
        }
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content}
        await self.ws.write_message(json.dumps({**message, "channel": "shell", "buffers": []}))
        problems, replied, idle = [], False, False
        while not (replied and idle):
            try:
                raw = await asyncio.wait_for(self.ws.read_message(), CELL_TIMEOUT_S)
            except TimeoutError:
                raise TimeoutError(f"no {msg_type} reply within {CELL_TIMEOUT_S} s") from None
            if raw is None:
                code, reason = self.ws.close_code, self.ws.close_reason
                raise ConnectionError(f"the kernel's websocket closed (code {code}, {reason!r})")
            if isinstance(raw, bytes):
                continue  # widget buffers: never a reply, error or status
            msg = json.loads(raw)
            kind, body = msg["msg_type"], msg["content"]
            if kind == "status" and body["execution_state"] == "restarting":
                self.restarts += 1
                if msg_type != "kernel_info_request":  # a restart loses the student's state
                    raise RuntimeError("the kernel restarted while running a cell")
                return await self.request(msg_type, content)  # still starting: ask again
            if kind == "status" and body["execution_state"] == "dead":
                raise RuntimeError("the kernel died (the server gave up restarting it)")
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind.endswith("_reply"):
                replied = True
                if body.get("status") != "ok":
                    problems.append(f"{body.get('ename')}: {body.get('evalue')}")
            elif kind == "status":
                idle = body["execution_state"] == "idle"
            elif kind == "stream" and body.get("name") == "stderr":
                problems.append(body["text"].strip())
            elif kind == "error":
                problems.append(f"{body['ename']}: {body['evalue']}")
        return problems

    async def run_cell(self, code: str) -> list[str]:
        """Execute one cell; return what it reported as errors or on stderr."""
        content = {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        }
        return await self.request("execute_request", content)


class Class:
    """The hub and the HTTP calls every student makes on it."""

    def __init__(
        self, hub: Hub, upstream: Path, students: dict[str, Student], sampler: Sampler
    ) -> None:
        self.hub, self.upstream, self.students, self.sampler = hub, upstream, students, sampler
        self.http = AsyncHTTPClient()
        self.headers = {"Authorization": f"token {hub.admin_token}"}

    async def call(self, method: str, url: str, body: dict | None = None) -> bytes:
        """One HTTP request with the course-admin token; return the body."""
        request = HTTPRequest(
            url,
            method=method,
            headers=self.headers,
            body=None if body is None else json.dumps(body),
            allow_nonstandard_methods=True,
            connect_timeout=CELL_TIMEOUT_S,
            request_timeout=CELL_TIMEOUT_S,
        )
        return (await self.http.fetch(request)).body

    async def open_kernel(self, name: str, notebook: str) -> Kernel:
        """Open a notebook's session (and kernel) on the student's server and connect to it."""
        base = f"{self.hub.url}/user/{name}"
        path = f"{TARGET}/notebooks/{notebook}"
        await self.call("GET", f"{base}/api/contents/{path}?content=1")
        body = {"path": path, "name": notebook, "type": "notebook", "kernel": {"name": "python3"}}
        session = json.loads(await self.call("POST", f"{base}/api/sessions", body))
        kernel_id = session["kernel"]["id"]
        ws_url = f"{base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels"
        request = HTTPRequest(
            ws_url,
            headers=self.headers,
            connect_timeout=CELL_TIMEOUT_S,
            request_timeout=CELL_TIMEOUT_S,
        )
        student = self.students[name]
        for _ in range(WS_ATTEMPTS - 1):
            try:
                return await self.connect(request, kernel_id, student)
            except ConnectionError:
                # JupyterLab opens a closed kernel connection again; so does a student here.
                student.ws_reconnects += 1
        return await self.connect(request, kernel_id, student)

    async def connect(self, request: HTTPRequest, kernel_id: str, student: Student) -> Kernel:
        """Open a kernel's websocket and wait for its kernel_info reply."""
        kernel = Kernel(await websocket_connect(request), kernel_id)
        try:
            await kernel.request("kernel_info_request", {})
        finally:
            student.kernel_restarts += kernel.restarts
        return kernel

    def kernel_process(self, name: str, kernel: Kernel) -> psutil.Process:
        """Return the process of a student's kernel (its connection file names its id)."""
        for child in server_process(self.hub.pid, name).children(recursive=True):
            if any(kernel.kernel_id in part for part in child.cmdline()):
                return child
        raise LookupError(f"no process for kernel {kernel.kernel_id} of {name}")

    async def student(self, name: str) -> None:
        """Log in, follow the link, open the start notebook, then run every notebook."""
        student = self.students[name]
        started = time.monotonic()
        await self.call("POST", f"{self.hub.url}/hub/api/users/{name}")
        await self.call("POST", f"{self.hub.url}/hub/api/users/{name}/server")
        while True:
            user = json.loads(await self.call("GET", f"{self.hub.url}/hub/api/users/{name}"))
            if user["servers"].get("", {}).get("ready"):
                break
            await asyncio.sleep(0.5)
        query = urlencode({"repo": str(self.upstream), "branch": BRANCH, "targetpath": TARGET})
        events = await self.call("GET", f"{self.hub.url}/user/{name}/git-pull/api?{query}")
        phases = [
            json.loads(line[5:]) for line in events.decode().splitlines() if line[:5] == "data:"
        ]
        if not phases or phases[-1].get("phase") != "finished":
            raise RuntimeError(f"nbgitpuller did not finish: {phases[-1:]}")
        kernels = {NOTEBOOKS[0].name: await self.open_kernel(name, NOTEBOOKS[0].name)}
        student.usable_s = time.monotonic() - started
        server = server_process(self.hub.pid, name)
        first = self.kernel_process(name, kernels[NOTEBOOKS[0].name])
        student.login_cpu_s = cpu_s(server) + cpu_s(first)
        student.transport = kernel_transport(first)
        for notebook in NOTEBOOKS:
            if notebook.name not in kernels:
                kernels[notebook.name] = await self.open_kernel(name, notebook.name)
            kernel = kernels[notebook.name]
            process = self.kernel_process(name, kernel)
            self.sampler.kernel_names[process.pid] = notebook.stem
            copy = self.hub.homes / name / TARGET / "notebooks" / notebook.name
            cells = [
                c.source for c in nbformat.read(copy, as_version=4).cells if c.cell_type == "code"
            ]
            cpu_before, run_started = cpu_s(process), time.monotonic()
            for code in cells:
                problems = await kernel.run_cell(code)
                if problems:
                    student.failures.append(f"{notebook.stem}: {problems[0][:200]}")
                    break
            student.run_s[notebook.stem] = time.monotonic() - run_started
            student.run_cpu_s[notebook.stem] = cpu_s(process) - cpu_before

    async def run(self) -> float:
        """Every student at once; return the wall time until the last is done."""
        AsyncHTTPClient.configure(None, max_clients=4 * len(self.students) + 10)
        self.http = AsyncHTTPClient()
        started = time.monotonic()
        results = await asyncio.gather(
            *(self.student(name) for name in self.students), return_exceptions=True
        )
        for name, result in zip(self.students, results, strict=True):
            if isinstance(result, BaseException):
                self.students[name].failures.append(f"{type(result).__name__}: {result}")
        return time.monotonic() - started


def cell_text(text: str) -> str:
    """Text made safe for one Markdown table cell: one line, no pipes, at most 300 characters."""
    return " ".join(text.replace("|", "/").split())[:300]


def median(values: list[float]) -> float:
    """Median of the finite values (nan when none)."""
    finite = [v for v in values if not math.isnan(v)]
    return statistics.median(finite) if finite else math.nan


@dataclass
class Totals:
    """What the sampler saw of the hub as a whole, and the run's wall time."""

    hub_rss: float
    proxy_rss: float
    machine_pss: float
    wall_s: float
    when: str
    load_before: float
    hub_cpu_s: float
    port_clashes: int = 0
    kernel_restarts: int = 0


def report(students: list[Student], totals: Totals) -> str:
    """The Markdown report: per-student figures, summary, and sizes for whole classes."""
    stems = [nb.stem for nb in NOTEBOOKS]
    memory = psutil.virtual_memory().total / 1024**3
    n, wall_s = len(students), totals.wall_s
    lines = [
        "# Hub benchmark (make hub-bench)",
        "",
        f"{totals.when}; {n} students at once on "
        f"{os.cpu_count()} cores, {memory:.0f} GB; Python {platform.python_version()}; "
        "hub, proxy and students' servers on 127.0.0.1 (hub/jupyterhub_config.py). "
        f"The machine was shared: load average {totals.load_before:.1f} just before the run.",
        "",
        "Each student: log in and start a server, nbgitpuller clone, open the start notebook and "
        "wait for its kernel (**usable**), then run every notebook's cells in its own kernel, "
        "keeping each kernel running. Memory is each process tree's peak, sampled once a second.",
        "",
        "| student | usable (s) | "
        + " | ".join(f"{s[:2]} run (s)" for s in stems)
        + " | server RSS / PSS (MB) | kernels RSS / PSS (MB) | student PSS (MB) | failures |",
        "|---|---|" + "---|" * len(stems) + "---|---|---|---|",
    ]
    for s in students:
        runs = " | ".join(f"{s.run_s.get(stem, math.nan):.1f}" for stem in stems)
        lines.append(
            f"| {s.name} | {s.usable_s:.1f} | {runs} | {s.server_rss:.0f} / {s.server_pss:.0f} | "
            f"{s.kernels_rss:.0f} / {s.kernels_pss:.0f} | {s.total_pss:.0f} | "
            f"{cell_text('; '.join(s.failures)) or 'none'} |"
        )
    failed = sum(bool(s.failures) for s in students)
    per_kernel = {
        stem: median([s.kernel_rss.get(stem, math.nan) for s in students]) for stem in stems
    }
    server_rss = max(s.server_rss for s in students)
    student_rss = max(s.server_rss + s.kernels_rss for s in students)
    student_pss = max(s.total_pss for s in students)
    one_kernel = server_rss + max(per_kernel.values())
    pss_kernel = max(median([s.kernel_pss.get(stem, math.nan) for s in students]) for stem in stems)
    one_pss = median([s.server_pss for s in students]) + pss_kernel
    login_cpu = median([s.login_cpu_s for s in students])
    run_cpu = {stem: median([s.run_cpu_s.get(stem, math.nan) for s in students]) for stem in stems}
    base_gb = (totals.hub_rss + totals.proxy_rss) / 1024
    lines += [
        "",
        "## Summary",
        "",
        f"- Students who failed: **{failed} of {n}**. Wall time, first login to last notebook "
        f"done: {wall_s:.0f} s.",
        f"- Link to a usable notebook, all {n} at once: median "
        f"{median([s.usable_s for s in students]):.1f} s, "
        f"slowest {max(s.usable_s for s in students):.1f} s.",
        "- Notebook run time with the whole class running at once, median (s): "
        + ", ".join(
            f"{stem} {median([s.run_s.get(stem, math.nan) for s in students]):.1f}"
            for stem in stems
        )
        + ".",
        "- CPU per student, median: login to usable "
        f"{login_cpu:.1f} CPU-s (server start, clone, first kernel); running each notebook "
        "(CPU-s): " + ", ".join(f"{stem} {value:.1f}" for stem, value in run_cpu.items()) + ".",
        f"- Memory of one student's single-user server: peak RSS {server_rss:.0f} MB; "
        "each notebook's kernel, median peak RSS (MB): "
        + ", ".join(f"{stem} {value:.0f}" for stem, value in per_kernel.items())
        + ".",
        f"- One student with all five kernels running: peak RSS {student_rss:.0f} MB (server plus "
        f"kernels), PSS {student_pss:.0f} MB. Server plus one kernel: {one_kernel:.0f} MB RSS.",
        "- Kernels' transport (first kernel of each student): "
        + ", ".join(
            f"{kind} {sum(s.transport == kind for s in students)}"
            for kind in sorted({s.transport for s in students})
        )
        + " (ipc: Unix sockets named after the kernel, which cannot clash; tcp: ports).",
        "- Kernel starts that lost a race for a port (servers' log: 'Address already in use'): "
        f"{totals.port_clashes} in {n * len(stems)}; kernel restarts: {totals.kernel_restarts}; "
        "kernel connections a student opened again after the server closed them: "
        f"{sum(s.ws_reconnects for s in students)}.",
        f"- The hub and proxy used {totals.hub_cpu_s:.0f} CPU-s in all "
        f"({totals.hub_cpu_s / n:.1f} per student).",
        f"- Hub {totals.hub_rss:.0f} MB and proxy {totals.proxy_rss:.0f} MB RSS; the whole hub "
        f"machine's peak PSS for this class: {totals.machine_pss / 1024:.1f} GB.",
        "",
        "## Sizing a class hub from these figures",
        "",
        "Memory: hub and proxy, plus each student, plus 25% headroom; either every student keeps "
        f"all five notebooks' kernels running (peak PSS above, {student_pss:.0f} MB), or one "
        f"notebook at a time ({one_pss:.0f} MB: server and the largest kernel; kernels of "
        "notebooks left behind shut down or culled). Cores: enough that the whole class "
        f"pressing Run All at once waits at most {RUN_ALL_WAIT_S} s (notebook with the most CPU), "
        f"and the whole class following the link at once waits at most {LOGIN_WAIT_S} s "
        "(login CPU plus the hub's share); whichever needs more. A wait shorter than these "
        "needs proportionally more cores.",
        "",
        "| class | memory, five kernels each (GB) | memory, one kernel each (GB) | cores |",
        "|---|---|---|---|",
    ]
    heaviest = max(run_cpu.values())
    login_all = login_cpu + totals.hub_cpu_s / n  # the hub's work for a student counts too
    for size in CLASS_SIZES:
        gb = 1.25 * (base_gb + size * student_pss / 1024)
        gb_one = 1.25 * (base_gb + size * one_pss / 1024)
        cores = max(size * heaviest / RUN_ALL_WAIT_S, size * login_all / LOGIN_WAIT_S)
        lines.append(f"| {size} | {math.ceil(gb)} | {math.ceil(gb_one)} | {math.ceil(cores)} |")
    limit = math.ceil(student_rss * 1.25 / 128) * 128
    guarantee = math.ceil(one_kernel * 1.25 / 128) * 128
    lines += [
        "",
        f"Per-student limits: `mem_limit` {limit} MB (all five kernels, RSS, plus 25%), "
        f"`mem_guarantee` {guarantee} MB (server and one kernel plus 25%), `cpu_limit` 1, "
        "`cpu_guarantee` "
        f"{max(0.05, round(heaviest / RUN_ALL_WAIT_S, 2))} (one Run All within "
        f"{RUN_ALL_WAIT_S} s when every core is shared).",
        "",
    ]
    return "\n".join(lines)


def log_counts(log: Path) -> dict[str, int]:
    """Count kernel port clashes and kernel restarts in the hub's log (servers log there too)."""
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    return {
        "port_clashes": text.count("Address already in use (addr="),
        "kernel_restarts": text.count("KernelRestarter: restarting kernel"),
    }


def main() -> int:
    """Run the benchmark; write build/hub-bench.md; exit 1 if any student failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=16, help="how many at once (default 16)")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "hub-bench.md")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the report from the saved raw figures"
    )
    args = parser.parse_args()
    raw = args.out.with_suffix(".json")
    if args.report_only:
        saved = json.loads(raw.read_text(encoding="utf-8"))
        students = {s["name"]: Student(**s) for s in saved["students"]}
        totals = Totals(**{**saved["totals"], **log_counts(args.out.with_suffix(".log"))})
        args.out.write_text(report(list(students.values()), totals))
        return 1 if any(s.failures for s in students.values()) else 0
    need_gb = args.students * 0.9 + 1
    free_gb = psutil.virtual_memory().available / 1024**3
    if free_gb < need_gb:
        sys.exit(f"{args.students} students need about {need_gb:.0f} GB free; {free_gb:.0f} GB is")
    names = [f"student{i:02d}" for i in range(1, args.students + 1)]
    students = {name: Student(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        upstream = make_upstream(Path(tmp) / "upstream" / "turkic-nato.git", BRANCH)
        with local_hub(Path(tmp) / "hub", pull_repos=[str(upstream)]) as hub:
            load_before = os.getloadavg()[0]
            sampler = Sampler(hub.pid, students)
            sampler.start()
            wall_s = asyncio.run(Class(hub, upstream, students, sampler).run())
            time.sleep(2)  # one more sample with every kernel still running
            sampler.stopped.set()
            sampler.join()
            hub_process = psutil.Process(hub.pid)
            proxies = [p for p in hub_process.children() if "JUPYTERHUB_USER" not in p.environ()]
            hub_cpu = cpu_s(hub_process) + sum(cpu_s(p) for p in proxies)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(hub.log, args.out.with_suffix(".log"))  # the hub's and servers' own account
    when = f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"
    totals = Totals(
        sampler.hub_rss,
        sampler.proxy_rss,
        sampler.machine_pss,
        wall_s,
        when,
        load_before,
        hub_cpu,
        **log_counts(args.out.with_suffix(".log")),
    )
    saved = {"students": [asdict(s) for s in students.values()], "totals": asdict(totals)}
    raw.write_text(json.dumps(saved, indent=1), encoding="utf-8")
    text = report(list(students.values()), totals)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 1 if any(s.failures for s in students.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
