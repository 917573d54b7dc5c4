// The controller's on-screen keyboard, staff screen and store-worker handling.
#include <algorithm>

#include "soundings/device_store.h"
#include "ui/answer_edit.h"
#include "ui/controller.h"

namespace soundings::kiosk {

namespace {
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

void Controller::handle(const act::FocusText& a) {
  state_.date_picker.open = false;
  KeyboardState& kb = state_.keyboard;
  if (kb.open && kb.target == a.target) return;  // a tap in the field being typed into keeps its cursor
  if (a.target.field == TextTarget::Field::Passphrase || a.target.field == TextTarget::Field::VisitNote) {
    bool passphrase = a.target.field == TextTarget::Field::Passphrase;
    if (state_.screen != (passphrase ? Screen::FieldSecret : Screen::FieldDoor)) return;
    kb = KeyboardState{true, a.target, KeyboardKind::Text, KeyboardLayer::Letters, false};
    kb.cursor = (passphrase ? state_.field.secret : state_.field.draft.note).size();
    return;
  }
  if (a.target.field == TextTarget::Field::Venue) {
    bool setup_venue = state_.screen == Screen::Setup && state_.setup.step == SetupStep::Venue;
    if (state_.screen != Screen::Staff && !setup_venue) return;
    kb = KeyboardState{true, a.target, KeyboardKind::Venue, KeyboardLayer::Letters, false};
    kb.cursor = state_.venue_draft.size();
    return;
  }
  const Question* question = find_question(a.target.question_id);
  if (question == nullptr) return;
  KeyboardKind kind = keyboard_kind_for(*question, a.target);
  KeyboardLayer layer = (kind == KeyboardKind::Number || kind == KeyboardKind::Phone) ? KeyboardLayer::Numbers
                                                                                        : KeyboardLayer::Letters;
  kb = KeyboardState{true, a.target, kind, layer, kind == KeyboardKind::Postcode};
  kb.cursor = target_text(state_.session->answer(question->id), a.target).size();  // typing goes on at the end
}

void Controller::edit_text(const std::function<TextCursor(TextCursor, size_t)>& edit) {
  KeyboardState& kb = state_.keyboard;
  const TextTarget& target = kb.target;
  if (!kb.open || field_edit_text(edit)) return;
  if (target.field == TextTarget::Field::Venue) {
    TextCursor after = edit(TextCursor{state_.venue_draft, kb.cursor}, kVenueMaxChars);
    state_.venue_draft = std::move(after.text);
    kb.cursor = after.cursor;
    return;
  }
  const Question* question = find_question(target.question_id);
  if (question == nullptr) return;
  const Answer* current = state_.session->answer(question->id);
  TextCursor before{target_text(current, target), kb.cursor};
  TextCursor after = edit(before, target_max_chars(*question, target));
  kb.cursor = after.cursor;
  if (after.text == before.text) return;
  Answer updated = with_target_text(*question, current, target, std::move(after.text));
  // An emptied text field is no answer at all (so "required" says so).
  if (const auto* text = std::get_if<TextAnswer>(&updated); text != nullptr && text->text.empty()) {
    state_.session->clear_answer(question->id);
  } else {
    auto stored = state_.session->set_answer(question->id, std::move(updated));
    (void)stored;
  }
  refresh_problems();
}

void Controller::handle(const act::TypeText& a) {
  edit_text([&](TextCursor field, size_t max_chars) { return insert_limited(std::move(field), a.utf8, max_chars); });
  // Shift is for one letter, except in postcodes (capitals throughout).
  if (state_.keyboard.kind != KeyboardKind::Postcode) state_.keyboard.shift = false;
}

void Controller::handle(const act::Backspace&) {
  edit_text([](TextCursor field, size_t) { return erase_before(std::move(field)); });
}

void Controller::handle(const act::MoveCursor& a) {
  edit_text([&](TextCursor field, size_t) {
    field.cursor = a.by < 0 ? previous_letter(field.text, field.cursor) : next_letter(field.text, field.cursor);
    return field;
  });
}

void Controller::handle(const act::PlaceCursor& a) {
  edit_text([&](TextCursor field, size_t) {
    field.cursor = clamp_cursor(field.text, a.offset);
    return field;
  });
}

void Controller::handle(const act::ChooseAccent& a) { state_.keyboard.accent = a.accent; }

void Controller::handle(const act::SetKeyboardLayer& a) { state_.keyboard.layer = a.layer; }
void Controller::handle(const act::ToggleShift&) { state_.keyboard.shift = !state_.keyboard.shift; }

void Controller::handle(const act::CloseKeyboard&) {
  bool venue = state_.keyboard.target.field == TextTarget::Field::Venue;
  state_.keyboard.open = false;
  if (venue && state_.editing_venue) {
    state_.editing_venue = false;
    state_.config.venue = state_.venue_draft;
    if (worker_) worker_->set_setting(setting::kVenue, state_.venue_draft);
    state_.venue_draft.clear();
  }
}

void Controller::request_counts() {
  if (worker_) worker_->refresh_counts(state_.today + "T00:00:00Z");
}

void Controller::handle(const act::StaffGesture&) {
  if (state_.screen != Screen::Attract) return;
  // Without a PIN there is no staff screen: the device is still on its setup screen, never here.
  if (state_.config.staff_pin_hash.empty()) return;
  wipe_session();
  state_.screen = Screen::StaffPin;
  state_.pin.entry.clear();
  state_.pin.message_key.clear();
}

void Controller::handle(const act::PinDigit& a) {
  bool setting_up = state_.screen == Screen::Setup &&
                    (state_.setup.step == SetupStep::Pin || state_.setup.step == SetupStep::PinAgain);
  if (state_.screen == Screen::FieldSecret) return field_secret_digit(a.digit);
  if ((state_.screen != Screen::StaffPin && !setting_up) || state_.pin.checking || a.digit < '0' || a.digit > '9') return;
  if (pin_locked(state_.pin.lock, clock_.now())) return;
  if (state_.pin.entry.size() < 8) state_.pin.entry.push_back(a.digit);
  state_.pin.message_key.clear();
  state_.setup.message_key.clear();
}

void Controller::handle(const act::PinBackspace&) {
  if (state_.screen == Screen::FieldSecret) {
    if (!state_.field.checking && !state_.field.secret.empty()) state_.field.secret.pop_back();
    return;
  }
  if (!state_.pin.entry.empty()) state_.pin.entry.pop_back();
}

void Controller::handle(const act::PinSubmit&) {
  if (state_.screen == Screen::Setup) return take_setup_pin();
  if (state_.screen == Screen::FieldSecret) return submit_field_secret();
  if (state_.screen != Screen::StaffPin || state_.pin.checking) return;
  if (pin_locked(state_.pin.lock, clock_.now())) {
    state_.pin.message_key = "kiosk.pin.locked";
    return;
  }
  if (state_.pin.entry.size() < 4) {
    state_.pin.message_key = "kiosk.pin.too_short";
    return;
  }
  std::string entry;
  entry.swap(state_.pin.entry);
  if (worker_) {
    state_.pin.checking = true;
    state_.pin.message_key = "kiosk.pin.checking";
    worker_->verify_pin(std::move(entry), state_.config.staff_pin_hash);
  } else {
    bool ok = verify_pin(entry, state_.config.staff_pin_hash);
    take_pin_result(ok);
  }
}

void Controller::take_pin_result(bool ok) {
  state_.pin.checking = false;
  if (state_.screen != Screen::StaffPin) return;
  if (ok) {
    state_.pin.lock = after_right_pin(state_.pin.lock);
    state_.pin.message_key.clear();
    state_.screen = Screen::Staff;
    request_counts();
    return;
  }
  TimePoint now = clock_.now();
  state_.pin.lock = after_wrong_pin(state_.pin.lock, now);
  state_.pin.message_key = pin_locked(state_.pin.lock, now) ? "kiosk.pin.locked" : "kiosk.pin.wrong";
  state_.lock_seconds_left = pin_lock_seconds_left(state_.pin.lock, now);
}

void Controller::handle(const act::CloseStaff&) {
  if (state_.screen == Screen::Staff || state_.screen == Screen::StaffPin) go_to_attract();
}

void Controller::handle(const act::StaffSetOffered& a) {
  if (state_.screen != Screen::Staff) return;
  for (CatalogueEntry& entry : state_.catalogue.entries) {
    if (entry.id != a.id || !entry.consultation) continue;
    entry.offered = a.offered;
    if (worker_) worker_->set_offered(a.id, a.offered);
  }
}

void Controller::handle(const act::StaffEditVenue&) {
  // A tap in the field while typing in it only moves the cursor: the draft stays.
  if (state_.screen != Screen::Staff || (state_.editing_venue && state_.keyboard.open)) return;
  state_.editing_venue = true;
  state_.venue_draft = state_.config.venue;
  handle(act::FocusText{TextTarget{TextTarget::Field::Venue, {}, {}}});
}

void Controller::handle(const act::StaffToggleFullscreen&) {
  if (state_.screen != Screen::Staff) return;
  fullscreen_ = !fullscreen_;
  if (hooks_.set_fullscreen) hooks_.set_fullscreen(fullscreen_);
}

void Controller::handle(const act::StaffExit&) {
  if (state_.screen == Screen::Staff) state_.confirm_exit = true;
}

void Controller::handle(const act::CancelExit&) { state_.confirm_exit = false; }

void Controller::handle(const act::ConfirmExit&) {
  if (state_.screen != Screen::Staff || !state_.confirm_exit) return;
  state_.confirm_exit = false;
  exit_requested_ = true;
  if (hooks_.request_exit) hooks_.request_exit();
}

void Controller::handle(const act::StaffRefresh&) {
  if (state_.screen == Screen::Staff) request_counts();
}

void Controller::take_worker_events() {
  if (!worker_) return;
  for (WorkerEvent& event : worker_->take_events()) {
    std::visit(Overloaded{
                   [&](worker_event::Saved&) {
                     unsaved_.reset();
                     if (state_.screen == Screen::Saving) {
                       state_.screen = Screen::Thanks;
                       thanks_since_ = clock_.now();
                       state_.countdown_seconds = static_cast<int>(state_.config.thanks_for.count());
                     }
                     if (sync_) sync_->response_saved();
                     after_response_saved();
                   },
                   [&](worker_event::SaveFailed& e) {
                     state_.save_error = e.message;
                     if (state_.screen == Screen::Saving) {
                       state_.screen = Screen::SaveFailed;
                       last_activity_ = clock_.now();
                     }
                   },
                   [&](worker_event::PinChecked& e) { take_pin_result(e.ok); },
                   [&](worker_event::Counts& e) {
                     state_.staff.counts_known = true;
                     state_.staff.today = e.today;
                     state_.staff.waiting = e.outbox.pending;
                     state_.staff.confirmed = e.outbox.confirmed;
                     state_.staff.needs_review = e.outbox.needs_review;
                   },
                   [&](worker_event::CatalogueRead& e) {
                     // Files refused at start-up stay listed for staff; the store's entries are replaced.
                     std::vector<CatalogueEntry> merged = std::move(e.catalogue.entries);
                     for (CatalogueEntry& old : state_.catalogue.entries)
                       if (old.source != "store") merged.push_back(std::move(old));
                     state_.catalogue.entries = std::move(merged);
                     if (state_.feedback_index >= state_.catalogue.entries.size()) state_.feedback_index = 0;
                   },
                   [&](worker_event::StoreFailed& e) {
                     state_.staff.store_error = e.message;
                     state_.field.store_error = e.message;
                     state_.field.loading_list = false;
                     state_.field.checking = false;
                   },
                   [&](worker_event::SetupSaved& e) { take_setup_saved(e.pin_hash, e.error); },
                   [&](auto& e) { take_field_event(e); },
               },
               event);
  }
}

}  // namespace soundings::kiosk
