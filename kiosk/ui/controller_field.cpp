// The controller's field tablet: sign-in with a growing wait after wrong PINs, sign-out (by hand and after time
// unused) with a clean hand-over, walk lists, the door log, how a survey is given, and lone-working check-ins.
#include <algorithm>

#include "soundings/field_session.h"
#include "soundings/officer_secret.h"
#include "soundings/quality.h"
#include "ui/catalogue.h"
#include "ui/controller.h"

namespace soundings::kiosk {

namespace {
constexpr size_t kMaxPinDigits = 12;  // longer secrets are typed as a passphrase
constexpr size_t kMaxPassphraseLetters = 64;

void forget(std::string& secret) {
  std::fill(secret.begin(), secret.end(), '\0');
  secret.clear();
}

// Overwrites the addresses of a list that nobody else holds before it is freed: after a hand-over no
// door of the last officer's list is left in the tablet's memory to be read.
void scrub(std::shared_ptr<WalkListView>& list) {
  if (list && list.use_count() == 1) {
    for (DoorView& door : list->doors)
      for (std::string* s : {&door.address.uprn, &door.address.address, &door.address.street, &door.address.postcode,
                             &door.address.ward, &door.come_back_at})
        forget(*s);
  }
  list.reset();
}

bool officer_screen(Screen screen) {
  switch (screen) {
    case Screen::FieldLists:
    case Screen::FieldList:
    case Screen::FieldDoor:
    case Screen::FieldHowGiven:
      return true;
    default:
      return false;
  }
}
}  // namespace

int Controller::utc_offset_at(TimePoint at) const {
  return state_.config.utc_offset_minutes ? *state_.config.utc_offset_minutes : local_utc_offset_minutes(at);
}

void Controller::go_to_field_home() {
  FieldState& f = state_.field;
  if (!f.signed_in) state_.screen = f.officer.id.empty() ? Screen::FieldSignIn : Screen::FieldSecret;
  else if (f.list && f.door) state_.screen = Screen::FieldDoor;
  else if (f.list) state_.screen = Screen::FieldList;
  else state_.screen = Screen::FieldLists;
  f.survey_from_door = false;
  f.survey_consultation.clear();
  f.given = HowGiven{};
}

void Controller::field_update(TimePoint now) {
  FieldState& f = state_.field;
  f.wait_seconds = sign_in_seconds_left(f.attempts, now);
  if (!f.signed_in) {
    // A name chosen and left: back to the list of names, so the next person does not find it half done.
    if (state_.screen == Screen::FieldSecret && !f.checking &&
        decide_sign_out(last_activity_, now, state_.config.sign_out_after).sign_out) {
      forget(f.secret);
      f.officer = OfficerName{};
      state_.keyboard = KeyboardState{};
      state_.screen = Screen::FieldSignIn;
    }
    return;
  }
  if (decide_sign_out(last_activity_, now, state_.config.sign_out_after).sign_out) {
    sign_out(SignInEvent::TimedOut);
    return;
  }
  CheckInDecision check = decide_check_in(check_in_since_, now, state_.config.check_in_every);
  f.check_in_asking = check.kind == CheckInDecision::Kind::Ask;
  f.check_in_seconds_left = check.seconds_left;
  if (check.kind == CheckInDecision::Kind::Missed) {
    record_check_in(CheckInStatus::Missed, check.due_at);
    check_in_since_ = now;
  }
}

std::optional<std::chrono::milliseconds> Controller::field_next_wake(TimePoint now) const {
  const FieldState& f = state_.field;
  std::optional<std::chrono::milliseconds> wake;
  auto consider = [&](std::chrono::milliseconds ms) {
    if (!wake || ms < *wake) wake = ms;
  };
  if (f.wait_seconds > 0) consider(std::chrono::milliseconds(1000));
  if (f.signed_in || state_.screen == Screen::FieldSecret)
    consider(decide_sign_out(last_activity_, now, state_.config.sign_out_after).next_change);
  if (f.signed_in) consider(decide_check_in(check_in_since_, now, state_.config.check_in_every).next_change);
  return wake;
}

void Controller::record_sign_in(const std::string& staff_id, SignInEvent event) {
  if (!worker_ || staff_id.empty()) return;
  worker_->save_sign_in(SignIn{1, make_uuid(), staff_id, state_.config.device_id, event, format_iso8601_utc(clock_.now())});
}

void Controller::record_check_in(CheckInStatus status, TimePoint due_at) {
  state_.field.check_in_asking = false;
  if (status == CheckInStatus::Ok) state_.field.last_check_in = format_iso8601_utc(clock_.now());
  if (!worker_) return;
  worker_->save_check_in(CheckIn{1, make_uuid(), state_.field.officer.id, state_.config.device_id, status,
                                 format_iso8601_utc(due_at), format_iso8601_utc(clock_.now())});
}

void Controller::sign_out(SignInEvent why) {
  FieldState& f = state_.field;
  if (f.signed_in) record_sign_in(f.officer.id, why);
  wipe_session();
  forget(f.secret);
  forget(f.draft.note);
  scrub(f.list);
  FieldState fresh;
  fresh.attempts = f.attempts;  // a hand-over does not reset the wait after wrong PINs
  fresh.officers_known = f.officers_known;
  fresh.officers = std::move(f.officers);
  f = std::move(fresh);
  state_.config.staff_id.clear();
  state_.config.venue.clear();
  state_.language = state_.config.lang_first;
  state_.high_contrast = false;
  state_.large_text = false;
  state_.thanks_consultation.reset();
  state_.save_error.clear();
  state_.screen = Screen::FieldSignIn;
}

void Controller::handle(const act::ChooseOfficer& a) {
  if (state_.screen != Screen::FieldSignIn) return;
  for (const OfficerName& officer : state_.field.officers) {
    if (officer.id != a.id) continue;
    FieldState& f = state_.field;
    f.officer = officer;
    forget(f.secret);
    f.passphrase = false;
    f.message_key.clear();
    state_.screen = Screen::FieldSecret;
    return;
  }
}

void Controller::handle(const act::UsePassphrase& a) {
  if (state_.screen != Screen::FieldSecret || state_.field.checking) return;
  forget(state_.field.secret);
  state_.field.passphrase = a.on;
  state_.field.message_key.clear();
  if (a.on) handle(act::FocusText{TextTarget{TextTarget::Field::Passphrase, {}, {}}});
  else state_.keyboard.open = false;
}

void Controller::field_secret_digit(char digit) {
  FieldState& f = state_.field;
  if (f.checking || f.passphrase || digit < '0' || digit > '9') return;
  if (f.secret.size() < kMaxPinDigits) f.secret.push_back(digit);
}

void Controller::submit_field_secret() {
  FieldState& f = state_.field;
  if (state_.screen != Screen::FieldSecret || f.checking) return;
  state_.keyboard.open = false;
  if (sign_in_seconds_left(f.attempts, clock_.now()) > 0) {
    forget(f.secret);
    f.message_key = "kiosk.field.sign_in.wait";
    return;
  }
  if (!check_officer_secret(f.secret)) {
    f.message_key = "kiosk.field.sign_in.too_short";
    return;
  }
  if (!worker_) return;
  std::string secret;
  secret.swap(f.secret);
  f.checking = true;
  f.message_key = "kiosk.field.sign_in.checking";
  worker_->verify_officer(f.officer.id, std::move(secret));
}

void Controller::take_officer_checked(const std::string& staff_id, bool ok) {
  FieldState& f = state_.field;
  f.checking = false;
  if (state_.screen != Screen::FieldSecret || f.officer.id != staff_id) return;
  TimePoint now = clock_.now();
  if (!ok) {
    f.attempts = after_wrong_secret(f.attempts, now);
    f.wait_seconds = sign_in_seconds_left(f.attempts, now);
    f.message_key = f.wait_seconds > 0 ? "kiosk.field.sign_in.wait" : "kiosk.field.sign_in.wrong";
    if (f.wait_seconds > 0) record_sign_in(staff_id, SignInEvent::LockedOut);
    if (f.passphrase) handle(act::FocusText{TextTarget{TextTarget::Field::Passphrase, {}, {}}});
    return;
  }
  f.attempts = SignInAttempts{};
  f.signed_in = true;
  f.message_key.clear();
  f.passphrase = false;
  state_.config.staff_id = staff_id;
  last_activity_ = now;
  check_in_since_ = now;
  record_sign_in(staff_id, SignInEvent::SignedIn);
  state_.screen = Screen::FieldLists;
  if (worker_) worker_->read_walk_lists();
}

void Controller::handle(const act::FieldSignOut&) {
  if (state_.field.signed_in && officer_screen(state_.screen)) sign_out(SignInEvent::SignedOut);
}

void Controller::handle(const act::OpenWalkList& a) {
  FieldState& f = state_.field;
  if (state_.screen != Screen::FieldLists || f.loading_list || !worker_) return;
  f.loading_list = true;
  worker_->open_walk_list(a.id);
}

void Controller::handle(const act::SetDoorFilter& a) {
  FieldState& f = state_.field;
  if (state_.screen != Screen::FieldList || !f.list || f.list->filter == a.filter) return;
  set_filter(*f.list, a.filter);
  f.list_generation++;
}

void Controller::handle(const act::OpenDoor& a) {
  FieldState& f = state_.field;
  if (state_.screen != Screen::FieldList || !f.list || a.index >= f.list->doors.size()) return;
  f.door = a.index;
  f.door_generation++;
  forget(f.draft.note);
  f.draft = DoorDraft{};
  state_.screen = Screen::FieldDoor;
}

void Controller::handle(const act::ChooseOutcome& a) {
  if (state_.screen != Screen::FieldDoor) return;
  state_.field.draft.outcome = a.outcome;
  state_.field.draft.message_key.clear();
}

void Controller::handle(const act::ChooseComeBackDay& a) {
  if (state_.screen == Screen::FieldDoor && a.day >= 0 && a.day < 7) state_.field.draft.come_back_day = a.day;
}

void Controller::handle(const act::ChooseComeBackHour& a) {
  if (state_.screen == Screen::FieldDoor && a.hour >= 0 && a.hour < 24) state_.field.draft.come_back_hour = a.hour;
}

void Controller::handle(const act::SaveVisit&) {
  FieldState& f = state_.field;
  if (state_.screen != Screen::FieldDoor || !f.list || !f.door || !worker_) return;
  DoorDraft& d = f.draft;
  state_.keyboard.open = false;
  if (!d.outcome) {
    d.message_key = "kiosk.field.door.choose_outcome";
    return;
  }
  TimePoint now = clock_.now();
  const int offset = utc_offset_at(now);
  Visit visit;
  // Time-ordered, so head office's index of records grows at its end; a visit carries its time anyway.
  visit.id = make_time_ordered_uuid(now);
  visit.list_id = f.list->id;
  visit.uprn = f.list->doors[*f.door].address.uprn;
  visit.outcome = *d.outcome;
  if (visit.outcome == VisitOutcome::ComeBack) {
    if (d.come_back_hour < 0) {
      d.message_key = "kiosk.field.door.choose_time";
      return;
    }
    // Local midnight today, then the day and hour chosen, back to UTC.
    using namespace std::chrono;
    auto local_day = floor<days>(now + minutes(offset));
    TimePoint promised = TimePoint(local_day) + days(d.come_back_day) + hours(d.come_back_hour) - minutes(offset);
    visit.come_back_at = format_iso8601_utc(promised);
  }
  visit.note = d.note;
  visit.staff_id = f.officer.id;
  visit.device_id = state_.config.device_id;
  visit.visited_at = format_iso8601_utc(now);
  if (outside_working_hours(now, offset)) visit.flags.emplace_back(kFlagOutsideWorkingHours);
  d.message_key = "kiosk.field.door.saving";
  worker_->save_visit(std::move(visit));
}

void Controller::handle(const act::StartDoorSurvey&) {
  FieldState& f = state_.field;
  if (state_.screen != Screen::FieldDoor || !f.door) return;
  state_.keyboard.open = false;
  f.given = HowGiven{};
  f.survey_consultation.clear();
  // One consultation open: it is the one; otherwise the officer chooses.
  std::vector<const CatalogueEntry*> open;
  for (const CatalogueEntry& e : state_.catalogue.entries)
    if (e.consultation && e.offered && is_open_on(e, state_.today)) open.push_back(&e);
  if (open.size() == 1) f.survey_consultation = open.front()->id;
  state_.screen = Screen::FieldHowGiven;
}

void Controller::handle(const act::ChooseSurvey& a) {
  if (state_.screen == Screen::FieldHowGiven) state_.field.survey_consultation = a.consultation_id;
}

void Controller::handle(const act::SetGivenMode& a) {
  if (state_.screen == Screen::FieldHowGiven) state_.field.given.mode = a.mode;
}

void Controller::handle(const act::ToggleOnBehalf&) {
  if (state_.screen == Screen::FieldHowGiven) state_.field.given.on_behalf = !state_.field.given.on_behalf;
}

void Controller::handle(const act::ToggleInterpreter&) {
  if (state_.screen == Screen::FieldHowGiven) state_.field.given.interpreter = !state_.field.given.interpreter;
}

void Controller::handle(const act::BeginSurvey&) {
  FieldState& f = state_.field;
  if (state_.screen != Screen::FieldHowGiven) return;
  for (const CatalogueEntry& entry : state_.catalogue.entries) {
    if (entry.id != f.survey_consultation || !entry.consultation || !is_open_on(entry, state_.today)) continue;
    f.survey_from_door = true;
    // The intro holds the privacy notice: every survey passes through it before its first question.
    f.given.privacy_notice_shown = true;
    state_.open_consultation = entry.consultation;
    if (!entry.consultation->declares(state_.language) && !entry.consultation->languages.empty())
      state_.language = entry.consultation->languages.front();
    state_.screen = Screen::Intro;
    return;
  }
}

void Controller::handle(const act::CheckInOk&) {
  if (!state_.field.check_in_asking) return;
  TimePoint due = decide_check_in(check_in_since_, clock_.now(), state_.config.check_in_every).due_at;
  record_check_in(CheckInStatus::Ok, due);
  check_in_since_ = clock_.now();
}

// The quality flags of a response, from its exact times (before a field response's are cut to the day).
void Controller::judge_quality(Response& response) const {
  if (!state_.session) return;
  TimePoint started, submitted;
  parse_iso8601_utc(response.started_at, started);
  parse_iso8601_utc(response.submitted_at, submitted);
  response.quality = response_quality_flags(response, state_.session->consultation(), started, submitted,
                                            utc_offset_at(submitted));
}

// A kiosk response: the resident used the screen, after the intro's privacy notice; flags from its times.
void Controller::finish_kiosk_response(Response& response) {
  response.given = HowGiven{GivenMode::SelfCompleted, false, false, true};
  judge_quality(response);
}

// A field response: flags from its exact times, how it was given, then anonymous (no link to the door).
void Controller::finish_field_response(Response& response) {
  const FieldState& f = state_.field;
  response.channel = Channel::Field;
  response.staff_id = f.officer.id;
  response.given = f.given;
  judge_quality(response);
  // Early or late would narrow "this officer, this day" to a few doors: the door's visit carries that flag.
  std::erase(response.quality, std::string(kFlagOutsideWorkingHours));
  make_field_response_anonymous(response);
}

// The resident's response is safe: the door it was taken at records "completed" (a visit apart from it).
void Controller::after_response_saved() {
  FieldState& f = state_.field;
  if (!state_.config.field || !f.survey_from_door || !f.list || !f.door || !worker_) return;
  f.survey_from_door = false;
  TimePoint now = clock_.now();
  Visit visit;
  visit.id = make_time_ordered_uuid(now);  // as every visit; the response's id stays random
  visit.list_id = f.list->id;
  visit.uprn = f.list->doors[*f.door].address.uprn;
  visit.outcome = VisitOutcome::Completed;
  visit.staff_id = f.officer.id;
  visit.device_id = state_.config.device_id;
  visit.visited_at = format_iso8601_utc(now);
  if (outside_working_hours(now, utc_offset_at(now))) visit.flags.emplace_back(kFlagOutsideWorkingHours);
  worker_->save_visit(std::move(visit));
}

void Controller::field_back() {
  FieldState& f = state_.field;
  state_.keyboard.open = false;
  switch (state_.screen) {
    case Screen::FieldSecret:
      if (f.checking) return;
      forget(f.secret);
      f.officer = OfficerName{};
      f.passphrase = false;
      f.message_key.clear();
      state_.screen = Screen::FieldSignIn;
      break;
    case Screen::FieldList:
      scrub(f.list);
      f.door.reset();
      state_.screen = Screen::FieldLists;
      if (worker_) worker_->read_walk_lists();
      break;
    case Screen::FieldDoor:
      forget(f.draft.note);
      f.draft = DoorDraft{};
      f.door.reset();
      state_.screen = Screen::FieldList;
      break;
    case Screen::FieldHowGiven:
      state_.screen = Screen::FieldDoor;
      break;
    default:
      break;
  }
}

// Typing a passphrase or a door note: true when the keyboard's target was one of them.
bool Controller::field_edit_text(const std::function<TextCursor(TextCursor, size_t)>& edit) {
  KeyboardState& kb = state_.keyboard;
  std::string* text = nullptr;
  size_t max_letters = 0;
  size_t max_bytes = 0;
  if (kb.target.field == TextTarget::Field::Passphrase) {
    text = &state_.field.secret;
    max_letters = kMaxPassphraseLetters;
    max_bytes = kMaxOfficerSecretBytes;
  } else if (kb.target.field == TextTarget::Field::VisitNote) {
    text = &state_.field.draft.note;
    max_letters = kMaxVisitNoteBytes;
    max_bytes = kMaxVisitNoteBytes;
  } else {
    return false;
  }
  TextCursor after = edit(TextCursor{*text, kb.cursor}, max_letters);
  if (after.text.size() > max_bytes) return true;  // a letter past the limit in bytes is refused like one in letters
  forget(*text);
  *text = std::move(after.text);
  kb.cursor = after.cursor;
  return true;
}

void Controller::take_field_event(worker_event::OfficersRead& e) {
  state_.field.officers_known = true;
  state_.field.officers = std::move(e.officers);
}

void Controller::take_field_event(worker_event::WalkListsRead& e) {
  FieldState& f = state_.field;
  if (!f.signed_in) return;
  f.lists = std::move(e.lists);
  // A list taken off the tablet at sync leaves the screen and memory too, unless a resident is mid-survey
  // (the survey holds no address; the list goes when the officer is back).
  const bool still_held = f.list && std::any_of(f.lists.begin(), f.lists.end(),
                                                [&f](const WalkListSummary& held) { return held.id == f.list->id; });
  const bool officer_screen = state_.screen == Screen::FieldList || state_.screen == Screen::FieldDoor;
  if (!f.list || still_held || !officer_screen) return;
  forget(f.draft.note);
  f.draft = DoorDraft{};
  scrub(f.list);
  f.list.reset();
  f.door.reset();
  state_.screen = Screen::FieldLists;
}

void Controller::take_field_event(worker_event::OfficerChecked& e) { take_officer_checked(e.staff_id, e.ok); }

void Controller::take_field_event(worker_event::WalkListOpened& e) {
  FieldState& f = state_.field;
  f.loading_list = false;
  if (!f.signed_in || state_.screen != Screen::FieldLists) return;  // signed out meanwhile
  f.list = std::move(e.view);
  f.door.reset();
  f.list_generation++;
  state_.screen = Screen::FieldList;
}

void Controller::take_field_event(worker_event::VisitSaved& e) {
  FieldState& f = state_.field;
  if (f.list) record_visit(*f.list, e.visit);
  if (state_.screen == Screen::FieldDoor) {
    forget(f.draft.note);
    f.draft = DoorDraft{};
    f.draft.message_key = "kiosk.field.door.saved";
  }
  if (sync_) sync_->response_saved();  // any record waiting: the sync thread sends soon
}

void Controller::take_field_event(worker_event::VisitFailed& e) {
  state_.field.draft.message_key = "kiosk.field.door.save_failed";
  state_.field.store_error = e.message;
}

void Controller::take_field_event(worker_event::LoneWorkingSaved&) {
  // Lone working: a check-in, a sign-in or a sign-out goes to head office at once when there is signal, so that
  // `soundings-hub field` says who is on duty as it stands.
  if (sync_) sync_->response_saved();
}

}  // namespace soundings::kiosk
