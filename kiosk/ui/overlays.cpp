// Overlays above a screen: the bilingual "Are you still there?" warning, "leave and clear your answers?" and
// staff's "close Soundings?".
#include <algorithm>

#include "ui/screens.h"

namespace soundings::kiosk {

namespace {
// Dims the whole screen and opens a centred panel window; returns the panel's inner width.
float begin_overlay(Ui& ui, const char* id, float panel_width) {
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(ui.pal.dim));
  ImGui::Begin(id, nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleColor();
  float w = std::min(panel_width, io.DisplaySize.x - 2 * ui.pad());
  return w;
}

void panel_background(Ui& ui, ImVec2 min, ImVec2 max) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(min, max, ui.pal.surface, 20 * ui.s);
  draw->AddRect(min, max, ui.pal.border, 20 * ui.s, 0, 4 * ui.s);
}

// Draws `content` into a centred panel: measured on channel 1, background on channel 0.
template <typename Content>
void centred_panel(Ui& ui, float w, Content content) {
  ImGuiIO& io = ImGui::GetIO();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImGuiStorage* storage = ImGui::GetStateStorage();
  ImGuiID height_key = ImGui::GetID("##panel_height");
  // Last frame's height centres this frame's panel; the first frame starts a little high.
  float h = storage->GetFloat(height_key, io.DisplaySize.y * 0.5f);
  ImVec2 min((io.DisplaySize.x - w) * 0.5f, std::max(ui.pad(), (io.DisplaySize.y - h) * 0.5f));
  draw->ChannelsSplit(2);
  draw->ChannelsSetCurrent(1);
  ImGui::SetCursorScreenPos(ImVec2(min.x + ui.pad() * 1.5f, min.y + ui.pad() * 1.5f));
  ImGui::BeginGroup();
  content(w - ui.pad() * 3.0f);
  ImGui::EndGroup();
  float bottom = ImGui::GetItemRectMax().y + ui.pad() * 1.5f;
  storage->SetFloat(height_key, bottom - min.y);
  draw->ChannelsSetCurrent(0);
  panel_background(ui, min, ImVec2(min.x + w, bottom));
  draw->ChannelsMerge();
}

// Listen at the panel's top right, so the overlay can be heard too.
void listen_row(Ui& ui, float inner, bool bilingual) {
  ImVec2 at = ImGui::GetCursorScreenPos();
  draw_listen_button(ui, ImVec2(at.x + inner - listen_button_width(ui, bilingual), at.y), ui.touch(), bilingual);
  ImGui::SetCursorScreenPos(ImVec2(at.x, at.y + ui.touch() + ui.gap()));
}
}  // namespace

void draw_idle_warning(Ui& ui) {
  float w = begin_overlay(ui, "##idle", 1200.0f * ui.s);
  const AppState& st = ui.state;
  std::vector<std::pair<std::string, std::string>> n = {{"seconds", std::to_string(st.idle_seconds_left)}};
  centred_panel(ui, w, [&](float inner) {
    // Both languages: the person may have walked away and someone else may be reading.
    listen_row(ui, inner, true);
    text_centered(ui, ui.fonts.heading, ui.first("kiosk.idle.title"), ui.pal.text, inner);
    text_centered(ui, ui.fonts.heading, ui.second("kiosk.idle.title"), ui.pal.text, inner);
    vspace(ui.gap());
    text_centered(ui, ui.fonts.display, std::to_string(st.idle_seconds_left), ui.pal.text, inner);
    vspace(ui.gap());
    text_centered(ui, ui.fonts.body, ui_text("kiosk.idle.body", ui.lang_first(), n), ui.pal.text, inner);
    text_centered(ui, ui.fonts.body, ui_text("kiosk.idle.body", ui.lang_second(), n), ui.pal.muted, inner);
    vspace(ui.pad());
    std::string label = ui.first("kiosk.idle.continue") + " / " + ui.second("kiosk.idle.continue");
    if (button(ui, "idle:continue", label, ImVec2(inner, ui.touch() * 1.4f), Tone::Primary))
      ui.push(act::ContinueAfterWarning{});
  });
  ImGui::End();
}

namespace {
struct Confirmation {
  const char* id;
  const char* title_key;
  const char* body_key;
  std::string stay_name, stay_key;  // the safe choice, first and primary
  Action stay;
  std::string go_name, go_key;
  Action go;
  bool listen = true;  // a Listen button at the top (not on the staff screen's)
};

void draw_confirmation(Ui& ui, const Confirmation& c) {
  float w = begin_overlay(ui, c.id, 1100.0f * ui.s);
  centred_panel(ui, w, [&](float inner) {
    if (c.listen) listen_row(ui, inner, false);  // residents only: staff screens are not read aloud
    text_centered(ui, ui.fonts.heading, ui.t(c.title_key), ui.pal.text, inner);
    vspace(ui.gap());
    text_centered(ui, ui.fonts.body, ui.t(c.body_key), ui.pal.text, inner);
    vspace(ui.pad());
    float half = (inner - ui.gap()) * 0.5f;
    if (button(ui, c.stay_name, ui.t(c.stay_key), ImVec2(half, ui.touch() * 1.2f), Tone::Primary)) ui.push(c.stay);
    ImGui::SameLine(0, ui.gap());
    if (button(ui, c.go_name, ui.t(c.go_key), ImVec2(half, ui.touch() * 1.2f), Tone::Secondary)) ui.push(c.go);
  });
  ImGui::End();
}
}  // namespace

void draw_leave_confirmation(Ui& ui) {
  draw_confirmation(ui, {"##leave", "kiosk.leave.title", "kiosk.leave.body", "leave:no", "kiosk.leave.no", act::CancelLeave{},
                         "leave:yes", "kiosk.leave.yes", act::ConfirmLeave{}});
}

void draw_check_in(Ui& ui) {
  const AppState& st = ui.state;
  float w = begin_overlay(ui, "##check_in", 1100.0f * ui.s);
  centred_panel(ui, w, [&](float inner) {
    text_centered(ui, ui.fonts.heading, ui.t("kiosk.field.check_in.title"), ui.pal.text, inner);
    vspace(ui.gap());
    const int left = st.field.check_in_seconds_left;
    std::string seconds = std::to_string(left % 60);
    std::string time = std::to_string(left / 60) + ":" + (seconds.size() < 2 ? "0" : "") + seconds;
    std::string body = ui.t("kiosk.field.check_in.body", {{"time", time}});
    text_centered(ui, ui.fonts.body, body, ui.pal.text, inner);
    vspace(ui.pad());
    if (button(ui, "checkin:ok", ui.t("kiosk.field.check_in.ok"), ImVec2(inner, ui.touch() * 1.4f), Tone::Primary))
      ui.push(act::CheckInOk{});
  });
  ImGui::End();
}

void draw_exit_confirmation(Ui& ui) {
  draw_confirmation(ui, {"##exit", "kiosk.exit.title", "kiosk.exit.body", "exit:cancel", "kiosk.exit.cancel",
                         act::CancelExit{}, "exit:close", "kiosk.exit.close", act::ConfirmExit{}, false});
}

}  // namespace soundings::kiosk
