// 16-bit mono PCM as a WAV file, for soundings-say and for checking read-aloud by ear or with sox.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "soundings/result.h"

namespace soundings::kiosk {

[[nodiscard]] Status write_wav(const std::string& path, const std::vector<int16_t>& samples, int sample_rate);

}  // namespace soundings::kiosk
