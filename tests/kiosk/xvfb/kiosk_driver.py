# Drives a running soundings-kiosk with real X input (xdotool), reading where things are from its
# --tap-targets file, and takes screenshots from Xvfb's framebuffer file (-fbdir).
import json
import os
import subprocess
import sys
import time

from xwd_to_png import read_xwd, write_png


class Kiosk:
    def __init__(self, kiosk, work, data, consultations, lang, extra=(), fbdir=None, shots=None, stderr=None, stdout=None,
                 first_screen="attract", size="1920x1080"):
        self.fbdir, self.shots = fbdir, shots
        self.targets_file = os.path.join(work, "targets.json")
        if os.path.exists(self.targets_file):
            os.remove(self.targets_file)
        # consultations=None: only what the store holds (what head office sent).
        loaded = ["--consultations", consultations] if consultations else []
        cmd = [kiosk, "--data", data, *loaded,
               "--lang", lang, "--windowed", size, "--tap-targets", self.targets_file, *extra]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr)
        # A store with no staff PIN opens on the setup screen.
        self.doc = self.wait(lambda d: d["screen"] == first_screen, f"the {first_screen} screen", timeout=30)
        self.first_seen = time.monotonic() - self.started

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
                raise RuntimeError(f"the kiosk exited ({self.proc.returncode}) while waiting for {what}: {self.proc.args}")
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
        time.sleep(0.02)
        if self.proc.poll() is not None:  # the input ended the kiosk (staff exit)
            return self.doc
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
                self.click_at(x, y)
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

    def click_at(self, x, y):
        # `mousemove --sync` waits for the pointer to move, which it never does when it is already
        # there: xdotool gives up after about 15 s (a second tap on the same scroll button, Next then Submit).
        move = [] if getattr(self, "pointer", None) == (x, y) else ["mousemove", "--sync", str(x), str(y)]
        subprocess.run(["xdotool", *move, "click", "1"], check=True)
        self.pointer = (x, y)

    def long_press_at(self, x, y, seconds):
        move = [] if getattr(self, "pointer", None) == (x, y) else ["mousemove", "--sync", str(x), str(y)]
        subprocess.run(["xdotool", *move, "mousedown", "1", "sleep", str(seconds), "mouseup", "1"], check=True)
        self.pointer = (x, y)

    def press(self, t):
        x, y = t["x"] + t["w"] // 2, t["y"] + t["h"] // 2
        since = self.frame()
        self.click_at(x, y)
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
            elif not ch.isascii() and self.type_accented(ch):
                pass
            else:
                if self.find("key:layer:numbers"):
                    self.tap("key:layer:numbers")
                if not self.find("key:" + ch) and self.find("key:layer:symbols"):
                    self.tap("key:layer:symbols")
                self.tap("key:" + ch)
            del kb

    def type_accented(self, ch):
        """An accented letter: through the accent marks (and shift for capitals)."""
        if self.find("key:layer:letters"):
            self.tap("key:layer:letters")
        for _ in range(2):
            for accent in ("circumflex", "acute", "grave", "diaeresis"):
                self.tap("key:accent:" + accent)
                if self.find("key:" + ch):
                    self.tap("key:" + ch)
                    return True
            self.tap("key:shift")
        return False

    def shot(self, name):
        time.sleep(0.1)
        if not self.fbdir or not self.shots:
            return
        w, h, rows = read_xwd(os.path.join(self.fbdir, "Xvfb_screen0"))
        write_png(os.path.join(self.shots, name + ".png"), w, h, rows)
        print("screenshot", name, flush=True)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Checks:
    """Checks that keep going after a failure, so one run reports every problem it sees."""

    def __init__(self):
        self.failures = []

    def __call__(self, condition, message):
        if not condition:
            self.failures.append(message)
            print("FAIL:", message, flush=True)

    def report(self, name, hint=""):
        if self.failures:
            print(f"{len(self.failures)} check(s) failed{hint}", flush=True)
            return 1
        print(f"{name}: all checks passed", flush=True)
        return 0


def run_main(main):
    """Exits with main()'s status; a timeout or a missing target is reported where it happened."""
    try:
        sys.exit(main())
    except Exception as e:
        print("ERROR:", e, flush=True)
        sys.exit(1)
