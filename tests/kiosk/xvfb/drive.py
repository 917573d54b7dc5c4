# Real-window kiosk test: runs soundings-kiosk on an X server (Xvfb), taps through with real X input events
# (xdotool), saves screenshots of every screen from the server's framebuffer, then checks the store.
import argparse
import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

from xwd_to_png import read_xwd, write_png

P = argparse.ArgumentParser()
P.add_argument("--kiosk", required=True)
P.add_argument("--assets", required=True)
P.add_argument("--fixtures", required=True)
P.add_argument("--work", required=True)
P.add_argument("--fbdir", required=True)
P.add_argument("--shots", required=True)
ARGS = P.parse_args()

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message, flush=True)


class Kiosk:
    def __init__(self, data, lang, extra=()):
        self.targets_file = os.path.join(ARGS.work, "targets.json")
        if os.path.exists(self.targets_file):
            os.remove(self.targets_file)
        cmd = [ARGS.kiosk, "--data", data, "--consultations", os.path.join(ARGS.work, "consultations"),
               "--lang", lang, "--windowed", "1920x1080", "--tap-targets", self.targets_file, *extra]
        self.proc = subprocess.Popen(cmd)
        self.doc = self.wait(lambda d: d["screen"] == "attract", "the attract screen", timeout=30)

    def read(self):
        try:
            with open(self.targets_file) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def wait(self, pred, what, timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the kiosk exited ({self.proc.returncode}) while waiting for {what}")
            d = self.read()
            if d and pred(d):
                self.doc = d
                return d
            time.sleep(0.03)
        raise RuntimeError(f"timed out waiting for {what}; last screen {self.doc and self.doc['screen']}")

    def frame(self):
        d = self.read()
        return d["frame"] if d else -1

    def settle(self, since):
        """Waits until the kiosk has drawn after an input given at frame `since`, then stopped drawing."""
        self.wait(lambda d: d["frame"] > since, "a frame after the input", timeout=5)
        last, quiet = self.doc["frame"], time.time()
        while time.time() - quiet < 0.25:
            time.sleep(0.03)
            d = self.read()
            if d and d["frame"] != last:
                last, quiet = d["frame"], time.time()
        self.doc = self.read()
        return self.doc

    def find(self, name):
        for t in self.doc["targets"]:
            if t["name"] == name:
                return t
        return None

    def names(self):
        return [t["name"] for t in self.doc["targets"]]

    def tap(self, name):
        for _ in range(30):
            t = self.find(name)
            if t:
                x, y = t["x"] + t["w"] // 2, t["y"] + t["h"] // 2
                before, since = self.doc["screen"], self.frame()
                subprocess.run(["xdotool", "mousemove", "--sync", str(x), str(y), "click", "1"], check=True)
                self.settle(since)
                if os.environ.get("KIOSK_TRACE"):
                    print(f"tap {name} at {x},{y}: {before} -> {self.doc['screen']} frame {self.doc['frame']}", flush=True)
                return self.doc
            down = self.find("scroll_down")
            if not down:
                break
            self.press(down)
        self.shot("failure")
        raise RuntimeError(f"no '{name}' on the {self.doc['screen']} screen; targets: {self.names()}")

    def press(self, t):
        x, y = t["x"] + t["w"] // 2, t["y"] + t["h"] // 2
        since = self.frame()
        subprocess.run(["xdotool", "mousemove", "--sync", str(x), str(y), "click", "1"], check=True)
        self.settle(since)
        if os.environ.get("KIOSK_TRACE"):
            print(f"press {t['name']} at {x},{y}: frame {self.doc['frame']} "
                  f"{[(u['name'], u['y']) for u in self.doc['targets'] if u['name'].startswith('field')]}", flush=True)

    def type(self, words):
        for ch in words:
            kb = self.doc
            if ch == " ":
                self.tap("key:space")
            elif ch.isascii() and ch.isalpha():
                if self.find("key:layer:letters"):
                    self.tap("key:layer:letters")
                upper = ch.isupper()
                shifted = any(t["name"] == "key:Q" for t in self.doc["targets"])
                if upper != shifted:
                    self.tap("key:shift")
                self.tap("key:" + ch)
            elif self.find("key:" + ch):
                self.tap("key:" + ch)
            else:
                if self.find("key:layer:numbers"):
                    self.tap("key:layer:numbers")
                if not self.find("key:" + ch) and self.find("key:layer:symbols"):
                    self.tap("key:layer:symbols")
                self.tap("key:" + ch)
            del kb

    def shot(self, name):
        time.sleep(0.1)
        w, h, rows = read_xwd(os.path.join(ARGS.fbdir, "Xvfb_screen0"))
        write_png(os.path.join(ARGS.shots, name + ".png"), w, h, rows)
        print("screenshot", name, flush=True)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def every_type_pass(k, lang):
    k.tap("lang:" + lang)
    k.shot(f"attract-{lang}")
    k.tap("card:every-type")
    check(k.doc["screen"] == "intro", f"{lang}: intro after the card")
    k.shot(f"intro-{lang}")
    k.tap("start")
    # Page 1: a required single choice blocks Next until answered.
    k.tap("next")
    check(k.doc["screen"] == "page", f"{lang}: a required question keeps the page")
    k.shot(f"required-{lang}")
    k.tap("option:transport:other")
    check(k.doc["keyboard"], f"{lang}: 'other' opens the keyboard")
    k.type("Beic")
    k.shot(f"keyboard-other-{lang}")
    k.tap("key:done")
    k.tap("option:services:library")
    k.tap("option:services:parks")
    k.shot(f"choices-{lang}")
    k.tap("next")
    k.tap("option:agree:agree")
    k.tap("option:feeling:4")
    k.tap("scale:likely:8")
    k.shot(f"scales-{lang}")
    k.tap("next")
    k.tap("field:short")
    for key in ["key:ŵ", "key:ŷ", "key:â"]:
        k.tap(key)
    k.type(" dda")
    k.shot(f"keyboard-welsh-{lang}")
    k.tap("key:done")
    k.tap("field:visits")
    k.type("12")
    k.shot(f"keyboard-number-{lang}")
    k.tap("key:done")
    k.tap("field:postcode")
    k.type("LL11 1AY")
    k.tap("key:done")
    k.shot(f"typing-{lang}")
    k.tap("next")
    k.tap("date:moved_in:day")
    k.shot(f"date-day-{lang}")
    k.tap("pick:day:14")
    k.shot(f"date-month-{lang}")
    k.tap("pick:month:3")
    k.shot(f"date-decade-{lang}")
    k.tap("pick:decade:1980")
    k.tap("pick:year:1985")
    for option in ["bins", "roads", "buses"]:
        k.tap(f"rank:priorities:{option}")
    k.tap("consent:quote_ok")
    k.shot(f"when-{lang}")
    k.tap("next")
    k.tap("field:email")
    k.type("sian")
    k.tap("key:@")
    k.type("enghraifft")
    k.tap("key:.cymru")
    k.shot(f"keyboard-email-{lang}")
    k.tap("key:done")
    k.tap("contact:contact:name")
    k.type("Si")
    k.tap("key:â")
    k.type("n")
    k.tap("key:done")
    k.tap("contact:contact:email")
    k.type("sian")
    k.tap("key:@")
    k.type("enghraifft")
    k.tap("key:.wales")
    k.tap("key:done")
    k.tap("contact:contact:lang:" + lang)
    k.tap("contact:contact:consent:email_updates")
    k.shot(f"contact-{lang}")
    k.tap("next")
    check(k.doc["screen"] == "review", f"{lang}: review after the last page")
    k.shot(f"review-{lang}")
    k.tap("submit")
    k.wait(lambda d: d["screen"] == "thanks", "the thank-you screen")
    k.settle(k.frame() - 1)
    k.shot(f"thanks-{lang}")
    k.tap("finish")
    check(k.doc["screen"] == "attract", f"{lang}: back to the attract screen")


def main():
    shutil.rmtree(ARGS.work, ignore_errors=True)
    os.makedirs(os.path.join(ARGS.work, "consultations"))
    os.makedirs(ARGS.shots, exist_ok=True)
    for f in os.listdir(os.path.join(ARGS.assets, "consultations")):
        shutil.copy(os.path.join(ARGS.assets, "consultations", f), os.path.join(ARGS.work, "consultations"))
    shutil.copy(os.path.join(ARGS.fixtures, "every-type.json"), os.path.join(ARGS.work, "consultations"))
    shutil.copytree(os.path.join(ARGS.assets, "blocks"), os.path.join(ARGS.work, "blocks"))
    data = os.path.join(ARGS.work, "data")

    # A staff PIN from standard input; a head-office sealing key as enrolment would leave it.
    subprocess.run([ARGS.kiosk, "--data", data, "--set-pin"], input=b"4821\n", check=True)
    db = sqlite3.connect(os.path.join(data, "soundings.db"))
    db.execute("INSERT INTO settings (key, value) VALUES ('seal_public_key', ?)",
               (base64.b64encode(os.urandom(32)).decode(),))
    db.commit()
    db.close()

    k = Kiosk(data, "cy")
    try:
        every_type_pass(k, "en")
        every_type_pass(k, "cy")
        # Large text and high contrast on a question page.
        k.tap("card:library-opening-hours")
        k.tap("start")
        k.tap("toggle:large_text")
        k.shot("large-text-cy")
        k.tap("toggle:high_contrast")
        k.shot("high-contrast-large-cy")
        k.tap("toggle:large_text")
        k.shot("high-contrast-cy")
        k.tap("leave")
        k.shot("leave-cy")
        k.tap("leave:yes")
        check(k.doc["screen"] == "attract", "leaving returns to the attract screen")
        # Staff: long press in the corner, then the PIN.
        subprocess.run(["xdotool", "mousemove", "--sync", "20", "20", "mousedown", "1", "sleep", "3.6", "mouseup", "1"],
                       check=True)
        k.wait(lambda d: d["screen"] == "staff_pin", "the PIN pad")
        k.settle(k.frame() - 1)
        for d in "4821":
            k.tap("pin:" + d)
        k.shot("staff-pin")
        k.tap("pin:ok")
        k.wait(lambda d: d["screen"] == "staff", "the staff screen")
        time.sleep(0.3)
        k.settle(k.frame() - 1)
        k.shot("staff")
        k.tap("staff:exit")
        k.proc.wait(timeout=10)
        check(k.proc.returncode == 0, "staff exit ends the kiosk with status 0")
    finally:
        k.close()

    # Idle: a short warning time for the test; the reset still leaves 30 s to continue (A4).
    k = Kiosk(data, "en", ["--idle", "3"])
    try:
        k.tap("card:library-opening-hours")
        k.tap("start")
        k.tap("option:library_used:wrexham")
        k.wait(lambda d: d["idle_warning"], "the idle warning", timeout=10)
        k.settle(k.frame() - 1)
        k.shot("idle-warning-en")
        k.tap("idle:continue")
        check(not k.doc["idle_warning"] and k.doc["screen"] == "page", "Continue keeps the page")
        k.wait(lambda d: d["idle_warning"], "the idle warning again", timeout=10)
        k.wait(lambda d: d["screen"] == "attract", "the reset", timeout=40)
        check(not k.doc["idle_warning"], "the attract screen after the reset has no warning")
        k.settle(k.frame() - 1)
        k.shot("after-reset-en")
    finally:
        k.close()

    # The store holds exactly the two submitted responses, in their languages, personal parts sealed.
    db = sqlite3.connect(os.path.join(data, "soundings.db"))
    rows = [json.loads(b) for (b,) in db.execute("SELECT body FROM responses ORDER BY seq")]
    pending = db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
    db.close()
    check(len(rows) == 2, f"two responses in the store (found {len(rows)})")
    check([r.get("language") for r in rows] == ["en", "cy"], "responses recorded in English then Welsh")
    check(pending == 2, "both responses wait in the outbox")
    for r in rows:
        check(r.get("consultation_id") == "every-type", "the response names its consultation")
        check("sealed" in r.get("personal", {}), "the email is sealed, not stored in plain text")
        check("siân" not in json.dumps(r, ensure_ascii=False) and "sian@" not in json.dumps(r), "no plain email on disk")
        check("ŵŷâ dda" in json.dumps(r["answers"], ensure_ascii=False), "Welsh letters typed on the keyboard are kept")
        check("LL11 1AY" in json.dumps(r["answers"]), "the postcode is recorded")

    if failures:
        print(f"{len(failures)} check(s) failed", flush=True)
        return 1
    print("xvfb kiosk walk: all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # a timeout or a missing target: say where
        print("ERROR:", e, flush=True)
        sys.exit(1)
