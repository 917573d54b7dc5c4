// One respondent's walk through one consultation version: pages, answers, skip logic, submit.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "soundings/answer.h"
#include "soundings/clock.h"
#include "soundings/consultation.h"
#include "soundings/response.h"
#include "soundings/result.h"

namespace soundings {

struct SessionStart {
  std::string language;   // must be declared by the consultation
  Channel channel = Channel::Kiosk;
  std::string device_id;
  std::string venue;
  std::string staff_id;   // field mode
  // False when the device has no head-office key to seal with: questions holding
  // personal or special-category data are then treated as hidden (never asked).
  bool collect_personal = true;
};

// A question that stops the respondent moving on, with the reason in the current language.
// The message says what to do ("Choose one answer") without repeating the question: it is
// shown next to the question it belongs to.
struct QuestionProblem {
  std::string question_id;
  std::string message;
};

struct Progress {
  int current = 0;  // 1-based page number among pages with something visible
  int total = 0;
};

struct ReviewItem {
  std::string question_id;
  std::string question_text;  // current language
  std::string answer_text;    // the answer as a resident would read it, current language
  size_t page_index = 0;      // to go back and change it
};

class Session {
 public:
  // `language` not declared -> the consultation's first language.
  Session(ConsultationPtr consultation, SessionStart start, const TimeSource& clock);

  const Consultation& consultation() const { return *consultation_; }
  const std::string& language() const { return language_; }
  Channel channel() const { return start_.channel; }

  // Keeps every answer. Refused (false) for a language the consultation does not declare.
  bool switch_language(const std::string& language);

  // Index into consultation().pages of the current page; at review, pages.size().
  size_t page_index() const { return page_; }
  bool at_review() const { return page_ >= consultation_->pages.size(); }
  std::vector<const Question*> visible_questions() const;  // on the current page, in order
  bool is_visible(const Question& question) const;         // show_if over current answers

  // Stores the answer (even an invalid one, so half-typed text is kept) and returns
  // the problem with it in the current language, if any. A wrong kind of answer for
  // the question, or an unknown question id, is refused and not stored.
  Result<std::optional<std::string>> set_answer(const std::string& question_id, Answer answer);
  void clear_answer(const std::string& question_id);
  const Answer* answer(const std::string& question_id) const;

  // Problems that block leaving the current page (missing required, invalid), current language.
  std::vector<QuestionProblem> page_problems() const;

  // Moves to the next page with something visible, or to review. Refused (problems
  // returned, page unchanged) while a visible required answer is missing or any
  // visible answer is invalid.
  std::vector<QuestionProblem> next();
  // Moves to the previous page with something visible; false on the first.
  bool back();
  // From review: jump to a page to change an answer.
  void go_to_page(size_t page_index);
  // After a change made from review ("Save and return to check your answers"): refused like
  // next() while this page has problems; otherwise back to review, stopping first at the next
  // later page that the change has left needing an answer (a newly shown required question),
  // so that review is never reached with a gap. Optional questions newly shown are listed on
  // review as not answered, with their own Change.
  std::vector<QuestionProblem> return_to_review();

  Progress progress() const;
  std::vector<ReviewItem> review() const;

  // Only at review. The record holds visible answers only (hidden ones are dropped),
  // ordinary answers in `answers`, personal/special apart (not yet sealed).
  Result<Response> submit();

  // Activity for the idle policy; every action above also counts.
  void touch();
  TimePoint last_activity() const { return last_activity_; }

 private:
  void leave_page();
  std::vector<QuestionProblem> problems_on(size_t page_index) const;
  size_t first_visible_page_from(size_t index) const;
  bool page_has_visible(size_t index) const;

  ConsultationPtr consultation_;
  SessionStart start_;
  const TimeSource& clock_;
  std::string language_;
  size_t page_ = 0;
  std::map<std::string, Answer, std::less<>> answers_;
  std::map<std::string, double> page_seconds_;
  TimePoint started_at_;
  TimePoint page_entered_at_;
  TimePoint last_activity_;
  std::string response_id_;
};

}  // namespace soundings
