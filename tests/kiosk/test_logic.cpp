// Tests of the kiosk's pure pieces: answer edits from taps and keys, PIN lockout, strings in both languages.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "soundings/ui_text.h"
#include "ui/answer_edit.h"
#include "ui/staff_pin.h"

using namespace soundings;
using namespace soundings::kiosk;

namespace {
Question multiple_choice() {
  Question q;
  q.id = "services";
  q.type = QuestionType::MultipleChoice;
  q.max_selections = 2;
  for (const char* id : {"library", "leisure", "parks"}) q.options.push_back(Option{id, {}, false, false, false});
  q.options.push_back(Option{"none", {}, true, false, false});
  q.options.push_back(Option{"no_say", {}, false, false, true});
  return q;
}
}  // namespace

TEST_CASE("an exclusive option clears the others and choosing another clears it", "[kiosk][edit]") {
  Question q = multiple_choice();
  Answer a = *toggle_option(q, nullptr, "parks");
  a = *toggle_option(q, &a, "library");
  CHECK(std::get<MultiChoiceAnswer>(a).options == std::vector<std::string>{"library", "parks"});  // definition order
  a = *toggle_option(q, &a, "none");
  CHECK(std::get<MultiChoiceAnswer>(a).options == std::vector<std::string>{"none"});
  a = *toggle_option(q, &a, "leisure");
  CHECK(std::get<MultiChoiceAnswer>(a).options == std::vector<std::string>{"leisure"});
  a = *toggle_option(q, &a, "no_say");
  CHECK(std::get<MultiChoiceAnswer>(a).options == std::vector<std::string>{"no_say"});
}

TEST_CASE("a multiple choice stops adding at its maximum and a second tap takes an option out", "[kiosk][edit]") {
  Question q = multiple_choice();
  Answer a = *toggle_option(q, nullptr, "library");
  a = *toggle_option(q, &a, "leisure");
  CHECK_FALSE(toggle_option(q, &a, "parks"));
  a = *toggle_option(q, &a, "library");
  CHECK(std::get<MultiChoiceAnswer>(a).options == std::vector<std::string>{"leisure"});
}

TEST_CASE("ranking by tapping numbers options in order and a second tap takes one out", "[kiosk][edit]") {
  Question q = multiple_choice();
  q.type = QuestionType::Ranking;
  Answer a = *tap_rank(q, nullptr, "parks");
  a = *tap_rank(q, &a, "library");
  CHECK(rank_of(&a, "parks") == 1);
  CHECK(rank_of(&a, "library") == 2);
  CHECK_FALSE(tap_rank(q, &a, "leisure"));  // max_selections = 2
  a = *tap_rank(q, &a, "parks");
  CHECK(rank_of(&a, "library") == 1);
  CHECK(rank_of(&a, "parks") == 0);
  CHECK_FALSE(tap_rank(q, &a, "no-such-option"));
}

TEST_CASE("backspace removes whole Welsh letters and typing stops at the limit", "[kiosk][edit]") {
  CHECK(erase_before({"dŵr", 5}) == TextCursor{"dŵ", 3});
  CHECK(erase_before({"dŵ", 3}) == TextCursor{"d", 1});
  CHECK(erase_before({"ẅ", 3}) == TextCursor{"", 0});
  CHECK(erase_before({"", 0}) == TextCursor{"", 0});
  CHECK(utf8_length("ŵŷâ") == 3);
  CHECK(insert_limited({"ab", 2}, "ŵ", 3) == TextCursor{"abŵ", 4});
  CHECK(insert_limited({"abc", 3}, "ŵ", 3) == TextCursor{"abc", 3});
  CHECK(insert_limited({"a", 1}, ".cymru", 6) == TextCursor{"a", 1});
}

TEST_CASE("typing and backspace work at the cursor, which moves by whole letters", "[kiosk][edit]") {
  // "dwr" with the cursor after d: typing ŵ there, not at the end.
  CHECK(insert_limited({"dr", 1}, "ŵ", 10) == TextCursor{"dŵr", 3});
  CHECK(erase_before({"dŵr", 3}) == TextCursor{"dr", 1});
  CHECK(erase_before({"dŵr", 0}) == TextCursor{"dŵr", 0});
  CHECK(next_letter("dŵr", 1) == 3);
  CHECK(next_letter("dŵr", 4) == 4);
  CHECK(previous_letter("dŵr", 3) == 1);
  CHECK(previous_letter("dŵr", 0) == 0);
  // A byte inside ŵ is not a place for the cursor: it goes back to the letter's start.
  CHECK(clamp_cursor("dŵr", 2) == 1);
  CHECK(clamp_cursor("dŵr", 99) == 4);
}

TEST_CASE("choosing another single option drops the other text", "[kiosk][edit]") {
  Answer a = choose_option(nullptr, "other");
  std::get<ChoiceAnswer>(a).other_text = "Beic";
  Answer same = choose_option(&a, "other");
  CHECK(std::get<ChoiceAnswer>(same).other_text == "Beic");
  Answer changed = choose_option(&a, "bus");
  CHECK(std::get<ChoiceAnswer>(changed).other_text.empty());
}

TEST_CASE("a date is built one part at a time", "[kiosk][edit]") {
  Answer a = with_date_part(nullptr, DatePart::Year, 1985);
  a = with_date_part(&a, DatePart::Day, 14);
  a = with_date_part(&a, DatePart::Month, 3);
  CHECK(std::get<DateAnswer>(a) == DateAnswer{1985, 3, 14});
}

TEST_CASE("a staff PIN is 4 to 8 digits, stored salted, and verified", "[kiosk][pin]") {
  CHECK_FALSE(check_pin_format("123"));
  CHECK_FALSE(check_pin_format("123456789"));
  CHECK_FALSE(check_pin_format("12a4"));
  CHECK(check_pin_format("0000"));
  auto first = hash_pin("482193");
  auto second = hash_pin("482193");
  REQUIRE(first);
  REQUIRE(second);
  CHECK(*first != *second);  // salted
  CHECK(first->find("482193") == std::string::npos);
  CHECK(verify_pin("482193", *first));
  CHECK_FALSE(verify_pin("482194", *first));
  CHECK_FALSE(verify_pin("482193", "not a hash"));
  CHECK_FALSE(hash_pin("12"));
}

TEST_CASE("five wrong PINs in a row lock for five minutes; a right PIN resets the count", "[kiosk][pin]") {
  TimePoint t0 = TimePoint{} + std::chrono::hours(1000);
  PinLock lock;
  for (int i = 0; i < 4; ++i) lock = after_wrong_pin(lock, t0);
  CHECK_FALSE(pin_locked(lock, t0));
  lock = after_right_pin(lock);
  for (int i = 0; i < 4; ++i) lock = after_wrong_pin(lock, t0);
  CHECK_FALSE(pin_locked(lock, t0));
  lock = after_wrong_pin(lock, t0);
  CHECK(pin_locked(lock, t0));
  CHECK(pin_lock_seconds_left(lock, t0) == 300);
  CHECK(pin_lock_seconds_left(lock, t0 + std::chrono::milliseconds(299001)) == 1);
  // Tries while locked neither count nor extend the lock.
  PinLock during = after_wrong_pin(lock, t0 + std::chrono::seconds(10));
  CHECK(during.locked_until == lock.locked_until);
  CHECK_FALSE(pin_locked(lock, t0 + std::chrono::minutes(5)));
  CHECK(pin_lock_seconds_left(lock, t0 + std::chrono::minutes(6)) == 0);
}

TEST_CASE("every kiosk string exists in Welsh and in English", "[kiosk][strings]") {
  int kiosk_keys = 0;
  for (const std::string& key : ui_text_keys()) {
    if (key.rfind("kiosk.", 0) != 0) continue;
    ++kiosk_keys;
    INFO(key);
    CHECK(ui_text_has(key, "cy"));
    CHECK(ui_text_has(key, "en"));
    CHECK(ui_text(key, "cy") != key);
  }
  CHECK(kiosk_keys > 100);
}

TEST_CASE("every string key the kiosk code names exists", "[kiosk][strings]") {
  // Keys are written out in full in the code ("kiosk.intro.start"); ones built from parts end with '.'.
  std::regex literal("\"(kiosk\\.[a-z0-9_.]+)\"");
  std::set<std::string> used;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(KIOSK_SOURCE_DIR)) {
    if (entry.path().extension() != ".cpp" && entry.path().extension() != ".h") continue;
    std::ifstream file(entry.path());
    std::string code((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    for (std::sregex_iterator it(code.begin(), code.end(), literal), end; it != end; ++it) used.insert((*it)[1]);
  }
  REQUIRE(used.size() > 50);
  for (const std::string& key : used) {
    if (key.back() == '.') continue;
    INFO(key);
    CHECK(ui_text_has(key, "cy"));
    CHECK(ui_text_has(key, "en"));
  }
  for (int m = 1; m <= 12; ++m) CHECK(ui_text_has("kiosk.month." + std::to_string(m), "cy"));
  for (const char* s : {"not_enrolled", "offline", "syncing", "online", "refused"})
    CHECK(ui_text_has(std::string("kiosk.sync.") + s, "cy"));
}
