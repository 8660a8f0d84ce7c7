"""A PostgreSQL primary and a hot standby on this machine, for the failover test.

`Cluster` runs `initdb` for a primary (wal_level=replica, synchronous_commit=on and
synchronous_standby_names='standby', so a commit is acknowledged only once the standby has it),
`pg_basebackup -R` for a standby that streams from it as `standby`, and starts both with
`pg_ctl -w` on spare ports, listening on 127.0.0.1 alone, their sockets and logs in a temporary
folder. `kill_primary()` sends SIGKILL to the primary's postmaster, `promote()` makes the standby
the primary; leaving the `with` block stops every server and removes the folder, whatever happened
inside it. PostgreSQL refuses to run as root: as root, the programs run as the `postgres` user
(`runuser`), which owns the folder."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import psycopg

#: the programs the cluster runs
PROGRAMS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
#: the operating-system user PostgreSQL runs as when the tests run as root
OS_USER = "postgres"
#: the database superuser `initdb` creates (the same whoever runs it)
SUPERUSER = "postgres"
#: seconds `pg_ctl` and the waits below allow
WAIT = 60


def bin_dir() -> Path | None:
    """$HIFAZAT_PG_BIN, else `pg_config --bindir`, else the newest /usr/lib/postgresql/N/bin,
    else where `initdb` is on the PATH: the first that holds `initdb`."""
    candidates: list[Path] = []
    if explicit := os.environ.get("HIFAZAT_PG_BIN"):
        return Path(explicit)
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            found = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            )
            candidates.append(Path(found.stdout.strip()))
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versions, key=lambda p: _version(p.parent.name), reverse=True)
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    return next((c for c in candidates if (c / "initdb").is_file()), None)


def _version(name: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in name.split("."))
    except ValueError:
        return (-1,)


def skip_reason() -> str | None:
    """Why a cluster cannot be started here, or None when it can."""
    where = bin_dir()
    if where is None:
        return "no PostgreSQL server programs (initdb) found; set HIFAZAT_PG_BIN"
    absent = [p for p in PROGRAMS if not os.access(where / p, os.X_OK)]
    if absent:
        return f"PostgreSQL programs missing from {where}: {', '.join(absent)}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OS_USER)
        except KeyError:
            return f"running as root, and there is no {OS_USER!r} user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return f"running as root, and no `runuser` to run PostgreSQL as {OS_USER!r}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Node:
    name: str
    data: Path
    port: int
    log: Path

    def postmaster_pid(self) -> int | None:
        """The running postmaster's pid (postmaster.pid's first line), or None."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if _alive(pid) else None

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )


class Cluster:
    """A primary and a synchronous hot standby; see the module's docstring."""

    def __init__(self) -> None:
        reason = skip_reason()
        if reason is not None:
            raise RuntimeError(reason)
        found = bin_dir()
        assert found is not None
        self.bin = found
        self.root = Path()
        self.primary: Node
        self.standby: Node
        self._orphans: set[int] = set()  # the killed primary's processes
        self._ours: set[int] = set()  # every server process seen, to reap once it exits
        self._was_subreaper = False

    # --- the cluster's life --------------------------------------------------------------------
    def __enter__(self) -> Cluster:
        self.root = Path(tempfile.mkdtemp(prefix="hifazat-pgcluster-"))
        self._was_subreaper = _subreaper(True)
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._stop()

    def _start(self) -> None:
        if os.geteuid() == 0:
            user = pwd.getpwnam(OS_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self.root.chmod(0o700)
        self.primary = self._node("primary")
        self.standby = self._node("standby")
        while self.standby.port == self.primary.port:
            self.standby.port = free_port()

        self._run(
            "initdb", "-D", str(self.primary.data), "-U", SUPERUSER, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        self._configure(
            self.primary,
            wal_level="replica",
            max_wal_senders="5",
            hot_standby="on",
            synchronous_commit="on",
            synchronous_standby_names="'standby'",
        )
        (self.primary.data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all all 127.0.0.1/32 trust\n"
            "host replication all 127.0.0.1/32 trust\n"
        )
        self._pg_ctl(self.primary, "start", "-l", str(self.primary.log))

        conninfo = (
            f"host=127.0.0.1 port={self.primary.port} user={SUPERUSER} application_name=standby"
        )
        self._run(
            "pg_basebackup", "-D", str(self.standby.data), "-R", "-X", "stream",
            "-c", "fast", "--no-sync", "-d", conninfo,
        )  # fmt: skip
        # The standby's configuration is a copy of the primary's: once promoted, it has no
        # standby of its own to wait for.
        self._configure(self.standby, synchronous_standby_names="''")
        self._pg_ctl(self.standby, "start", "-l", str(self.standby.log))
        self._wait_for_sync()

    def _node(self, name: str) -> Node:
        return Node(name, self.root / name, free_port(), self.root / f"{name}.log")

    def _configure(self, node: Node, **settings: str) -> None:
        """Appends settings to the node's postgresql.conf (the last of a name wins)."""
        common = {
            "port": str(node.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.root}'",
            "cluster_name": f"'{node.name}'",
            "fsync": "on",
        }
        lines = [f"{name} = {value}" for name, value in {**common, **settings}.items()]
        with (node.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# tests/pgcluster.py\n" + "\n".join(lines) + "\n")

    def _wait_for_sync(self) -> None:
        """Until the primary counts the standby as its synchronous standby."""
        deadline = time.monotonic() + WAIT
        state = None
        while time.monotonic() < deadline:
            with self.primary.connect() as c:
                row = c.execute(
                    "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'"
                ).fetchone()
            state = row[0] if row else None
            if state == "sync":
                return
            time.sleep(0.1)
        raise RuntimeError(f"the standby is not synchronous (state {state!r}){self._logs()}")

    def _stop(self) -> None:
        """Stops whatever still runs (immediately: nothing here need survive) and removes the
        folder; never raises for a server already gone."""
        for node in (getattr(self, "standby", None), getattr(self, "primary", None)):
            if node is not None and (pid := node.postmaster_pid()) is not None:
                self._ours |= {pid, *_children(pid)}
                with contextlib.suppress(Exception):
                    self._pg_ctl(node, "stop", "-m", "immediate")
        self._reap_orphans(timeout=5)
        _reap(self._ours | self._orphans, timeout=5)
        _subreaper(self._was_subreaper)
        if self.root != Path() and self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)

    # --- what a test does to it ------------------------------------------------------------------
    def kill_primary(self) -> None:
        """SIGKILL to the primary's postmaster, as a crash would. Its backends notice their
        postmaster is gone and exit on their own; any still there after a few seconds are
        killed too, so that nothing of the old primary lingers."""
        pid = self.primary.postmaster_pid()
        if pid is None:
            raise RuntimeError(f"the primary is not running{self._logs()}")
        self._orphans |= _children(pid)
        self._ours |= {pid, *self._orphans}
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        self._reap_orphans(timeout=10)

    def promote(self) -> None:
        """Promotes the standby, returning once it accepts writes."""
        self._pg_ctl(self.standby, "promote")
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with self.standby.connect() as c:
                row = c.execute("SELECT pg_is_in_recovery()").fetchone()
            if row is not None and row[0] is False:
                return
            time.sleep(0.05)
        raise RuntimeError(f"the standby did not leave recovery{self._logs()}")

    def url(self, database: str, *nodes: Node) -> str:
        """A SQLAlchemy URL naming `nodes` (both, primary first, unless given) with
        target_session_attrs=read-write: libpq connects to the first that accepts writes."""
        hosts = "&".join(f"host=127.0.0.1:{n.port}" for n in nodes or (self.primary, self.standby))
        return (
            f"postgresql+psycopg://{SUPERUSER}@/{database}?{hosts}"
            "&target_session_attrs=read-write&connect_timeout=5"
        )

    # --- running the programs ------------------------------------------------------------------
    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", OS_USER, "--", *command]
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=WAIT + 30,
            cwd=self.root,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{program} {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout}{done.stderr}{self._logs()}"
            )

    def _pg_ctl(self, node: Node, action: str, *args: str) -> None:
        self._run("pg_ctl", action, "-D", str(node.data), "-w", "-t", str(WAIT), *args)

    def _logs(self) -> str:
        tails = []
        for log in sorted(self.root.glob("*.log")) if self.root != Path() else []:
            with contextlib.suppress(OSError):
                tails.append(f"\n--- {log.name}\n" + "\n".join(log.read_text().splitlines()[-20:]))
        return "".join(tails)

    def _reap_orphans(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while any(_alive(p) for p in self._orphans) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in self._orphans:
            if _alive(pid) and _is_postgres(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self._orphans = {p for p in self._orphans if _alive(p)}


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for a parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _subreaper(on: bool) -> bool:
    """Makes this process the reaper of its orphaned descendants (Linux's
    PR_SET_CHILD_SUBREAPER), so that the servers `pg_ctl` leaves behind, and the killed
    primary's backends, are reaped here rather than left as zombies where the machine's first
    process reaps nothing (as in some containers); returns the setting before."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        before = ctypes.c_int(0)
        libc.prctl(_PR_GET_CHILD_SUBREAPER, ctypes.byref(before), 0, 0, 0)
        libc.prctl(_PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0)
        return bool(before.value)
    except (OSError, AttributeError):
        return False


_PR_SET_CHILD_SUBREAPER = 36
_PR_GET_CHILD_SUBREAPER = 37


def _reap(pids: set[int], timeout: float) -> None:
    """Waits for those of `pids` that are this process's children (see `_subreaper`)."""
    waiting = set(pids)
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        for pid in list(waiting):
            try:
                if os.waitpid(pid, os.WNOHANG)[0] != 0:
                    waiting.discard(pid)
            except ChildProcessError:  # not ours to reap (or reaped already)
                waiting.discard(pid)
        if waiting:
            time.sleep(0.02)


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (from /proc; empty where there is none)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
    return found


def _is_postgres(pid: int) -> bool:
    """Still a PostgreSQL process (not another one given a freed pid)."""
    try:
        return b"postgres" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
