// Answer rules: formats (postcode, email, phone, numbers, dates), choices, limits and the JSON form.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "soundings/answer_rules.h"
#include "soundings/expression.h"

using namespace soundings;

namespace {

LocalText text(const std::string& en) { return LocalText{{{"cy", en + " (cy)"}, {"en", en}}}; }

Question question_of(QuestionType type) {
  Question question;
  question.id = "q";
  question.type = type;
  question.text = text("Question");
  return question;
}

Question choice_question(QuestionType type = QuestionType::SingleChoice) {
  Question question = question_of(type);
  question.options = {Option{"library", text("Library")}, Option{"pool", text("Pool")},
                      Option{"other", text("Other"), false, true, false},
                      Option{"none", text("None of these"), true, false, false},
                      Option{"refuse", text("Prefer not to say"), false, false, true}};
  return question;
}

std::string issue_key(const Question& question, const Answer& answer) {
  const auto issue = check_answer(question, answer);
  return issue ? issue->key : std::string();
}

TimePoint at(const std::string& iso) {
  TimePoint when;
  REQUIRE(parse_iso8601_utc(iso, when));
  return when;
}

}  // namespace

TEST_CASE("UK postcodes are accepted in their real shapes and normalised", "[answer_rules]") {
  for (const std::string good : {"LL11 1AY", "ll111ay", " SA1 1AA ", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT",
                                 "W1A 0AX", "EC1A 1BB", "GIR 0AA", "gir0aa", "CF10 4UW"}) {
    INFO(good);
    CHECK(is_valid_uk_postcode(good));
  }
  for (const std::string bad : {"", "LL11", "LL11 1A", "1LL 1AY", "QA1 1AA", "LL11 1CY", "LL11 AAY", "LL111 1AY",
                                "LL11-1AY", "ZZZZ ZZZ", "SW1A 1AA!"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_uk_postcode(bad));
  }
  CHECK(normalise_postcode("ll111ay") == "LL11 1AY");
  CHECK(normalise_postcode("  sa1   1aa ") == "SA1 1AA");
  CHECK(normalise_postcode("gir0aa") == "GIR 0AA");
}

TEST_CASE("email addresses under .cymru and .wales with Welsh letters are accepted", "[answer_rules]") {
  for (const std::string good :
       {"dŵr@enghraifft.cymru", "post@cyngor.wales", "siân.ŷr@ysgol.cymru", "ffôn@caffi.wales", "êïôûâî@ëï.cymru",
        "someone@wrexham.gov.uk", "first.last+tag@example.co.uk", "a@b.cd", "gwên@tŷ-coch.cymru",
        " jo@example.org "}) {
    INFO(good);
    CHECK(is_valid_email(good));
  }
  for (const std::string bad : {"", "plainaddress", "@example.com", "name@", "name@example", "name@@example.com",
                                "na me@example.com", ".name@example.com", "name.@example.com", "na..me@example.com",
                                "name@-example.com", "name@example..com", "name@example.c", "name@10.0.0.1",
                                "name@exa_mple.com", "nam€@example.com", "name@example.com,", "😀@example.com"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_email(bad));
  }
}

TEST_CASE("UK phone numbers are accepted with spaces and +44", "[answer_rules]") {
  for (const std::string good : {"01978 292000", "01978292000", "07700 900123", "+44 7700 900123", "+447700900123",
                                 "+44 (0)1978 292000", "0044 1978 292000", "(01978) 292-000", "016977 4567"}) {
    INFO(good);
    CHECK(is_valid_uk_phone(good));
  }
  for (const std::string bad : {"", "999", "12345", "1978 292000", "00 1978 292000", "+1 202 555 0100",
                                "07700 900123 ext 4", "0770090012345", "+44 0 0770 090012"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_uk_phone(bad));
  }
}

TEST_CASE("numbers are checked for form, whole numbers and range", "[answer_rules]") {
  Question age = question_of(QuestionType::Number);
  age.min_value = 0;
  age.max_value = 120;
  age.integer_only = true;
  CHECK(issue_key(age, TextAnswer{"42"}).empty());
  CHECK(issue_key(age, TextAnswer{" 7 "}).empty());
  CHECK(issue_key(age, TextAnswer{"forty"}) == "error.number");
  CHECK(issue_key(age, TextAnswer{"nan"}) == "error.number");
  CHECK(issue_key(age, TextAnswer{"0x10"}) == "error.number");
  CHECK(issue_key(age, TextAnswer{"42.5"}) == "error.whole_number");
  CHECK(issue_key(age, TextAnswer{"121"}) == "error.number_range");
  CHECK(issue_key(age, TextAnswer{"-1"}) == "error.number_range");

  Question spend = question_of(QuestionType::Number);
  spend.min_value = 0;
  CHECK(issue_key(spend, TextAnswer{"12.50"}).empty());
  CHECK(issue_key(spend, TextAnswer{"1,250"}).empty());
  CHECK(issue_key(spend, TextAnswer{"1,25"}) == "error.number");  // not a decimal comma
  CHECK(issue_key(spend, TextAnswer{"-3"}) == "error.number_min");
}

TEST_CASE("dates must be real, not in the future, and a year alone only when allowed", "[answer_rules]") {
  Question born = question_of(QuestionType::Date);
  const TimePoint now = at("2026-11-23T12:00:00Z");
  const auto key = [&](const DateAnswer& date) {
    const auto issue = check_answer(born, date, now);
    return issue ? issue->key : std::string();
  };
  CHECK(key({1980, 11, 23}).empty());
  CHECK(key({2024, 2, 29}).empty());
  CHECK(key({2023, 2, 29}) == "error.date");
  CHECK(key({1980, 13, 1}) == "error.date");
  CHECK(key({1980, 0, 5}) == "error.date");
  CHECK(key({198, 1, 5}) == "error.date");
  CHECK(key({2027, 1, 1}) == "error.date_future");
  CHECK(key({1980, 0, 0}) == "error.date_full");
  born.year_only_allowed = true;
  CHECK(key({1980, 0, 0}).empty());
  CHECK(key({2030, 0, 0}) == "error.date_future");
}

TEST_CASE("text length is counted in characters, not bytes", "[answer_rules]") {
  Question name = question_of(QuestionType::ShortText);
  name.max_length = 5;
  CHECK(issue_key(name, TextAnswer{"ŵŷâêî"}).empty());  // 5 letters, 10 bytes
  CHECK(issue_key(name, TextAnswer{"ŵŷâêîô"}) == "error.too_long");
  CHECK(check_answer(name, TextAnswer{"abcdef"})->detail == "5");
  CHECK(issue_key(name, TextAnswer{std::string("ab\xC3", 3)}) == "error.invalid");
  CHECK(issue_key(question_of(QuestionType::ShortText), TextAnswer{std::string(201, 'a')}) == "error.too_long");
  CHECK(issue_key(question_of(QuestionType::LongText), TextAnswer{std::string(2000, 'a')}).empty());
}

TEST_CASE("a chosen option must exist, and Other needs its text", "[answer_rules]") {
  const Question question = choice_question();
  CHECK(issue_key(question, ChoiceAnswer{"library", ""}).empty());
  CHECK(issue_key(question, ChoiceAnswer{"swimming", ""}) == "error.unknown_option");
  CHECK(issue_key(question, ChoiceAnswer{"other", "  "}) == "error.other_text");
  CHECK(issue_key(question, ChoiceAnswer{"other", "Cae chwarae"}).empty());
}

TEST_CASE("multiple choice keeps exclusive options alone and respects its limits", "[answer_rules]") {
  Question question = choice_question(QuestionType::MultipleChoice);
  question.min_selections = 2;
  question.max_selections = 3;
  CHECK(issue_key(question, MultiChoiceAnswer{{"library", "pool"}, ""}).empty());
  CHECK(issue_key(question, MultiChoiceAnswer{{"library"}, ""}) == "error.min_selections");
  CHECK(issue_key(question, MultiChoiceAnswer{{"library", "pool", "other", "none"}, "x"}) == "error.exclusive");
  CHECK(check_answer(question, MultiChoiceAnswer{{"library", "refuse"}, ""})->detail == "refuse");
  CHECK(issue_key(question, MultiChoiceAnswer{{"library", "library"}, ""}) == "error.invalid");
  CHECK(issue_key(question, MultiChoiceAnswer{{"library", "other"}, ""}) == "error.other_text");
  question.min_selections.reset();
  CHECK(issue_key(question, MultiChoiceAnswer{{"none"}, ""}).empty());
  CHECK(issue_key(question, MultiChoiceAnswer{{"library", "pool", "other", "none"}, "x"}) == "error.exclusive");
  question.options.pop_back();
  question.options.pop_back();
  CHECK(issue_key(question, MultiChoiceAnswer{{"library", "pool", "other", "pool"}, "x"}) == "error.invalid");
}

TEST_CASE("a ranking names each option once and no more than asked", "[answer_rules]") {
  Question question = choice_question(QuestionType::Ranking);
  question.max_selections = 2;
  CHECK(issue_key(question, RankingAnswer{{"pool", "library"}}).empty());
  CHECK(issue_key(question, RankingAnswer{{"pool", "pool"}}) == "error.ranking");
  CHECK(issue_key(question, RankingAnswer{{"pool", "moon"}}) == "error.unknown_option");
  CHECK(issue_key(question, RankingAnswer{{"pool", "library", "other"}}) == "error.ranking_too_many");
}

TEST_CASE("contact details check formats, language and the channel of each consent", "[answer_rules]") {
  Question question = question_of(QuestionType::Contact);
  question.consents = {ContactConsent{"email_updates", "email", text("Email me")},
                       ContactConsent{"phone_call", "phone", text("Phone me")}};
  ContactAnswer contact;
  contact.name = "Dafydd";
  contact.email = "dafydd@enghraifft.cymru";
  contact.language = "cy";
  contact.consents = {"email_updates"};
  CHECK(issue_key(question, contact).empty());

  ContactAnswer bad_email = contact;
  bad_email.email = "dafydd@";
  CHECK(issue_key(question, bad_email) == "error.email");
  ContactAnswer no_language = contact;
  no_language.language = "";
  CHECK(issue_key(question, no_language) == "error.contact_language");
  ContactAnswer undeclared = contact;
  undeclared.language = "fr";
  CHECK(issue_key(question, undeclared) == "error.contact_language");
  ContactAnswer phone_without_number = contact;
  phone_without_number.consents = {"phone_call"};
  CHECK(issue_key(question, phone_without_number) == "error.contact_needs_phone");
  ContactAnswer unknown_consent = contact;
  unknown_consent.consents = {"carrier_pigeon"};
  CHECK(issue_key(question, unknown_consent) == "error.invalid");
  CHECK(issue_key(question, ContactAnswer{}).empty());  // nothing given: nothing to check
}

TEST_CASE("an email address or phone number is kept only with a consent for its channel ticked", "[answer_rules][contact]") {
  Question question = question_of(QuestionType::Contact);
  question.consents = {ContactConsent{"email_updates", "email", text("Email me")},
                       ContactConsent{"phone_call", "phone", text("Phone me")}};
  ContactAnswer contact;
  contact.name = "Dafydd";
  contact.email = "dafydd@enghraifft.cymru";
  contact.phone = "01978 292000";
  contact.language = "cy";
  CHECK(issue_key(question, contact) == "error.contact_email_unticked");  // both boxes unticked
  contact.consents = {"email_updates"};
  CHECK(issue_key(question, contact) == "error.contact_phone_unticked");
  contact.consents = {"email_updates", "phone_call"};
  CHECK(issue_key(question, contact).empty());
  contact.consents = {"phone_call"};
  CHECK(issue_key(question, contact) == "error.contact_email_unticked");
  contact.email.clear();  // or take it out instead
  CHECK(issue_key(question, contact).empty());
  const auto issue = check_answer(question, ContactAnswer{"", "a@b.cymru", "", "cy", {}});
  REQUIRE(issue);
  CHECK(describe_issue(question, *issue, "en") == "Tick a box to say how we may use your email address, or delete it");
  CHECK(describe_issue(question, *issue, "cy") ==
        "Ticiwch flwch i ddweud sut y cawn ni ddefnyddio'ch cyfeiriad e-bost, neu ei ddileu");
}

TEST_CASE("an answer must be of the question's kind", "[answer_rules]") {
  CHECK(answer_fits(choice_question(), ChoiceAnswer{}));
  CHECK(answer_fits(choice_question(QuestionType::Agreement), ChoiceAnswer{}));
  CHECK_FALSE(answer_fits(choice_question(), MultiChoiceAnswer{}));
  CHECK(answer_fits(question_of(QuestionType::Postcode), TextAnswer{}));
  CHECK_FALSE(answer_fits(question_of(QuestionType::Date), TextAnswer{}));
  CHECK(issue_key(question_of(QuestionType::Date), TextAnswer{"1980"}) == "error.invalid");
  CHECK(answer_is_empty(TextAnswer{"   "}));
  CHECK_FALSE(answer_is_empty(ScaleAnswer{0}));
  CHECK(answer_is_empty(ConsentAnswer{false}));
  ContactAnswer language_only;
  language_only.language = "cy";
  CHECK(answer_is_empty(language_only));
}

TEST_CASE("answers round-trip through their JSON form", "[answer_rules]") {
  Question year_or_date = question_of(QuestionType::Date);
  Question number = question_of(QuestionType::Number);
  Question postcode = question_of(QuestionType::Postcode);
  Question contact = question_of(QuestionType::Contact);
  const std::vector<std::pair<Question, Answer>> cases = {
      {choice_question(), ChoiceAnswer{"library", ""}},
      {choice_question(), ChoiceAnswer{"other", "Cae chwarae"}},
      {choice_question(QuestionType::MultipleChoice), MultiChoiceAnswer{{"pool", "other"}, "Parc"}},
      {question_of(QuestionType::Scale10), ScaleAnswer{7}},
      {question_of(QuestionType::LongText), TextAnswer{"Llinell un\nLlinell dau"}},
      {number, TextAnswer{"12"}},
      {number, TextAnswer{"2.5"}},
      {postcode, TextAnswer{"LL11 1AY"}},
      {year_or_date, DateAnswer{1980, 11, 23}},
      {year_or_date, DateAnswer{1980, 0, 0}},
      {choice_question(QuestionType::Ranking), RankingAnswer{{"pool", "library"}}},
      {question_of(QuestionType::Consent), ConsentAnswer{true}},
      {contact, ContactAnswer{"Dafydd", "d@e.cymru", "", "cy", {"email_updates"}}},
  };
  for (const auto& [question, answer] : cases) {
    const nlohmann::json json = answer_to_json(question, answer);
    INFO(type_name(question.type) << " " << json.dump());
    std::string error;
    const auto back = answer_from_json(question, json, error);
    REQUIRE(back.has_value());
    CHECK(*back == answer);
  }
  CHECK(answer_to_json(number, TextAnswer{"12"}) == 12);
  CHECK(answer_to_json(year_or_date, DateAnswer{1980, 0, 0}) == "1980");
  CHECK(answer_to_json(year_or_date, DateAnswer{1980, 2, 3}) == "1980-02-03");
  CHECK(answer_to_json(postcode, TextAnswer{"ll111ay"}) == "LL11 1AY");
  CHECK_FALSE(answer_to_json(choice_question(), ChoiceAnswer{"library", "ignored"}).contains("other_text"));
}

TEST_CASE("JSON that is not an answer of the question's kind is refused with a reason", "[answer_rules]") {
  std::string error;
  CHECK_FALSE(answer_from_json(choice_question(), "library", error).has_value());
  CHECK_THAT(error, Catch::Contains("option"));
  CHECK_FALSE(answer_from_json(question_of(QuestionType::Scale10), 11, error).has_value());
  CHECK_FALSE(answer_from_json(question_of(QuestionType::Number), "12", error).has_value());
  CHECK_FALSE(answer_from_json(question_of(QuestionType::Date), "23/11/1980", error).has_value());
  CHECK_FALSE(answer_from_json(question_of(QuestionType::Consent), "yes", error).has_value());
  CHECK_FALSE(answer_from_json(question_of(QuestionType::Contact), {{"name", "x"}}, error).has_value());
  CHECK_FALSE(answer_from_json(choice_question(), {{"option", "library"}, {"extra", 1}}, error).has_value());
  CHECK_THAT(error, Catch::Contains("extra"));
}

TEST_CASE("conditions see options, numbers, text and ticks of an answer", "[answer_rules]") {
  Question smiley = choice_question(QuestionType::Smiley);
  const AnswerView face = view_of(smiley, ChoiceAnswer{"pool", ""});
  CHECK(face.options == std::vector<std::string>{"pool"});
  REQUIRE(face.number);
  CHECK(*face.number == 2);
  const AnswerView age = view_of(question_of(QuestionType::Number), TextAnswer{" 16 "});
  REQUIRE(age.number);
  CHECK(*age.number == 16);
  CHECK(view_of(question_of(QuestionType::Postcode), TextAnswer{"ll11 1ay"}).text == std::optional<std::string>("LL11 1AY"));
  CHECK(view_of(question_of(QuestionType::Consent), ConsentAnswer{true}).ticked);
  CHECK(view_of(question_of(QuestionType::Scale10), ScaleAnswer{0}).number == std::optional<double>(0));
}

TEST_CASE("an issue reads with the question's own limits and labels filled in", "[answer_rules]") {
  Question age = question_of(QuestionType::Number);
  age.min_value = 16;
  age.max_value = 120;
  const auto range = check_answer(age, TextAnswer{"7"});
  REQUIRE(range);
  CHECK(describe_issue(age, *range, "en") == "Enter a number from 16 to 120");
  CHECK(describe_issue(age, *range, "cy") == "Rhowch rif o 16 i 120");

  Question name = question_of(QuestionType::ShortText);
  name.max_length = 5;
  const auto long_name = check_answer(name, TextAnswer{"Bethan Wyn"});
  REQUIRE(long_name);
  CHECK(describe_issue(name, *long_name, "en") == "Your answer is too long: use 5 characters or fewer");

  const Question services = choice_question(QuestionType::MultipleChoice);
  const auto exclusive = check_answer(services, MultiChoiceAnswer{{"pool", "none"}, ""});
  REQUIRE(exclusive);
  CHECK(describe_issue(services, *exclusive, "cy") == "Does dim modd dewis “None of these (cy)” gydag atebion eraill");
}
