// Read-aloud words built from the same state and strings the screens draw, so what is heard matches what is seen.
#include "ui/read_aloud.h"

#include <algorithm>

#include "soundings/ui_text.h"
#include "ui/answer_edit.h"
#include "ui/catalogue.h"
#include "ui/screens.h"

namespace soundings::kiosk {

namespace {

// Phrases in one language, each ending as a sentence so that the voice pauses between them.
class Phrases {
 public:
  explicit Phrases(std::string language) : language_(std::move(language)) {}
  std::string t(std::string_view key, const std::vector<std::pair<std::string, std::string>>& values = {}) const {
    return ui_text(key, language_, values);
  }
  const std::string& language() const { return language_; }
  void add(const std::string& phrase) {
    std::string p = phrase;
    while (!p.empty() && (p.back() == ' ' || p.back() == '\n')) p.pop_back();
    if (p.empty()) return;
    char last = p.back();
    bool ellipsis = p.size() >= 3 && p.compare(p.size() - 3, 3, "…") == 0;
    if (last != '.' && last != '?' && last != '!' && last != ':' && !ellipsis) p += '.';
    if (!words_.empty()) words_ += ' ';
    words_ += p;
  }
  void add_key(std::string_view key) { add(t(key)); }
  SpokenText done() const { return SpokenText{language_, words_}; }

 private:
  std::string language_;
  std::string words_;
};

std::string other_language(const std::string& language) { return language == "cy" ? "en" : "cy"; }

void read_attract_in(Phrases& p, const AppState& st) {
  const std::string& lang = p.language();
  for (const CatalogueEntry& e : st.catalogue.entries)
    if (e.consultation) {
      p.add(e.consultation->council.in(lang));
      break;
    }
  p.add_key("kiosk.attract.welcome");
  p.add_key("kiosk.attract.have_your_say");
  auto offered = [&](const CatalogueEntry& e) { return is_open_on(e, st.today) && e.consultation->declares(lang); };
  bool any_open = std::any_of(st.catalogue.entries.begin(), st.catalogue.entries.end(), offered);
  p.add_key(any_open ? "kiosk.attract.open_consultations" : "kiosk.attract.none_open");
  for (const CatalogueEntry& e : st.catalogue.entries) {
    if (!offered(e)) continue;
    p.add(e.consultation->title.in(lang));
    p.add(p.t("kiosk.attract.closes", {{"date", format_date(e.consultation->closes, lang)}}));
  }
  size_t count = 0;
  if (const CatalogueEntry* shown = showing_feedback(st, count); shown && shown->consultation->declares(lang)) {
    p.add_key("kiosk.attract.you_said_we_did");
    p.add(shown->consultation->title.in(lang));
    p.add(p.t("kiosk.attract.you_said") + " " + shown->feedback->you_said.in(lang));
    p.add(p.t("kiosk.attract.we_did") + " " + shown->feedback->we_did.in(lang));
  }
}

void read_intro(Phrases& p, const AppState& st) {
  if (!st.open_consultation) return;
  const Consultation& c = *st.open_consultation;
  const std::string& lang = p.language();
  auto section = [&](std::string_view heading_key, const std::string& body) {
    if (body.empty()) return;
    p.add_key(heading_key);
    p.add(body);
  };
  p.add(c.title.in(lang));
  p.add(c.summary.in(lang));
  section("kiosk.intro.purpose", c.purpose.in(lang));
  section("kiosk.intro.decision", c.decision.in(lang));
  if (!c.decision_maker.empty()) p.add(p.t("kiosk.intro.decided_by", {{"who", c.decision_maker.in(lang)}}));
  section("kiosk.intro.can_change", c.can_change.in(lang));
  section("kiosk.intro.cannot_change", c.cannot_change.in(lang));
  section("kiosk.intro.closes", p.t("kiosk.intro.closes_on", {{"date", format_date(c.closes, lang)}}));
  section("kiosk.intro.results", c.results_how.in(lang));
  section("kiosk.intro.privacy", c.privacy_notice.in(lang));
  if (st.config.seal_public_key.empty()) p.add_key("kiosk.intro.no_personal");
  section("kiosk.intro.contact", c.contact.in(lang));
}

bool answered_by_option(const Question& q) {
  switch (q.type) {
    case QuestionType::SingleChoice:
    case QuestionType::MultipleChoice:
    case QuestionType::Agreement:
    case QuestionType::Smiley:
    case QuestionType::Ranking:
      return true;
    case QuestionType::Scale10:
    case QuestionType::ShortText:
    case QuestionType::LongText:
    case QuestionType::Number:
    case QuestionType::Postcode:
    case QuestionType::Email:
    case QuestionType::Phone:
    case QuestionType::Date:
    case QuestionType::Consent:
    case QuestionType::Contact:
      return false;
  }
  return false;
}

// Each option, saying which are chosen (or their rank), as the ticks and numbers show them.
void read_options(Phrases& p, const Question& q, const Answer* current) {
  const std::string& lang = p.language();
  if (q.type == QuestionType::MultipleChoice)
    p.add(q.max_selections ? p.t("kiosk.choice.choose_up_to", {{"count", std::to_string(*q.max_selections)}})
                           : p.t("kiosk.choice.choose_any"));
  for (const Option& o : q.options) {
    std::string label = o.label.in(lang);
    if (q.type == QuestionType::Ranking) {
      int rank = rank_of(current, o.id);
      p.add(rank > 0 ? p.t("kiosk.speech.ranked", {{"option", label}, {"rank", std::to_string(rank)}}) : label);
      continue;
    }
    if (!option_chosen(current, o.id)) {
      p.add(label);
      continue;
    }
    std::string other = o.other ? target_text(current, TextTarget{TextTarget::Field::Other, q.id, o.id}) : "";
    p.add(p.t("kiosk.speech.chosen", {{"option", other.empty() ? label : label + ": " + other}}));
  }
}

void read_question(Phrases& p, const AppState& st, const Question& q, const std::vector<ReviewItem>& answers) {
  const std::string& lang = p.language();
  p.add(q.text.in(lang));
  p.add_key(q.required ? "kiosk.page.required" : "kiosk.page.optional");
  if (!q.help.empty()) p.add(q.help.in(lang));
  if (const std::string* problem = problem_for(st, q.id)) p.add(*problem);
  if (st.limit_notice && st.limit_notice->question_id == q.id)
    p.add(p.t(st.limit_notice->key, {{"count", std::to_string(st.limit_notice->count)}}));
  if (answered_by_option(q)) {
    read_options(p, q, st.session->answer(q.id));
    return;
  }
  for (const ReviewItem& item : answers)
    if (item.question_id == q.id) p.add(p.t("kiosk.speech.your_answer", {{"answer", item.answer_text}}));
}

void read_page(Phrases& p, const AppState& st) {
  if (!st.session || st.session->at_review()) return;
  const Session& session = *st.session;
  const Page& page = session.consultation().pages[session.page_index()];
  const std::string& lang = p.language();
  p.add(page.title.in(lang));
  Progress progress = session.progress();
  p.add(p.t("kiosk.page.progress", {{"current", std::to_string(progress.current)},
                                    {"total", std::to_string(progress.total)}}));
  if (!page.intro.empty()) p.add(page.intro.in(lang));
  if (st.show_problems && !st.problems.empty()) p.add_key("kiosk.problems.title");
  std::vector<ReviewItem> answers = session.review();
  for (const Question* q : session.visible_questions()) read_question(p, st, *q, answers);
}

void read_review(Phrases& p, const AppState& st) {
  if (!st.session) return;
  p.add_key("kiosk.review.title");
  p.add_key("kiosk.review.intro");
  for (const ReviewItem& item : st.session->review()) {
    p.add(item.question_text);
    p.add(item.answer_text.empty() ? p.t("kiosk.review.no_answer") : item.answer_text);
  }
}

void read_thanks(Phrases& p, const AppState& st) {
  const std::string& lang = p.language();
  p.add_key("kiosk.thanks.title");
  p.add_key("kiosk.thanks.saved");
  if (st.thanks_consultation) {
    const Consultation& c = *st.thanks_consultation;
    p.add_key("kiosk.thanks.next");
    p.add(c.results_how.in(lang));
  }
  p.add(p.t("kiosk.thanks.returning", {{"seconds", std::to_string(st.countdown_seconds)}}));
}

void read_screen(Phrases& p, const AppState& st) {
  switch (st.screen) {
    case Screen::Attract: read_attract_in(p, st); break;
    case Screen::Intro: read_intro(p, st); break;
    case Screen::Page: read_page(p, st); break;
    case Screen::Review: read_review(p, st); break;
    case Screen::Saving:
      p.add_key("kiosk.saving.title");
      p.add_key("kiosk.saving.body");
      break;
    case Screen::SaveFailed:
      p.add_key("kiosk.save_failed.title");
      p.add_key("kiosk.save_failed.body");
      p.add(p.t("kiosk.save_failed.tries", {{"count", std::to_string(st.save_attempts)}}));
      break;
    case Screen::Thanks: read_thanks(p, st); break;
    case Screen::Setup:
    case Screen::StaffPin:
    case Screen::Staff:
    case Screen::FieldSignIn:
    case Screen::FieldSecret:
    case Screen::FieldLists:
    case Screen::FieldList:
    case Screen::FieldDoor:
    case Screen::FieldHowGiven:
      break;  // staff and officers' screens are not read aloud
  }
}

void read_idle_warning(Phrases& p, const AppState& st) {
  p.add_key("kiosk.idle.title");
  p.add(p.t("kiosk.idle.body", {{"seconds", std::to_string(st.idle_seconds_left)}}));
  p.add_key("kiosk.idle.continue");
}

void read_leave_confirmation(Phrases& p) {
  p.add_key("kiosk.leave.title");
  p.add_key("kiosk.leave.body");
  p.add_key("kiosk.leave.no");
  p.add_key("kiosk.leave.yes");
}

}  // namespace

bool offers_listen(const AppState& state) {
  switch (state.screen) {
    case Screen::StaffPin:
    case Screen::Staff:
    case Screen::FieldSignIn:
    case Screen::FieldSecret:
    case Screen::FieldLists:
    case Screen::FieldList:
    case Screen::FieldDoor:
    case Screen::FieldHowGiven:
      return false;  // officers' and staff screens; a resident's screens all offer Listen
    default:
      return !state.field.check_in_asking;
  }
}

std::vector<SpokenText> words_on_screen(const AppState& state) {
  if (!offers_listen(state)) return {};
  // The attract screen and the idle warning speak to whoever is there, in both languages.
  bool bilingual = state.idle_warning || state.screen == Screen::Attract;
  std::vector<std::string> languages = {bilingual ? state.config.lang_first : state.language};
  if (bilingual) languages.push_back(other_language(state.config.lang_first));
  std::vector<SpokenText> parts;
  for (const std::string& language : languages) {
    Phrases p(language);
    if (state.idle_warning) read_idle_warning(p, state);
    else if (state.confirm_leave) read_leave_confirmation(p);
    else read_screen(p, state);
    SpokenText part = p.done();
    if (!part.words.empty()) parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace soundings::kiosk
