// One kiosk frame: the controller catches up with time and the worker, the screens draw, the actions apply.
#include "ui/kiosk_frame.h"

#include "ui/screens.h"

namespace soundings::kiosk {

void run_kiosk_frame(AppState& state, Controller& controller, const Fonts& fonts, FrameOutput& out) {
  controller.update();
  out.clear();
  draw_kiosk(state, fonts, out);
  controller.apply(out);
}

const char* screen_name(Screen screen) {
  switch (screen) {
    case Screen::Setup: return "setup";
    case Screen::Attract: return "attract";
    case Screen::Intro: return "intro";
    case Screen::Page: return "page";
    case Screen::Review: return "review";
    case Screen::Saving: return "saving";
    case Screen::SaveFailed: return "save_failed";
    case Screen::Thanks: return "thanks";
    case Screen::StaffPin: return "staff_pin";
    case Screen::Staff: return "staff";
    case Screen::FieldSignIn: return "field_sign_in";
    case Screen::FieldSecret: return "field_secret";
    case Screen::FieldLists: return "field_lists";
    case Screen::FieldList: return "field_list";
    case Screen::FieldDoor: return "field_door";
    case Screen::FieldHowGiven: return "field_how_given";
  }
  return "unknown";
}

}  // namespace soundings::kiosk
