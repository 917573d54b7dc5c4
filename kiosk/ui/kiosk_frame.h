// One kiosk frame without any window system: controller update, draw, apply. Shared by the program and the tests.
#pragma once

#include "ui/actions.h"
#include "ui/app_state.h"
#include "ui/controller.h"
#include "ui/style.h"

namespace soundings::kiosk {

// Call between ImGui::NewFrame() and ImGui::Render(). `out` holds the frame's actions and tap targets afterwards.
void run_kiosk_frame(AppState& state, Controller& controller, const Fonts& fonts, FrameOutput& out);

// A short name for the screen (for tap-target dumps and logs): "attract", "page", ...
const char* screen_name(Screen screen);

}  // namespace soundings::kiosk
