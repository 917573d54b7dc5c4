// The kiosk's state: what the screens draw from. Only the controller changes it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "soundings/clock.h"
#include "soundings/consultation.h"
#include "soundings/field_records.h"
#include "soundings/field_session.h"
#include "soundings/idle.h"
#include "soundings/response.h"
#include "soundings/session.h"
#include "ui/speech_port.h"
#include "ui/staff_pin.h"
#include "ui/walk_view.h"

namespace soundings::kiosk {

enum class Screen {
  Setup,       // first start: no staff PIN yet; staff choose language order, venue and PIN
  Attract,     // bilingual welcome and the open consultations
  Intro,       // purpose, what can change, dates, privacy; Start
  Page,        // question pages
  Review,      // check answers, submit
  Saving,      // the store is committing the response
  SaveFailed,  // the commit failed: try again
  Thanks,      // shown only after the commit
  StaffPin,    // PIN pad after the hidden gesture
  Staff,       // staff screen
  // Field tablets (--field): the officer's own screens; the resident's are the kiosk's (Intro to Thanks).
  FieldSignIn,    // choose your name (or: sync with head office first)
  FieldSecret,    // your PIN or passphrase
  FieldLists,     // the walk lists on this tablet
  FieldList,      // one list's streets and doors
  FieldDoor,      // at a door: one outcome, a note, or a survey
  FieldHowGiven,  // before a survey at the door: which consultation and how it is given
};

enum class KeyboardLayer { Letters, Numbers, Symbols };
// Which accented vowels the keyboard's accent row offers (to bach first: Welsh uses it most).
enum class Accent { Circumflex, Acute, Grave, Diaeresis };
// Which keys a field wants first.
enum class KeyboardKind { Text, Email, Number, Phone, Postcode, Venue };
enum class DatePart { Day, Month, Year };

// The text field the on-screen keyboard types into.
struct TextTarget {
  enum class Field { Answer, Other, ContactName, ContactEmail, ContactPhone, Venue, Passphrase, VisitNote };
  Field field = Field::Answer;
  std::string question_id;
  std::string option_id;  // Field::Other: the "other" option
  bool operator==(const TextTarget&) const = default;
};

// One consultation known to the device: loaded, or refused with the validator's messages.
struct CatalogueEntry {
  std::string id;
  int version = 0;
  std::string source;                  // file name or "store"
  ConsultationPtr consultation;        // null when it failed to load
  std::vector<std::string> problems;   // validator messages, for staff
  bool offered = true;                 // staff may hide it
  std::optional<Feedback> feedback;    // "you said, we did": from the hub, else from the definition
};

struct Catalogue {
  std::vector<CatalogueEntry> entries;
};

// Fixed at start-up from the command line and the store's settings.
struct KioskConfig {
  std::string lang_first = "cy";       // which language the bilingual screens show first
  std::string device_id;
  std::string venue;
  Channel channel = Channel::Kiosk;
  std::string staff_id;                // field mode: the officer signed in (empty while nobody is)
  bool field = false;                  // --field: an outreach officer's tablet
  std::chrono::minutes sign_out_after = kDefaultFieldSignOut;
  std::chrono::minutes check_in_every = kDefaultFieldCheckIn;
  // Local time for "outside working hours"; unset: the tablet's own time zone at each moment.
  std::optional<int> utc_offset_minutes;
  std::string seal_public_key;         // empty: personal and equality questions are not asked
  std::string staff_pin_hash;          // empty: no PIN set yet, so the setup screen shows
  IdleSettings idle;
  std::chrono::seconds thanks_for{12};
  std::chrono::seconds attract_cycle{8};
};

// Status the staff screen displays (filled by the store worker and the sync link).
struct StaffView {
  bool counts_known = false;
  int64_t today = 0;
  int64_t waiting = 0;
  int64_t confirmed = 0;
  int64_t needs_review = 0;
  std::string sync_state = "not_enrolled";
  std::string last_sync;
  std::string sync_error;
  std::string store_error;
};

struct KeyboardState {
  bool open = false;
  TextTarget target;
  KeyboardKind kind = KeyboardKind::Text;
  KeyboardLayer layer = KeyboardLayer::Letters;
  bool shift = false;
  Accent accent = Accent::Circumflex;
  size_t cursor = 0;  // byte offset into the field's text, always at a letter's start (or the end)
};

struct DatePickerState {
  bool open = false;
  std::string question_id;
  DatePart part = DatePart::Day;
  int decade = 0;  // Year part: 0 while choosing a decade
};

// A tap that a limit refused (a third tick on "up to 2", a fourth item in a top 3): said under the
// option tapped, and kept here so that whatever reads the page aloud can say it too.
struct LimitNotice {
  std::string question_id;
  std::string option_id;
  std::string key;  // ui_text key, with {count}
  int count = 0;
};

// A question the page should scroll to once; `serial` changes with each request.
struct ScrollRequest {
  uint64_t serial = 0;
  std::string question_id;
};

struct PinState {
  std::string entry;         // digits typed so far (cleared after each try)
  PinLock lock;              // wrong PINs and lockout
  bool checking = false;     // the worker is verifying
  std::string message_key;   // ui_text key of the last message ("kiosk.pin.wrong"...)
};

// First start: the steps before the device becomes a kiosk.
enum class SetupStep { Language, Venue, Pin, PinAgain, Saving };
struct SetupState {
  SetupStep step = SetupStep::Language;
  std::string pin_first;     // the PIN as first entered, until it is entered again
  std::string message_key;   // ui_text key of the last problem ("kiosk.setup.pin_mismatch"...)
  std::string save_error;    // the store's words when saving the settings failed
};

// Keyboard and switch access (WCAG 2.1.1, 2.4.3, 2.4.7): the control with the focus, by its tap-target name,
// which stays the same from frame to frame while positions and indices do not.
struct FocusState {
  std::string name;         // empty: nothing to focus on this screen
  bool visible = false;     // shown from the first key press; a touch hides it again
  bool activate = false;    // Enter or Space: on the next frame the focused control acts as if tapped
  std::string to_question;  // after a refused Next: focus the first control of this question
};

// An officer as the sign-in screen lists them (enabled accounts only; hashes stay in the store).
struct OfficerName {
  std::string id;
  std::string name;
};

// A walk list as the lists screen shows it.
struct WalkListSummary {
  std::string id;
  std::string name;
  size_t doors = 0;
  size_t visited = 0;
};

// The door screen's choices before they are saved.
struct DoorDraft {
  std::optional<VisitOutcome> outcome;
  int come_back_day = 0;    // 0 today, 1 tomorrow... (local days)
  int come_back_hour = -1;  // local hour promised; -1: not chosen yet
  std::string note;
  std::string message_key;  // "field.door.saved", or a problem
};

// A field tablet: who is signed in and what they are working on. Everything here but `attempts`, the
// officer list and the lists' summaries goes at sign-out (clean hand-over).
struct FieldState {
  bool officers_known = false;      // the staff list has been read from the store
  std::vector<OfficerName> officers;
  std::vector<WalkListSummary> lists;
  SignInAttempts attempts;          // wrong PINs on this tablet: kept across sign-outs

  OfficerName officer;              // chosen on the sign-in screen; signed in once `signed_in`
  bool signed_in = false;
  std::string secret;               // the PIN or passphrase being typed
  bool passphrase = false;          // typing a passphrase on the keyboard instead of digits
  bool checking = false;            // the worker is verifying it
  std::string message_key;          // sign-in problem ("field.sign_in.wrong"...)
  int wait_seconds = 0;             // before another try is allowed

  std::shared_ptr<WalkListView> list;  // the list open (loaded once, on the worker)
  bool loading_list = false;
  std::optional<size_t> door;       // the door open, in list->doors
  DoorDraft draft;
  uint64_t list_generation = 0;     // changes when the rows change (the list scrolls back to the top)
  uint64_t door_generation = 0;     // changes with each door opened (its screen starts at the top)

  std::string survey_consultation;  // how-given screen: the consultation chosen
  HowGiven given;
  bool survey_from_door = false;    // the response being made was started at `door`: it records "completed"

  bool check_in_asking = false;     // "Are you OK?" is showing
  int check_in_seconds_left = 0;
  std::string last_check_in;        // ISO time of the last check-in made, for the officer's reassurance
  std::string store_error;
};

struct AppState {
  KioskConfig config;
  Catalogue catalogue;

  Screen screen = Screen::Attract;
  std::string language = "cy";         // the language in use (attract: chosen, else read first)
  bool high_contrast = false;          // A2
  bool large_text = false;             // A3
  SpeechStatus speech;                 // A6: read-aloud, from the speech port

  // Consultation chosen on the attract screen (intro), then the respondent's session.
  ConsultationPtr open_consultation;
  std::unique_ptr<Session> session;
  bool show_problems = false;          // after a refused Next: say why under each question
  std::vector<QuestionProblem> problems;
  bool confirm_leave = false;
  bool confirm_exit = false;           // staff pressed Exit: "close Soundings?"
  uint64_t page_generation = 0;        // changes whenever the visible page changes (scroll to top)
  uint64_t problems_shown = 0;         // counts refused Nexts: the page scrolls to the top, to the summary
  ScrollRequest scroll_to;             // a problem chosen in the summary
  std::optional<LimitNotice> limit_notice;
  bool changing_from_review = false;   // a page reached with Change: "Save and return" instead of Next

  KeyboardState keyboard;
  DatePickerState date_picker;
  FocusState focus;

  // Idle policy (A4).
  bool idle_warning = false;
  int idle_seconds_left = 0;

  // Attract: which "you said, we did" card is showing.
  size_t feedback_index = 0;

  // Submit and thank-you.
  std::string save_error;
  int save_attempts = 0;                // tries at saving the submitted response, shown when one fails
  ConsultationPtr thanks_consultation;  // what the thank-you screen talks about

  // Staff.
  SetupState setup;
  PinState pin;
  StaffView staff;
  FieldState field;
  bool editing_venue = false;
  std::string venue_draft;

  // Calendar, from the controller's clock.
  std::string today;                   // YYYY-MM-DD
  int current_year = 2026;
  int countdown_seconds = 0;           // thank-you: seconds until the attract screen
  int lock_seconds_left = 0;           // PIN lockout
};

}  // namespace soundings::kiosk
