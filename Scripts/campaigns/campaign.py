"""What every campaign in Scripts/campaigns/ shares: the vigil binary, a scratch folder whose processes
are always stopped, the stores it works on, free ports, API users, process measurements, the store's
integrity check, and the one-line verdict each campaign ends with (PASS or FAIL, exit 0 or 1).

A campaign's stores are SQLite files in its folder, or, with $CAMPAIGN_POSTGRES set to the address of a
PostgreSQL database whose user may create databases (`postgres://vigil@127.0.0.1:PORT/postgres`, what
Scripts/pg-cluster.sh start prints), databases of their own on that server, dropped when it ends, with an
audit key of the campaign's own in $VIGIL_AUDIT_KEY unless one is named already.

Standard library only, so that a campaign runs wherever Vigil builds."""

import glob
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def vigil_binary():
    """$VIGIL_BIN, else a release build of vigil (built when missing or stale)."""
    if os.environ.get("VIGIL_BIN"):
        return os.path.abspath(os.environ["VIGIL_BIN"])
    subprocess.run(["swift", "build", "-c", "release", "--product", "vigil"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "vigil")


def free_port():
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def verdict(name, failures, summary):
    """Prints the campaign's one line, and exits 1 when anything failed."""
    if failures:
        print(f"FAIL: {name}: {'; '.join(failures[:5])}" + (f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""))
        sys.exit(1)
    print(f"PASS: {name}: {summary}")
    sys.exit(0)


class Campaign:
    """A scratch folder and the processes started in it; leaving the `with` block kills every process
    still running and removes the folder."""

    def __init__(self, name, seed=None):
        self.name = name
        self._vigil = None
        self.folder = tempfile.mkdtemp(prefix=f"vigil-{name}-")
        self.processes = []
        self.postgres = os.environ.get("CAMPAIGN_POSTGRES")
        self.databases = []
        if self.postgres and not (os.environ.get("VIGIL_AUDIT_KEY") or os.environ.get("VIGIL_AUDIT_KEY_FILE")):
            # Every process on a PostgreSQL store names the same audit key; the campaign's own, for its processes.
            os.environ["VIGIL_AUDIT_KEY"] = os.urandom(32).hex()
        self.seed = int(os.environ.get("CAMPAIGN_SEED", seed if seed is not None else time.time_ns() % 1_000_000))
        self.random = random.Random(self.seed)

    @property
    def vigil(self):
        """The vigil binary, built on first use."""
        if self._vigil is None:
            self._vigil = vigil_binary()
        return self._vigil

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        for database in self.databases:
            psql(self.postgres, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        subprocess.run(["rm", "-rf", self.folder])
        return False

    @property
    def store_kind(self):
        """"PostgreSQL" or "SQLite": what the campaign's stores are."""
        return "PostgreSQL" if self.postgres else "SQLite"

    def store(self, name):
        """A new, empty store for the campaign: a SQLite file in its folder, or a database of its own on
        $CAMPAIGN_POSTGRES's server."""
        if not self.postgres:
            return self.path(f"{name}.sqlite")
        database = f"vigil_campaign_{self.name}_{name}_{os.getpid()}".replace("-", "_")
        psql(self.postgres, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        psql(self.postgres, f'CREATE DATABASE "{database}"')
        self.databases.append(database)
        return self.postgres.rsplit("/", 1)[0] + "/" + database

    def sleep(self):
        """A short random pause (10–60 ms) between polls, so that kills land at varied moments."""
        time.sleep(self.random.uniform(0.01, 0.06))

    def sleep_between(self, low, high):
        """A random pause between `low` and `high` seconds."""
        time.sleep(self.random.uniform(low, high))

    def path(self, name):
        """A file in the scratch folder."""
        return os.path.join(self.folder, name)

    def run(self, *args, check=True, **kwargs):
        """Runs vigil to its end, in the scratch folder (where files it names relative to its working
        directory, such as a PostgreSQL store's audit checkpoint, land); its output as text."""
        result = subprocess.run([self.vigil, *args], capture_output=True, text=True, cwd=self.folder, **kwargs)
        if check and result.returncode != 0:
            raise RuntimeError(f"vigil {' '.join(args)} exited {result.returncode}: {result.stderr.strip()[-500:]}")
        return result

    def start(self, *args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=None):
        """Starts vigil in the background, in the scratch folder; it is killed when the campaign ends."""
        process = subprocess.Popen([self.vigil, *args], stdout=stdout, stderr=stderr, env=env, cwd=self.folder)
        self.processes.append(process)
        return process

    def serve(self, db, *args, stderr=subprocess.DEVNULL):
        """Starts `vigil serve` on a free port and waits for /healthz; (process, base URL)."""
        port = free_port()
        process = self.start("serve", "--db", db, "--port", str(port), *args, stderr=stderr)
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: http_ok(base + "/healthz"), 30, f"vigil serve on {base}")
        return process, base

    def stub(self, *args):
        """Starts `vigil intel-stub` on a free port; (process, base URL)."""
        port = free_port()
        process = self.start("intel-stub", "--port", str(port), *args)
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: http_ok(base + "/_log"), 30, f"the stub on {base}")
        return process, base

    def token(self, db, name, role):
        """Adds an API user and returns its token."""
        return json.loads(self.run("user", "add", "--db", db, name, "--role", role, "--json").stdout)["token"]

    def integrity(self, db):
        """`vigil integrity` on the store: a list of what is wrong (empty when nothing is)."""
        result = self.run("integrity", "--db", db, check=False)
        if result.returncode == 0:
            return []
        return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()] or [f"exit {result.returncode}"]


def http_ok(url):
    """True when a GET answers 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 300
    except OSError:
        return False


def wait_until(condition, seconds, what):
    """Polls until `condition()` holds; raises after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def psql(address, sql):
    """Runs one statement with PostgreSQL's psql; its first value as text ("" when none)."""
    binary = (sorted(glob.glob("/usr/lib/postgresql/*/bin/psql")) or ["psql"])[-1]
    result = subprocess.run([binary, address, "-XtAq", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"psql: {result.stderr.strip()[-300:]}")
    return result.stdout.split("\n")[0]


def query(db, sql):
    """One value from a store: a SQLite database, read beside a live writer (WAL), or a PostgreSQL one."""
    if db.startswith("postgres://"):
        value = psql(db, sql)
        return int(value) if value.lstrip("-").isdigit() else value
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
        return connection.execute(sql).fetchone()[0]


def kill9(process):
    """SIGKILL, and reap."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


def rss_mib(pid):
    """Resident memory of a process in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def open_files(pid):
    """Open file descriptors of a process."""
    return len(os.listdir(f"/proc/{pid}/fd"))
