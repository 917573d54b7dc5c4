// Answer widgets for choosing: single and multiple choice, agreement, faces, the 0-10 scale, ranking, consent.
#include <algorithm>
#include <cmath>

#include "ui/answer_edit.h"
#include "ui/screens.h"

namespace soundings::kiosk {

namespace {
const Answer* current_answer(const Ui& ui, const Question& q) { return ui.state.session->answer(q.id); }

bool typing_into(const Ui& ui, const TextTarget& target) {
  return ui.state.keyboard.open && ui.state.keyboard.target == target;
}

// A face for 1 (very unhappy) .. 5 (very happy): the mouth bends from down to up.
void draw_face(ImDrawList* draw, ImVec2 centre, float radius, int level, ImU32 ink, float thickness) {
  draw->AddCircle(centre, radius, ink, 48, thickness);
  float eye_dx = radius * 0.35f, eye_y = centre.y - radius * 0.25f;
  draw->AddCircleFilled(ImVec2(centre.x - eye_dx, eye_y), radius * 0.09f, ink, 16);
  draw->AddCircleFilled(ImVec2(centre.x + eye_dx, eye_y), radius * 0.09f, ink, 16);
  float bend = (static_cast<float>(level) - 3.0f) / 2.0f;  // -1 .. 1
  float mouth_y = centre.y + radius * 0.38f;
  float half = radius * 0.45f;
  ImVec2 points[9];
  for (int i = 0; i < 9; ++i) {
    float t = static_cast<float>(i) / 8.0f * 2.0f - 1.0f;  // -1 .. 1
    points[i] = ImVec2(centre.x + t * half, mouth_y + bend * radius * 0.22f * (1.0f - t * t) - bend * radius * 0.05f);
  }
  draw->AddPolyline(points, 9, ink, ImDrawFlags_None, thickness);
}
}  // namespace

void draw_choice_widget(Ui& ui, const Question& q, float width) {
  const Answer* current = current_answer(ui, q);
  bool multiple = q.type == QuestionType::MultipleChoice;
  const std::string& lang = ui.state.language;
  if (multiple) {
    std::string hint = q.max_selections ? ui.t("kiosk.choice.choose_up_to", {{"count", std::to_string(*q.max_selections)}})
                                        : ui.t("kiosk.choice.choose_any");
    text(ui, ui.fonts.body, hint, ui.pal.muted, width);
    vspace(ui.gap() * 0.5f);
  }
  for (const Option& o : q.options) {
    bool chosen = option_chosen(current, o.id);
    std::string label = o.label.in(lang);
    if (option_row(ui, "option:" + q.id + ":" + o.id, label, chosen, multiple ? Mark::Check : Mark::Radio, width)) {
      if (multiple) {
        if (auto next = toggle_option(q, current, o.id)) ui.push(act::SetAnswer{q.id, *next});
        else ui.push(act::LimitReached{q.id, o.id});
      } else {
        ui.push(act::SetAnswer{q.id, choose_option(current, o.id)});
      }
      if (o.other && !chosen) ui.push(act::FocusText{TextTarget{TextTarget::Field::Other, q.id, o.id}});
    }
    draw_limit_notice(ui, q, o.id, width);
    if (o.other && chosen) {
      TextTarget target{TextTarget::Field::Other, q.id, o.id};
      float indent = 80.0f * ui.s;
      ImGui::Indent(indent);
      text(ui, ui.fonts.body, ui.t("kiosk.other_please_specify"), ui.pal.text, width - indent);
      if (text_field(ui, "other:" + q.id, target_text(current, target), typing_into(ui, target), width - indent))
        ui.push(act::FocusText{target});
      ImGui::Unindent(indent);
    }
  }
}

void draw_faces_widget(Ui& ui, const Question& q, float width) {
  const Answer* current = current_answer(ui, q);
  const std::string& lang = ui.state.language;
  size_t n = q.options.size();
  if (n == 0) return;
  // Faces side by side when there is room; labels under each face.
  int per_row = width / static_cast<float>(n) >= 200.0f * ui.s ? static_cast<int>(n) : 3;
  float cell_w = (width - ui.gap() * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
  float radius = std::min(cell_w * 0.3f, 60.0f * ui.s);
  float label_h = 0;
  for (const Option& o : q.options)
    label_h = std::max(label_h, text_size(ui.fonts.body, o.label.in(lang), cell_w - ui.pad()).y);
  float cell_h = ui.pad() * 2 + radius * 2 + ui.gap() + label_h;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (size_t i = 0; i < n; ++i) {
    const Option& o = q.options[i];
    if (i % static_cast<size_t>(per_row) != 0) ImGui::SameLine(0, ui.gap());
    std::string name = "option:" + q.id + ":" + o.id;
    ImVec2 pos = ImGui::GetCursorScreenPos();
    bool pressed = tap_area(ui, name, ImVec2(cell_w, cell_h));
    bool held = ImGui::IsItemActive();
    if (pressed) ui.push(act::SetAnswer{q.id, choose_option(current, o.id)});
    bool chosen = option_chosen(current, o.id);
    ImVec2 max(pos.x + cell_w, pos.y + cell_h);
    ImU32 ink = chosen ? ui.pal.on_selected : ui.pal.text;
    draw->AddRectFilled(pos, max, chosen ? ui.pal.selected : ui.pal.surface, 14 * ui.s);
    draw->AddRect(pos, max, chosen ? ui.pal.on_selected : ui.pal.border, 14 * ui.s, 0, (chosen ? 6.0f : 2.5f) * ui.s);
    if (held) draw->AddRect(ImVec2(pos.x + 6 * ui.s, pos.y + 6 * ui.s), ImVec2(max.x - 6 * ui.s, max.y - 6 * ui.s), ink, 14 * ui.s, 0, 2 * ui.s);
    int level = n == 5 ? static_cast<int>(i) + 1 : 3;
    draw_face(draw, ImVec2(pos.x + cell_w * 0.5f, pos.y + ui.pad() + radius), radius, level, ink, 4.0f * ui.s);
    if (chosen) {
      // A tick in the corner: the choice is not shown by colour alone.
      float box = 44 * ui.s;
      ImVec2 tmin(max.x - box - 8 * ui.s, pos.y + 8 * ui.s);
      draw->AddCircleFilled(ImVec2(tmin.x + box * 0.5f, tmin.y + box * 0.5f), box * 0.5f, ui.pal.surface, 24);
      draw->AddCircle(ImVec2(tmin.x + box * 0.5f, tmin.y + box * 0.5f), box * 0.5f, ink, 24, 3 * ui.s);
      draw_tick(draw, tmin, ImVec2(tmin.x + box, tmin.y + box), ui.pal.tick, 4.5f * ui.s);
    }
    Box cell{pos.x, pos.y, max.x, max.y};
    draw_text_at(ui, ui.fonts.body, ImVec2(pos.x + ui.pad() * 0.5f, pos.y + ui.pad() + radius * 2 + ui.gap()), ink,
                 o.label.in(lang), cell_w - ui.pad(), Align::Centre, &cell);
  }
}

void draw_scale_widget(Ui& ui, const Question& q, float width) {
  const Answer* current = current_answer(ui, q);
  const std::string& lang = ui.state.language;
  const auto* scale = current ? std::get_if<ScaleAnswer>(current) : nullptr;
  // Eleven in a row when they stay finger-sized, otherwise two rows (0-5, 6-10).
  int per_row = (width - 10 * ui.gap()) / 11.0f >= 88.0f * ui.s ? 11 : 6;
  float cell = (width - ui.gap() * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
  for (int v = 0; v <= 10; ++v) {
    if (v % per_row != 0) ImGui::SameLine(0, ui.gap());
    std::string label = std::to_string(v);
    if (button(ui, "scale:" + q.id + ":" + label, label, ImVec2(cell, std::max(ui.touch(), cell * 0.9f)), Tone::Secondary,
               scale && scale->value == v))
      ui.push(act::SetAnswer{q.id, ScaleAnswer{v}});
  }
  float half = width * 0.48f;
  ImVec2 pos = ImGui::GetCursorScreenPos();
  std::string low = "0 = " + q.min_label.in(lang);
  std::string high = "10 = " + q.max_label.in(lang);
  text(ui, ui.fonts.body, low, ui.pal.text, half);
  float low_end = ImGui::GetCursorScreenPos().y;
  ImVec2 hs = text_size(ui.fonts.body, high, half);
  draw_text_at(ui, ui.fonts.body, ImVec2(pos.x + width - hs.x, pos.y), ui.pal.text, high, half);
  ImGui::SetCursorScreenPos(ImVec2(pos.x, std::max(low_end, pos.y + hs.y)));
}

void draw_ranking_widget(Ui& ui, const Question& q, float width) {
  const Answer* current = current_answer(ui, q);
  const std::string& lang = ui.state.language;
  size_t limit = q.max_selections ? static_cast<size_t>(*q.max_selections) : q.options.size();
  text(ui, ui.fonts.body, ui.t("kiosk.ranking.how", {{"count", std::to_string(limit)}}), ui.pal.muted, width);
  vspace(ui.gap() * 0.5f);
  for (const Option& o : q.options) {
    int rank = rank_of(current, o.id);
    if (option_row(ui, "rank:" + q.id + ":" + o.id, o.label.in(lang), rank > 0, Mark::Radio, width,
                   rank > 0 ? std::to_string(rank) : std::string())) {
      if (auto next = tap_rank(q, current, o.id)) ui.push(act::SetAnswer{q.id, *next});
      else ui.push(act::LimitReached{q.id, o.id});
    }
    draw_limit_notice(ui, q, o.id, width);
  }
  const auto* ranking = current ? std::get_if<RankingAnswer>(current) : nullptr;
  if (ranking && !ranking->order.empty()) {
    if (button(ui, "rank_clear:" + q.id, ui.t("kiosk.ranking.clear"), ImVec2(std::min(width, 420.0f * ui.s), 0), Tone::Quiet))
      ui.push(act::ClearAnswer{q.id});
  }
}

void draw_consent_widget(Ui& ui, const Question& q, float width) {
  const Answer* current = current_answer(ui, q);
  const auto* consent = current ? std::get_if<ConsentAnswer>(current) : nullptr;
  bool given = consent && consent->given;
  if (option_row(ui, "consent:" + q.id, ui.t("kiosk.consent.agree"), given, Mark::Check, width)) {
    if (given) ui.push(act::ClearAnswer{q.id});
    else ui.push(act::SetAnswer{q.id, ConsentAnswer{true}});
  }
}

}  // namespace soundings::kiosk
