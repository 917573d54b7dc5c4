// A field tablet headless: sign-in and the wait after wrong PINs, sign-out by hand and after time unused, a clean
// hand-over, the walk list and its filters, the door log, how a survey is given, anonymity, check-ins.
#include <catch2/catch.hpp>

#include <algorithm>

#include "field_fixture.h"
#include "must.h"
#include "soundings/ui_text.h"
#include "walk.h"

using namespace soundings;
using namespace soundings::kiosk;
using namespace soundings::kiosk::testing;
using namespace std::chrono_literals;
using soundings::testing::must;

namespace {
// The bodies of the records of `kind` waiting in the outbox, oldest first (a field response once its day is over).
std::vector<nlohmann::json> records(Harness& h, RecordKind kind) {
  h.settle();
  std::vector<nlohmann::json> out;
  for (const OutboxItem& item : must(h.store->pending_batch(100000, size_t(1) << 30, Clock::now() + 24h * 366)))
    if (item.kind == kind) out.push_back(nlohmann::json::parse(item.body));
  return out;
}

std::vector<std::string> sign_in_events(Harness& h) {
  std::vector<std::string> events;
  for (const nlohmann::json& r : records(h, RecordKind::SignIn)) events.push_back(r["event"].get<std::string>());
  return events;
}

// Whether any text drawn in the last frame contains `words`.
bool drawn(const Harness& h, const std::string& words) {
  for (const DrawnText& text : h.last.geometry.texts)
    if (text.words.find(words) != std::string::npos) return true;
  for (const TapTarget& t : h.last.targets)
    if (t.label.find(words) != std::string::npos) return true;
  return false;
}

// The sync thread as the controller sees it, counting the times it is asked to send at once.
struct CountingSync final : SyncPort {
  SyncSnapshot status() const override { return {}; }
  void response_saved() override { ++nudges; }
  int nudges = 0;
};

// A sync thread whose pulls changed what the store holds, as the kiosk's sync thread reports it.
struct ChangingSync final : SyncPort {
  SyncSnapshot status() const override {
    SyncSnapshot snapshot;
    snapshot.consultations_generation = generation;
    return snapshot;
  }
  void response_saved() override {}
  uint64_t generation = 0;
};

void open_list_and_door(Harness& h, const std::string& uprn) {
  REQUIRE(h.tap("list:list-1"));
  h.settle();
  REQUIRE(h.state.screen == Screen::FieldList);
  REQUIRE(h.tap("door:" + uprn));
  REQUIRE(h.state.screen == Screen::FieldDoor);
}

void save_outcome(Harness& h, VisitOutcome outcome) {
  REQUIRE(h.tap(std::string("outcome:") + visit_outcome_name(outcome)));
  if (outcome == VisitOutcome::ComeBack) REQUIRE(h.tap("comeback:hour:17"));
  REQUIRE(h.tap("door:save"));
  h.settle();
}
}  // namespace

TEST_CASE("field: a tablet with no staff list says it must sync with head office before anyone can sign in", "[field]") {
  HarnessOptions o = field_options();
  o.fill_store = nullptr;
  Harness h(o);
  h.settle();
  CHECK(h.state.screen == Screen::FieldSignIn);
  CHECK(drawn(h, ui_text("kiosk.field.sign_in.no_staff", "cy")));
  REQUIRE(h.tap("lang:en"));
  CHECK(drawn(h, "must sync with head office"));
}

TEST_CASE("field: an officer chooses their name and signs in with their PIN; a disabled account is not listed",
          "[field]") {
  Harness h(field_options());
  h.settle();
  CHECK(h.has_target("officer:ana"));
  CHECK(h.has_target("officer:bryn"));
  CHECK_FALSE(h.has_target("officer:cerys"));
  sign_in(h, "ana");
  CHECK(h.state.screen == Screen::FieldLists);
  CHECK(h.state.field.signed_in);
  CHECK(h.state.config.staff_id == "ana");
  CHECK(h.state.field.secret.empty());
  CHECK(drawn(h, "Ana Jones"));
  auto sign_ins = records(h, RecordKind::SignIn);
  REQUIRE(sign_ins.size() == 1);
  CHECK(sign_ins[0]["event"] == "signed_in");
  CHECK(sign_ins[0]["staff_id"] == "ana");
  CHECK(sign_ins[0]["device_id"] == "test-device");
}

TEST_CASE("field: after three wrong PINs each try waits longer, the lockout is recorded, and the wait outlasts a "
          "change of name", "[field]") {
  Harness h(field_options());
  for (int i = 0; i < 4; ++i) {
    sign_in(h, "ana", "111111");
    REQUIRE(h.tap("back"));
  }
  CHECK_FALSE(h.state.field.signed_in);
  CHECK(h.state.field.wait_seconds == 30);
  CHECK(sign_in_events(h) == std::vector<std::string>{"locked_out"});
  // Another name is no way round the wait: the right PIN is refused untried until it is over.
  sign_in(h, "bryn");
  CHECK_FALSE(h.state.field.signed_in);
  CHECK(h.state.field.message_key == "kiosk.field.sign_in.wait");
  h.clock.advance(30s);
  h.frame();
  CHECK(h.state.field.wait_seconds == 0);
  for (char digit : std::string(kOfficerPin)) REQUIRE(h.tap(std::string("pin:") + digit));
  REQUIRE(h.tap("pin:ok"));
  h.settle(10000);
  CHECK(h.state.field.signed_in);
  CHECK(h.state.field.attempts.failures == 0);
}

TEST_CASE("field: an officer can sign in with a passphrase typed on the on-screen keyboard, shown only as stars",
          "[field]") {
  Harness h(field_options());
  h.settle();
  REQUIRE(h.tap("officer:bryn"));
  REQUIRE(h.tap("field:use_passphrase"));
  REQUIRE(h.state.keyboard.open);
  REQUIRE(h.type(kOfficerPin));
  CHECK(drawn(h, "******"));
  CHECK_FALSE(drawn(h, kOfficerPin));
  REQUIRE(h.tap("key:done"));
  REQUIRE(h.tap("field:sign_in"));
  h.settle(10000);
  CHECK(h.state.field.signed_in);
  CHECK(h.state.config.staff_id == "bryn");
}

TEST_CASE("field: an officer left unused for the set minutes is signed out, and it is recorded as timed out",
          "[field]") {
  Harness h(field_options());
  sign_in(h, "ana");
  h.clock.advance(19min);
  h.frame();
  CHECK(h.state.field.signed_in);
  h.clock.advance(1min);
  h.frame();
  CHECK_FALSE(h.state.field.signed_in);
  CHECK(h.state.screen == Screen::FieldSignIn);
  CHECK(sign_in_events(h) == std::vector<std::string>{"signed_in", "timed_out"});
}

TEST_CASE("field: a sign-in and a sign-out are sent to head office at once, as lone working needs", "[field]") {
  CountingSync sync;
  HarnessOptions options = field_options();
  options.sync = &sync;
  Harness h(options);
  sign_in(h, "ana");
  h.settle();
  CHECK(sync.nudges == 1);
  REQUIRE(h.tap("field:sign_out"));
  h.settle();
  CHECK(sync.nudges == 2);
  CHECK(sign_in_events(h) == std::vector<std::string>{"signed_in", "signed_out"});
}

TEST_CASE("field: after sign-out nothing of the last officer's session is on screen or in the tablet's state",
          "[field]") {
  Harness h(field_options());
  sign_in(h, "ana");
  open_list_and_door(h, kCanaryUprn);
  REQUIRE(h.tap("door:note"));
  REQUIRE(h.type("dog"));
  REQUIRE(h.tap("key:done"));
  CHECK(h.state.field.draft.note == "dog");
  REQUIRE(h.tap("field:sign_out"));
  h.frame();
  CHECK(h.state.screen == Screen::FieldSignIn);
  const FieldState& f = h.state.field;
  CHECK_FALSE(f.signed_in);
  CHECK(f.officer.id.empty());
  CHECK_FALSE(f.list);
  CHECK_FALSE(f.door);
  CHECK(f.draft.note.empty());
  CHECK(f.lists.empty());
  CHECK(f.secret.empty());
  CHECK(h.state.config.staff_id.empty());
  CHECK_FALSE(h.state.keyboard.open);
  CHECK_FALSE(drawn(h, kCanaryAddress));
  CHECK_FALSE(drawn(h, "Signed in"));
  CHECK_FALSE(drawn(h, "Wedi mewngofnodi"));
  CHECK(sign_in_events(h) == std::vector<std::string>{"signed_in", "signed_out"});
  // The next officer starts at the lists, not at the last one's door.
  sign_in(h, "bryn");
  CHECK(h.state.screen == Screen::FieldLists);
  CHECK_FALSE(drawn(h, kCanaryAddress));
}

TEST_CASE("field: each outcome at a door saves one visit by the officer signed in", "[field]") {
  Harness h(field_options(1280, 800, 12));
  sign_in(h, "ana");
  REQUIRE(h.tap("list:list-1"));
  h.settle();
  const std::vector<DoorView> doors = h.state.field.list->doors;
  size_t door = 0;
  for (VisitOutcome outcome : kAllVisitOutcomes) {
    REQUIRE(h.tap("door:" + doors[door++].address.uprn));
    if (outcome == VisitOutcome::NotHome) {
      REQUIRE(h.tap("door:note"));
      REQUIRE(h.type("knock at side"));
      REQUIRE(h.tap("key:done"));
    }
    save_outcome(h, outcome);
    CHECK(h.state.field.draft.message_key == "kiosk.field.door.saved");
    REQUIRE(h.tap("back"));
  }
  auto visits = records(h, RecordKind::Visit);
  REQUIRE(visits.size() == std::size(kAllVisitOutcomes));
  for (size_t i = 0; i < visits.size(); ++i) {
    Visit v = must(visit_from_json(visits[i]));
    CHECK(v.outcome == kAllVisitOutcomes[i]);
    CHECK(v.uprn == doors[i].address.uprn);
    CHECK(v.list_id == "list-1");
    CHECK(v.staff_id == "ana");
    CHECK(v.device_id == "test-device");
    CHECK(v.note == (v.outcome == VisitOutcome::NotHome ? "knock at side" : ""));
    CHECK(v.flags.empty());  // 10:00 on the test clock
    CHECK((v.outcome == VisitOutcome::ComeBack) == !v.come_back_at.empty());
  }
  CHECK(h.state.field.list->visited == visits.size());
}

TEST_CASE("field: the list filters doors not visited, and the come-back queue is in the order promised", "[field]") {
  Harness h(field_options(1280, 800, 9));
  sign_in(h, "ana");
  REQUIRE(h.tap("list:list-1"));
  h.settle();
  const std::vector<DoorView> doors = h.state.field.list->doors;
  // Tomorrow at 09:00 promised first, then today at 18:00: the queue puts today first.
  REQUIRE(h.tap("door:" + doors[0].address.uprn));
  REQUIRE(h.tap("outcome:come_back"));
  REQUIRE(h.tap("comeback:day:1"));
  REQUIRE(h.tap("comeback:hour:9"));
  REQUIRE(h.tap("door:save"));
  h.settle();
  REQUIRE(h.tap("back"));
  REQUIRE(h.tap("door:" + doors[4].address.uprn));
  REQUIRE(h.tap("outcome:come_back"));
  REQUIRE(h.tap("comeback:hour:18"));
  REQUIRE(h.tap("door:save"));
  h.settle();
  REQUIRE(h.tap("back"));
  REQUIRE(h.tap("door:" + doors[2].address.uprn));
  save_outcome(h, VisitOutcome::Declined);
  REQUIRE(h.tap("back"));

  REQUIRE(h.tap("filter:come_back"));
  const WalkListView& list = *h.state.field.list;
  REQUIRE(list.rows.size() == 2);
  CHECK(list.doors[list.rows[0].index].address.uprn == doors[4].address.uprn);
  CHECK(list.doors[list.rows[0].index].come_back_at == "2026-11-20T18:00:00Z");
  CHECK(list.doors[list.rows[1].index].come_back_at == "2026-11-21T09:00:00Z");

  REQUIRE(h.tap("filter:not_visited"));
  size_t door_rows = 0;
  for (const ListRow& row : list.rows) {
    if (row.street) continue;
    ++door_rows;
    CHECK_FALSE(list.doors[row.index].outcome);
  }
  CHECK(door_rows == doors.size() - 3);
  REQUIRE(h.tap("filter:all"));
  CHECK(list.rows.size() == doors.size() + list.streets.size());
}

TEST_CASE("field: a survey at a door records how it was given, stays anonymous, and the door records completed",
          "[field]") {
  Harness h(field_options());
  sign_in(h, "ana");
  open_list_and_door(h, kCanaryUprn);
  REQUIRE(h.tap("door:note"));
  REQUIRE(h.type("canary"));
  REQUIRE(h.tap("key:done"));
  REQUIRE(h.tap("door:survey"));
  REQUIRE(h.state.screen == Screen::FieldHowGiven);
  REQUIRE(h.tap("survey:library-opening-hours"));
  REQUIRE(h.tap("given:read_out"));
  REQUIRE(h.tap("given:interpreter"));
  REQUIRE(h.tap("given:begin"));
  REQUIRE(h.state.screen == Screen::Intro);  // the privacy notice
  REQUIRE(h.tap("start"));
  for (int page = 0; page < 40 && h.state.screen == Screen::Page; ++page) {
    answer_page(h);
    REQUIRE(h.tap("next"));
  }
  REQUIRE(h.state.screen == Screen::Review);
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
  REQUIRE(h.tap("finish"));
  CHECK(h.state.screen == Screen::FieldDoor);

  auto responses = records(h, RecordKind::Response);
  REQUIRE(responses.size() == 1);
  const std::string body = responses[0].dump();
  CHECK(body.find(kCanaryAddress) == std::string::npos);
  CHECK(body.find(kCanaryUprn) == std::string::npos);
  CHECK(body.find("canary") == std::string::npos);
  Response r = must(response_from_json(responses[0]));
  CHECK(r.channel == Channel::Field);
  CHECK(r.staff_id == "ana");
  CHECK(r.venue.empty());
  CHECK(r.started_at == "2026-11-20T00:00:00Z");
  CHECK(r.submitted_at == "2026-11-20T00:00:00Z");
  CHECK(r.id[14] == '4');  // a random version-4 id, not time-ordered
  CHECK(r.given.mode == GivenMode::ReadOut);
  CHECK(r.given.interpreter);
  CHECK_FALSE(r.given.on_behalf);
  CHECK(r.given.privacy_notice_shown);
  CHECK(std::find(r.quality.begin(), r.quality.end(), kFlagTooFast) != r.quality.end());  // no time passed on the test clock

  auto visits = records(h, RecordKind::Visit);
  REQUIRE(visits.size() == 1);
  CHECK(visits[0]["outcome"] == "completed");
  CHECK(visits[0]["uprn"] == kCanaryUprn);
  CHECK(visits[0]["id"] != responses[0]["id"]);
}

TEST_CASE("field: a check-in is asked at the interval; I'm OK saves one, and no answer in five minutes saves a "
          "missed one", "[field]") {
  Harness h(field_options());
  h.state.config.sign_out_after = 240min;  // so that the officer stays signed in while nobody taps
  sign_in(h, "ana");
  h.clock.advance(59min);
  h.frame();
  CHECK_FALSE(h.state.field.check_in_asking);
  h.clock.advance(1min);
  h.frame();
  REQUIRE(h.state.field.check_in_asking);
  h.frame();
  REQUIRE(h.tap("checkin:ok"));
  CHECK_FALSE(h.state.field.check_in_asking);
  h.clock.advance(60min);
  h.frame();
  REQUIRE(h.state.field.check_in_asking);
  h.clock.advance(5min);
  h.frame();
  CHECK_FALSE(h.state.field.check_in_asking);
  auto check_ins = records(h, RecordKind::CheckIn);
  REQUIRE(check_ins.size() == 2);
  CHECK(check_ins[0]["status"] == "ok");
  CHECK(check_ins[0]["staff_id"] == "ana");
  CHECK(check_ins[0]["due_at"] == "2026-11-20T11:00:00Z");
  CHECK(check_ins[1]["status"] == "missed");
  CHECK(check_ins[1]["due_at"] == "2026-11-20T12:00:00Z");
  CHECK(check_ins[1]["at"] == "2026-11-20T12:05:00Z");
}

TEST_CASE("field: a walk list's view puts doors in street and house-number order, and a visit moves its counts "
          "and queues", "[field]") {
  WalkList list{"l", "L", {}};
  for (const char* a : {"10 High St", "2 High St", "1 Bryn Rd", "2A High St"}) {
    std::string address = a;
    list.addresses.push_back(WalkAddress{address, address, address.substr(address.find(' ') + 1), "", ""});
  }
  Visit old;
  old.list_id = "l";
  old.uprn = "2 High St";
  old.outcome = VisitOutcome::ComeBack;
  old.come_back_at = "2026-11-21T09:00:00Z";
  Visit later = old;
  later.outcome = VisitOutcome::NotHome;
  later.come_back_at.clear();
  WalkListView view = build_walk_list_view(list, {old, later});
  std::vector<std::string> order;
  for (const DoorView& d : view.doors) order.push_back(d.address.address);
  CHECK(order == std::vector<std::string>{"1 Bryn Rd", "2 High St", "2A High St", "10 High St"});
  REQUIRE(view.streets.size() == 2);
  CHECK(view.streets[1].visited == 1);
  CHECK(view.doors[1].outcome == VisitOutcome::NotHome);  // the latest visit counts
  CHECK(view.rows.size() == 6);

  set_filter(view, DoorFilter::ComeBack);
  CHECK(view.rows.empty());
  Visit promise = old;
  promise.uprn = "1 Bryn Rd";
  promise.come_back_at = "2026-11-20T18:00:00Z";
  REQUIRE(record_visit(view, promise));
  REQUIRE(record_visit(view, old));
  REQUIRE(view.rows.size() == 2);
  CHECK(view.doors[view.rows[0].index].address.address == "1 Bryn Rd");
  CHECK(view.visited == 2);
  Visit elsewhere = promise;
  elsewhere.list_id = "other-list";
  CHECK_FALSE(record_visit(view, elsewhere));
}

TEST_CASE("field: an account disabled after its name was listed is refused at sign-in", "[field]") {
  Harness h(field_options());
  h.settle();
  REQUIRE(h.tap("officer:ana"));
  std::vector<StaffMember> staff = test_officers();
  staff[0].disabled = true;  // head office disabled Ana; the tablet synced while her name was on screen
  REQUIRE(h.store->replace_staff(staff));
  enter_pin(h);
  CHECK_FALSE(h.state.field.signed_in);
  CHECK(h.state.field.message_key == "kiosk.field.sign_in.wrong");
  CHECK(sign_in_events(h).empty());
}

TEST_CASE("field: a walk list taken off the tablet at sync leaves the open screen and the tablet's memory",
          "[field]") {
  ChangingSync sync;
  HarnessOptions options = field_options();
  options.sync = &sync;
  Harness h(options);
  sign_in(h, "ana");
  h.settle();
  REQUIRE(h.tap("list:list-1"));
  h.settle();
  REQUIRE(h.state.screen == Screen::FieldList);
  REQUIRE(h.state.field.list);

  // The sync thread replaced the lists: list-1 was unassigned at head office.
  REQUIRE(h.store->replace_walk_lists({}).ok());
  sync.generation++;
  h.frame();
  h.settle();
  h.frame();
  CHECK(h.state.screen == Screen::FieldLists);
  CHECK_FALSE(h.state.field.list);
  CHECK(h.state.field.lists.empty());
}
