// The frame: picks the screen to draw, draws the shared top bar and the overlays, and spots the staff gesture.
#include <imgui_internal.h>

#include <algorithm>
#include <cstdlib>

#include "ui/screens.h"

namespace soundings::kiosk {

namespace {
constexpr float kStaffHoldSeconds = 3.0f;

void watch_staff_gesture(Ui& ui) {
  // A long press in the top-left corner: invisible to residents, easy for staff.
  ImGuiIO& io = ImGui::GetIO();
  float corner = 150.0f * ui.s;
  auto in_corner = [&](ImVec2 p) { return p.x >= 0 && p.y >= 0 && p.x < corner && p.y < corner; };
  if (io.MouseDown[0] && in_corner(io.MouseClickedPos[0]) && in_corner(io.MousePos) &&
      io.MouseDownDuration[0] >= kStaffHoldSeconds && io.MouseDownDurationPrev[0] < kStaffHoldSeconds)
    ui.push(act::StaffGesture{});
}
}  // namespace

std::string format_date(const Ui& ui, const std::string& iso_date, const std::string& language) {
  (void)ui;
  if (iso_date.size() != 10 || iso_date[4] != '-' || iso_date[7] != '-') return iso_date;
  int year = std::atoi(iso_date.substr(0, 4).c_str());
  int month = std::atoi(iso_date.substr(5, 2).c_str());
  int day = std::atoi(iso_date.substr(8, 2).c_str());
  if (month < 1 || month > 12 || day < 1 || day > 31) return iso_date;
  return std::to_string(day) + " " + ui_text("kiosk.month." + std::to_string(month), language) + " " +
         std::to_string(year);
}

float draw_bilingual_toggles(Ui& ui, float right_edge, float y, float height) {
  // Used on the bilingual attract screen: each label in both languages.
  const AppState& st = ui.state;
  std::string contrast = ui.first("kiosk.high_contrast") + " / " + ui.second("kiosk.high_contrast");
  std::string large = ui.first("kiosk.large_text") + " / " + ui.second("kiosk.large_text");
  ImFont* font = ui.fonts.body;
  float tick = font->FontSize * 1.1f;
  float w_large = text_size(font, large, 0).x + 2 * ui.pad() + tick;
  float w_contrast = text_size(font, contrast, 0).x + 2 * ui.pad() + tick;
  float x = right_edge - w_large;
  ImGui::SetCursorScreenPos(ImVec2(x, y));
  if (button(ui, "toggle:large_text", large, ImVec2(w_large, height), Tone::Secondary, st.large_text))
    ui.push(act::ToggleLargeText{});
  x -= w_contrast + ui.gap();
  ImGui::SetCursorScreenPos(ImVec2(x, y));
  if (button(ui, "toggle:high_contrast", contrast, ImVec2(w_contrast, height), Tone::Secondary, st.high_contrast))
    ui.push(act::ToggleHighContrast{});
  return x;
}

void draw_top_bar(Ui& ui, const std::string& title, bool show_leave) {
  const AppState& st = ui.state;
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float width = ImGui::GetContentRegionAvail().x;
  float h = ui.touch();
  float y = origin.y + ui.gap();
  ImFont* font = ui.fonts.body;
  float tick = font->FontSize * 1.1f;

  std::string other = st.language == "cy" ? "en" : "cy";
  std::string lang_label = ui_text("kiosk.language_name", other);
  std::string contrast = ui.t("kiosk.high_contrast");
  std::string large = ui.t("kiosk.large_text");
  std::string leave = ui.t("kiosk.leave");
  float w_lang = text_size(font, lang_label, 0).x + 2 * ui.pad();
  float w_contrast = text_size(font, contrast, 0).x + 2 * ui.pad() + tick;
  float w_large = text_size(font, large, 0).x + 2 * ui.pad() + tick;
  float w_leave = show_leave ? text_size(font, leave, 0).x + 2 * ui.pad() : 0.0f;
  float controls = w_lang + w_contrast + w_large + 2 * ui.gap();

  // Not enough room beside the title (large text, portrait screens): controls get their own row.
  bool two_rows = controls + w_leave + 360.0f * ui.s > width - 2 * ui.pad();
  float right = origin.x + width - ui.pad();
  float x = right - controls;
  ImGui::SetCursorScreenPos(ImVec2(x, y));
  bool switch_allowed = !st.open_consultation || st.open_consultation->declares(other);
  if (switch_allowed && button(ui, "lang:" + other, lang_label, ImVec2(w_lang, h))) ui.push(act::ChooseLanguage{other});
  x += w_lang + ui.gap();
  ImGui::SetCursorScreenPos(ImVec2(x, y));
  if (button(ui, "toggle:high_contrast", contrast, ImVec2(w_contrast, h), Tone::Secondary, st.high_contrast))
    ui.push(act::ToggleHighContrast{});
  x += w_contrast + ui.gap();
  ImGui::SetCursorScreenPos(ImVec2(x, y));
  if (button(ui, "toggle:large_text", large, ImVec2(w_large, h), Tone::Secondary, st.large_text))
    ui.push(act::ToggleLargeText{});

  float row_y = two_rows ? y + h + ui.gap() : y;
  float title_x = origin.x + ui.pad();
  if (show_leave) {
    ImGui::SetCursorScreenPos(ImVec2(title_x, row_y));
    if (button(ui, "leave", leave, ImVec2(w_leave, h), Tone::Quiet)) ui.push(act::LeaveConsultation{});
    title_x += w_leave + ui.gap();
  }
  float title_right = two_rows ? right : right - controls - ui.gap();
  float title_w = std::max(title_right - title_x, 10.0f);
  // One line: the heading font when it fits, else the body font, shortened if it must be.
  ImFont* tf = text_size(ui.fonts.heading, title, 0).x <= title_w ? ui.fonts.heading : ui.fonts.body;
  std::string shown = fit_line(tf, title, title_w);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddText(tf, tf->FontSize, ImVec2(title_x, row_y + (h - tf->FontSize) * 0.5f), ui.pal.text, shown.c_str());

  float bottom = row_y + h + ui.gap();
  draw->AddLine(ImVec2(origin.x, bottom), ImVec2(origin.x + width, bottom), ui.pal.border, 2.0f * ui.s);
  ImGui::SetCursorScreenPos(ImVec2(origin.x, bottom + 2.0f * ui.s));
}

void draw_kiosk(const AppState& state, const Fonts& fonts, FrameOutput& out) {
  const FontSet& set = state.large_text ? fonts.large : fonts.normal;
  Ui ui{state, out, set, palette(state.high_contrast), fonts.scale};
  ImGuiIO& io = ImGui::GetIO();
  out.pointer_seen = io.MouseClicked[0] || io.MouseReleased[0] || (io.MouseDown[0] && (io.MouseDelta.x != 0 || io.MouseDelta.y != 0));

  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(ui.pal.background));
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ui.pal.text));
  ImGui::PushFont(set.body);
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                           ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse |
                           ImGuiWindowFlags_NoBackground;  // the platform clears to the background colour
  ImGui::Begin("##kiosk", nullptr, flags);
  bool overlay = state.idle_warning || state.confirm_leave;
  if (overlay) ImGui::BeginDisabled();
  switch (state.screen) {
    case Screen::Attract: draw_attract(ui); break;
    case Screen::Intro: draw_intro(ui); break;
    case Screen::Page: draw_page(ui); break;
    case Screen::Review: draw_review(ui); break;
    case Screen::Saving: draw_saving(ui); break;
    case Screen::SaveFailed: draw_save_failed(ui); break;
    case Screen::Thanks: draw_thanks(ui); break;
    case Screen::StaffPin: draw_staff_pin(ui); break;
    case Screen::Staff: draw_staff(ui); break;
  }
  if (overlay) ImGui::EndDisabled();
  if (state.screen == Screen::Attract && !overlay) watch_staff_gesture(ui);
  ImGui::End();

  if (state.idle_warning) draw_idle_warning(ui);
  else if (state.confirm_leave) draw_leave_confirmation(ui);
  draw_focus_ring(ui);
  ImGui::PopFont();
  ImGui::PopStyleColor(2);
}

}  // namespace soundings::kiosk
