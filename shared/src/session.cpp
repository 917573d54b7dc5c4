// One respondent's walk through a consultation: visibility, validation, paging, timing and the record.
#include "soundings/session.h"

#include <cmath>
#include <functional>

#include "answer_detail.h"
#include "soundings/answer_rules.h"
#include "soundings/expression.h"
#include "soundings/ui_text.h"

namespace soundings {

namespace {

using AnswerMap = std::map<std::string, Answer, std::less<>>;
using Visibility = std::map<std::string, bool, std::less<>>;

bool may_ask(const Question& question, bool collect_personal) {
  return collect_personal || (question.data == DataClass::Ordinary && question.type != QuestionType::Contact);
}

// The respondent's age as their shown answers state it (the youngest any of them allows), or
// nullopt when none states one: an age-limited question then stays hidden, so that nobody is
// asked it without having said they are old enough.
std::optional<int> stated_age(const std::vector<const Question*>& sources, const AnswerMap& answers, TimePoint now) {
  std::optional<int> youngest;
  for (const Question* source : sources) {
    const auto answer = answers.find(source->id);
    if (answer == answers.end()) continue;
    const auto age = youngest_age(*source, answer->second, now);
    if (age && (!youngest || *age < *youngest)) youngest = age;
  }
  return youngest;
}

// Which questions are visible, worked out in document order: a condition may only name
// earlier questions, and a hidden question counts as unanswered for the ones after it,
// so that an answer left behind on a path the respondent abandoned steers nothing.
Visibility visibility(const Consultation& consultation, const AnswerMap& answers, bool collect_personal,
                      TimePoint now) {
  Visibility visible;
  std::vector<const Question*> age_sources;  // shown so far
  std::map<std::string, const Question*, std::less<>> seen;
  const auto lookup = [&](const std::string& id) -> std::optional<AnswerView> {
    const auto shown = visible.find(id);
    if (shown == visible.end() || !shown->second) return std::nullopt;
    const auto answer = answers.find(id);
    if (answer == answers.end() || answer_is_empty(answer->second)) return std::nullopt;
    return view_of(*seen.at(id), answer->second);
  };
  for (const Page& page : consultation.pages) {
    for (const Question& question : page.questions) {
      bool shown = may_ask(question, collect_personal) && (!question.show_if || question.show_if->evaluate(lookup));
      if (shown && question.min_age) {
        const auto age = stated_age(age_sources, answers, now);
        shown = age && *age >= *question.min_age;
      }
      if (shown && question.age_source) age_sources.push_back(&question);
      visible[question.id] = shown;
      seen[question.id] = &question;
    }
  }
  return visible;
}

bool is_shown(const Visibility& visible, const Question& question) {
  const auto it = visible.find(question.id);
  return it != visible.end() && it->second;
}

// What to do about a missing answer, said the way its answer is given ("Choose one answer",
// "Enter a date"), so that the message next to the question need not repeat it.
const char* missing_answer_key(QuestionType type) {
  switch (type) {
    case QuestionType::SingleChoice:
    case QuestionType::Agreement:
    case QuestionType::Smiley:
    case QuestionType::Scale10: return "error.required_choice";
    case QuestionType::MultipleChoice: return "error.required_choices";
    case QuestionType::Ranking: return "error.required_ranking";
    case QuestionType::ShortText:
    case QuestionType::LongText: return "error.required_text";
    case QuestionType::Number: return "error.required_number";
    case QuestionType::Date: return "error.required_date";
    case QuestionType::Postcode: return "error.required_postcode";
    case QuestionType::Email: return "error.required_email";
    case QuestionType::Phone: return "error.required_phone";
    case QuestionType::Consent: return "error.consent_required";
    case QuestionType::Contact: return "error.required_contact";
  }
  return "error.required";
}

// What stops `question` being left as it is, in `language` (without naming the question).
std::optional<std::string> question_problem(const Question& question, const Answer* answer, std::string_view language,
                                            TimePoint now) {
  if (!answer || answer_is_empty(*answer)) {
    if (!question.required) return std::nullopt;
    return ui_text(missing_answer_key(question.type), language);
  }
  if (const auto issue = check_answer(question, *answer, now)) return detail::issue_message(question, *issue, language);
  return std::nullopt;
}

std::string page_key(const Page& page, size_t index) {
  return page.id.empty() ? "page-" + std::to_string(index + 1) : page.id;
}

}  // namespace

Session::Session(ConsultationPtr consultation, SessionStart start, const TimeSource& clock)
    : consultation_(std::move(consultation)), start_(std::move(start)), clock_(clock) {
  language_ = consultation_->declares(start_.language) || consultation_->languages.empty()
                  ? start_.language
                  : consultation_->languages.front();
  started_at_ = clock_.now();
  page_entered_at_ = started_at_;
  last_activity_ = started_at_;
  response_id_ = make_time_ordered_uuid(started_at_);
  page_ = first_visible_page_from(0);
}

bool Session::switch_language(const std::string& language) {
  touch();
  if (!consultation_->declares(language)) return false;
  language_ = language;
  return true;
}

std::vector<const Question*> Session::visible_questions() const {
  std::vector<const Question*> out;
  if (at_review()) return out;
  const Visibility visible = visibility(*consultation_, answers_, start_.collect_personal, clock_.now());
  for (const Question& question : consultation_->pages[page_].questions) {
    if (is_shown(visible, question)) out.push_back(&question);
  }
  return out;
}

bool Session::is_visible(const Question& question) const {
  return is_shown(visibility(*consultation_, answers_, start_.collect_personal, clock_.now()), question);
}

Result<std::optional<std::string>> Session::set_answer(const std::string& question_id, Answer answer) {
  touch();
  const Question* question = consultation_->find_question(question_id);
  if (!question) {
    return Error{ErrorCode::NotFound,
                 "no question \"" + question_id + "\" in consultation \"" + consultation_->id + "\""};
  }
  if (!answer_fits(*question, answer)) {
    return Error{ErrorCode::InvalidInput, "question \"" + question_id + "\" takes a different kind of answer (it is " +
                                              type_name(question->type) + ")"};
  }
  answers_.insert_or_assign(question_id, std::move(answer));
  const Answer& stored = answers_.at(question_id);
  // While a box is still empty there is nothing to complain about; "required" is for next().
  if (answer_is_empty(stored)) return std::optional<std::string>{};
  if (const auto issue = check_answer(*question, stored, clock_.now())) {
    return std::optional<std::string>{detail::issue_message(*question, *issue, language_)};
  }
  return std::optional<std::string>{};
}

void Session::clear_answer(const std::string& question_id) {
  touch();
  answers_.erase(question_id);
}

const Answer* Session::answer(const std::string& question_id) const {
  const auto it = answers_.find(question_id);
  return it == answers_.end() ? nullptr : &it->second;
}

std::vector<QuestionProblem> Session::page_problems() const {
  if (at_review()) return {};
  return problems_on(page_);
}

std::vector<QuestionProblem> Session::problems_on(size_t page_index) const {
  std::vector<QuestionProblem> problems;
  const TimePoint now = clock_.now();
  const Visibility visible = visibility(*consultation_, answers_, start_.collect_personal, now);
  for (const Question& question : consultation_->pages[page_index].questions) {
    if (!is_shown(visible, question)) continue;
    if (auto message = question_problem(question, answer(question.id), language_, now)) {
      problems.push_back(QuestionProblem{question.id, std::move(*message)});
    }
  }
  return problems;
}

std::vector<QuestionProblem> Session::next() {
  touch();
  if (at_review()) return {};
  auto problems = page_problems();
  if (!problems.empty()) return problems;
  leave_page();
  page_ = first_visible_page_from(page_ + 1);
  return {};
}

bool Session::back() {
  touch();
  size_t index = page_;
  while (index > 0) {
    --index;
    if (page_has_visible(index)) {
      leave_page();
      page_ = index;
      return true;
    }
  }
  return false;
}

void Session::go_to_page(size_t page_index) {
  touch();
  const size_t target = first_visible_page_from(page_index);
  // Jumping forward past unchecked pages would skip their validation; only review may jump anywhere.
  if (target >= consultation_->pages.size() || (!at_review() && target > page_)) return;
  leave_page();
  page_ = target;
}

std::vector<QuestionProblem> Session::return_to_review() {
  touch();
  if (at_review()) return {};
  auto problems = page_problems();
  if (!problems.empty()) return problems;
  leave_page();
  size_t index = page_ + 1;
  while (index < consultation_->pages.size() && problems_on(index).empty()) ++index;
  page_ = index;
  return {};
}

Progress Session::progress() const {
  Progress progress;
  const Visibility visible = visibility(*consultation_, answers_, start_.collect_personal, clock_.now());
  for (size_t i = 0; i < consultation_->pages.size(); ++i) {
    bool any = false;
    for (const Question& question : consultation_->pages[i].questions) any = any || is_shown(visible, question);
    if (!any) continue;
    ++progress.total;
    if (i <= page_) progress.current = progress.total;
  }
  return progress;
}

std::vector<ReviewItem> Session::review() const {
  std::vector<ReviewItem> items;
  const Visibility visible = visibility(*consultation_, answers_, start_.collect_personal, clock_.now());
  for (size_t i = 0; i < consultation_->pages.size(); ++i) {
    for (const Question& question : consultation_->pages[i].questions) {
      if (!is_shown(visible, question)) continue;
      const Answer* given = answer(question.id);
      items.push_back(ReviewItem{question.id, question.text.in(language_),
                                 given ? detail::answer_text(question, *given, language_)
                                       : ui_text("review.not_answered", language_),
                                 i});
    }
  }
  return items;
}

Result<Response> Session::submit() {
  touch();
  if (!at_review()) {
    return Error{ErrorCode::InvalidInput, "submit: the respondent has not reached the review page yet"};
  }
  const Visibility visible = visibility(*consultation_, answers_, start_.collect_personal, clock_.now());
  const TimePoint now = clock_.now();
  // next() has checked every page on the way, but an answer changed from review could
  // have revealed a required question; the record must never hold a broken answer.
  for (const Page& page : consultation_->pages) {
    for (const Question& question : page.questions) {
      if (!is_shown(visible, question)) continue;
      if (auto message = question_problem(question, answer(question.id), "en", now)) {
        return Error{ErrorCode::InvalidInput, "question \"" + question.id + "\": " + *message};
      }
    }
  }

  Response response;
  response.id = response_id_;
  response.consultation_id = consultation_->id;
  response.consultation_version = consultation_->version;
  response.language = language_;
  response.channel = start_.channel;
  response.device_id = start_.device_id;
  response.venue = start_.venue;
  response.staff_id = start_.staff_id;
  // A clock set back during the session (a network time correction) must not make a response that ends
  // before it starts.
  response.started_at = format_iso8601_utc(std::min(started_at_, now));
  response.submitted_at = format_iso8601_utc(now);
  for (size_t i = 0; i < consultation_->pages.size(); ++i) {
    const auto spent = page_seconds_.find(page_key(consultation_->pages[i], i));
    if (spent == page_seconds_.end()) continue;
    response.page_seconds.push_back(PageTime{spent->first, static_cast<int>(std::lround(spent->second))});
  }
  for (const Page& page : consultation_->pages) {
    for (const Question& question : page.questions) {
      const Answer* given = answer(question.id);
      if (!given || answer_is_empty(*given) || !is_shown(visible, question)) continue;
      nlohmann::json& part = question.type == QuestionType::Contact || question.data == DataClass::Personal
                                 ? response.personal
                                 : question.data == DataClass::Special ? response.special : response.answers;
      part[question.id] = answer_to_json(question, *given);
    }
  }
  return response;
}

void Session::touch() { last_activity_ = clock_.now(); }

void Session::leave_page() {
  const TimePoint now = clock_.now();
  if (!at_review()) {
    // A visited page is listed even at 0 s; a clock stepped backwards adds nothing.
    const std::chrono::duration<double> spent = now > page_entered_at_ ? now - page_entered_at_ : TimePoint::duration{};
    page_seconds_[page_key(consultation_->pages[page_], page_)] += spent.count();
  }
  page_entered_at_ = now;
}

size_t Session::first_visible_page_from(size_t index) const {
  while (index < consultation_->pages.size() && !page_has_visible(index)) ++index;
  return index;
}

bool Session::page_has_visible(size_t index) const {
  if (index >= consultation_->pages.size()) return false;
  const Visibility visible = visibility(*consultation_, answers_, start_.collect_personal, clock_.now());
  for (const Question& question : consultation_->pages[index].questions) {
    if (is_shown(visible, question)) return true;
  }
  return false;
}

}  // namespace soundings
