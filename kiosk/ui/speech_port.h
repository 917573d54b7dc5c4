// What the kiosk sees of read-aloud: say the words on screen, stop, and a status to display, so the UI builds
// and tests without a speech engine or a sound card.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace soundings::kiosk {

// Words in one language; a bilingual screen is read as two of these, read-first language first.
struct SpokenText {
  std::string language;  // "cy" or "en"
  std::string words;
  bool operator==(const SpokenText&) const = default;
};

enum class SpeechState {
  Idle,         // ready: nothing playing
  Speaking,     // reading aloud now
  Unavailable,  // no voice or no sound output: the kiosk works on without speech
};

struct SpeechStatus {
  SpeechState state = SpeechState::Idle;
  std::string last_error;  // why it is unavailable, or the last thing that failed (for staff and logs)
  bool operator==(const SpeechStatus&) const = default;
};

class SpeechPort {
 public:
  virtual ~SpeechPort() = default;
  // Returns at once; a newer request cancels the one being read.
  virtual void say(std::vector<SpokenText> parts) = 0;
  // Silence now (the resident left, the page changed, or they tapped Stop).
  virtual void stop() = 0;
  virtual SpeechStatus status() const = 0;  // thread-safe, cheap
};

}  // namespace soundings::kiosk
