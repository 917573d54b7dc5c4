// Read-aloud words: what is on the resident's screen, in reading order, in the language it is shown in.
#pragma once

#include <vector>

#include "ui/app_state.h"
#include "ui/speech_port.h"

namespace soundings::kiosk {

// The words of the screen as `state` shows it now (an open overlay is read instead of the screen under it).
// Bilingual screens (attract, idle warning) give two parts, read-first language first; staff screens none.
std::vector<SpokenText> words_on_screen(const AppState& state);

// Whether the screen offers Listen: every resident screen, not the staff ones.
bool offers_listen(const AppState& state);

}  // namespace soundings::kiosk
