# The console as an officer uses it, in headless Chromium against the real programs on loopback:
#   1. sign in as an admin, publish a consultation file through /publish (a broken one first: the
#      validator's messages with their places), and see it listed;
#   2. a kiosk and a field tablet sync their responses: the consultation's page shows the total, filters
#      by channel and language change the numbers to the devices' own counts, the free text reads and
#      searches, and the CSV export holds exactly the devices' responses;
#   3. "you said, we did" written in both languages and published; the kiosk's next sync stores it.
import os
import re
import time
import urllib.parse

from harness import CONSULTATION, device_feedback, device_responses, free_text_answers, read_csv, run_test

ADMIN = "admin@wrexham.example.gov.uk"
KIOSK_COUNT, FIELD_COUNT = 30, 15
TITLE_EN = "Our library opening hours"
BROKEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "broken", "missing-welsh.json")


def number_shown(text, n):
    """Whether the count `n` is shown as a number of its own (45, or 1,045 with a thousands comma)."""
    return re.search(rf"(?<![\d,.]){n:,}(?![\d,])|(?<![\d,.]){n}(?![\d,])", text) is not None


def publish(stack, check, b, state):
    b.sign_in(ADMIN)
    check(True, "an admin signs in with the email and password set by `soundings-hub user add`")
    b.open("/publish")
    form = b.form_with("input[type=file]")
    if not check(form is not None, "/publish has a form with a file field", b.text()[:300]):
        stack.publish_cli(state["data"])  # so that the scenarios after this one still have a consultation
        return
    form.find_element("css selector", "input[type=file]").send_keys(os.path.abspath(BROKEN))
    b.submit(form, "publish|cyhoeddi|upload|llwytho")
    refused = b.text()
    check("cy" in refused and re.search(r"(title|summary|pages|council|\[\d+\])", refused) is not None,
          "a consultation with Welsh missing is refused with the validator's message naming its place",
          refused[:600])

    b.open("/publish")
    form = b.form_with("input[type=file]")
    form.find_element("css selector", "input[type=file]").send_keys(stack.consultation_file())
    b.submit(form, "publish|cyhoeddi|upload|llwytho")
    check(b.css("[role=alert]") == [] or CONSULTATION in b.text(),
          "publishing library-opening-hours.json shows no error", b.text()[:600])
    b.open("/")
    listed = b.text()
    link = b.link_matching(rf"/consultations/{CONSULTATION}(\?|$)")
    check(TITLE_EN in listed or CONSULTATION in listed, "the published consultation is listed on the console's home page",
          listed[:600])
    if link is None:
        b.open("/consultations")
        link = b.link_matching(rf"/consultations/{CONSULTATION}(\?|$)")
    check(link is not None, "the list links to the consultation's page")


def counts(responses, key):
    out = {}
    for r in responses:
        out[r.get(key)] = out.get(r.get(key), 0) + 1
    return out


def select_filter(b, options_wanted):
    """The filter form's <select> offering every value in `options_wanted`, or (None, None)."""
    from selenium.webdriver.support.ui import Select
    for element in b.css("main select, select"):
        values = {o.get_attribute("value") for o in element.find_elements("css selector", "option")}
        if set(options_wanted) <= values:
            return element, Select(element)
    return None, None


def apply_filter(b, results_url, wanted_values, value, what, check):
    b.open(results_url)
    element, select = select_filter(b, wanted_values)
    if not check(element is not None, f"the results page has a {what} filter offering {sorted(wanted_values)}",
                 "selects: " + repr([(s.get_attribute('name'), [o.get_attribute('value') for o in
                                                                 s.find_elements('css selector', 'option')])
                                     for s in b.css('select')])):
        return None
    select.select_by_value(value)
    name = element.get_attribute("name")
    form = element.find_element("xpath", "ancestor::form")
    b.submit(form, "filter|hidlo|apply|show|dangos|update|diweddaru")
    check(name and f"{name}={value}" in urllib.parse.unquote(b.url),
          f"the {what} filter is in the address, so the view can be shared and reloaded", b.url)
    return b.text()


def responses_appear(stack, check, b, state):
    data, url = state["data"], state["url"]
    kiosk = stack.enrol(data, url, "Wrexham Library kiosk")
    tablet = stack.enrol(data, url, "Gresford field tablet", field=True)
    results = f"/consultations/{CONSULTATION}"
    b.open(results)
    before = b.text()
    check(b.h1() != "", "the consultation's results page has a heading", before[:300])
    check(not number_shown(before, KIOSK_COUNT + FIELD_COUNT), "before any device syncs, no total of 45 is shown")

    stack.fill(kiosk, KIOSK_COUNT, 1)
    stack.fill(tablet, FIELD_COUNT, 2, field=True)
    # Read before syncing: a field tablet deletes its responses once head office has them.
    responses = device_responses(kiosk) + device_responses(tablet)
    stack.sync(kiosk)
    stack.sync(tablet)
    state["responses"] = responses
    total = len(responses)
    check(total == KIOSK_COUNT + FIELD_COUNT, f"the devices hold {KIOSK_COUNT + FIELD_COUNT} responses ({total})")
    b.driver.refresh()
    after = b.text()
    check(number_shown(after, total), f"after the devices sync, a reload shows the total of {total} responses",
          after[:800])
    check(b.css("main svg, svg[role=img]") != [], "the results page draws its charts (SVG)")
    check(b.css("main table caption") != [], "the results page has tables with captions")

    by_channel = counts(responses, "channel")
    text = apply_filter(b, results, {"kiosk", "field"}, "field", "channel", check)
    if text is not None:
        check(number_shown(text, by_channel.get("field", 0)) and text != after,
              f"filtered to field work the page shows {by_channel.get('field')} responses, not {total}",
              f"device counts by channel {by_channel}; page: {text[:600]}")
    by_language = counts(responses, "language")
    text = apply_filter(b, results, {"cy", "en"}, "cy", "language", check)
    if text is not None:
        check(number_shown(text, by_language.get("cy", 0)) and text != after,
              f"filtered to Welsh the page shows {by_language.get('cy')} responses", f"device counts {by_language}; page: {text[:600]}")

    free_text(check, b, responses)
    export_csv(check, b, responses, results)


def free_text(check, b, responses):
    answers = free_text_answers(responses)
    check(len(answers) > 0, f"the devices' responses hold free-text answers ({len(answers)})")
    b.open(f"/consultations/{CONSULTATION}/text")
    page = b.text()
    shown = [a for a in answers if a in page]
    check(len(shown) > 0, "the free-text page shows answers residents wrote", page[:600])
    # A word some answers hold and some do not, so a search that works shows fewer.
    words = sorted({w for a in answers for w in a.split() if len(w) >= 4},
                   key=lambda w: abs(sum(w in a.split() for a in answers) - len(answers) / 3))
    if not words:
        return
    word = words[0]
    search = b.form_with("input[type=search], input[name=q], input[name=search]")
    if not check(search is not None, "the free-text page has a search form"):
        return
    field = search.find_elements("css selector", "input[type=search], input[name=q], input[name=search]")[0]
    b.set_value(field, word)
    b.submit(search, "search|chwilio")
    found = b.text()
    with_word = [a for a in answers if word in a]
    without = [a for a in answers if word not in a and not any(a in w for w in with_word)]
    check(any(a in found for a in with_word), f"searching for \"{word}\" shows answers holding it", found[:600])
    check(not any(a in found for a in without), f"searching for \"{word}\" shows no answer without it",
          [a for a in without if a in found][:5])


def export_csv(check, b, responses, results):
    b.open(results)
    link = b.link_matching(r"/export\.csv|export.*csv")
    check(link is not None, "the results page links to a CSV export for an officer or admin")
    link = link or f"/consultations/{CONSULTATION}/export.csv"
    status, headers, body = b.fetch(link)
    check(status == 200, f"the CSV export answers 200 with the session's cookie ({status})", body[:300])
    if status != 200:
        return
    check("attachment" in headers.get("Content-Disposition", ""), "the export comes as a download (attachment)",
          headers)
    rows = read_csv(body)
    ids = [r.get("id") for r in rows]
    expected = {r["id"] for r in responses}
    check(len(ids) == len(set(ids)) and set(ids) == expected,
          f"the CSV's rows are exactly the devices' {len(expected)} responses ({len(ids)} rows)",
          f"missing {sorted(expected - set(ids))[:5]}, extra {sorted(set(ids) - expected)[:5]}")
    languages = {r["id"]: r.get("language") for r in responses}
    check(all(r.get("language") == languages.get(r.get("id")) for r in rows),
          "each row's language is its response's", rows[:2])

    # The same link in the browser: the file lands in the download folder.
    for name in os.listdir(b.downloads):
        os.remove(os.path.join(b.downloads, name))
    b.driver.get(link)
    deadline = time.monotonic() + 15
    got = []
    while time.monotonic() < deadline:
        got = [n for n in os.listdir(b.downloads) if n.endswith(".csv")]
        if got:
            break
        time.sleep(0.2)
    check(len(got) == 1, f"the browser downloads the export as a .csv file ({os.listdir(b.downloads)})")
    if got:
        with open(os.path.join(b.downloads, got[0]), "rb") as f:
            check({r.get("id") for r in read_csv(f.read())} == expected,
                  "the downloaded file holds the same responses")


def feedback(stack, check, b, state):
    kiosk = stack.devices.get("Wrexham Library kiosk") or stack.enrol(state["data"], state["url"], "Wrexham Library kiosk")
    before = device_feedback(kiosk)
    b.open(f"/consultations/{CONSULTATION}/feedback")
    form = b.form_with("textarea")
    if not check(form is not None, "the feedback page has a form to write in", b.text()[:400]):
        return
    marks = {}
    for element in form.find_elements("css selector", "textarea, input[type=text], input:not([type])"):
        name = element.get_attribute("name") or ""
        lang = element.get_attribute("lang") or ("cy" if re.search(r"(^|[_\-.\[])cy($|[_\-.\]])", name) else "en")
        mark = f"{name} marc-{lang}-{len(marks)}"
        text = (f"Gwnaethom ni agor y llyfrgell ar fore Sadwrn ({mark})" if lang == "cy"
                else f"We opened the library on Saturday mornings ({mark})")
        b.set_value(element, text)
        marks[name] = text
    for element in form.find_elements("css selector", "input[type=date]"):
        b.set_value(element, time.strftime("%Y-%m-%d", time.gmtime()))
    check(any("marc-cy" in t for t in marks.values()) and any("marc-en" in t for t in marks.values()),
          "the feedback form has fields for Welsh and for English", sorted(marks))
    preview = [x for x in form.find_elements("css selector", "button, input[type=submit]")
               if re.search("preview|rhagolwg", x.text or x.get_attribute("value") or "", re.I)]
    if preview:
        preview[0].click()
        shown = b.text()
        check(any(t in shown for t in marks.values()), "the preview shows the text as a kiosk will", shown[:400])
        form = b.form_with("textarea") or b.form_with("form[action*=feedback] button")
    b.submit(form, "publish|cyhoeddi")
    check(not b.css("[role=alert]"), "publishing the feedback shows no error", b.text()[:400])
    stack.sync(kiosk)
    after = device_feedback(kiosk)
    check(after != before and all(t in after for t in marks.values()),
          "after its next sync the kiosk's store holds the feedback in both languages",
          f"device feedback_json: {after[:500]}")


def walk(stack, check):
    data = stack.path("hub")
    os.makedirs(data)
    url = stack.serve(data)
    stack.add_user(data, ADMIN, "admin")
    b = stack.browser()
    b.base = url
    state = {"data": data, "url": url}
    check.scenario("1. sign in and publish", publish, stack, check, b, state)
    check.scenario("2. a syncing device's responses on the consultation's page", responses_appear, stack, check, b, state)
    check.scenario("3. you said, we did reaches a kiosk", feedback, stack, check, b, state)


if __name__ == "__main__":
    run_test("console flows", walk)
