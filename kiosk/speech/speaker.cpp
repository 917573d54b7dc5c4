// The speech thread: takes the newest request, reads it part by part, and reports idle, speaking or unavailable.
#include "speaker.h"

#include <cstdio>

#include "espeak_voice.h"

namespace soundings::kiosk {

Speaker::Speaker(OutputFactory output, std::function<void()> on_change)
    : output_(std::move(output)), on_change_(std::move(on_change)) {
  thread_ = std::thread([this] { run(); });
}

Speaker::~Speaker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
    pending_.reset();
    cancel_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Speaker::say(std::vector<SpokenText> parts) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ = std::move(parts);
    cancel_ = true;  // whatever is being read gives way to the newer request
    status_.state = SpeechState::Speaking;
  }
  wake_.notify_one();
}

void Speaker::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.reset();
  cancel_ = true;
  if (status_.state == SpeechState::Speaking) status_.state = SpeechState::Idle;
}

SpeechStatus Speaker::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

void Speaker::run() {
  check_available();
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return quit_ || pending_.has_value(); });
    if (quit_) return;
    std::vector<SpokenText> parts = std::move(*pending_);
    pending_.reset();
    cancel_ = false;  // under the lock that took the request: a later say() or stop() still cancels it
    lock.unlock();
    std::optional<std::string> error = read(parts);
    lock.lock();
    if (pending_) continue;  // a newer request is waiting: it keeps the Speaking status
    if (error) {
      status_ = SpeechStatus{SpeechState::Unavailable, *error};
    } else {
      status_.state = SpeechState::Idle;
    }
    lock.unlock();
    if (error) std::fprintf(stderr, "soundings-kiosk: read-aloud: %s\n", error->c_str());
    if (on_change_) on_change_();
    lock.lock();
  }
}

// A short silent reading at start-up: the Listen button shows at once when there is no voice or no sound output.
void Speaker::check_available() {
  std::unique_ptr<PcmSink> out = output_();
  PcmBuffer discard;
  Result<VoiceInfo> voice = speak_into(" ", "cy", discard);
  Status opened = voice ? out->begin(discard.rate) : Status(voice.error());
  if (opened) {
    out->abort();
    return;
  }
  std::fprintf(stderr, "soundings-kiosk: read-aloud unavailable: %s\n", opened.error().message.c_str());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (status_.state != SpeechState::Speaking) status_ = SpeechStatus{SpeechState::Unavailable, opened.error().message};
  }
  if (on_change_) on_change_();
}

std::optional<std::string> Speaker::read(const std::vector<SpokenText>& parts) {
  std::unique_ptr<PcmSink> out = output_();
  for (const SpokenText& part : parts) {
    Result<VoiceInfo> voice = speak_into(part.words, part.language, *out, &cancel_);
    if (!voice) {
      out->abort();
      return voice.error().message;
    }
    if (cancel_) {
      out->abort();
      return std::nullopt;
    }
    out->finish();
  }
  return std::nullopt;
}

}  // namespace soundings::kiosk
