// What the screens ask for: small requests recorded while drawing and applied by the controller afterwards.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "soundings/answer.h"
#include "ui/app_state.h"
#include "ui/geometry.h"

namespace soundings::kiosk {

namespace act {

struct ChooseLanguage { std::string language; };
struct OpenConsultation { std::string id; };
struct StartSession {};
struct LeaveConsultation {};   // asks "are you sure?"
struct ConfirmLeave {};
struct CancelLeave {};
struct SetAnswer { std::string question_id; Answer answer; };
struct ClearAnswer { std::string question_id; };
struct FocusText { TextTarget target; };
struct TypeText { std::string utf8; };
struct Backspace {};
struct MoveCursor { int by = 0; };        // -1: one letter left, +1: one letter right
struct PlaceCursor { size_t offset = 0; };  // a tap in the text: a byte offset into it
struct ChooseAccent { Accent accent; };
struct SetKeyboardLayer { KeyboardLayer layer; };
struct ToggleShift {};
struct CloseKeyboard {};
struct OpenDatePart { std::string question_id; DatePart part; };
struct ChooseDecade { int decade; };
struct CloseDatePicker {};
struct Next {};
struct Back {};
struct GoToPage { size_t page_index; };
struct ReturnToReview {};                                         // "Save and return to check your answers"
struct GoToProblem { std::string question_id; };                  // a link in the problem summary
struct LimitReached { std::string question_id; std::string option_id; };  // a tap past "up to N"
struct Submit {};
struct RetrySave {};
struct ToggleHighContrast {};
struct ToggleLargeText {};
struct ContinueAfterWarning {};
struct FinishThanks {};
struct StaffGesture {};
struct PinDigit { char digit; };
struct PinBackspace {};
struct PinSubmit {};
struct CloseStaff {};
struct StaffSetOffered { std::string id; bool offered; };
struct StaffEditVenue {};
struct StaffToggleFullscreen {};
struct StaffExit {};        // asks "close Soundings?" first
struct ConfirmExit {};
struct CancelExit {};
struct SetupLanguage { std::string lang_first; };
struct SetupNext {};
struct StaffRefresh {};
struct Listen {};  // read the screen aloud, or stop reading
struct FocusMove { int step = 1; };  // +1: on to the next control in reading order, -1: back
struct Activate {};                  // choose the focused control, as a tap would

// Field tablets. PIN digits, erase and OK are PinDigit, PinBackspace and PinSubmit; Back goes up a level.
struct ChooseOfficer { std::string id; };
struct UsePassphrase { bool on = true; };        // the keyboard instead of the digits
struct FieldSignOut {};
struct OpenWalkList { std::string id; };
struct SetDoorFilter { DoorFilter filter; };
struct OpenDoor { size_t index = 0; };
struct ChooseOutcome { VisitOutcome outcome; };
struct ChooseComeBackDay { int day = 0; };
struct ChooseComeBackHour { int hour = 0; };
struct SaveVisit {};
struct StartDoorSurvey {};                       // to the how-given screen
struct ChooseSurvey { std::string consultation_id; };
struct SetGivenMode { GivenMode mode; };
struct ToggleOnBehalf {};
struct ToggleInterpreter {};
struct BeginSurvey {};                           // how-given done: the consultation's intro and privacy notice
struct CheckInOk {};

}  // namespace act

using Action = std::variant<act::ChooseLanguage, act::OpenConsultation, act::StartSession, act::LeaveConsultation,
                            act::ConfirmLeave, act::CancelLeave, act::SetAnswer, act::ClearAnswer, act::FocusText,
                            act::TypeText, act::Backspace, act::MoveCursor, act::PlaceCursor,
                            act::ChooseAccent, act::SetKeyboardLayer, act::ToggleShift,
                            act::CloseKeyboard, act::OpenDatePart, act::ChooseDecade, act::CloseDatePicker,
                            act::Next, act::Back, act::GoToPage, act::ReturnToReview, act::GoToProblem,
                            act::LimitReached, act::Submit, act::RetrySave,
                            act::ToggleHighContrast, act::ToggleLargeText, act::ContinueAfterWarning,
                            act::FinishThanks, act::StaffGesture, act::PinDigit, act::PinBackspace, act::PinSubmit,
                            act::CloseStaff, act::StaffSetOffered, act::StaffEditVenue, act::StaffToggleFullscreen,
                            act::StaffExit, act::ConfirmExit, act::CancelExit, act::StaffRefresh,
                            act::SetupLanguage, act::SetupNext, act::Listen, act::FocusMove, act::Activate,
                            act::ChooseOfficer, act::UsePassphrase, act::FieldSignOut, act::OpenWalkList,
                            act::SetDoorFilter, act::OpenDoor, act::ChooseOutcome, act::ChooseComeBackDay,
                            act::ChooseComeBackHour, act::SaveVisit, act::StartDoorSurvey, act::ChooseSurvey,
                            act::SetGivenMode, act::ToggleOnBehalf, act::ToggleInterpreter, act::BeginSurvey,
                            act::CheckInOk>;

// A tappable thing drawn this frame, by a stable name ("next", "option:transport:bus"),
// in screen pixels: for tests and the real-window test to find where to tap.
struct TapTarget {
  std::string name;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  std::string label;  // the words on it, when it has any
  bool operator==(const TapTarget&) const = default;
};

// A control that can take the focus, drawn this frame: its whole rectangle (also when scrolled out of
// view) and the ImGui window it is in, so the focus order can keep scrolled content together.
struct FocusItem {
  std::string name;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  unsigned region = 0;
};

// Everything one frame produced besides pixels.
struct FrameOutput {
  std::vector<Action> actions;
  std::vector<TapTarget> targets;
  std::vector<FocusItem> focusables;  // every enabled control in drawing order (targets holds the visible ones)
  TapTarget focus_ring;               // where the focus ring was drawn (empty name: none)
  bool pointer_seen = false;  // a press anywhere counts as activity for the idle policy
  bool redraw = false;        // something moves on the next frame (a scroll): draw it before sleeping
  FrameGeometry geometry;     // what was drawn where, when a test asks (layout, what the screen says)
  void clear() {
    actions.clear();
    targets.clear();
    focusables.clear();
    focus_ring = TapTarget{};
    pointer_seen = false;
    redraw = false;
    geometry.clear();
  }
};

}  // namespace soundings::kiosk
