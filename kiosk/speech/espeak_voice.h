// Speech synthesis with espeak-ng: Welsh or English text to 16-bit mono PCM, handed to a sink as it is made.
#pragma once

#include <atomic>
#include <string>

#include "pcm_sink.h"
#include "soundings/result.h"

namespace soundings::kiosk {

// The espeak-ng voice that read the text.
struct VoiceInfo {
  std::string name;        // "Welsh", "English (Great Britain)"
  std::string identifier;  // file under espeak-ng-data/voices: "cel/cy", "gmw/en"
  std::string language;    // its first language: "cy", "en-gb"
};

// Reads `text` in `language` ("cy" or "en") into `sink`, synthesising on the calling thread (espeak-ng's
// synchronous mode: one text at a time in the process, others wait). Setting `cancel` from another thread stops
// it within one buffer (about 60 ms of sound); the sink is then not finished. Fails when espeak-ng or its data
// or the language's voice is missing, or the sink refuses to begin.
[[nodiscard]] Result<VoiceInfo> speak_into(const std::string& text, const std::string& language, PcmSink& sink,
                                           const std::atomic<bool>* cancel = nullptr);

}  // namespace soundings::kiosk
