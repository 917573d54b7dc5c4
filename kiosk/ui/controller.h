// The controller: applies the screens' actions after each frame, owns the respondent's session,
// runs the idle policy and hands disk work to the store worker.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "soundings/clock.h"
#include "soundings/response.h"
#include "ui/actions.h"
#include "ui/answer_edit.h"
#include "ui/app_state.h"
#include "ui/speech_port.h"
#include "ui/focus.h"
#include "ui/store_worker.h"
#include "ui/sync_port.h"

namespace soundings::kiosk {

// What the controller asks of the window system (none of it is needed in tests).
struct PlatformHooks {
  std::function<void(bool)> set_fullscreen;
  std::function<void()> request_exit;
};

class Controller {
 public:
  // `worker` and `sync` may be null (tests of screens that never touch the store; no agent).
  Controller(AppState& state, const TimeSource& clock, StoreWorker* worker, SyncPort* sync, PlatformHooks hooks = {});

  // Before drawing: takes in finished disk jobs and sync status, runs the idle policy and timers.
  void update();
  // After drawing: applies the frame's actions in order.
  void apply(const FrameOutput& frame);
  void apply(const Action& action);
  // Between frames: an action from a key or a switch rather than from drawing; it counts as activity as a
  // touch does (except behind the idle warning, where only its own button continues).
  void input(const Action& action);

  // How long the frame loop may sleep before something on screen needs to change
  // (countdowns, the attract screen's cycling card); nullopt: until the next input.
  std::optional<std::chrono::milliseconds> next_wake() const;

  bool exit_requested() const { return exit_requested_; }
  bool fullscreen() const { return fullscreen_; }
  void set_fullscreen_state(bool on) { fullscreen_ = on; }
  // Read-aloud (may stay unset: Listen then does nothing).
  void set_speech(SpeechPort* speech) { speech_ = speech; }

  // Ends the respondent's session and wipes everything they entered (DESIGN invariant 3).
  void wipe_session();
  // Field tablets: signs the officer out (recording `why`) and wipes everything of their session, so that the
  // next officer finds nothing of it on screen or in memory.
  void sign_out(SignInEvent why);

 private:
  void handle(const act::ChooseLanguage& a);
  void handle(const act::OpenConsultation& a);
  void handle(const act::StartSession& a);
  void handle(const act::LeaveConsultation& a);
  void handle(const act::ConfirmLeave& a);
  void handle(const act::CancelLeave& a);
  void handle(const act::SetAnswer& a);
  void handle(const act::ClearAnswer& a);
  void handle(const act::FocusText& a);
  void handle(const act::TypeText& a);
  void handle(const act::Backspace& a);
  void handle(const act::MoveCursor& a);
  void handle(const act::PlaceCursor& a);
  void handle(const act::ChooseAccent& a);
  void handle(const act::SetKeyboardLayer& a);
  void handle(const act::ToggleShift& a);
  void handle(const act::CloseKeyboard& a);
  void handle(const act::OpenDatePart& a);
  void handle(const act::ChooseDecade& a);
  void handle(const act::CloseDatePicker& a);
  void handle(const act::Next& a);
  void handle(const act::Back& a);
  void handle(const act::GoToPage& a);
  void handle(const act::ReturnToReview& a);
  void handle(const act::GoToProblem& a);
  void handle(const act::LimitReached& a);
  void handle(const act::Submit& a);
  void handle(const act::RetrySave& a);
  void handle(const act::ToggleHighContrast& a);
  void handle(const act::ToggleLargeText& a);
  void handle(const act::ContinueAfterWarning& a);
  void handle(const act::FinishThanks& a);
  void handle(const act::StaffGesture& a);
  void handle(const act::PinDigit& a);
  void handle(const act::PinBackspace& a);
  void handle(const act::PinSubmit& a);
  void handle(const act::CloseStaff& a);
  void handle(const act::StaffSetOffered& a);
  void handle(const act::StaffEditVenue& a);
  void handle(const act::StaffToggleFullscreen& a);
  void handle(const act::StaffExit& a);
  void handle(const act::ConfirmExit& a);
  void handle(const act::CancelExit& a);
  void handle(const act::StaffRefresh& a);
  void handle(const act::Listen& a);
  void handle(const act::SetupLanguage& a);
  void handle(const act::SetupNext& a);
  void handle(const act::FocusMove& a);
  void handle(const act::Activate& a);
  void handle(const act::ChooseOfficer& a);
  void handle(const act::UsePassphrase& a);
  void handle(const act::FieldSignOut& a);
  void handle(const act::OpenWalkList& a);
  void handle(const act::SetDoorFilter& a);
  void handle(const act::OpenDoor& a);
  void handle(const act::ChooseOutcome& a);
  void handle(const act::ChooseComeBackDay& a);
  void handle(const act::ChooseComeBackHour& a);
  void handle(const act::SaveVisit& a);
  void handle(const act::StartDoorSurvey& a);
  void handle(const act::ChooseSurvey& a);
  void handle(const act::SetGivenMode& a);
  void handle(const act::ToggleOnBehalf& a);
  void handle(const act::ToggleInterpreter& a);
  void handle(const act::BeginSurvey& a);
  void handle(const act::CheckInOk& a);

  void note_activity();
  void take_worker_events();
  void run_idle_policy(TimePoint now);
  void refresh_problems();
  void refuse_page(std::vector<QuestionProblem> problems);
  void show_page_or_review();
  // Applies `edit` to the text and cursor of the field being typed into (with that field's letter limit).
  void edit_text(const std::function<TextCursor(TextCursor, size_t)>& edit);
  void enter_page();
  void go_to_attract();
  // Field tablets: where the officer's own screens start again (sign-in, or the list and door they were at).
  void go_to_field_home();
  void field_update(TimePoint now);
  void field_secret_digit(char digit);
  void submit_field_secret();
  void take_officer_checked(const std::string& staff_id, bool ok);
  // The store worker's answers to the field tablet's jobs.
  void take_field_event(worker_event::OfficersRead& e);
  void take_field_event(worker_event::WalkListsRead& e);
  void take_field_event(worker_event::OfficerChecked& e);
  void take_field_event(worker_event::WalkListOpened& e);
  void take_field_event(worker_event::VisitSaved& e);
  void take_field_event(worker_event::VisitFailed& e);
  void take_field_event(worker_event::LoneWorkingSaved& e);
  void record_sign_in(const std::string& staff_id, SignInEvent event);
  void record_check_in(CheckInStatus status, TimePoint due_at);
  void after_response_saved();
  void finish_field_response(Response& response);
  void finish_kiosk_response(Response& response);
  void judge_quality(Response& response) const;
  void field_back();
  bool field_edit_text(const std::function<TextCursor(TextCursor, size_t)>& edit);
  std::optional<std::chrono::milliseconds> field_next_wake(TimePoint now) const;
  int utc_offset_at(TimePoint at) const;
  void request_counts();
  void take_pin_result(bool ok);
  void take_setup_pin();
  void save_setup();
  void take_setup_saved(const std::string& pin_hash, const std::string& error);
  void setup_back();
  bool idle_applies() const;
  const Question* find_question(const std::string& id) const;
  // What is being read aloud belongs to one view: when the screen, page, overlay or language changes, it stops.
  struct SpokenView {
    Screen screen;
    uint64_t page_generation;
    bool idle_warning, confirm_leave;
    std::string language;
    bool operator==(const SpokenView&) const = default;
  };
  SpokenView spoken_view() const;
  void stop_speech();
  void stop_speech_if_view_changed();

  AppState& state_;
  const TimeSource& clock_;
  StoreWorker* worker_;
  SyncPort* sync_;
  SpeechPort* speech_ = nullptr;
  std::optional<SpokenView> speaking_for_;  // the view Listen was tapped on, while it may still be heard
  PlatformHooks hooks_;
  FocusKeeper focus_;

  TimePoint last_activity_;
  TimePoint check_in_since_;              // sign-in, or the last check-in made or missed
  TimePoint thanks_since_;
  TimePoint attract_card_since_;
  std::optional<Response> unsaved_;      // submitted, not yet committed
  uint64_t seen_generation_ = 0;
  bool exit_requested_ = false;
  bool fullscreen_ = false;
};

}  // namespace soundings::kiosk
