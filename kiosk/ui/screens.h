// Draw functions for every kiosk screen: they read the state and push actions, nothing else.
#pragma once

#include <optional>

#include "soundings/consultation.h"
#include "ui/widgets.h"

namespace soundings::kiosk {

// The whole frame: the current screen, then any overlay (idle warning, leave confirmation).
// Call between ImGui::NewFrame() and ImGui::Render().
void draw_kiosk(const AppState& state, const Fonts& fonts, FrameOutput& out);

// Chrome shared by screens.
void draw_top_bar(Ui& ui, const std::string& title, bool show_leave);
// The contrast and text-size toggles with bilingual labels, right-aligned in [left_edge, right_edge], side by
// side when they fit, else one above the other. Returns the bottom of the last.
float draw_bilingual_toggles(Ui& ui, float left_edge, float right_edge, float y, float height);
// Listen (Stop while reading): reads the screen aloud; `bilingual` labels it in both languages.
float listen_button_width(const Ui& ui, bool bilingual);
void draw_listen_button(Ui& ui, ImVec2 pos, float height, bool bilingual);
// The bottom bar: Back on the left, `centre` text (progress), the forward button on the right.
float nav_bar_height(const Ui& ui);
// Whether `centre` has room between Back and `forward_label` in a bar `width` wide.
bool nav_bar_fits(const Ui& ui, float width, const std::string& centre, const std::string& forward_label);
void draw_nav_bar(Ui& ui, bool show_back, const std::string& centre, const std::string& forward_name,
                  const std::string& forward_label, const Action& forward);
// The content column: centred, at most about 1400 design pixels wide.
float content_width(const Ui& ui, float available);

void draw_attract(Ui& ui);
void draw_intro(Ui& ui);
void draw_page(Ui& ui);
void draw_review(Ui& ui);
void draw_saving(Ui& ui);
void draw_save_failed(Ui& ui);
void draw_thanks(Ui& ui);
void draw_staff_pin(Ui& ui);
void draw_staff(Ui& ui);
void draw_setup(Ui& ui);
// The sync agent's last error as the staff screen shows it (the agent's words are English, and marked so):
// nothing when the sync state already says it.
std::string staff_sync_error(const StaffView& view, const std::string& language);

// The PIN pad at the cursor, centred in `width`: dots for the digits typed, `message` (a problem), the keys.
// Leaves the cursor under the pad at its left edge; returns the pad's width.
struct PinPadLabels {
  std::string erase, ok;
  float key_width = 0;
  std::optional<size_t> typed;  // how many digits to show as dots (default: the staff PIN's)
};
float draw_pin_pad(Ui& ui, const PinPadLabels& labels, const std::string& message, float width);

// One question's answer widget, `width` wide, at the cursor.
void draw_question_widget(Ui& ui, const Question& question, float width);
// Under an option whose tap a limit refused ("up to 2"): the notice, when there is one for it.
void draw_limit_notice(Ui& ui, const Question& question, const std::string& option_id, float width);
void draw_choice_widget(Ui& ui, const Question& question, float width);
void draw_faces_widget(Ui& ui, const Question& question, float width);
void draw_scale_widget(Ui& ui, const Question& question, float width);
void draw_text_widget(Ui& ui, const Question& question, float width);
void draw_date_widget(Ui& ui, const Question& question, float width);
void draw_ranking_widget(Ui& ui, const Question& question, float width);
void draw_consent_widget(Ui& ui, const Question& question, float width);
void draw_contact_widget(Ui& ui, const Question& question, float width);

// Panels that take the lower part of the screen.
void draw_keyboard(Ui& ui, ImVec2 pos, ImVec2 size);
float keyboard_height(const Ui& ui);
void draw_date_picker(Ui& ui, ImVec2 pos, ImVec2 size);
// The field being typed into, with its label, at the cursor; returns its height.
float draw_typing_panel(Ui& ui, float width);
// Below the top bar: the typing panel, scrolling if it must, and the keyboard at the bottom.
void draw_typing(Ui& ui);

// Field tablets: the officer's screens, and the bar naming who is signed in with Sign out.
void draw_officer_bar(Ui& ui);
// The officer screens' scrolling column under the bars, `bottom_reserved` above the bottom for a nav bar.
float begin_field_column(Ui& ui, const char* id, float bottom_reserved, uint64_t reset_key, float& margin);
void end_field_column(Ui& ui, float margin);
void draw_field_sign_in(Ui& ui);
void draw_field_secret(Ui& ui);
void draw_field_lists(Ui& ui);
void draw_field_list(Ui& ui);
void draw_field_door(Ui& ui);
void draw_field_how_given(Ui& ui);
void draw_check_in(Ui& ui);
// A passphrase as the screen shows it: never its letters.
std::string masked_secret(const std::string& secret);
// What an outcome is called on screen ("Not home" / "Neb gartref").
std::string outcome_label(const Ui& ui, VisitOutcome outcome);

// Overlays.
void draw_idle_warning(Ui& ui);
void draw_leave_confirmation(Ui& ui);
void draw_exit_confirmation(Ui& ui);

// The message shown beside a question after a refused Next (null when it has none or none are shown).
const std::string* problem_for(const AppState& state, const std::string& question_id);

// "31 January 2027" / "31 Ionawr 2027" from YYYY-MM-DD (as given when it does not parse).
std::string format_date(const Ui& ui, const std::string& iso_date, const std::string& language);
std::string format_date(const std::string& iso_date, const std::string& language);

}  // namespace soundings::kiosk
