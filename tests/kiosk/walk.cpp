// Tapping through questions of every type, for the headless UI tests.
#include "walk.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include "must.h"

using soundings::testing::must;

namespace soundings::kiosk::testing {

namespace {
std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += n + " ";
  return out;
}

void tap_or_fail(Harness& h, const std::string& name) {
  INFO("tapping " << name << " on screen with targets: " << join(h.target_names()));
  REQUIRE(h.tap(name));
  if (h.after_step) h.after_step();
}

void type_and_close(Harness& h, const std::string& field, const std::string& words) {
  tap_or_fail(h, field);
  REQUIRE(h.state.keyboard.open);
  INFO("typing " << words);
  REQUIRE(h.type(words));
  tap_or_fail(h, "key:done");
  REQUIRE_FALSE(h.state.keyboard.open);
}
}  // namespace

void answer_by_tapping(Harness& h, const Question& q) {
  const std::string& id = q.id;
  switch (q.type) {
    case QuestionType::SingleChoice: {
      auto plain = std::find_if(q.options.begin(), q.options.end(), [](const Option& o) { return !o.other && !o.refusal; });
      REQUIRE(plain != q.options.end());
      tap_or_fail(h, "option:" + id + ":" + plain->id);
      break;
    }
    case QuestionType::Agreement:
      tap_or_fail(h, "option:" + id + ":" + q.options.at(1).id);  // "agree"
      break;
    case QuestionType::MultipleChoice: {
      int wanted = std::max(1, q.min_selections.value_or(1));
      for (const Option& o : q.options) {
        if (wanted == 0) break;
        if (o.exclusive || o.refusal || o.other) continue;
        tap_or_fail(h, "option:" + id + ":" + o.id);
        --wanted;
      }
      break;
    }
    case QuestionType::Smiley: tap_or_fail(h, "option:" + id + ":" + q.options.at(3).id); break;
    case QuestionType::Scale10: tap_or_fail(h, "scale:" + id + ":7"); break;
    case QuestionType::ShortText:
    case QuestionType::LongText:
      type_and_close(h, "field:" + id, h.state.language == "cy" ? "Llyfrgell dda" : "A good library");
      break;
    case QuestionType::Number: {
      double low = q.min_value.value_or(0), high = q.max_value.value_or(low + 10);
      long value = std::lround(std::floor((low + high) / 2));
      type_and_close(h, "field:" + id, std::to_string(value));
      break;
    }
    case QuestionType::Postcode: type_and_close(h, "field:" + id, "LL11 1AY"); break;
    case QuestionType::Email: type_and_close(h, "field:" + id, "dewi@enghraifft.cymru"); break;
    case QuestionType::Phone: type_and_close(h, "field:" + id, "01978 292000"); break;
    case QuestionType::Date:
      tap_or_fail(h, "date:" + id + ":day");
      tap_or_fail(h, "pick:day:14");
      tap_or_fail(h, "pick:month:3");
      tap_or_fail(h, "pick:decade:1980");
      tap_or_fail(h, "pick:year:1985");
      REQUIRE_FALSE(h.state.date_picker.open);
      break;
    case QuestionType::Ranking: {
      size_t limit = q.max_selections ? static_cast<size_t>(*q.max_selections) : q.options.size();
      for (size_t i = 0; i < std::min(limit, q.options.size()); ++i)
        tap_or_fail(h, "rank:" + id + ":" + q.options[q.options.size() - 1 - i].id);
      break;
    }
    case QuestionType::Consent: tap_or_fail(h, "consent:" + id); break;
    case QuestionType::Contact:
    {
      // The screen offers a channel's field only with a consent for it to tick.
      const auto offers = [&](const std::string& channel) {
        return std::any_of(q.consents.begin(), q.consents.end(), [&](const ContactConsent& c) { return c.channel == channel; });
      };
      type_and_close(h, "contact:" + id + ":name", "Dewi Sant");
      if (offers("email")) type_and_close(h, "contact:" + id + ":email", "dewi@enghraifft.cymru");
      if (offers("phone")) type_and_close(h, "contact:" + id + ":phone", "07700 900123");
      tap_or_fail(h, "contact:" + id + ":lang:cy");
      for (const ContactConsent& c : q.consents) tap_or_fail(h, "contact:" + id + ":consent:" + c.id);
      break;
    }
  }
}

void answer_page(Harness& h) {
  std::set<std::string> done;
  for (int round = 0; round < 20; ++round) {
    REQUIRE(h.state.session);
    const Question* next = nullptr;
    for (const Question* q : h.state.session->visible_questions())
      if (!done.count(q->id)) {
        next = q;
        break;
      }
    if (next == nullptr) return;
    done.insert(next->id);
    answer_by_tapping(h, *next);
    REQUIRE(h.state.session->answer(next->id) != nullptr);
  }
  FAIL("a page kept revealing questions");
}

void walk_to_review(Harness& h, const std::string& consultation_id, const std::string& language) {
  REQUIRE(h.state.screen == Screen::Attract);
  tap_or_fail(h, "lang:" + language);
  REQUIRE(h.state.language == language);
  tap_or_fail(h, "card:" + consultation_id);
  REQUIRE(h.state.screen == Screen::Intro);
  tap_or_fail(h, "start");
  for (int page = 0; page < 40 && h.state.screen == Screen::Page; ++page) {
    size_t before = h.state.session->page_index();
    answer_page(h);
    tap_or_fail(h, "next");
    INFO("problems: " << (h.state.problems.empty() ? "" : h.state.problems.front().message));
    REQUIRE((h.state.screen == Screen::Review || h.state.session->page_index() != before));
  }
  REQUIRE(h.state.screen == Screen::Review);
}

std::optional<Response> stored_response(Harness& h, const std::string& consultation_id) {
  for (const OutboxItem& item : must(h.store->pending_batch(1000, 64u * 1024u * 1024u, Clock::now() + std::chrono::hours(24 * 366)))) {
    auto parsed = response_from_json(nlohmann::json::parse(item.body));
    if (parsed && parsed->consultation_id == consultation_id) return *parsed;
  }
  return std::nullopt;
}

}  // namespace soundings::kiosk::testing
