// A walk list taken off a field tablet leaves no trace in any of the tablet's files (REQUIREMENTS P5, issue 10).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "durability/store_test_support.h"
#include "no_trace.h"
#include "soundings/device_store.h"

using namespace soundings;
using soundings::store_testing::TempDir;
using soundings::testing::files_holding;

namespace {

constexpr const char* kCanaryAddress = "CANARY-ADDR-7Q 1 Ffordd Prawf";
constexpr const char* kCanaryUprn = "CANARY-UPRN-7Q";
constexpr const char* kCanaryStreet = "CANARY-STREET-7Q Ffordd Prawf";
constexpr const char* kCanaryNote = "CANARY-NOTE-7Q dog at the side gate";
constexpr const char* kCanaryListId = "CANARY-LIST-7Q";

// A list of `doors` doors whose first door is the canary; the others look like any street's.
WalkList canary_list(int doors) {
  WalkList list{kCanaryListId, "CANARY-NAME-7Q Ffordd Prawf", {}};
  list.addresses.push_back(WalkAddress{kCanaryUprn, kCanaryAddress, kCanaryStreet, "LL11 7QQ", "Gwersyllt"});
  for (int i = 2; i <= doors; ++i) {
    list.addresses.push_back(WalkAddress{"1000" + std::to_string(i), std::to_string(i) + " Ffordd Llanfair",
                                         "Ffordd Llanfair", "LL11 7QR", "Gwersyllt"});
  }
  return list;
}

WalkList other_list() {
  return WalkList{"list-kept", "Stryt Fawr", {WalkAddress{"2001", "1 Stryt Fawr", "Stryt Fawr", "LL11 1AA", "Brymbo"}}};
}

Visit canary_visit(int minute, VisitOutcome outcome) {
  Visit visit;
  visit.id = make_uuid();
  visit.list_id = kCanaryListId;
  visit.uprn = kCanaryUprn;
  visit.outcome = outcome;
  if (outcome == VisitOutcome::ComeBack) visit.come_back_at = "2026-12-03T18:00:00Z";
  visit.note = kCanaryNote;
  visit.staff_id = "officer-1";
  visit.device_id = "tablet-1";
  visit.visited_at = "2026-12-02T10:" + std::string(minute < 10 ? "0" : "") + std::to_string(minute) + ":00Z";
  return visit;
}

const std::vector<std::string> kCanaries = {kCanaryAddress, kCanaryUprn, kCanaryStreet, kCanaryNote, kCanaryListId,
                                            "CANARY-NAME-7Q"};

// Every canary with the files that still hold it, for a readable failure.
std::string traces_in(const std::filesystem::path& dir) {
  std::string found;
  for (const auto& canary : kCanaries) {
    for (const auto& file : files_holding(dir, canary)) found += canary + " in " + file + "\n";
  }
  return found;
}

// Saves visits (with a note and filler enough to fill pages) and returns their ids.
std::vector<std::string> save_visits(Store& store, int count) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    const Visit visit = canary_visit(i % 60, i % 2 ? VisitOutcome::NotHome : VisitOutcome::ComeBack);
    REQUIRE(store.save_visit(visit).ok());
    ids.push_back(visit.id);
  }
  return ids;
}

}  // namespace

TEST_CASE("a walk list taken off the tablet leaves no trace in any tablet file once head office holds its visits",
          "[store][field][no-trace]") {
  TempDir dir;
  auto opened = open_device_store(dir.file(""));
  REQUIRE(opened.ok());
  Store& store = **opened;
  REQUIRE(store.replace_walk_lists({canary_list(400), other_list()}).ok());
  const auto ids = save_visits(store, 40);
  CheckIn check_in{1, make_uuid(), "officer-1", "tablet-1", CheckInStatus::Ok, "2026-12-02T10:00:00Z",
                   "2026-12-02T10:01:00Z"};
  REQUIRE(store.save_check_in(check_in).ok());
  REQUIRE(store.mark_confirmed(ids).ok());
  // The canaries are really on disk before: the scan can see them.
  for (const auto& canary : kCanaries) CHECK_FALSE(files_holding(dir.file(""), canary).empty());

  REQUIRE(store.replace_walk_lists({other_list()}).ok());

  INFO(traces_in(dir.file("")));
  CHECK(traces_in(dir.file("")).empty());
  const auto lists = store.walk_lists();
  REQUIRE(lists.ok());
  REQUIRE(lists->size() == 1);
  CHECK(lists->front().addresses.size() == 1);
  CHECK(store.visits_for_list(kCanaryListId)->empty());
  CHECK(store.outbox_counts()->pending == 1);  // the check-in, untouched
  CHECK(store.integrity_ok().value());
  opened->reset();
  CHECK(traces_in(dir.file("")).empty());
}

TEST_CASE("visits still waiting to be sent stay when their list goes, then leave no trace once confirmed",
          "[store][field][no-trace]") {
  TempDir dir;
  auto opened = open_device_store(dir.file(""));
  REQUIRE(opened.ok());
  Store& store = **opened;
  REQUIRE(store.replace_walk_lists({canary_list(400)}).ok());
  const auto ids = save_visits(store, 40);

  REQUIRE(store.replace_walk_lists({}).ok());
  CHECK(store.walk_lists()->empty());
  CHECK(files_holding(dir.file(""), kCanaryAddress).empty());  // the addresses go at once
  CHECK(store.visits_for_list(kCanaryListId)->size() == ids.size());  // the visits wait for head office
  CHECK(store.outbox_counts()->pending == static_cast<int64_t>(ids.size()));
  CHECK_FALSE(files_holding(dir.file(""), kCanaryNote).empty());

  // Head office confirms half, then the rest: each confirmation takes its visits away.
  const std::vector<std::string> first(ids.begin(), ids.begin() + 20);
  const std::vector<std::string> rest(ids.begin() + 20, ids.end());
  REQUIRE(store.mark_confirmed(first).ok());
  CHECK(store.visits_for_list(kCanaryListId)->size() == rest.size());
  REQUIRE(store.mark_confirmed(rest).ok());
  CHECK(store.visits_for_list(kCanaryListId)->empty());
  CHECK(store.outbox_counts()->pending == 0);

  INFO(traces_in(dir.file("")));
  CHECK(traces_in(dir.file("")).empty());
  opened->reset();
  CHECK(traces_in(dir.file("")).empty());
}

TEST_CASE("a list still assigned keeps its addresses and visits when another list goes", "[store][field]") {
  TempDir dir;
  auto opened = open_device_store(dir.file(""));
  REQUIRE(opened.ok());
  Store& store = **opened;
  REQUIRE(store.replace_walk_lists({canary_list(3), other_list()}).ok());
  const auto ids = save_visits(store, 2);
  REQUIRE(store.mark_confirmed(ids).ok());
  REQUIRE(store.replace_walk_lists({canary_list(3)}).ok());
  const auto lists = store.walk_lists();
  REQUIRE(lists.ok());
  REQUIRE(lists->size() == 1);
  CHECK(lists->front().addresses.size() == 3);
  CHECK(lists->front().addresses.front().address == kCanaryAddress);
  CHECK(store.visits_for_list(kCanaryListId)->size() == 2);
}

TEST_CASE("visits of every list taken off the tablet go once confirmed, wherever their list ids sort among kept ones",
          "[store][field]") {
  TempDir dir;
  auto opened = open_device_store(dir.file(""));
  REQUIRE(opened.ok());
  Store& store = **opened;
  const WalkList first{"list-a", "Heol Maelor", {WalkAddress{"3001", "1 Heol Maelor", "Heol Maelor", "LL11 2AB", "Acton"}}};
  const WalkList last{"list-z", "Bryn Hyfryd", {WalkAddress{"4001", "1 Bryn Hyfryd", "Bryn Hyfryd", "LL11 3CD", "Acton"}}};
  REQUIRE(store.replace_walk_lists({first, other_list(), last}).ok());
  std::vector<std::string> ids;
  for (const char* list_id : {"list-a", "list-kept", "list-z", "list-a", "list-z"}) {
    Visit visit = canary_visit(static_cast<int>(ids.size()), VisitOutcome::NotHome);
    visit.list_id = list_id;
    REQUIRE(store.save_visit(visit).ok());
    ids.push_back(visit.id);
  }
  // A check-in names no list: it is neither a list's visit nor forgotten with one.
  REQUIRE(store.save_check_in(CheckIn{1, make_uuid(), "officer-1", "tablet-1", CheckInStatus::Ok,
                                      "2026-12-02T10:00:00Z", "2026-12-02T10:01:00Z"}).ok());

  REQUIRE(store.replace_walk_lists({other_list()}).ok());
  CHECK(store.visits_for_list("list-a")->size() == 2);  // still waiting for head office
  REQUIRE(store.mark_confirmed(ids).ok());

  CHECK(store.visits_for_list("list-a")->empty());
  CHECK(store.visits_for_list("list-z")->empty());
  CHECK(store.visits_for_list("list-kept")->size() == 1);
  CHECK(store.outbox_counts()->pending == 1);  // the check-in
}
