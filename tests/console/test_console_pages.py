# 5. Every console page, in Welsh and in English, checked with axe-core (WCAG 2.0, 2.1 and 2.2, A and AA)
#    in headless Chromium, and photographed whole at 1920x1080 and at tablet size (768x1024) for a person
#    to look at. The hub holds what makes each page show its parts: three consultations, a kiosk's and a
#    field tablet's responses, feedback, an officer and a walk list.
#
# The pages are found as a person finds them: from the console's home page, following its links (and the
# routes console.h names, which must answer or be linked); a page is visited once per shape of address.
import os
import re
import tempfile
import urllib.parse

from harness import CONSULTATION, PASSWORD, describe_violations, run, run_test

ADMIN = "admin@wrexham.example.gov.uk"
CONSULTATIONS = ("library-opening-hours", "influencing-decisions", "involvement-strategy")
ROUTES = ["/", "/consultations", f"/consultations/{CONSULTATION}", f"/consultations/{CONSULTATION}/text",
          f"/consultations/{CONSULTATION}/reach", f"/consultations/{CONSULTATION}/export",
          f"/consultations/{CONSULTATION}/feedback", "/publish", "/quarantine", "/devices", "/field", "/users",
          "/audit"]
MAX_PAGES = 30
SKIP_LINK = re.compile(r"\.(csv|json|xlsx)$|sign-?out|logout|allgofnodi|/api/", re.I)
# Text a page may show the same in both languages: names, emails, ids, numbers, dates.
SAME_IN_BOTH = re.compile(r"^[\d\s.,:/%<>()+-]*$|@|^[A-Z][\w-]+( [A-Z][\w-]+)*$")


def shape(path):
    """The address with its ids replaced, so one results page stands for all three."""
    parts = []
    for part in path.strip("/").split("/"):
        if part in CONSULTATIONS:
            parts.append("{consultation}")
        elif re.fullmatch(r"[0-9a-f-]{8,}|\d+", part):
            parts.append("{id}")
        else:
            parts.append(part)
    return "/" + "/".join(parts)


def slug(path):
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def ui_texts(b):
    """Interface strings of the page (headings, labels, buttons, table heads, navigation)."""
    return b.driver.execute_script(
        "return Array.from(document.querySelectorAll('h1,h2,h3,label,legend,button,th,caption,nav a,"
        "input[type=submit]')).map(e => (e.innerText || e.value || '').trim()).filter(t => t)")


def find_pages(stack, check, b):
    pages, seen = [], set()
    queue = list(ROUTES)
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        key = shape(path)
        if key in seen:
            continue
        seen.add(key)
        status, _, _ = b.fetch(path)
        if status != 200:
            if path in ROUTES:
                check.note(f"{path} answers {status}: not photographed (not written yet, or not at that address)")
            continue
        b.open(path)
        pages.append(path)
        for _, href in b.links():
            parts = urllib.parse.urlsplit(href)
            if parts.netloc != urllib.parse.urlsplit(b.base).netloc or SKIP_LINK.search(parts.path):
                continue
            queue.append(parts.path)
    return pages


def photograph(stack, check, b, pages, shots, lang_pairs, prefix=""):
    listing = []
    for index, path in enumerate(pages):
        texts = {}
        for lang in ("cy", "en"):
            b.size("1080p")
            b.open(path, lang=lang)
            html_lang = b.driver.execute_script("return document.documentElement.lang")
            check(html_lang == lang, f"{path} in {lang}: <html lang=\"{lang}\"> ({html_lang!r})")
            check(len(b.css("h1")) == 1, f"{path} in {lang}: exactly one <h1> ({len(b.css('h1'))})")
            violations = b.axe()
            check(violations == [], f"{path} in {lang}: axe-core finds no WCAG 2.2 A/AA violations",
                  f"{len(violations)} rule(s) broken:\n" + describe_violations(violations))
            texts[lang] = ui_texts(b)
            for size in ("1080p", "tablet"):
                b.size(size)
                name = f"{prefix}{index:02d}-{slug(path)}-{lang}-{size}.png"
                listing.append(b.screenshot(os.path.join(shots, name)))
                if size == "tablet":
                    over = b.overflows_horizontally()
                    if over:
                        check.note(f"{path} in {lang} at 768 px is {over} px wider than the screen: {name}")
        same = sorted({t for t in texts["cy"] if t in texts["en"] and not SAME_IN_BOTH.search(t)
                       and re.search(r"[a-z]{3}", t)})
        if same:
            check.note(f"{path}: the same interface text in cy and en (English left in Welsh?): {same[:12]}")
        lang_pairs[path] = same
    return listing


def walk(stack, check):
    data = stack.path("hub")
    os.makedirs(data)
    url = stack.serve(data)
    for name in CONSULTATIONS:
        stack.publish_cli(data, name)
    stack.add_user(data, ADMIN, "admin")
    stack.add_user(data, "viewer@example.gov.uk", "viewer")
    run(stack.args.hub, "staff", "add", "--data", data, "--id", "gwen.morgan", "--name", "Gwen Morgan",
        input="482913\n")
    kiosk = stack.enrol(data, url, "Wrexham Library kiosk")
    tablet = stack.enrol(data, url, "Gresford field tablet", field=True)
    stack.fill(kiosk, 40, 3)
    stack.fill(tablet, 15, 4, field=True)
    stack.sync(kiosk)
    stack.sync(tablet)
    feedback = stack.path("feedback.json")
    with open(feedback, "w", encoding="utf-8") as f:
        f.write('{"you_said": {"cy": "Dywedoch chi fod angen y llyfrgell ar agor ar fore Sadwrn.", '
                '"en": "You said the library should open on Saturday mornings."}, '
                '"we_did": {"cy": "Byddwn ni\'n agor am 9 bob bore Sadwrn o fis Ionawr.", '
                '"en": "We will open at 9 every Saturday morning from January."}, '
                '"how_connected": {"cy": "Dyma oedd yr ateb mwyaf cyffredin.", "en": "This was the most common answer."}, '
                '"published": "2026-12-01"}')
    run(stack.args.hub, "feedback", "--data", data, "--consultation", CONSULTATION, feedback)

    shots = os.environ.get("SOUNDINGS_SCREENSHOTS") or tempfile.mkdtemp(prefix="soundings-console-screenshots-")
    os.makedirs(shots, exist_ok=True)
    b = stack.browser()
    b.base = url
    same = {}
    listing = []

    def signed_out_pages():
        # The sign-in page, before any session.
        b.open("/")
        check(b.signed_out(), "signed out, the console's home page shows the sign-in form", b.title())
        if not b.signed_out():
            b.open("/sign-in")
        listing.extend(photograph(stack, check, b, [b.path], shots, same, prefix="signin-"))

    def signed_in_pages():
        b.sign_in(ADMIN, PASSWORD)
        pages = find_pages(stack, check, b)
        check(len(pages) >= 8, f"the console has its pages ({len(pages)} found: {pages})")
        listing.extend(photograph(stack, check, b, pages, shots, same))

    check.scenario("5a. the sign-in page in cy and en", signed_out_pages)
    check.scenario("5b. every page in cy and en", signed_in_pages)
    with open(os.path.join(shots, "index.txt"), "w") as f:
        f.write("\n".join(listing) + "\n")
    print(f"\nscreenshots ({len(listing)}) in {shots}:")
    for path in listing:
        print("  " + path)


if __name__ == "__main__":
    run_test("console pages", walk)
