// The controller's first start: language order, venue and staff PIN, stored before the device becomes a kiosk.
#include <algorithm>

#include "ui/controller.h"
#include "ui/staff_pin.h"

namespace soundings::kiosk {

namespace {
void forget(std::string& secret) {
  std::fill(secret.begin(), secret.end(), '\0');
  secret.clear();
}
}  // namespace

void Controller::handle(const act::SetupLanguage& a) {
  if (state_.screen != Screen::Setup || state_.setup.step != SetupStep::Language) return;
  if (a.lang_first != "cy" && a.lang_first != "en") return;
  state_.config.lang_first = a.lang_first;
  state_.language = a.lang_first;
}

void Controller::handle(const act::SetupNext&) {
  if (state_.screen != Screen::Setup) return;
  SetupState& setup = state_.setup;
  setup.message_key.clear();
  switch (setup.step) {
    case SetupStep::Language:
      setup.step = SetupStep::Venue;
      state_.venue_draft = state_.config.venue;
      handle(act::FocusText{TextTarget{TextTarget::Field::Venue, {}, {}}});
      break;
    case SetupStep::Venue:
      state_.keyboard.open = false;
      state_.pin.entry.clear();
      setup.step = SetupStep::Pin;
      break;
    case SetupStep::Pin:
    case SetupStep::PinAgain:
      take_setup_pin();
      break;
    case SetupStep::Saving:
      if (!setup.save_error.empty()) save_setup();  // Try again
      break;
  }
}

void Controller::setup_back() {
  SetupState& setup = state_.setup;
  setup.message_key.clear();
  forget(state_.pin.entry);
  switch (setup.step) {
    case SetupStep::Language:
    case SetupStep::Saving:
      break;
    case SetupStep::Venue:
      state_.keyboard.open = false;
      setup.step = SetupStep::Language;
      break;
    case SetupStep::Pin:
      setup.step = SetupStep::Venue;
      break;
    case SetupStep::PinAgain:
      forget(setup.pin_first);
      setup.step = SetupStep::Pin;
      break;
  }
}

void Controller::take_setup_pin() {
  SetupState& setup = state_.setup;
  if (setup.step != SetupStep::Pin && setup.step != SetupStep::PinAgain) return;
  std::string entry;
  entry.swap(state_.pin.entry);
  // The same rule as --set-pin: hash_pin refuses anything else.
  if (!check_pin_format(entry)) {
    setup.message_key = "kiosk.setup.pin_format";
    forget(entry);
    return;
  }
  if (setup.step == SetupStep::Pin) {
    setup.pin_first = std::move(entry);
    setup.step = SetupStep::PinAgain;
    return;
  }
  bool same = entry == setup.pin_first;
  forget(entry);
  if (!same) {
    forget(setup.pin_first);
    setup.message_key = "kiosk.setup.pin_mismatch";
    setup.step = SetupStep::Pin;
    return;
  }
  setup.step = SetupStep::Saving;
  save_setup();
}

void Controller::save_setup() {
  SetupState& setup = state_.setup;
  setup.save_error.clear();
  if (worker_) {
    worker_->save_setup(state_.config.lang_first, state_.venue_draft, setup.pin_first);
    return;
  }
  // No store (screen tests): the PIN is taken as saved.
  Result<std::string> hash = hash_pin(setup.pin_first);
  take_setup_saved(hash ? *hash : std::string(), hash ? std::string() : hash.error().message);
}

void Controller::take_setup_saved(const std::string& pin_hash, const std::string& error) {
  if (state_.screen != Screen::Setup) return;
  if (!error.empty()) {
    state_.setup.save_error = error;  // the PIN is kept so that Try again can store it
    return;
  }
  forget(state_.setup.pin_first);
  state_.config.staff_pin_hash = pin_hash;
  state_.config.venue = state_.venue_draft;
  state_.setup = SetupState{};
  go_to_attract();
}

}  // namespace soundings::kiosk
