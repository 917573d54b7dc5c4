# Field mode as a council runs it: head office publishes, adds two officers, imports a walk list and assigns it to
# a tablet enrolled with the documented commands; the real tablet (soundings-kiosk --field under Xvfb, its own sync
# thread on the same data folder) is signed in to and worked with real X input: a come-back with a note, a door
# not home, a survey read out with an interpreter. Head office's visits, response export, coverage and field
# overview are then read back; an officer disabled and the list unassigned must leave the tablet with no trace of
# the list (a canary address, UPRN and note looked for in every file, byte by byte) and the officer not offered.
import argparse
import csv
import io
import json
import os
import shutil
import socket
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
LIST = "Gwersyllt north"
OFFICER, OFFICER_PIN = "ana.jones", "246810"
OTHER, OTHER_PIN = "bryn.evans", "135790"
CANARY_ADDRESS, CANARY_UPRN, CANARY_NOTE = "CANARY-ADDR-Q7", "770077007701", "CANARY-NOTE-Z9"
NOT_HOME_UPRN, SURVEY_UPRN = "770077007702", "770077007703"
DOORS = f"""uprn,address,street,postcode,ward
{CANARY_UPRN},{CANARY_ADDRESS} 3 Stryd y Prawf,Stryd y Prawf,LL11 9ZZ,Gwersyllt
{NOT_HOME_UPRN},5 Stryd y Prawf,Stryd y Prawf,LL11 9ZZ,Gwersyllt
{SURVEY_UPRN},"Tŷ Gwyn, 1 Ffordd Llanfair",Ffordd Llanfair,LL11 4AB,Gwersyllt
770077007704,2 Ffordd Llanfair,Ffordd Llanfair,LL11 4AB,Gwersyllt
"""
CANARIES = [s.encode() for s in (CANARY_ADDRESS, CANARY_UPRN, CANARY_NOTE)]
check = Checks()
STARTED = time.monotonic()


def say(what):
    print(f"field loop {time.monotonic() - STARTED:5.1f} s: {what}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*cmd, stdin=None):
    return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, text=True, input=stdin).stdout


def hub(command, *args, stdin=None):
    return run(ARGS.hub, command, "--data", HUB_DATA, *args, stdin=stdin)


def hub_sub(command, sub, *args, stdin=None):
    return run(ARGS.hub, command, sub, "--data", HUB_DATA, *args, stdin=stdin)


def poll(fetch, done, what, timeout):
    """fetch() until done(result), for at most `timeout` seconds; returns the last result."""
    end = time.monotonic() + timeout
    result = fetch()
    while not done(result) and time.monotonic() < end:
        time.sleep(0.25)
        result = fetch()
    check(done(result), f"{what} within {timeout} s")
    return result


def visits():
    return list(csv.DictReader(io.StringIO(hub("visits", "--format", "csv"))))


def responses(fmt):
    return hub("export", "--consultation", CONSULTATION, "--format", fmt)


def head_office(url_port):
    """Step 1: a consultation, two officers, a walk list; the tablet enrolled as a field tablet, the list on it."""
    hub_sub("staff", "add", "--id", OFFICER, "--name", "Ana Jones", stdin=OFFICER_PIN + "\n")
    hub_sub("staff", "add", "--id", OTHER, "--name", "Bryn Evans", stdin=OTHER_PIN + "\n")
    doors = os.path.join(ARGS.work, "doors.csv")
    with open(doors, "w", encoding="utf-8") as f:
        f.write(DOORS)
    hub_sub("walklist", "import", "--name", LIST, doors)
    code = hub("enrol-code", "--name", "Field tablet 3", "--field").strip().splitlines()[-1]
    # The README's commands for a field tablet, exactly.
    run(ARGS.sync, "--data", DATA, "--enrol", f"http://127.0.0.1:{url_port}", code)
    device = device_id()
    hub_sub("walklist", "assign", "--name", LIST, "--device", device)
    return device


def device_id():
    for line in hub("devices").splitlines():
        for word in line.replace(",", " ").split():
            if len(word) == 36 and word.count("-") == 4:
                return word
    raise RuntimeError("no device id in `soundings-hub devices`")


def sign_in(k, officer, pin):
    k.wait(lambda d: any(t["name"] == "officer:" + officer for t in d["targets"]), f"{officer} on the sign-in screen",
           timeout=60)
    k.settle(k.frame() - 1)
    k.tap("officer:" + officer)
    for digit in pin:
        k.tap("pin:" + digit)
    k.tap("pin:ok")
    k.wait(lambda d: d["screen"] == "field_lists", "the walk lists after signing in", timeout=30)


def open_list(k):
    k.wait(lambda d: any(t["name"].startswith("list:") for t in d["targets"]), "the walk list", timeout=30)
    k.tap(next(t["name"] for t in k.doc["targets"] if t["name"].startswith("list:")))
    k.wait(lambda d: d["screen"] == "field_list", "the doors of the list", timeout=10)


def door_outcome(k):
    return k.read().get("field", {}).get("door_outcome")


def tap_door(k, uprn):
    """A door of the list: from the top (the list keeps its place), scrolling down to it as an officer would."""
    for _ in range(20):
        if k.find("door:" + uprn) or not k.find("scroll_up"):
            break
        k.press(k.find("scroll_up"))
    k.tap("door:" + uprn)


def record(k, uprn, outcome, note=None):
    tap_door(k, uprn)
    k.tap("outcome:" + outcome)
    if outcome == "come_back":
        k.tap("comeback:day:1")
        k.tap("comeback:hour:17")
    if note:
        k.tap("door:note")
        k.type(note)
        k.tap("key:done")
    k.tap("door:save")
    k.wait(lambda d: d.get("field", {}).get("door_outcome") == outcome, f"the door showing {outcome}")
    k.settle(k.frame() - 1)


def survey(k):
    """A survey at the door, read out by the officer with an interpreter, to its end."""
    tap_door(k, SURVEY_UPRN)
    k.tap("door:survey")
    k.wait(lambda d: d["screen"] == "field_how_given", "how the survey is given")
    if not k.find("survey:" + CONSULTATION):
        raise RuntimeError("the consultation is not offered at the door")
    k.tap("survey:" + CONSULTATION)
    k.tap("given:read_out")
    k.tap("given:interpreter")
    k.settle(k.frame() - 1)
    k.shot("field-loop-how-given")
    k.tap("given:begin")
    k.wait(lambda d: d["screen"] == "intro", "the survey's introduction (privacy notice)")
    k.tap("start")
    k.tap("option:library_used:wrexham")
    k.tap("option:hours_feeling:happy")
    for _ in range(12):
        if k.doc["screen"] == "review":
            break
        k.tap("next")
    check(k.doc["screen"] == "review", "the review screen after the last page")
    k.tap("submit")
    k.wait(lambda d: d["screen"] == "thanks", "the thank-you screen")
    k.tap("finish")
    k.wait(lambda d: d["screen"] == "field_door" and d.get("field", {}).get("door_outcome") == "completed",
           "back at the door, which shows completed", timeout=15)
    k.settle(k.frame() - 1)
    k.shot("field-loop-door-completed")


def tablet_work(k):
    """Step 3: an officer signs in, works three doors and signs out."""
    sign_in(k, OFFICER, OFFICER_PIN)
    open_list(k)
    record(k, CANARY_UPRN, "come_back", CANARY_NOTE + " ci")
    k.shot("field-loop-come-back-saved")
    k.tap("back")
    record(k, NOT_HOME_UPRN, "not_home")
    k.tap("back")
    survey(k)
    k.tap("back")
    k.wait(lambda d: d["screen"] == "field_list", "the list again")
    k.settle(k.frame() - 1)
    k.shot("field-loop-list-worked")
    k.tap("field:sign_out")
    k.wait(lambda d: d["screen"] == "field_sign_in", "the sign-in screen after signing out")


def check_head_office():
    """Step 4: what reached head office, and what must not have."""
    rows = poll(visits, lambda r: len(r) >= 3, "three visits at head office", 60)
    by_uprn = {r.get("uprn"): r for r in rows}
    check(len(rows) == 3, f"exactly three visits (found {len(rows)})")
    check(by_uprn.get(CANARY_UPRN, {}).get("outcome") == "come_back", f"the canary door: come back {rows}")
    check(CANARY_NOTE in by_uprn.get(CANARY_UPRN, {}).get("note", ""), "the come-back's note reached the door log")
    check(by_uprn.get(CANARY_UPRN, {}).get("come_back_at", "") != "", "the come-back's promised time")
    check(by_uprn.get(NOT_HOME_UPRN, {}).get("outcome") == "not_home", "the second door: not home")
    check(by_uprn.get(SURVEY_UPRN, {}).get("outcome") == "completed", "the third door: completed")
    check(all(r.get("staff") == OFFICER for r in rows), f"every visit names the officer: {[r.get('staff') for r in rows]}")

    # The door's response waits on the tablet until its day has ended (it would otherwise arrive beside its
    # door's "completed" visit): head office has the door log, and no response yet.
    check(len(list(csv.DictReader(io.StringIO(responses("csv"))))) == 0,
          "the door's response is held on the tablet while its day lasts")

    coverage = hub("coverage", "--list", LIST)
    say("coverage:\n" + coverage)
    streets = {r["street"]: r for r in csv.DictReader(io.StringIO(coverage.lstrip("\ufeff")))}
    want = {"Stryd y Prawf": dict(doors="2", visited="2", completed="0", not_home="1", come_back="1"),
            "Ffordd Llanfair": dict(doors="2", visited="1", completed="1", not_home="0", come_back="0"),
            "(all streets)": dict(doors="4", visited="3", completed="1", not_home="1", come_back="1")}
    for street, counts in want.items():
        got = {key: streets.get(street, {}).get(key) for key in counts}
        check(got == counts, f"coverage of {street}: {got}, expected {counts}")


def check_response_next_day():
    """The next day (the sync program run with the clock a day on), the day's responses go: exactly the one."""
    env = dict(os.environ, FAKETIME_DONT_FAKE_MONOTONIC="1")
    subprocess.run(["faketime", "-f", "+1d", ARGS.sync, "--data", DATA, "--once"], check=True, env=env,
                   capture_output=True, text=True)
    exported = list(csv.DictReader(io.StringIO(responses("csv"))))
    check(len(exported) == 1, f"exactly one response the next day (found {len(exported)})")
    if exported:
        r = exported[0]
        check(r.get("channel") == "field", f"a field response: {r.get('channel')}")
        check(r.get("given_mode") == "read_out", f"read out: {r.get('given_mode')}")
        check(r.get("interpreter") == "yes", f"with an interpreter: {r.get('interpreter')}")
        check(r.get("on_behalf") == "no", f"not on someone's behalf: {r.get('on_behalf')}")
        check(r.get("privacy_notice_shown") == "yes", "the privacy notice was shown")
        check(r.get("started_at", "").endswith("T00:00:00Z"), f"its times cut to the day: {r.get('started_at')}")
    for fmt in ("csv", "json"):
        text = responses(fmt).encode()
        for canary in CANARIES:
            check(canary not in text, f"no {canary.decode()} in the {fmt} response export")
    json.loads(responses("json"))


def field_events():
    out = subprocess.run([ARGS.hub, "field", "--data", HUB_DATA], capture_output=True, text=True)
    return out.stdout


def no_canaries_in(path, what):
    with open(path, "rb") as f:
        data = f.read()
    for canary in CANARIES:
        check(canary not in data, f"no {canary.decode()} in {what}")


def main():
    global HUB_DATA, DATA
    shutil.rmtree(ARGS.work, ignore_errors=True)
    HUB_DATA, DATA = os.path.join(ARGS.work, "hub"), os.path.join(ARGS.work, "tablet")
    os.makedirs(HUB_DATA)
    os.makedirs(ARGS.shots, exist_ok=True)
    port = free_port()
    hub_log_path, kiosk_log_path = os.path.join(ARGS.work, "hub.log"), os.path.join(ARGS.work, "kiosk.log")
    hub("publish", os.path.join(ARGS.assets, "consultations", CONSULTATION + ".json"))
    hub_log, kiosk_log = open(hub_log_path, "w"), open(kiosk_log_path, "w")
    server = subprocess.Popen([ARGS.hub, "serve", "--data", HUB_DATA, "--listen", f"127.0.0.1:{port}"],
                              stdout=hub_log, stderr=subprocess.STDOUT)
    k = None
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        device = head_office(port)
        say(f"head office ready, tablet {device}")

        k = Kiosk(ARGS.kiosk, ARGS.work, DATA, None, "en", ["--field"], fbdir=ARGS.fbdir, shots=ARGS.shots,
                  stdout=kiosk_log, stderr=kiosk_log, first_screen="field_sign_in", size="1280x800")
        k.wait(lambda d: any(t["name"] == "officer:" + OTHER for t in d["targets"]), "the officers from head office",
               timeout=60)
        k.settle(k.frame() - 1)
        k.shot("field-loop-sign-in")
        say("officers on the tablet")
        tablet_work(k)
        say("doors worked, signed out")

        check_head_office()
        overview = poll(field_events, lambda t: "signed out" in t, "the sign-out at head office", 90)
        say("field overview:\n" + overview)
        ana = overview[overview.find(OFFICER):overview.find(OTHER)]
        check("signed out since" in ana and "last sign-in signed_out" in ana,
              f"the field overview shows the officer signed out: {ana!r}")

        # Step 5: an officer leaves, the list is taken off the tablet; the tablet syncs by itself.
        hub_sub("staff", "disable", OTHER)
        hub_sub("walklist", "unassign", "--name", LIST, "--device", device)
        k.wait(lambda d: not any(t["name"] == "officer:" + OTHER for t in d["targets"]),
               "the disabled officer gone from the sign-in screen", timeout=90)
        k.settle(k.frame() - 1)
        k.shot("field-loop-sign-in-after-disable")
        check(k.find("officer:" + OFFICER) is not None, "the officer still enabled is still offered")
        say("disabled officer gone from the tablet")
        # The tablet still running: its files (the write-ahead log too) already hold no trace of the list.
        for name in sorted(os.listdir(DATA)):
            no_canaries_in(os.path.join(DATA, name), f"the running tablet's {name}")
        say(f"running tablet's files {sorted(os.listdir(DATA))} checked")
        k.close()
        check(k.proc.returncode == 0, f"the tablet stops with status 0 (was {k.proc.returncode})")
        k = None
        check_response_next_day()
        say("the day's response reached head office the next day")
    finally:
        if k:
            k.close()
        server.terminate()
        server.wait(timeout=15)
        hub_log.close()
        kiosk_log.close()

    for name in sorted(os.listdir(DATA)):
        no_canaries_in(os.path.join(DATA, name), f"the tablet's {name}")
    no_canaries_in(hub_log_path, "the hub's log")
    no_canaries_in(kiosk_log_path, "the tablet's log")
    say(f"done; tablet files {sorted(os.listdir(DATA))}")
    return check.report("field loop", f"; logs in {ARGS.work}")


if __name__ == "__main__":
    HUB_DATA = DATA = ""
    run_main(main)
