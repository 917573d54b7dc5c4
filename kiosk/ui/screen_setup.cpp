// The first-start screen, for staff and in both languages: language order, venue, staff PIN twice.
#include <algorithm>

#include "ui/screens.h"

namespace soundings::kiosk {

namespace {
std::string both(const Ui& ui, const char* key) { return ui.first(key) + " / " + ui.second(key); }

// A heading in the read-first language with the other language under it.
void bilingual_heading(Ui& ui, const char* key, float width) {
  text(ui, ui.fonts.heading, ui.first(key), ui.pal.text, width);
  text(ui, ui.fonts.body, ui.second(key), ui.pal.muted, width);
}

void bilingual_help(Ui& ui, const char* key, float width) {
  text(ui, ui.fonts.body, ui.first(key), ui.pal.text, width);
  text(ui, ui.fonts.body, ui.second(key), ui.pal.muted, width);
}

int step_number(SetupStep step) {
  switch (step) {
    case SetupStep::Language: return 1;
    case SetupStep::Venue: return 2;
    case SetupStep::Pin:
    case SetupStep::PinAgain:
    case SetupStep::Saving:
      return 3;
  }
  return 3;
}

// Contrast and text size on the right, then the title and step in both languages under them.
void setup_header(Ui& ui, float left, float width) {
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float top = draw_bilingual_toggles(ui, left, left + width, origin.y + ui.gap(), ui.touch()) + ui.gap();
  float title_w = width;
  ImGui::SetCursorScreenPos(ImVec2(left, top));
  ImGui::BeginGroup();
  bilingual_heading(ui, "kiosk.setup.title", title_w);
  std::vector<std::pair<std::string, std::string>> n = {{"step", std::to_string(step_number(ui.state.setup.step))}};
  text(ui, ui.fonts.body, ui_text("kiosk.setup.step", ui.lang_first(), n) + " / " + ui_text("kiosk.setup.step", ui.lang_second(), n),
       ui.pal.muted, title_w);
  ImGui::EndGroup();
  float bottom = std::max(ImGui::GetItemRectMax().y, top + ui.touch()) + ui.gap();
  ImGui::GetWindowDrawList()->AddLine(ImVec2(origin.x, bottom), ImVec2(origin.x + ImGui::GetWindowWidth(), bottom),
                                      ui.pal.border, 2.0f * ui.s);
  ImGui::SetCursorScreenPos(ImVec2(origin.x, bottom + ui.pad()));
}

// Back on the left, the forward button on the right, labels in both languages.
void setup_nav(Ui& ui, bool back, const char* forward_key) {
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float width = ImGui::GetContentRegionAvail().x;
  float h = ui.touch() * 1.2f;
  float y = origin.y + ui.gap();
  ImGui::GetWindowDrawList()->AddLine(origin, ImVec2(origin.x + width, origin.y), ui.pal.border, 2.0f * ui.s);
  float side = std::min(560.0f * ui.s, (width - 2 * ui.pad() - ui.gap()) * 0.5f);
  if (back) {
    ImGui::SetCursorScreenPos(ImVec2(origin.x + ui.pad(), y));
    if (button(ui, "setup:back", both(ui, "kiosk.back"), ImVec2(side, h))) ui.push(act::Back{});
  }
  if (forward_key != nullptr) {
    ImGui::SetCursorScreenPos(ImVec2(origin.x + width - ui.pad() - side, y));
    if (button(ui, "setup:next", both(ui, forward_key), ImVec2(side, h), Tone::Primary)) ui.push(act::SetupNext{});
  }
}

void language_step(Ui& ui, float width) {
  bilingual_heading(ui, "kiosk.setup.language", width);
  bilingual_help(ui, "kiosk.setup.language_help", width);
  vspace(ui.pad());
  for (const char* code : {"cy", "en"}) {
    const char* key = std::string(code) == "cy" ? "kiosk.setup.welsh_first" : "kiosk.setup.english_first";
    if (option_row(ui, std::string("setup:lang:") + code, both(ui, key), ui.lang_first() == code, Mark::Radio, width))
      ui.push(act::SetupLanguage{code});
  }
}

void venue_step(Ui& ui, float width) {
  const AppState& st = ui.state;
  bilingual_heading(ui, "kiosk.setup.venue", width);
  bilingual_help(ui, "kiosk.setup.venue_help", width);
  vspace(ui.gap());
  // While typing, the field is drawn above the keyboard instead (draw_setup).
  if (!st.keyboard.open && text_field(ui, "setup:venue", st.venue_draft, false, width))
    ui.push(act::FocusText{TextTarget{TextTarget::Field::Venue, {}, {}}});
}

void pin_step(Ui& ui, float width) {
  const AppState& st = ui.state;
  bool again = st.setup.step == SetupStep::PinAgain;
  // Landscape: the words beside the pad, so that the whole pad shows without scrolling.
  bool beside = width >= 1200.0f * ui.s;
  float key_w = beside ? std::min(330.0f * ui.s, (width * 0.55f - 2 * ui.gap()) / 3) : 330.0f * ui.s;
  PinPadLabels labels{both(ui, "kiosk.key.delete"), both(ui, "kiosk.pin.ok"), key_w, std::nullopt};
  float pad_w = 3 * labels.key_width + 2 * ui.gap();
  float words_w = beside ? width - pad_w - 2 * ui.pad() : width;
  ImVec2 top = ImGui::GetCursorScreenPos();
  ImGui::BeginGroup();
  bilingual_heading(ui, again ? "kiosk.setup.pin_again" : "kiosk.setup.pin", words_w);
  if (!again) bilingual_help(ui, "kiosk.setup.pin_help", words_w);
  ImGui::EndGroup();
  std::string message;
  if (!st.setup.message_key.empty()) message = both(ui, st.setup.message_key.c_str());
  if (beside) ImGui::SetCursorScreenPos(ImVec2(top.x + words_w + 2 * ui.pad(), top.y));
  ImGui::BeginGroup();
  draw_pin_pad(ui, labels, message, beside ? pad_w : width);
  ImGui::EndGroup();
}

void saving_step(Ui& ui, float width) {
  const SetupState& setup = ui.state.setup;
  if (setup.save_error.empty()) {
    bilingual_heading(ui, "kiosk.setup.saving", width);
    return;
  }
  problem_text(ui, ui.first("kiosk.setup.save_failed"), width);
  problem_text(ui, ui.second("kiosk.setup.save_failed"), width);
  text(ui, ui.fonts.body, ui.t("kiosk.staff.details_en", {{"details", setup.save_error}}), ui.pal.muted, width);
}
}  // namespace

void draw_setup(Ui& ui) {
  const AppState& st = ui.state;
  ImVec2 full = ImGui::GetContentRegionAvail();
  float width = content_width(ui, full.x);
  float left = ImGui::GetCursorScreenPos().x + (full.x - width) * 0.5f;
  SetupStep step = st.setup.step;
  // Typing the venue: the field and the keyboard, as on every screen that types (the keyboard needs the
  // room more than the title does).
  if (st.keyboard.open && step == SetupStep::Venue) {
    draw_typing(ui);
    return;
  }
  setup_header(ui, ImGui::GetCursorScreenPos().x + ui.pad(), full.x - 2 * ui.pad());
  ImVec2 top = ImGui::GetCursorScreenPos();
  float below = nav_bar_height(ui);
  float room = ImGui::GetWindowPos().y + ImGui::GetWindowSize().y - below - top.y;
  begin_scroll_area(ui, "setup", ImVec2(full.x, std::max(room, ui.touch())), static_cast<uint64_t>(step));
  ImGui::Indent(left - ImGui::GetWindowPos().x);
  switch (step) {
    case SetupStep::Language: language_step(ui, width); break;
    case SetupStep::Venue: venue_step(ui, width); break;
    case SetupStep::Pin:
    case SetupStep::PinAgain: pin_step(ui, width); break;
    case SetupStep::Saving: saving_step(ui, width); break;
  }
  ImGui::Unindent(left - ImGui::GetWindowPos().x);
  end_scroll_area(ui);

  switch (step) {
    case SetupStep::Language: setup_nav(ui, false, "kiosk.next"); break;
    case SetupStep::Venue: setup_nav(ui, true, "kiosk.next"); break;
    case SetupStep::Pin:
    case SetupStep::PinAgain: setup_nav(ui, true, nullptr); break;
    case SetupStep::Saving: setup_nav(ui, false, st.setup.save_error.empty() ? nullptr : "kiosk.save_failed.retry"); break;
  }
}

}  // namespace soundings::kiosk
