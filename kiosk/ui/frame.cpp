// The frame: picks the screen to draw, draws the shared top bar and the overlays, and spots the staff gesture.
#include <imgui_internal.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "ui/read_aloud.h"
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
  return format_date(iso_date, language);
}

std::string format_date(const std::string& iso_date, const std::string& language) {
  if (iso_date.size() != 10 || iso_date[4] != '-' || iso_date[7] != '-') return iso_date;
  int year = std::atoi(iso_date.substr(0, 4).c_str());
  int month = std::atoi(iso_date.substr(5, 2).c_str());
  int day = std::atoi(iso_date.substr(8, 2).c_str());
  if (month < 1 || month > 12 || day < 1 || day > 31) return iso_date;
  return std::to_string(day) + " " + ui_text("kiosk.month." + std::to_string(month), language) + " " +
         std::to_string(year);
}

namespace {
// Buttons of the given widths, right-aligned between `left` and `right` in rows that wrap when they do not
// fit; each no wider than a row. Returns each button's top-left, and the bottom of the last row in `bottom`.
std::vector<ImVec2> flow_right(const Ui& ui, std::vector<float>& widths, float left, float right, float y, float h,
                               float& bottom) {
  float room = right - left;
  std::vector<std::vector<size_t>> rows;
  float used = 0;
  for (size_t i = 0; i < widths.size(); ++i) {
    widths[i] = std::min(widths[i], room);
    if (!rows.empty() && used + ui.gap() + widths[i] <= room) {
      rows.back().push_back(i);
      used += ui.gap() + widths[i];
    } else {
      rows.push_back({i});
      used = widths[i];
    }
  }
  std::vector<ImVec2> at(widths.size());
  for (const std::vector<size_t>& row : rows) {
    float row_w = -ui.gap();
    for (size_t i : row) row_w += widths[i] + ui.gap();
    float x = right - row_w;
    for (size_t i : row) {
      at[i] = ImVec2(x, y);
      x += widths[i] + ui.gap();
    }
    y += h + ui.gap();
  }
  bottom = y - ui.gap();
  return at;
}
}  // namespace

float draw_bilingual_toggles(Ui& ui, float left_edge, float right_edge, float y, float height) {
  // Used on the bilingual attract screen: each label in both languages.
  const AppState& st = ui.state;
  std::string contrast = ui.first("kiosk.high_contrast") + " / " + ui.second("kiosk.high_contrast");
  std::string large = ui.first("kiosk.large_text") + " / " + ui.second("kiosk.large_text");
  ImFont* font = ui.fonts.body;
  float tick = font->FontSize * 1.1f;
  float room = right_edge - left_edge;
  float w_contrast = std::min(text_size(font, contrast, 0).x + 2 * ui.pad() + tick, room);
  float w_large = std::min(text_size(font, large, 0).x + 2 * ui.pad() + tick, room);
  bool side = w_contrast + ui.gap() + w_large <= room;
  ImGui::SetCursorScreenPos(ImVec2(side ? right_edge - w_large - ui.gap() - w_contrast : right_edge - w_contrast, y));
  if (button(ui, "toggle:high_contrast", contrast, ImVec2(w_contrast, height), Tone::Secondary, st.high_contrast))
    ui.push(act::ToggleHighContrast{});
  // One above the other when they do not fit side by side; a label that wraps makes its button taller.
  ImGui::SetCursorScreenPos(ImVec2(right_edge - w_large, side ? y : ImGui::GetItemRectMax().y + ui.gap()));
  if (button(ui, "toggle:large_text", large, ImVec2(w_large, height), Tone::Secondary, st.large_text))
    ui.push(act::ToggleLargeText{});
  return ImGui::GetItemRectMax().y;
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
  bool switch_allowed = !st.open_consultation || st.open_consultation->declares(other);
  std::string lang_label = ui_text("kiosk.language_name", other);
  std::string contrast = ui.t("kiosk.high_contrast");
  std::string large = ui.t("kiosk.large_text");
  std::string leave = ui.t("kiosk.leave");
  float room = width - 2 * ui.pad();
  float w_leave = show_leave ? std::min(text_size(font, leave, 0).x + 2 * ui.pad(), room * 0.5f) : 0.0f;
  bool listen = offers_listen(st);
  // No title (the keyboard is up and the field says what it is for): Leave joins the controls' rows.
  bool leave_in_row = show_leave && title.empty();
  std::vector<float> widths = {leave_in_row ? w_leave : 0.0f, listen ? listen_button_width(ui, false) : 0.0f,
                               switch_allowed ? text_size(font, lang_label, 0).x + 2 * ui.pad() : 0.0f,
                               text_size(font, contrast, 0).x + 2 * ui.pad() + tick,
                               text_size(font, large, 0).x + 2 * ui.pad() + tick};
  float controls = widths[0] + widths[1] + widths[2] + widths[3] + widths[4] + 4 * ui.gap();
  if (leave_in_row) w_leave = 0.0f;

  // Not enough room beside the title (large text, portrait screens): the controls get rows of their own,
  // rather than cutting the title down to a word or two.
  float title_need = std::max(360.0f * ui.s, std::min(text_size(font, title, 0).x, room * 0.4f));
  bool beside = controls + w_leave + 2 * ui.gap() + title_need <= room;
  float right = origin.x + width - ui.pad();
  float left = beside ? right - controls : origin.x + ui.pad();
  float controls_bottom = 0;
  std::vector<ImVec2> at = flow_right(ui, widths, left, right, y, h, controls_bottom);
  if (leave_in_row) {
    ImGui::SetCursorScreenPos(at[0]);
    if (button(ui, "leave", leave, ImVec2(widths[0], h), Tone::Quiet)) ui.push(act::LeaveConsultation{});
  }
  if (listen) draw_listen_button(ui, at[1], h, false);
  if (switch_allowed) {
    ImGui::SetCursorScreenPos(at[2]);
    if (button(ui, "lang:" + other, lang_label, ImVec2(widths[2], h))) ui.push(act::ChooseLanguage{other});
  }
  ImGui::SetCursorScreenPos(at[3]);
  if (button(ui, "toggle:high_contrast", contrast, ImVec2(widths[3], h), Tone::Secondary, st.high_contrast))
    ui.push(act::ToggleHighContrast{});
  ImGui::SetCursorScreenPos(at[4]);
  if (button(ui, "toggle:large_text", large, ImVec2(widths[4], h), Tone::Secondary, st.large_text))
    ui.push(act::ToggleLargeText{});

  float row_y = beside ? y : controls_bottom + ui.gap();
  float title_x = origin.x + ui.pad();
  if (show_leave && !leave_in_row) {
    ImGui::SetCursorScreenPos(ImVec2(title_x, row_y));
    if (button(ui, "leave", leave, ImVec2(w_leave, h), Tone::Quiet)) ui.push(act::LeaveConsultation{});
    title_x += w_leave + ui.gap();
  }
  float title_right = beside ? left - ui.gap() : right;
  float title_w = std::max(title_right - title_x, 10.0f);
  // One line: the heading font when it fits, else the body font, shortened at a word if it must be.
  ImFont* tf = text_size(ui.fonts.heading, title, 0).x <= title_w ? ui.fonts.heading : ui.fonts.body;
  std::string shown = fit_line(tf, title, title_w);
  draw_one_line(ui, tf, ImVec2(title_x, row_y + (h - tf->FontSize) * 0.5f), ui.pal.text, shown, title_w);

  // No title and no Leave of its own (thank-you, saving, typing): no empty row under the controls.
  float bottom = (beside || (show_leave && !leave_in_row) || !title.empty()) ? row_y + h + ui.gap()
                                                                            : controls_bottom + ui.gap();
  ImDrawList* draw = ImGui::GetWindowDrawList();
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
  bool overlay = state.idle_warning || state.confirm_leave || state.confirm_exit || state.field.check_in_asking;
  if (overlay) ImGui::BeginDisabled();
  switch (state.screen) {
    case Screen::Setup: draw_setup(ui); break;
    case Screen::Attract: draw_attract(ui); break;
    case Screen::Intro: draw_intro(ui); break;
    case Screen::Page: draw_page(ui); break;
    case Screen::Review: draw_review(ui); break;
    case Screen::Saving: draw_saving(ui); break;
    case Screen::SaveFailed: draw_save_failed(ui); break;
    case Screen::Thanks: draw_thanks(ui); break;
    case Screen::StaffPin: draw_staff_pin(ui); break;
    case Screen::Staff: draw_staff(ui); break;
    case Screen::FieldSignIn: draw_field_sign_in(ui); break;
    case Screen::FieldSecret: draw_field_secret(ui); break;
    case Screen::FieldLists: draw_field_lists(ui); break;
    case Screen::FieldList: draw_field_list(ui); break;
    case Screen::FieldDoor: draw_field_door(ui); break;
    case Screen::FieldHowGiven: draw_field_how_given(ui); break;
  }
  if (overlay) ImGui::EndDisabled();
  // Only a kiosk with a staff PIN has a staff screen to open.
  if (state.screen == Screen::Attract && !overlay && !state.config.staff_pin_hash.empty()) watch_staff_gesture(ui);
  ImGui::End();

  // A lone worker's check-in comes first: it is about the officer's safety.
  if (state.field.check_in_asking) draw_check_in(ui);
  else if (state.idle_warning) draw_idle_warning(ui);
  else if (state.confirm_leave) draw_leave_confirmation(ui);
  else if (state.confirm_exit) draw_exit_confirmation(ui);
  draw_focus_ring(ui);
  ImGui::PopFont();
  ImGui::PopStyleColor(2);
}

}  // namespace soundings::kiosk
