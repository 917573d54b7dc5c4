# Who may do what, in headless Chromium against the real hub on loopback:
#   4. a viewer sees results but no export link and gets 403 from the export URLs; a form post without the
#      CSRF token (or from another origin) is refused with 403 and changes nothing, while the same post with
#      it is accepted; a session left idle past the timeout is signed out (the hub's clock moved on with
#      libfaketime, so the test does not wait half an hour);
#   6. the console with JavaScript off: sign in, open a consultation's results and filter them.
import os
import re

from harness import CONSULTATION, device_responses, run, run_test

ADMIN = "admin@conwy.example.gov.uk"
OFFICER = "officer@conwy.example.gov.uk"
VIEWER = "viewer@conwy.example.gov.uk"
INTRUDER = "intruder@elsewhere.example.org"
RESULTS = f"/consultations/{CONSULTATION}"
EXPORTS = [f"/consultations/{CONSULTATION}/export.csv", f"/consultations/{CONSULTATION}/export.xlsx"]


def viewer_cannot_export(stack, check, state):
    b = stack.browser()
    b.base = state["url"]
    b.sign_in(VIEWER)
    b.open(RESULTS)
    check(b.h1() != "" and "403" not in b.title(), "a viewer opens a consultation's results", b.text()[:300])
    export_links = [href for _, href in b.links() if re.search(r"export", href)]
    check(export_links == [], "a viewer's results page shows no export link", export_links)
    for path in EXPORTS:
        status, _, body = b.fetch(path)
        check(status == 403, f"a viewer gets 403 from {path} ({status})", body[:200])
        b.open(path)
        check("403" in b.title() + b.text() or b.h1() != "", f"opening {path} in the browser shows a page saying why")
    status, _, _ = b.fetch(f"/consultations/{CONSULTATION}/text")
    check(status == 403, f"a viewer gets 403 from the free-text answers ({status})")
    status, _, _ = b.fetch("/publish")
    check(status == 403, f"a viewer gets 403 from /publish ({status})")
    # The same URLs with an officer's session: the 403s above are about the role, not broken routes.
    officer = stack.browser()
    officer.base = state["url"]
    officer.sign_in(OFFICER)
    for path in EXPORTS:
        status, _, body = officer.fetch(path)
        check(status == 200, f"an officer downloads {path} ({status})", body[:200])
    state["officer"] = officer


def form_posting_to(b, path):
    """The form on the page that posts to `path` and carries the CSRF field, or None."""
    for form in b.css("form"):
        if (form.get_attribute("action") or "").endswith(path) and form.find_elements("css selector", "input[name=csrf]"):
            return form
    return None


def users_listed(stack, state):
    return run(stack.args.hub, "user", "list", "--data", state["data"]).stdout


def csrf_refused(stack, check, state):
    """An admin's "add an account" form posted by another page: without the token, from another origin."""
    b = stack.browser()
    b.base = state["url"]
    b.sign_in(ADMIN)
    b.open("/users")
    form = form_posting_to(b, "/users")
    if not check(form is not None, "the accounts page's form carries a csrf field", b.text()[:400]):
        return
    action = form.get_attribute("action")
    token = dict(b.form_fields(form))["csrf"]
    fields = [("email", INTRUDER), ("role", "admin"), ("password", "a-password-long-enough-2026")]
    origin = state["url"]
    status, _, body = b.fetch(action, data=fields, headers={"Origin": origin})
    check(status == 403, f"adding an account without the CSRF token is refused with 403 ({status})", body[:300])
    check(INTRUDER not in users_listed(stack, state), "the refused post added no account (soundings-hub user list)")
    status, _, body = b.fetch(action, data=fields + [("csrf", "0" * len(token))], headers={"Origin": origin})
    check(status == 403, f"a wrong CSRF token is refused with 403 ({status})", body[:300])
    status, _, _ = b.fetch(action, data=fields + [("csrf", token)], headers={"Origin": "http://attacker.example"})
    check(status == 403, f"the right token from another Origin is refused with 403 ({status})")
    check(INTRUDER not in users_listed(stack, state), "the refused posts added no account")
    status, _, body = b.fetch(action, data=fields + [("csrf", token)], headers={"Origin": origin})
    check(status in (200, 303) and INTRUDER in users_listed(stack, state),
          f"the same post with the token from the console's own origin adds the account ({status})", body[:300])

    # The officer's feedback form too, when the page is there.
    officer = state.get("officer")
    if officer is None:
        return
    officer.open(f"/consultations/{CONSULTATION}/feedback")
    form = form_posting_to(officer, "/feedback")
    if form is None:
        check.note("no feedback form to post without a token (page not there yet)")
        return
    fields = [(n, v or f"Sneaky change {n}") for n, v in officer.form_fields(form) if n != "csrf"]
    status, _, _ = officer.fetch(form.get_attribute("action"), data=fields, headers={"Origin": origin})
    check(status == 403, f"a feedback post without the CSRF token is refused with 403 ({status})")
    officer.open(f"/consultations/{CONSULTATION}/feedback")
    check("Sneaky change" not in officer.html(), "the refused feedback post changed nothing")


def session_expires(stack, check, state):
    """A hub of its own whose clock libfaketime moves three hours on; the idle timeout is at most that."""
    data = stack.path("hub-clock")
    os.makedirs(data)
    clock = stack.path("hub-clock.faketime")
    with open(clock, "w") as f:
        f.write("+0s\n")
    extra = ["--console-idle-minutes", "1"] if "--console-idle-minutes" in stack.hub_help else []
    url = stack.serve(data, "hub-clock", extra=extra, faketime_file=clock)
    stack.publish_cli(data)
    stack.add_user(data, VIEWER, "viewer")
    b = stack.browser()
    b.base = url
    b.sign_in(VIEWER)
    b.open(RESULTS)
    check(not b.signed_out(), "signed in, the results page opens")
    with open(clock, "w") as f:
        f.write("+3h\n")
    b.open(RESULTS)
    check(b.signed_out(), "three hours later on the hub's clock the session has expired: the sign-in form shows",
          b.text()[:300])
    status, _, _ = b.fetch(RESULTS + ".json")
    check(status in (302, 303, 401, 403), f"the expired session's cookie no longer reads results ({status})")
    b.sign_in(VIEWER)
    b.open(RESULTS)
    check(not b.signed_out(), "signing in again opens the results")


def javascript_off(stack, check, state):
    b = stack.browser(javascript=False)
    b.base = state["url"]
    b.driver.get("data:text/html,<title>off</title><script>document.title='on'</script>")
    check(b.title() == "off", "this browser really runs no JavaScript", b.title())
    b.sign_in(VIEWER)
    check(True, "with JavaScript off a viewer signs in")
    b.open("/")
    link = b.link_matching(rf"/consultations/{CONSULTATION}(\?|$)")
    check(link is not None, "with JavaScript off the list links to the consultation")
    b.open(link or RESULTS)
    total = len(state["responses"])
    check(str(total) in b.text() and b.css("main svg") != [],
          f"with JavaScript off the results page shows the total of {total} and its charts", b.text()[:400])
    selects = [s for s in b.css("main select")
               if {"cy", "en"} <= {o.get_attribute("value") for o in s.find_elements("css selector", "option")}]
    if check(selects != [], "with JavaScript off the language filter is there"):
        from selenium.webdriver.support.ui import Select
        Select(selects[0]).select_by_value("en")
        b.submit(selects[0].find_element("xpath", "ancestor::form"), "filter|hidlo|apply|show|dangos")
        english = sum(1 for r in state["responses"] if r.get("language") == "en")
        check(str(english) in b.text(), f"with JavaScript off filtering to English shows {english}", b.text()[:400])


def walk(stack, check):
    data = stack.path("hub")
    os.makedirs(data)
    url = stack.serve(data)
    stack.publish_cli(data)
    for email, role in ((ADMIN, "admin"), (OFFICER, "officer"), (VIEWER, "viewer")):
        stack.add_user(data, email, role)
    kiosk = stack.enrol(data, url, "Conwy Library kiosk")
    stack.fill(kiosk, 24, 7)
    state = {"url": url, "data": data, "responses": device_responses(kiosk)}
    stack.sync(kiosk)
    check.scenario("4a. a viewer cannot export", viewer_cannot_export, stack, check, state)
    check.scenario("4b. a form post without the CSRF token is refused", csrf_refused, stack, check, state)
    check.scenario("4c. an idle session expires", session_expires, stack, check, state)
    check.scenario("6. the console with JavaScript off", javascript_off, stack, check, state)


if __name__ == "__main__":
    run_test("console access", walk)
