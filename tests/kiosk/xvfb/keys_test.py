# Real-window test of use without touch: the kiosk under Xvfb is driven with X key events only (xdotool key
# Tab / Return, as a two-switch interface sends them) from the attract screen to the thank-you screen.
import argparse
import os
import shutil
import sqlite3
import subprocess

from kiosk_driver import Checks, Kiosk, run_main

P = argparse.ArgumentParser()
P.add_argument("--kiosk", required=True)
P.add_argument("--assets", required=True)
P.add_argument("--work", required=True)
P.add_argument("--fbdir", required=True)
P.add_argument("--shots", required=True)
ARGS = P.parse_args()

check = Checks()
presses = {"Tab": 0, "Return": 0}


def key(k, name):
    since = k.frame()
    subprocess.run(["xdotool", "key", name], check=True)
    presses[name] += 1
    return k.settle(since)


def tab_round(k):
    """The controls Tab visits, once round, from where the focus is."""
    if not k.doc.get("focus"):
        key(k, "Tab")  # the first press shows the ring
    seen = [k.doc["focus"]]
    for _ in range(300):
        key(k, "Tab")
        if k.doc["focus"] == seen[0]:
            return seen
        seen.append(k.doc["focus"])
    raise RuntimeError(f"Tab never came back to {seen[0]}: {seen}")


def choose(k, name, enter=True):
    for _ in range(300):
        if k.doc.get("focus") == name:
            return key(k, "Return") if enter else k.doc
        key(k, "Tab")
    k.shot("keys-failure")
    raise RuntimeError(f"Tab never reached '{name}' on the {k.doc['screen']} screen")


def type_into(k, field):
    """Opens the keyboard on `field` with Return, types one letter with Tab and Return as a switch user
    would, then the rest on the real keyboard, and closes it with Return on Done."""
    choose(k, field)
    check(k.doc["keyboard"], f"Return on {field} opens the on-screen keyboard")
    choose(k, "key:d")
    since = k.frame()
    subprocess.run(["xdotool", "type", "--delay", "40", "a iawn"], check=True)
    k.settle(since)
    k.shot("keys-keyboard-cy")
    choose(k, "key:done")
    check(not k.doc["keyboard"], "Return on Done closes the keyboard")
    check(k.doc.get("focus") == field, "the focus is back on the field after Done")


# A resident who disagrees, so that the question asking why shows and is typed into.
PREFER = {"proposal_agree": "disagree"}


def answer_page(k):
    """Chooses an answer for every question on the page that offers options, then types into the text
    fields (including those the answers revealed)."""
    done = set()
    for name in tab_round(k):
        parts = name.split(":")
        if parts[0] in ("option", "scale", "consent") and parts[1] not in done:
            done.add(parts[1])
            choose(k, f"option:{parts[1]}:{PREFER[parts[1]]}" if parts[1] in PREFER else name)
    for name in tab_round(k):
        if name.startswith("field:"):
            type_into(k, name)


def main():
    shutil.rmtree(ARGS.work, ignore_errors=True)
    consultations = os.path.join(ARGS.work, "consultations")
    os.makedirs(consultations)
    os.makedirs(ARGS.shots, exist_ok=True)
    shutil.copy(os.path.join(ARGS.assets, "consultations", "library-opening-hours.json"), consultations)
    data = os.path.join(ARGS.work, "data")
    # A kiosk that has been set up (its first start is tested in first_start.py).
    subprocess.run([ARGS.kiosk, "--data", data, "--set-pin"], input=b"4821\n", check=True)
    k = Kiosk(ARGS.kiosk, ARGS.work, data, consultations, "cy", fbdir=ARGS.fbdir, shots=ARGS.shots)
    try:
        choose(k, "card:library-opening-hours", enter=False)
        k.shot("keys-attract-cy")
        choose(k, "card:library-opening-hours")
        check(k.doc["screen"] == "intro", "Return on the card opens the introduction")
        choose(k, "start", enter=False)
        k.shot("keys-intro-cy")
        choose(k, "start")
        pages = 0
        while k.doc["screen"] == "page" and pages < 20:
            pages += 1
            answer_page(k)
            if pages == 1:
                k.shot("keys-focus-page-cy")
            choose(k, "next")
        check(k.doc["screen"] == "review", f"the review screen after the pages (on {k.doc['screen']})")
        choose(k, "submit", enter=False)
        k.shot("keys-review-cy")
        choose(k, "submit")
        k.wait(lambda d: d["screen"] == "thanks", "the thank-you screen")
        k.settle(k.frame() - 1)
        k.shot("keys-thanks-cy")
        choose(k, "finish")
        check(k.doc["screen"] == "attract", "Return on Finish goes back to the start")
    finally:
        k.close()
    db = sqlite3.connect(os.path.join(data, "device.sqlite"))
    bodies = [b for (b,) in db.execute("SELECT body FROM responses")]
    db.close()
    check(len(bodies) == 1, f"one response stored (found {len(bodies)})")
    check(any("da iawn" in b for b in bodies), "the words typed on the keyboard are in the response")
    print(f"keys only: {presses['Tab']} Tab and {presses['Return']} Return presses, no pointer", flush=True)
    return check.report("xvfb kiosk keys only")


if __name__ == "__main__":
    run_main(main)
