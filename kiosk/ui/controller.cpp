// The controller's respondent flow: attract, intro, pages, review, submit, thank-you, idle reset.
#include "ui/controller.h"

#include <algorithm>
#include <cstdio>

#include "soundings/idle.h"
#include "ui/answer_edit.h"
#include "ui/catalogue.h"

namespace soundings::kiosk {

namespace {
int seconds_until(TimePoint from, TimePoint to) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
  return ms <= 0 ? 0 : static_cast<int>((ms + 999) / 1000);
}

// How many "you said, we did" cards the attract screen cycles through.
size_t feedback_count(const AppState& state) {
  size_t count = 0;
  showing_feedback(state, count);
  return count;
}
}  // namespace

Controller::Controller(AppState& state, const TimeSource& clock, StoreWorker* worker, SyncPort* sync, PlatformHooks hooks)
    : state_(state), clock_(clock), worker_(worker), sync_(sync), hooks_(std::move(hooks)) {
  TimePoint now = clock_.now();
  last_activity_ = now;
  thanks_since_ = now;
  attract_card_since_ = now;
  check_in_since_ = now;
  // No staff PIN yet: the device is not a kiosk until staff have set it up on its own screen. A field tablet
  // has no such screen: its officers come from head office.
  if (state_.config.field) state_.screen = Screen::FieldSignIn;
  else if (state_.config.staff_pin_hash.empty()) state_.screen = Screen::Setup;
  if (state_.language.empty() || state_.screen == Screen::Attract || state_.screen == Screen::Setup ||
      state_.screen == Screen::FieldSignIn)
    state_.language = state_.config.lang_first;
  if (state_.config.field && worker_) worker_->read_officers();
  if (sync_) seen_generation_ = sync_->status().consultations_generation;
  update();
}

bool Controller::idle_applies() const {
  switch (state_.screen) {
    case Screen::Intro:
    case Screen::Page:
    case Screen::Review:
    case Screen::SaveFailed:
    case Screen::StaffPin:
    case Screen::Staff:
      return true;
    case Screen::Setup:  // never reset: nothing would be left to go back to
    case Screen::Attract:
    case Screen::FieldSignIn:  // an officer's screens have their own sign-out after time unused
    case Screen::FieldSecret:
    case Screen::FieldLists:
    case Screen::FieldList:
    case Screen::FieldDoor:
    case Screen::FieldHowGiven:
    case Screen::Saving:
    case Screen::Thanks:
      return false;
  }
  return false;
}

void Controller::update() {
  TimePoint now = clock_.now();
  std::string iso = format_iso8601_utc(now);
  state_.today = iso.substr(0, 10);
  state_.current_year = std::atoi(iso.substr(0, 4).c_str());

  take_worker_events();

  if (sync_) {
    SyncSnapshot snap = sync_->status();
    state_.staff.sync_state = snap.state;
    state_.staff.last_sync = snap.last_success_at;
    state_.staff.sync_error = snap.last_error;
    if (snap.consultations_generation != seen_generation_) {
      seen_generation_ = snap.consultations_generation;
      if (worker_) worker_->read_catalogue();
      if (worker_ && state_.config.field) {
        worker_->read_officers();  // the staff list comes with the consultations
        if (state_.field.signed_in) worker_->read_walk_lists();  // and the walk lists
      }
    }
  }

  run_idle_policy(now);
  if (state_.config.field) field_update(now);

  if (state_.screen == Screen::Thanks) {
    TimePoint until = thanks_since_ + state_.config.thanks_for;
    state_.countdown_seconds = seconds_until(now, until);
    if (now >= until) go_to_attract();
  }
  if (state_.screen == Screen::Attract && now - attract_card_since_ >= state_.config.attract_cycle) {
    attract_card_since_ = now;
    size_t count = feedback_count(state_);
    state_.feedback_index = count == 0 ? 0 : (state_.feedback_index + 1) % count;
  }
  state_.lock_seconds_left = pin_lock_seconds_left(state_.pin.lock, now);
  stop_speech_if_view_changed();
}

void Controller::run_idle_policy(TimePoint now) {
  if (!idle_applies()) {
    state_.idle_warning = false;
    return;
  }
  IdleDecision decision = decide_idle(last_activity_, now, state_.config.idle);
  switch (decision.kind) {
    case IdleDecision::Kind::Continue:
      state_.idle_warning = false;
      break;
    case IdleDecision::Kind::Warn:
      state_.idle_warning = true;
      state_.idle_seconds_left = decision.seconds_left;
      break;
    case IdleDecision::Kind::Reset:
      if (unsaved_) {
        std::fprintf(stderr, "soundings-kiosk: a response that could not be saved was abandoned after the idle reset\n");
        unsaved_.reset();
      }
      go_to_attract();
      break;
  }
}

std::optional<std::chrono::milliseconds> Controller::next_wake() const {
  using std::chrono::milliseconds;
  std::optional<milliseconds> wake;
  auto consider = [&](milliseconds ms) {
    ms = std::max(ms, milliseconds(10));
    if (!wake || ms < *wake) wake = ms;
  };
  TimePoint now = clock_.now();
  if (idle_applies()) consider(decide_idle(last_activity_, now, state_.config.idle).next_change);
  if (state_.screen == Screen::Thanks) {
    auto left = std::chrono::duration_cast<milliseconds>(thanks_since_ + state_.config.thanks_for - now);
    consider(std::min(left, milliseconds(1000 - (left.count() % 1000))));
  }
  if (state_.screen == Screen::Attract && feedback_count(state_) > 1)
    consider(std::chrono::duration_cast<milliseconds>(attract_card_since_ + state_.config.attract_cycle - now));
  if (state_.lock_seconds_left > 0) consider(milliseconds(1000));
  if (state_.config.field) {
    if (std::optional<milliseconds> field = field_next_wake(now)) consider(*field);
  }
  return wake;
}

void Controller::note_activity() {
  last_activity_ = clock_.now();
  if (state_.session) state_.session->touch();
}

void Controller::apply(const FrameOutput& frame) {
  // A tap behind the idle warning does not count: continuing is the warning's own button.
  if ((frame.pointer_seen && !state_.idle_warning) || !frame.actions.empty()) note_activity();
  if (frame.pointer_seen) state_.focus.visible = false;  // a finger is in use: no ring until the next key
  state_.focus.activate = false;                         // this frame's drawing has seen it
  focus_.settle(state_, frame.focusables);
  for (const Action& action : frame.actions) apply(action);
  stop_speech_if_view_changed();
}

void Controller::input(const Action& action) {
  if (!state_.idle_warning) note_activity();
  apply(action);
}

void Controller::handle(const act::FocusMove& a) { focus_.move(state_, a.step); }

void Controller::handle(const act::Activate&) {
  // A key press while no ring shows only shows it: nothing happens that the person could not see coming.
  if (!state_.focus.visible) {
    focus_.move(state_, 0);
    return;
  }
  state_.focus.activate = true;
}

void Controller::apply(const Action& action) {
  std::visit([this](const auto& a) { handle(a); }, action);
}

void Controller::wipe_session() {
  stop_speech();  // nothing a resident entered is read out after they have gone
  state_.session.reset();
  state_.open_consultation.reset();
  state_.problems.clear();
  state_.show_problems = false;
  state_.limit_notice.reset();
  state_.changing_from_review = false;
  state_.confirm_leave = false;
  state_.confirm_exit = false;
  state_.keyboard = KeyboardState{};
  state_.date_picker = DatePickerState{};
  state_.idle_warning = false;
  state_.editing_venue = false;
  state_.venue_draft.clear();
  state_.pin.entry.clear();
  state_.pin.checking = false;
  state_.focus = FocusState{};           // the next resident may not use keys: no ring left showing
  state_.scroll_to.question_id.clear();  // the serial stays: scroll requests already seen stay seen
  state_.page_generation++;
}

void Controller::go_to_attract() {
  wipe_session();
  state_.language = state_.config.lang_first;
  state_.high_contrast = false;
  state_.large_text = false;
  state_.thanks_consultation.reset();
  state_.save_error.clear();
  state_.save_attempts = 0;
  if (state_.config.field) {
    go_to_field_home();
    return;
  }
  state_.screen = state_.config.staff_pin_hash.empty() ? Screen::Setup : Screen::Attract;
  attract_card_since_ = clock_.now();
}

void Controller::enter_page() {
  state_.page_generation++;
  state_.show_problems = false;
  state_.problems.clear();
  state_.limit_notice.reset();
  state_.keyboard.open = false;
  state_.date_picker.open = false;
}

void Controller::refresh_problems() {
  if (state_.session && state_.show_problems) state_.problems = state_.session->page_problems();
}

const Question* Controller::find_question(const std::string& id) const {
  if (!state_.session) return nullptr;
  return state_.session->consultation().find_question(id);
}

void Controller::handle(const act::ChooseLanguage& a) {
  if (a.language != "cy" && a.language != "en") return;
  if (state_.session) {
    if (state_.session->switch_language(a.language)) state_.language = a.language;
    refresh_problems();
    return;
  }
  if (state_.open_consultation && !state_.open_consultation->declares(a.language)) return;
  state_.language = a.language;
}

void Controller::handle(const act::OpenConsultation& a) {
  if (state_.screen != Screen::Attract) return;
  for (const CatalogueEntry& entry : state_.catalogue.entries) {
    if (entry.id != a.id || !is_open_on(entry, state_.today)) continue;
    state_.open_consultation = entry.consultation;
    if (!entry.consultation->declares(state_.language) && !entry.consultation->languages.empty())
      state_.language = entry.consultation->languages.front();
    state_.screen = Screen::Intro;
    return;
  }
}

void Controller::handle(const act::StartSession&) {
  if (state_.screen != Screen::Intro || !state_.open_consultation) return;
  if (!state_.session || &state_.session->consultation() != state_.open_consultation.get()) {
    SessionStart start;
    start.language = state_.language;
    start.channel = state_.config.channel;
    start.device_id = state_.config.device_id;
    start.venue = state_.config.venue;
    start.staff_id = state_.config.staff_id;
    start.collect_personal = !state_.config.seal_public_key.empty();
    state_.session = std::make_unique<Session>(state_.open_consultation, std::move(start), clock_);
    state_.language = state_.session->language();
  }
  enter_page();
  state_.screen = state_.session->at_review() ? Screen::Review : Screen::Page;
}

void Controller::handle(const act::LeaveConsultation&) {
  if (state_.screen == Screen::Intro && !state_.session) {
    go_to_attract();
    return;
  }
  state_.confirm_leave = true;
}

void Controller::handle(const act::ConfirmLeave&) { go_to_attract(); }
void Controller::handle(const act::CancelLeave&) { state_.confirm_leave = false; }

void Controller::handle(const act::SetAnswer& a) {
  if (!state_.session) return;
  if (state_.limit_notice && state_.limit_notice->question_id == a.question_id) state_.limit_notice.reset();
  auto stored = state_.session->set_answer(a.question_id, a.answer);
  if (!stored) std::fprintf(stderr, "soundings-kiosk: answer refused: %s\n", stored.error().message.c_str());
  refresh_problems();
}

void Controller::handle(const act::ClearAnswer& a) {
  if (!state_.session) return;
  if (state_.limit_notice && state_.limit_notice->question_id == a.question_id) state_.limit_notice.reset();
  state_.session->clear_answer(a.question_id);
  refresh_problems();
}

void Controller::handle(const act::OpenDatePart& a) {
  if (!find_question(a.question_id)) return;
  state_.keyboard.open = false;
  state_.date_picker.open = true;
  state_.date_picker.question_id = a.question_id;
  state_.date_picker.part = a.part;
  state_.date_picker.decade = 0;
}

void Controller::handle(const act::ChooseDecade& a) { state_.date_picker.decade = a.decade; }
void Controller::handle(const act::CloseDatePicker&) { state_.date_picker.open = false; }

void Controller::handle(const act::Next&) {
  if (!state_.session || state_.screen != Screen::Page) return;
  state_.keyboard.open = false;
  state_.date_picker.open = false;
  std::vector<QuestionProblem> problems = state_.session->next();
  if (!problems.empty()) {
    refuse_page(std::move(problems));
    return;
  }
  show_page_or_review();
}

// A refused Next or Save: the page goes to its top, where the summary lists each problem (GOV.UK).
void Controller::refuse_page(std::vector<QuestionProblem> problems) {
  state_.show_problems = true;
  state_.problems = std::move(problems);
  state_.problems_shown++;
  // Keys and switches land on the first problem: its link in the summary, which comes before its question.
  state_.focus.to_question = state_.problems.front().question_id;
}

void Controller::show_page_or_review() {
  enter_page();
  const bool review = state_.session->at_review();
  state_.screen = review ? Screen::Review : Screen::Page;
  if (review) state_.changing_from_review = false;
}

void Controller::handle(const act::ReturnToReview&) {
  if (!state_.session || state_.screen != Screen::Page || !state_.changing_from_review) return;
  state_.keyboard.open = false;
  state_.date_picker.open = false;
  std::vector<QuestionProblem> problems = state_.session->return_to_review();
  if (!problems.empty()) {
    refuse_page(std::move(problems));
    return;
  }
  show_page_or_review();
}

void Controller::handle(const act::GoToProblem& a) {
  const Question* question = find_question(a.question_id);
  if (!question || state_.screen != Screen::Page) return;
  state_.scroll_to = ScrollRequest{state_.scroll_to.serial + 1, a.question_id};
  switch (question->type) {
    case QuestionType::ShortText:
    case QuestionType::LongText:
    case QuestionType::Number:
    case QuestionType::Postcode:
    case QuestionType::Email:
    case QuestionType::Phone:
      handle(act::FocusText{TextTarget{TextTarget::Field::Answer, a.question_id, {}}});
      break;
    default:
      state_.keyboard.open = false;  // choices are tapped where they are; nothing to type
      break;
  }
}

void Controller::handle(const act::LimitReached& a) {
  const Question* question = find_question(a.question_id);
  if (!question || !question->max_selections) return;
  const bool ranking = question->type == QuestionType::Ranking;
  state_.limit_notice = LimitNotice{a.question_id, a.option_id, ranking ? "kiosk.limit.ranking" : "kiosk.limit.choice",
                                    *question->max_selections};
}

void Controller::handle(const act::Back&) {
  switch (state_.screen) {
    case Screen::FieldSecret:
    case Screen::FieldList:
    case Screen::FieldDoor:
    case Screen::FieldHowGiven:
      field_back();
      break;
    case Screen::Setup:
      setup_back();
      break;
    case Screen::Intro:
      if (state_.session) state_.confirm_leave = true;
      else go_to_attract();
      break;
    case Screen::Page:
      if (!state_.session) return;
      if (state_.session->back()) {
        enter_page();
      } else {
        enter_page();
        state_.screen = Screen::Intro;
      }
      break;
    case Screen::Review:
      if (state_.session && state_.session->back()) {
        enter_page();
        state_.screen = Screen::Page;
      }
      break;
    default:
      break;
  }
}

void Controller::handle(const act::GoToPage& a) {
  if (!state_.session || state_.screen != Screen::Review) return;
  state_.session->go_to_page(a.page_index);
  enter_page();
  state_.screen = state_.session->at_review() ? Screen::Review : Screen::Page;
  state_.changing_from_review = state_.screen == Screen::Page;
}

void Controller::handle(const act::Submit&) {
  if (!state_.session || state_.screen != Screen::Review) return;
  ++state_.save_attempts;
  Result<Response> made = state_.session->submit();
  if (!made) {
    // The session is kept, so that Try again submits it again.
    state_.save_error = made.error().message;
    state_.screen = Screen::SaveFailed;
    return;
  }
  state_.thanks_consultation = state_.open_consultation;
  std::string language = state_.session->language();
  if (state_.config.field) {
    finish_field_response(made.value());
  } else {
    finish_kiosk_response(made.value());
  }
  unsaved_ = std::move(made.value());
  wipe_session();  // the answers now live only in the record being committed
  state_.language = language;
  state_.screen = Screen::Saving;
  if (worker_) worker_->save(*unsaved_, state_.config.seal_public_key);
}

void Controller::handle(const act::RetrySave&) {
  if (state_.screen != Screen::SaveFailed) return;
  if (!unsaved_ && state_.session) {  // the record could not be made: make it again
    state_.screen = Screen::Review;
    handle(act::Submit{});
    return;
  }
  if (!unsaved_ || !worker_) return;
  state_.save_error.clear();
  ++state_.save_attempts;
  state_.screen = Screen::Saving;
  worker_->save(*unsaved_, state_.config.seal_public_key);
}

void Controller::handle(const act::ToggleHighContrast&) { state_.high_contrast = !state_.high_contrast; }
void Controller::handle(const act::ToggleLargeText&) { state_.large_text = !state_.large_text; }

void Controller::handle(const act::ContinueAfterWarning&) {
  last_activity_ = clock_.now();
  if (state_.session) state_.session->touch();
  state_.idle_warning = false;
}

void Controller::handle(const act::FinishThanks&) {
  if (state_.screen == Screen::Thanks) go_to_attract();
}

}  // namespace soundings::kiosk
