// The Listen button: a speaker drawn beside "Listen" / "Gwrando", Stop while reading, crossed out with no sound.
#include <imgui_internal.h>

#include <algorithm>

#include "ui/screens.h"

namespace soundings::kiosk {

namespace {

std::string listen_label(const Ui& ui, std::string_view key, bool bilingual) {
  return bilingual ? ui.first(key) + " / " + ui.second(key) : ui.t(key);
}

float icon_size(const Ui& ui) { return ui.fonts.body->FontSize * 1.1f; }

void draw_speaker(ImDrawList* draw, ImVec2 at, float size, ImU32 ink, float thickness, bool crossed) {
  ImVec2 cone[4] = {ImVec2(at.x + size * 0.30f, at.y + size * 0.34f), ImVec2(at.x + size * 0.58f, at.y + size * 0.08f),
                    ImVec2(at.x + size * 0.58f, at.y + size * 0.92f), ImVec2(at.x + size * 0.30f, at.y + size * 0.66f)};
  draw->AddRectFilled(ImVec2(at.x + size * 0.06f, at.y + size * 0.34f), ImVec2(at.x + size * 0.32f, at.y + size * 0.66f), ink);
  draw->AddConvexPolyFilled(cone, 4, ink);
  ImVec2 mouth(at.x + size * 0.58f, at.y + size * 0.5f);
  if (crossed) {
    float x0 = at.x + size * 0.70f, x1 = at.x + size, y0 = at.y + size * 0.32f, y1 = at.y + size * 0.68f;
    draw->AddLine(ImVec2(x0, y0), ImVec2(x1, y1), ink, thickness);
    draw->AddLine(ImVec2(x0, y1), ImVec2(x1, y0), ink, thickness);
    return;
  }
  // Two sound waves, as on a loudspeaker symbol.
  for (float r : {size * 0.2f, size * 0.38f}) {
    draw->PathArcTo(mouth, r, -0.9f, 0.9f, 12);
    draw->PathStroke(ink, ImDrawFlags_None, thickness);
  }
}

}  // namespace

float listen_button_width(const Ui& ui, bool bilingual) {
  // As wide as its widest label, so that the bar does not move when Listen becomes Stop.
  float label = std::max(text_size(ui.fonts.body, listen_label(ui, "kiosk.listen", bilingual), 0).x,
                         text_size(ui.fonts.body, listen_label(ui, "kiosk.listen.stop", bilingual), 0).x);
  return label + icon_size(ui) + ui.gap() * 0.75f + 2 * ui.pad();
}

void draw_listen_button(Ui& ui, ImVec2 pos, float height, bool bilingual) {
  // Under an overlay the screen is disabled and the overlay has its own Listen: one "listen" target at a time.
  if (GImGui->CurrentItemFlags & ImGuiItemFlags_Disabled) return;
  const SpeechState speech = ui.state.speech.state;
  bool speaking = speech == SpeechState::Speaking;
  float width = listen_button_width(ui, bilingual);
  ImGui::SetCursorScreenPos(pos);
  if (button(ui, "listen", std::string(), ImVec2(width, height), Tone::Secondary)) ui.push(act::Listen{});
  ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();

  std::string label = listen_label(ui, speaking ? "kiosk.listen.stop" : "kiosk.listen", bilingual);
  ImFont* font = ui.fonts.body;
  float icon = icon_size(ui);
  float content = icon + ui.gap() * 0.75f + text_size(font, label, 0).x;
  ImVec2 at(min.x + (max.x - min.x - content) * 0.5f, min.y + (max.y - min.y - icon) * 0.5f);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImU32 ink = ui.pal.text;
  if (speaking) {
    draw->AddRectFilled(ImVec2(at.x + icon * 0.15f, at.y + icon * 0.15f), ImVec2(at.x + icon * 0.85f, at.y + icon * 0.85f),
                        ink, 3.0f * ui.s);
  } else {
    draw_speaker(draw, at, icon, ink, 3.0f * ui.s, speech == SpeechState::Unavailable);
  }
  draw->AddText(font, font->FontSize, ImVec2(at.x + icon + ui.gap() * 0.75f, min.y + (max.y - min.y - font->FontSize) * 0.5f),
                ink, label.c_str());
}

}  // namespace soundings::kiosk
