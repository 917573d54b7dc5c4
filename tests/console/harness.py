# What every console browser test shares: the real programs (soundings-hub, soundings-sync,
# soundings-loadgen) started on 127.0.0.1 in a temp folder and always stopped, a device store filled and
# synced as a kiosk fills one, and headless Chromium driven through chromedriver with helpers for the
# console's forms, axe-core and screenshots.
#
# The console's markup is not pinned here beyond what the issue asks of it (a sign-in form with a
# password field, forms that post a "csrf" field, links with text): the tests find forms by their fields,
# so that a renamed CSS class or a reworded button does not read as a broken console.
import argparse
import base64
import csv
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing

HERE = os.path.dirname(os.path.abspath(__file__))
AXE_JS = os.path.join(HERE, "node_modules", "axe-core", "axe.min.js")
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
SKIP = 77
CONSULTATION = "library-opening-hours"
PASSWORD = "tidy-harbour-lantern-2026"  # long enough for any sensible minimum
WINDOW_SIZES = {"1080p": (1920, 1080), "tablet": (768, 1024)}
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the accessibility regulations ask of an intranet.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"


def arguments():
    p = argparse.ArgumentParser()
    p.add_argument("--hub", required=True, help="the soundings-hub program")
    p.add_argument("--sync", required=True, help="the soundings-sync program")
    p.add_argument("--loadgen", required=True, help="the soundings-loadgen program")
    p.add_argument("--assets", required=True, help="the assets folder (consultations)")
    p.add_argument("--keep", action="store_true", help="keep the temp folder even when every check passes")
    return p.parse_args()


def browser_missing():
    """Why the browser tests cannot run here, or None. Only a missing browser or driver skips."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return f"{path} is missing (Debian's {package}; deploy/install-deps.sh installs it)"
    return None


class Checks:
    """Every check prints one line; a failed one is remembered and the walk goes on where it can."""

    def __init__(self):
        self.failures, self.passed, self.notes = [], 0, []

    def __call__(self, condition, what, detail=""):
        print(("ok:   " if condition else "FAIL: ") + what + (f"\n      {detail}" if detail and not condition else ""),
              flush=True)
        if condition:
            self.passed += 1
        else:
            self.failures.append(what)
        return bool(condition)

    def note(self, what):
        print("note: " + what, flush=True)
        self.notes.append(what)

    def scenario(self, name, body, *args):
        """Runs one scenario; an exception fails that scenario only, with its traceback."""
        print(f"\n== {name}", flush=True)
        started = time.monotonic()
        try:
            body(*args)
        except Exception as e:  # noqa: BLE001 - any error is this scenario's failure, the next one still runs
            traceback.print_exc()
            self(False, f"{name}: stopped by {type(e).__name__}: {e}")
        print(f"== {name}: {time.monotonic() - started:.1f} s", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*cmd, expect=0, input=None, env=None, timeout=90):
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, input=input, env=env,
                          timeout=timeout)
    if expect is not None and done.returncode != expect:
        raise AssertionError(f"{' '.join(map(str, cmd))}: exit {done.returncode}, expected {expect}\n"
                             f"{done.stdout}{done.stderr}")
    return done


class Stack:
    """The programs of one test run, in one temp folder; `close` stops every process it started."""

    def __init__(self, args, name):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="soundings-console-" + re.sub(r"\W+", "-", name) + "-")
        self.processes = []
        self.browsers = []
        self.devices = {}
        self.hub_help = run(args.hub, "--help", expect=None).stdout

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def consultation_file(self, name=CONSULTATION):
        return os.path.join(self.args.assets, "consultations", name + ".json")

    # ---- the hub -------------------------------------------------------------------------------------

    def serve(self, data, name="hub", extra=(), faketime_file=None):
        """`soundings-hub serve` on a free loopback port; waits for /api/v1/health. Returns its URL."""
        os.makedirs(data, exist_ok=True)
        port = free_port()
        env = dict(os.environ)
        if faketime_file:
            # The hub's clock (and so its store's) follows the offset in this file, read on every call,
            # so a test can move the hub hours on without waiting. Monotonic time is left alone.
            env.update(LD_PRELOAD=FAKETIME_LIB, FAKETIME_TIMESTAMP_FILE=faketime_file, FAKETIME_NO_CACHE="1",
                       FAKETIME_DONT_FAKE_MONOTONIC="1")
        log = open(self.path(name + ".log"), "w")
        cmd = [self.args.hub, "serve", "--data", data, "--listen", f"127.0.0.1:{port}", *extra]
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        self.processes.append(process)
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/api/v1/health", timeout=1)
                return url
            except OSError:
                if process.poll() is not None:
                    raise AssertionError(f"{' '.join(cmd)} exited {process.returncode}: see {log.name}")
                time.sleep(0.05)
        raise AssertionError(f"the hub did not answer on {url}: see {log.name}")

    def publish_cli(self, data, name=CONSULTATION):
        run(self.args.hub, "publish", "--data", data, self.consultation_file(name))

    def add_user(self, data, email, role, password=PASSWORD):
        """`soundings-hub user add` with the password on standard input, as the README tells an admin."""
        run(self.args.hub, "user", "add", "--data", data, "--email", email, "--role", role,
            input=password + "\n" + password + "\n")
        return email

    # ---- devices -------------------------------------------------------------------------------------

    def enrol(self, data, url, name, field=False):
        device = self.path("device-" + re.sub(r"[^a-z0-9]+", "-", name.lower()))
        code = run(self.args.hub, "enrol-code", "--data", data, "--name", name,
                   *(["--field"] if field else [])).stdout.split()[-1]
        run(self.args.sync, "--data", device, "--enrol", url, code, "--name", name)
        self.sync(device)
        self.devices[name] = device
        return device

    def fill(self, device, count, seed, field=False):
        env = None
        if field:
            # A field tablet holds a response until the day it was taken has ended (so it cannot be matched
            # to its door's visit): taken "yesterday", the responses go at the next sync.
            env = dict(os.environ, LD_PRELOAD=FAKETIME_LIB.replace("MT", ""), FAKETIME="-1d",
                       FAKETIME_DONT_FAKE_MONOTONIC="1")
        run(self.args.loadgen, "--data", device, "--consultation", self.consultation_file(), "--count", count,
            "--seed", seed, *(["--field"] if field else []), env=env)

    def sync(self, device):
        """`soundings-sync --once` until nothing is left waiting (it sends a batch at a time)."""
        for _ in range(10):
            done = run(self.args.sync, "--data", device, "--once", expect=None)
            if done.returncode == 0:
                return done
            if done.returncode != 75 or "online" not in done.stdout:
                break
        raise AssertionError(f"soundings-sync --data {device} --once: exit {done.returncode}\n{done.stdout}{done.stderr}")

    # ---- browsers ------------------------------------------------------------------------------------

    def browser(self, javascript=True, size="1080p"):
        b = Browser(self, javascript=javascript, size=size)
        self.browsers.append(b)
        return b

    def close(self, keep):
        for b in self.browsers:
            b.quit()
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if not keep:
            shutil.rmtree(self.work, ignore_errors=True)


# ---- what a device store holds ----------------------------------------------------------------------

def device_responses(device):
    """The device's responses: [{id, language, channel, venue, answers...}] read from its SQLite store."""
    with closing(sqlite3.connect(f"file:{device}/device.sqlite?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT id, body FROM responses ORDER BY seq").fetchall()
    out = []
    for rid, body in rows:
        parsed = json.loads(body)
        parsed.setdefault("id", rid)
        out.append(parsed)
    return out


def device_feedback(device, consultation=CONSULTATION):
    """The "you said, we did" a device received from head office for `consultation`, as text ('' when none)."""
    with closing(sqlite3.connect(f"file:{device}/device.sqlite?mode=ro", uri=True)) as db:
        row = db.execute("SELECT feedback_json FROM consultation_local WHERE id = ?", (consultation,)).fetchone()
    return row[0] if row else ""


def free_text_answers(responses, question="proposal_effect"):
    """The long-text answers of `question` in the device's responses (what /consultations/ID/text lists)."""
    out = []
    for r in responses:
        answers = r.get("answers", {})
        value = answers.get(question) if isinstance(answers, dict) else None
        if isinstance(value, dict):
            value = value.get("text") or value.get("value")
        if isinstance(value, str) and value.strip():
            out.append(value)
    return out


# ---- the browser ------------------------------------------------------------------------------------

def with_query(url, **params):
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: v for k, v in params.items() if v is not None})
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


class Browser:
    """Headless Chromium through chromedriver, at one of WINDOW_SIZES, JavaScript on or off."""

    def __init__(self, stack, javascript=True, size="1080p"):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.stack = stack
        self.downloads = tempfile.mkdtemp(prefix="downloads-", dir=stack.work)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking",
                     "--force-device-scale-factor=1", "--hide-scrollbars", "--lang=en-GB",
                     f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-profile-', dir=stack.work)}"):
            options.add_argument(flag)
        prefs = {"download.default_directory": self.downloads, "download.prompt_for_download": False,
                 "intl.accept_languages": "en-GB,en"}
        if not javascript:
            prefs["profile.managed_default_content_settings.javascript"] = 2
        options.add_experimental_option("prefs", prefs)
        log = os.path.join(stack.work, f"chromedriver-{len(stack.browsers)}.log")
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER, log_path=log), options=options)
        self.driver.set_page_load_timeout(30)
        self.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": self.downloads})
        self.size(size)
        self.base = None

    def quit(self):
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001 - a browser that already died has nothing left to stop
            pass

    def size(self, name):
        """The viewport exactly WINDOW_SIZES[name] CSS pixels (not the outer window's size)."""
        width, height = WINDOW_SIZES[name]
        self.driver.set_window_size(width, height)
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    # ---- pages ---------------------------------------------------------------------------------------

    def open(self, url_or_path, lang=None):
        url = url_or_path if url_or_path.startswith("http") else self.base + url_or_path
        if lang:
            url = with_query(url, lang=lang)
        self.driver.get(url)
        return self

    @property
    def url(self):
        return self.driver.current_url

    @property
    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def css(self, selector):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text(self, selector="main"):
        found = self.css(selector) or self.css("body")
        return found[0].text if found else ""

    def html(self):
        return self.driver.page_source

    def title(self):
        return self.driver.title

    def h1(self):
        found = self.css("h1")
        return found[0].text.strip() if found else ""

    def links(self):
        """(text, absolute href) of every link on the page."""
        out = []
        for a in self.css("a[href]"):
            out.append((a.text.strip(), a.get_attribute("href")))
        return out

    def link_matching(self, pattern):
        """The first link whose href path matches `pattern` (a regex), or None."""
        for text, href in self.links():
            if re.search(pattern, urllib.parse.urlsplit(href).path + "?" + urllib.parse.urlsplit(href).query):
                return href
        return None

    def form_with(self, selector):
        """The first form holding an element matching `selector`, or None."""
        for form in self.css("form"):
            from selenium.webdriver.common.by import By
            if form.find_elements(By.CSS_SELECTOR, selector):
                return form
        return None

    def submit(self, form, button_text=None):
        """Clicks `form`'s submit button (the one whose text matches `button_text` when given)."""
        from selenium.webdriver.common.by import By
        buttons = form.find_elements(By.CSS_SELECTOR, "button, input[type=submit]")
        buttons = [b for b in buttons if (b.get_attribute("type") or "submit") == "submit"]
        if button_text:
            named = [b for b in buttons if re.search(button_text, (b.text or b.get_attribute("value") or ""), re.I)]
            buttons = named or buttons
        if not buttons:
            raise AssertionError(f"no submit button in the form posting to {form.get_attribute('action')}")
        page = self.css("html")[0]
        buttons[0].click()
        # Every console form answers with a new page (303 See Other, or the form again with its errors).
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait
        WebDriverWait(self.driver, 30).until(expected_conditions.staleness_of(page))

    def set_value(self, element, value):
        """Types into a text field or textarea; sets date and similar fields directly."""
        kind = (element.get_attribute("type") or "text").lower()
        if kind in ("date", "datetime-local", "time", "month", "week", "color", "range"):
            self.driver.execute_script("arguments[0].value = arguments[1];", element, value)
            return
        element.clear()
        element.send_keys(value)

    # ---- signing in ----------------------------------------------------------------------------------

    def sign_in(self, email, password=PASSWORD, lang=None):
        """Opens the console, and signs in on the form with a password field it is sent to."""
        self.open("/", lang=lang)
        form = self.sign_in_form()
        if form is None:
            self.open("/sign-in", lang=lang)
            form = self.sign_in_form()
        if form is None:
            raise AssertionError(f"no sign-in form at {self.url} (page title {self.title()!r})")
        from selenium.webdriver.common.by import By
        email_field = (form.find_elements(By.CSS_SELECTOR, "input[type=email]") or
                       form.find_elements(By.CSS_SELECTOR, "input[name*=email], input[name*=user]") or
                       form.find_elements(By.CSS_SELECTOR, "input[type=text]"))
        if not email_field:
            raise AssertionError(f"the sign-in form at {self.url} has no email field")
        self.set_value(email_field[0], email)
        self.set_value(form.find_element(By.CSS_SELECTOR, "input[type=password]"), password)
        self.submit(form)
        if self.sign_in_form() is not None:
            raise AssertionError(f"still on a sign-in form after signing in as {email}: {self.text()[:300]!r}")

    def sign_in_form(self):
        """The sign-in form (not the form that gives a new account its password), or None."""
        for form in self.css("form"):
            action = form.get_attribute("action") or ""
            if form.find_elements("css selector", "input[type=password]") and (
                    "sign-in" in action or "login" in action or
                    form.find_elements("css selector", "input[autocomplete=current-password]")):
                return form
        return None

    def signed_out(self):
        return self.sign_in_form() is not None

    # ---- requests outside the browser, with its session ---------------------------------------------

    def cookie_header(self):
        return "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())

    def fetch(self, url_or_path, data=None, headers=None, with_cookies=True, method=None):
        """(status, headers, body bytes) of a request sent with this browser's cookies; no redirects followed."""
        url = url_or_path if url_or_path.startswith("http") else self.base + url_or_path
        body = urllib.parse.urlencode(data).encode() if isinstance(data, (dict, list)) else data
        request = urllib.request.Request(url, data=body, method=method)
        if with_cookies:
            request.add_header("Cookie", self.cookie_header())
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        for k, v in (headers or {}).items():
            request.add_header(k, v)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def form_fields(self, form):
        """The name=value pairs a form would post as it stands (text fields as filled, first of each radio)."""
        from selenium.webdriver.common.by import By
        out = []
        for element in form.find_elements(By.CSS_SELECTOR, "input[name], textarea[name], select[name]"):
            kind = (element.get_attribute("type") or "").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind in ("checkbox", "radio") and not element.is_selected():
                continue
            out.append((element.get_attribute("name"), element.get_attribute("value") or ""))
        return out

    # ---- axe-core and screenshots ---------------------------------------------------------------------

    def axe(self):
        """axe-core's violations on the page as it stands, for WCAG 2.0/2.1/2.2 A and AA."""
        with open(AXE_JS, encoding="utf-8") as f:
            source = f.read()
        self.driver.execute_script(source)
        self.driver.set_script_timeout(60)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            ".then(r => done({violations: r.violations})).catch(e => done({error: String(e)}));", AXE_TAGS)
        if "error" in result:
            raise AssertionError(f"axe-core failed on {self.url}: {result['error']}")
        return result["violations"]

    def screenshot(self, path, full_page=True):
        """A PNG of the viewport, or of the whole page at the viewport's width."""
        os.makedirs(os.path.dirname(path), exist_ok=True)
        params = {"format": "png"}
        if full_page:
            metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            width = self.driver.execute_script("return window.innerWidth")
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": width, "height": min(size["height"], 8000), "scale": 1})
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", params)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        return path

    def overflows_horizontally(self):
        """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
        return self.driver.execute_script(
            "return Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def describe_violations(violations):
    """axe-core's violations as lines a person can act on: rule, impact, help, each node's selector and why."""
    lines = []
    for v in violations:
        lines.append(f"  [{v.get('impact')}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", [])[:6]:
            target = " ".join(map(str, node.get("target", [])))
            why = [w.strip() for w in (node.get("failureSummary") or "").splitlines()[1:3]]
            lines.append(f"      at {target}: {'; '.join(why)[:300]}")
            lines.append(f"         {node.get('html', '')[:200]}")
        if len(v.get("nodes", [])) > 6:
            lines.append(f"      ... and {len(v['nodes']) - 6} more")
    return "\n".join(lines)


def read_csv(body):
    text = body.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def main_for(name, walk):
    """Runs `walk(stack, check)` and answers the exit status CTest reads: 0, 1, or 77 (skipped)."""
    missing = browser_missing()
    if missing:
        print(f"skipped: {missing}")
        return SKIP
    try:
        import selenium  # noqa: F401
    except ImportError:
        print("FAIL: python3-selenium is missing (Debian's python3-selenium; run the test with /usr/bin/python3)")
        return 1
    if not os.path.exists(AXE_JS):
        print(f"FAIL: {AXE_JS} is missing: run `npm ci --prefix tests/console` (deploy/test.sh does)")
        return 1
    args = arguments()
    check = Checks()
    started = time.monotonic()
    stack = Stack(args, name)
    try:
        walk(stack, check)
    except Exception as e:  # noqa: BLE001 - whatever stopped the walk is reported as one failure
        traceback.print_exc()
        check(False, f"stopped by {type(e).__name__}: {e}")
    finally:
        keep = args.keep or bool(check.failures)
        stack.close(keep)
    took = time.monotonic() - started
    print(f"\n{name}: {took:.1f} s; {check.passed} passed, {len(check.failures)} failed")
    for f in check.failures:
        print(f"  failed: {f}")
    if check.failures:
        print(f"  logs and files kept in {stack.work}")
    return 1 if check.failures else 0


def run_test(name, walk):
    sys.exit(main_for(name, walk))
