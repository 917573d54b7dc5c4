# The whole loop as residents and staff meet it: a real hub on loopback serving HTTPS with a certificate from the
# council's own CA, a device enrolled with the documented commands, the real kiosk window (given the CA file) with
# its own sync thread on the same data folder, responses tapped with real X input in English and in Welsh, then
# read back from `soundings-hub export`, and the staff screen showing them sent.
import argparse
import csv
import io
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request

from kiosk_driver import Checks, Kiosk, run_main

P = argparse.ArgumentParser()
P.add_argument("--kiosk", required=True)
P.add_argument("--hub", required=True)
P.add_argument("--sync", required=True)
P.add_argument("--assets", required=True)
P.add_argument("--work", required=True)
P.add_argument("--fbdir", required=True)
P.add_argument("--shots", required=True)
ARGS = P.parse_args()

CONSULTATION = "library-opening-hours"
PIN = "5093"
check = Checks()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*cmd, **kw):
    return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, text=True, **kw).stdout


def exported(hub_data):
    text = run(ARGS.hub, "export", "--data", hub_data, "--consultation", CONSULTATION, "--format", "csv")
    return list(csv.DictReader(io.StringIO(text)))


def make_council_ca(folder):
    """A council CA and a hub certificate for 127.0.0.1 signed by it, as a council's IT would issue."""
    ca_key, ca_crt = os.path.join(folder, "ca.key"), os.path.join(folder, "council-ca.pem")
    key, csr, crt = (os.path.join(folder, n) for n in ("hub.key", "hub.csr", "hub.pem"))
    ext = os.path.join(folder, "hub.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run("openssl", "req", "-x509", *ec, "-keyout", ca_key, "-out", ca_crt, "-days", "2", "-subj", "/CN=Council test CA")
    run("openssl", "req", "-new", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    run("openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial", "-out", crt,
        "-days", "2", "-extfile", ext)
    return ca_crt, crt, key


def take_part(k, lang):
    """A resident: chooses a language, answers two questions, goes to the end and submits."""
    k.tap("lang:" + lang)
    k.tap("card:" + CONSULTATION)
    k.tap("start")
    k.tap("option:library_used:wrexham")
    k.tap("option:hours_feeling:happy")
    for _ in range(12):
        if k.doc["screen"] == "review":
            break
        k.tap("next")
    check(k.doc["screen"] == "review", f"{lang}: the review screen after the last page")
    k.shot(f"loop-review-{lang}")
    k.tap("submit")
    k.wait(lambda d: d["screen"] == "thanks", "the thank-you screen")
    thanked = time.monotonic()
    k.settle(k.frame() - 1)
    k.shot(f"loop-thanks-{lang}")
    k.tap("finish")
    return thanked


def main():
    shutil.rmtree(ARGS.work, ignore_errors=True)
    hub_data, data = os.path.join(ARGS.work, "hub"), os.path.join(ARGS.work, "kiosk")
    os.makedirs(hub_data)
    os.makedirs(ARGS.shots, exist_ok=True)
    run(ARGS.hub, "publish", "--data", hub_data, os.path.join(ARGS.assets, "consultations", CONSULTATION + ".json"))
    ca, cert, key = make_council_ca(ARGS.work)
    port = free_port()
    url = f"https://127.0.0.1:{port}"
    hub_log = open(os.path.join(ARGS.work, "hub.log"), "w")
    hub = subprocess.Popen([ARGS.hub, "serve", "--data", hub_data, "--listen", f"127.0.0.1:{port}",
                            "--tls-cert", cert, "--tls-key", key], stdout=hub_log, stderr=subprocess.STDOUT)
    tls = ssl.create_default_context(cafile=ca)
    k = None
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/api/v1/health", timeout=1, context=tls)
                break
            except OSError:
                time.sleep(0.1)
        # Enrolment exactly as the README tells staff to do it.
        code = run(ARGS.hub, "enrol-code", "--data", hub_data, "--name", "Loop kiosk").strip().splitlines()[-1]
        run(ARGS.sync, "--data", data, "--enrol", url, code, "--name", "Loop kiosk", "--ca-file", ca)
        run(ARGS.kiosk, "--data", data, "--set-pin", input=PIN + "\n")
        check(sorted(f for f in os.listdir(data) if not f.endswith(("-wal", "-shm"))) == ["device.sqlite"],
              f"one store file in the data folder (found {os.listdir(data)})")

        # No --consultations: whatever the kiosk offers came from head office through its own sync thread.
        k = Kiosk(ARGS.kiosk, ARGS.work, data, None, "cy", ["--ca-file", ca], fbdir=ARGS.fbdir, shots=ARGS.shots)
        k.wait(lambda d: any(t["name"] == "card:" + CONSULTATION for t in d["targets"]),
               "head office's consultation on the attract screen", timeout=60)
        k.settle(k.frame() - 1)
        k.shot("loop-attract-cy")

        thanked = {lang: take_part(k, lang) for lang in ("en", "cy")}
        deadline = time.monotonic() + 60
        rows = []
        while time.monotonic() < deadline:
            rows = exported(hub_data)
            if len(rows) >= 2:
                break
            time.sleep(0.2)
        arrived = time.monotonic()
        check(len(rows) == 2, f"both responses in head office's export (found {len(rows)})")
        check(sorted(r.get("language") for r in rows) == ["cy", "en"], f"one in each language: {[r.get('language') for r in rows]}")
        check(all(r.get("channel") == "kiosk" for r in rows), "recorded as kiosk responses")
        print(f"loop: the Welsh response reached the export {arrived - thanked['cy']:.1f} s after its thank-you screen",
              flush=True)

        # Staff: long press in the corner, the PIN, and the counts.
        k.long_press_at(20, 20, 3.6)
        k.wait(lambda d: d["screen"] == "staff_pin", "the PIN pad")
        k.settle(k.frame() - 1)
        for digit in PIN:
            k.tap("pin:" + digit)
        k.tap("pin:ok")
        k.wait(lambda d: d["screen"] == "staff", "the staff screen")
        staff = k.wait(lambda d: d.get("staff", {}).get("counts_known"), "the staff counts")["staff"]
        k.settle(k.frame() - 1)
        k.shot("loop-staff-cy")
        check(staff["sent"] == 2 and staff["waiting"] == 0, f"the staff screen shows both sent, none waiting: {staff}")
        check(staff["sync_state"] == "online", f"the staff screen shows the kiosk online: {staff}")
        k.tap("staff:exit")
        k.tap("exit:close")  # Exit asks first
        k.proc.wait(timeout=15)
        check(k.proc.returncode == 0, "staff exit ends the kiosk with status 0")
    finally:
        if k:
            k.close()
        hub.terminate()
        hub.wait(timeout=15)
        hub_log.close()

    return check.report("whole loop", f"; hub log in {ARGS.work}/hub.log")


if __name__ == "__main__":
    run_main(main)
