// The controller's read-aloud: Listen reads the view on screen, and whatever is being read stops when that view goes.
#include "ui/controller.h"
#include "ui/read_aloud.h"

namespace soundings::kiosk {

void Controller::handle(const act::Listen&) {
  if (!speech_) return;
  // While reading, the same button is Stop.
  if (speech_->status().state == SpeechState::Speaking) {
    stop_speech();
    return;
  }
  std::vector<SpokenText> words = words_on_screen(state_);
  if (words.empty()) return;
  speech_->say(std::move(words));
  speaking_for_ = spoken_view();
  state_.speech = speech_->status();
}

Controller::SpokenView Controller::spoken_view() const {
  return SpokenView{state_.screen, state_.page_generation, state_.idle_warning, state_.confirm_leave, state_.language};
}

void Controller::stop_speech() {
  if (speech_) speech_->stop();
  speaking_for_.reset();
}

void Controller::stop_speech_if_view_changed() {
  if (speaking_for_ && *speaking_for_ != spoken_view()) stop_speech();
  if (speech_) state_.speech = speech_->status();
}

}  // namespace soundings::kiosk
