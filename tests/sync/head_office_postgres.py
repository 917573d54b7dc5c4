# Head office moved to PostgreSQL the way the README tells a council to: the real soundings-hub, soundings-sync
# and soundings-loadgen on loopback and a throwaway PostgreSQL cluster of this test's own. A SQLite hub, a kiosk
# enrolled and synced, a SQLite backup restored, `migrate`, two hubs on the database (key file copied; a missing
# or wrong key refused), the device syncing through one then the other, PostgreSQL halted and resumed under
# the running hubs, pg_dump restored; head office's export must hold exactly the device's response ids.
import argparse
import csv
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request

P = argparse.ArgumentParser()
P.add_argument("--hub", required=True)
P.add_argument("--sync", required=True)
P.add_argument("--loadgen", required=True)
P.add_argument("--cluster", required=True, help="tests/support/postgres-cluster.sh")
P.add_argument("--assets", required=True)
ARGS = P.parse_args()

PG_BIN = "/usr/lib/postgresql/15/bin"
CONSULTATION = "library-opening-hours"
SYNC_OK, SYNC_WAITING = 0, 75
FAILURES = []


def check(condition, what):
    print(("ok:   " if condition else "FAIL: ") + what, flush=True)
    if not condition:
        FAILURES.append(what)
    return condition


def run(*cmd, expect=0, env=None, timeout=60):
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=timeout)
    if expect is not None and done.returncode != expect:
        raise AssertionError(f"{' '.join(map(str, cmd))}: exit {done.returncode}, expected {expect}\n"
                             f"{done.stdout}{done.stderr}")
    return done


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hubs:
    """Every `soundings-hub serve` this test starts, so that all are stopped whatever happens."""

    def __init__(self, work):
        self.work, self.running = work, {}

    def serve(self, name, data, database=None, port=None):
        port = port or free_port()
        cmd = [ARGS.hub, "serve", "--data", data, "--listen", f"127.0.0.1:{port}"]
        cmd += ["--database", database] if database else []
        log = open(os.path.join(self.work, name + ".log"), "w")
        self.running[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/api/v1/health", timeout=1)
                return url
            except OSError:
                if self.running[name].poll() is not None:
                    raise AssertionError(f"hub {name} exited {self.running[name].returncode}: see {log.name}")
                time.sleep(0.05)
        raise AssertionError(f"hub {name} did not answer on {url}")

    def stop(self, name):
        process = self.running.pop(name)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self):
        for name in list(self.running):
            self.stop(name)


def sync(device, hub=None, expect=SYNC_OK):
    return run(ARGS.sync, "--data", device, "--once", *(["--hub", hub] if hub else []), expect=expect)


def take_responses(device, count, seed):
    run(ARGS.loadgen, "--data", device, "--consultation",
        os.path.join(ARGS.assets, "consultations", CONSULTATION + ".json"), "--count", count, "--seed", seed)


def device_ids(device):
    with sqlite3.connect(f"file:{device}/device.sqlite?mode=ro", uri=True) as db:
        return {row[0] for row in db.execute("SELECT id FROM responses")}


def exported_ids(data, work, database=None):
    out = os.path.join(work, f"export-{time.monotonic_ns()}.csv")
    run(ARGS.hub, "export", "--data", data, *(["--database", database] if database else []),
        "--consultation", CONSULTATION, "--format", "csv", "--output", out)
    with open(out, encoding="utf-8-sig", newline="") as f:
        return {row["id"] for row in csv.DictReader(f)}


def stored_total(data, database=None):
    text = run(ARGS.hub, "status", "--data", data, *(["--database", database] if database else [])).stdout
    return int(text.split("total: ", 1)[1].split()[0])


def enrol_kiosk(hub_data, hub_url, device):
    code = run(ARGS.hub, "enrol-code", "--data", hub_data, "--name", "Wrexham Library kiosk").stdout.split()[-1]
    run(ARGS.sync, "--data", device, "--enrol", hub_url, code, "--name", "Wrexham Library kiosk")
    sync(device)  # the published consultation


def sqlite_backup_restores(hub_data, work):
    """`soundings-hub backup` while the hub serves; the README's restore steps give back the same responses."""
    backup = os.path.join(work, "hub-backup.sqlite")
    printed = run(ARGS.hub, "backup", "--data", hub_data, "--output", backup).stdout
    check(stat.S_IMODE(os.stat(backup).st_mode) == 0o600, "the SQLite backup is readable by its owner only")
    check("hub-keys.json" in printed, "the backup names the key file it does not hold")
    restored = os.path.join(work, "restored-hub")
    os.makedirs(restored)
    shutil.copy(backup, os.path.join(restored, "hub.sqlite"))
    shutil.copy(os.path.join(hub_data, "hub-keys.json"), os.path.join(restored, "hub-keys.json"))
    check(exported_ids(restored, work) == exported_ids(hub_data, work),
          "the restored SQLite backup exports exactly the hub's response ids")


def make_database(cluster_dir, name):
    """As the README's PostgreSQL administrator: the role (once) and a database it owns."""
    admin = ["-h", cluster_dir, "-U", "postgres"]
    if name == "soundings":
        run(f"{PG_BIN}/createuser", *admin, "soundings")
    run(f"{PG_BIN}/createdb", *admin, "-O", "soundings", "-E", "UTF8", name)
    return f"postgresql://soundings@/{name}?host={cluster_dir}"


def second_hub_needs_the_key(hubs, first_data, database, work):
    """A hub with no key file, or another hub's, refuses the database; with a copy of the first one's it serves."""
    second = os.path.join(work, "hub-b")
    os.makedirs(second)
    refused = run(ARGS.hub, "serve", "--data", second, "--listen", f"127.0.0.1:{free_port()}",
                  "--database", database, expect=1, timeout=20)
    check("copy hub-keys.json" in refused.stderr, "a hub with no key file is told to copy the first hub's")
    other = os.path.join(work, "other-hub")
    run(ARGS.hub, "publish", "--data", other, os.path.join(ARGS.assets, "consultations", CONSULTATION + ".json"))
    shutil.copy(os.path.join(other, "hub-keys.json"), os.path.join(second, "hub-keys.json"))
    wrong = run(ARGS.hub, "serve", "--data", second, "--listen", f"127.0.0.1:{free_port()}",
                "--database", database, expect=1, timeout=20)
    check("different key pair" in wrong.stderr, "a hub holding another key pair refuses to start")
    shutil.copy(os.path.join(first_data, "hub-keys.json"), os.path.join(second, "hub-keys.json"))
    os.chmod(os.path.join(second, "hub-keys.json"), 0o600)
    return hubs.serve("b", second, database)


def migrate(hub_data, database):
    moved = run(ARGS.hub, "migrate", "--data", hub_data, "--to", database)
    check("copied and checked" in moved.stdout, "migrate copies the SQLite hub and checks every table")
    again = run(ARGS.hub, "migrate", "--data", hub_data, "--to", database, expect=2)
    check("empty database only" in again.stderr, "a second migrate into the same database is refused")


def halt_and_resume(cluster_dir, device, url_a, url_b):
    """PostgreSQL stops under both hubs; nothing is acknowledged; once it is back each hub serves at once."""
    run(ARGS.cluster, "halt", cluster_dir)
    take_responses(device, 10, 5)
    down = sync(device, url_a, expect=SYNC_WAITING)
    check("503" in down.stdout + down.stderr, "with PostgreSQL down the hub answers 503 and the device keeps its responses")
    run(ARGS.cluster, "resume", cluster_dir)
    sync(device, url_a)
    take_responses(device, 10, 6)
    sync(device, url_b)


def pg_dump_restores(cluster_dir, database, hub_data, work):
    dump = os.path.join(work, "soundings.dump")
    refused = run(ARGS.hub, "backup", "--data", hub_data, "--database", database,
                  "--output", os.path.join(work, "pg.sqlite"), expect=2)
    check("pg_dump" in refused.stderr, "soundings-hub backup refuses a PostgreSQL hub and points to pg_dump")
    run(f"{PG_BIN}/pg_dump", "-Fc", f"--file={dump}", database)
    restored = make_database(cluster_dir, "soundings_restored")
    run(f"{PG_BIN}/pg_restore", "--exit-on-error", "--single-transaction", "--no-owner", f"--dbname={restored}", dump)
    return restored


def walk(work, cluster_dir, hubs):
    hub_a, device = os.path.join(work, "hub-a"), os.path.join(work, "kiosk")
    run(ARGS.hub, "publish", "--data", hub_a, os.path.join(ARGS.assets, "consultations", CONSULTATION + ".json"))
    url_sqlite = hubs.serve("sqlite", hub_a)
    enrol_kiosk(hub_a, url_sqlite, device)
    take_responses(device, 30, 1)
    sync(device)
    sqlite_backup_restores(hub_a, work)
    hubs.stop("sqlite")  # nothing may arrive after the copy begins

    run(ARGS.cluster, "start", cluster_dir)
    database = make_database(cluster_dir, "soundings")
    migrate(hub_a, database)
    # The same machine and address as before the move, so the kiosk's enrolled hub URL still reaches it.
    url_a = hubs.serve("a", hub_a, database, port=int(url_sqlite.rsplit(":", 1)[1]))
    url_b = second_hub_needs_the_key(hubs, hub_a, database, work)
    take_responses(device, 20, 2)
    sync(device)  # its enrolled address: hub a
    take_responses(device, 20, 3)
    sync(device, url_b)
    take_responses(device, 20, 4)
    sync(device, url_a)
    halt_and_resume(cluster_dir, device, url_a, url_b)

    expected = device_ids(device)
    check(len(expected) == 110, f"the device took 110 responses ({len(expected)})")
    check(exported_ids(hub_a, work, database) == expected, "head office's export holds exactly the device's response ids")
    check(stored_total(hub_a, database) == len(expected), "status counts each response once")
    restored = pg_dump_restores(cluster_dir, database, hub_a, work)
    check(exported_ids(hub_a, work, restored) == expected, "the database restored from pg_dump holds the same ids")


def main():
    if not os.access(f"{PG_BIN}/initdb", os.X_OK):
        print("skipped: PostgreSQL 15 (Debian's postgresql-15) is not installed")
        return 77
    work = tempfile.mkdtemp(prefix="soundings-head-office-")
    cluster_dir = f"/tmp/sd-ho-{os.getpid()}"
    hubs = Hubs(work)
    started = time.monotonic()
    try:
        walk(work, cluster_dir, hubs)
    except (AssertionError, subprocess.TimeoutExpired) as e:
        FAILURES.append(str(e))
        print(f"FAIL: {e}", flush=True)
    finally:
        hubs.stop_all()
        subprocess.run([ARGS.cluster, "stop", cluster_dir], capture_output=True)
        if not FAILURES:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{time.monotonic() - started:.1f} s; " + (f"{len(FAILURES)} failure(s), files kept in {work}"
                                                      if FAILURES else "all checks passed"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
