// At a door: what happened (one outcome, a time for a come-back, a short note), or a survey for the resident;
// and before the survey, how it will be given.
#include <algorithm>

#include "soundings/quality.h"
#include "ui/catalogue.h"
#include "ui/screens.h"

namespace soundings::kiosk {

namespace {
// Chips in rows that wrap: `labels[i]` named `names[i]`; returns the index tapped, or -1.
int chip_rows(Ui& ui, const std::vector<std::string>& names, const std::vector<std::string>& labels, int chosen,
              float width, float chip_w) {
  int tapped = -1;
  int per_row = std::max(1, static_cast<int>((width + ui.gap()) / (chip_w + ui.gap())));
  ImVec2 start = ImGui::GetCursorScreenPos();
  float row_bottom = start.y;
  for (size_t i = 0; i < names.size(); ++i) {
    int col = static_cast<int>(i) % per_row;
    if (col == 0 && i > 0) start.y = row_bottom + ui.gap() * 0.5f;
    ImGui::SetCursorScreenPos(ImVec2(start.x + static_cast<float>(col) * (chip_w + ui.gap()), start.y));
    if (button(ui, names[i], labels[i], ImVec2(chip_w, 0), Tone::Secondary, static_cast<int>(i) == chosen))
      tapped = static_cast<int>(i);
    row_bottom = std::max(row_bottom, ImGui::GetItemRectMax().y);
  }
  ImGui::SetCursorScreenPos(ImVec2(start.x, row_bottom + ui.gap()));
  return tapped;
}

// Today, tomorrow, then the weekdays' names (1 January 1970 was a Thursday).
std::string day_label(const Ui& ui, int day) {
  if (day == 0) return ui.t("kiosk.field.day.today");
  if (day == 1) return ui.t("kiosk.field.day.tomorrow");
  TimePoint today;
  parse_iso8601_utc(ui.state.today, today);
  auto days = std::chrono::floor<std::chrono::days>(today.time_since_epoch()).count() + day;
  return ui.t("kiosk.field.weekday." + std::to_string(((days % 7) + 11) % 7));  // 0: Sunday
}

void draw_come_back_picker(Ui& ui, const DoorDraft& d, float width) {
  text(ui, ui.fonts.body, ui.t("kiosk.field.door.come_back_when"), ui.pal.text, width);
  std::vector<std::string> names, labels;
  for (int day = 0; day < 7; ++day) {
    names.push_back("comeback:day:" + std::to_string(day));
    labels.push_back(day_label(ui, day));
  }
  float day_w = 0;
  for (const std::string& l : labels) day_w = std::max(day_w, text_size(ui.fonts.body, l, 0).x + 2 * ui.pad() + ui.fonts.body->FontSize * 1.2f);
  int day = chip_rows(ui, names, labels, d.come_back_day, width, std::min(day_w, width));
  if (day >= 0) ui.push(act::ChooseComeBackDay{day});
  names.clear();
  labels.clear();
  for (int hour = kWorkingDayStartHour; hour <= kWorkingDayEndHour; ++hour) {
    names.push_back("comeback:hour:" + std::to_string(hour));
    labels.push_back((hour < 10 ? "0" : "") + std::to_string(hour) + ":00");
  }
  float hour_w = text_size(ui.fonts.body, "00:00", 0).x + 2 * ui.pad() + ui.fonts.body->FontSize * 1.2f;
  int hour = chip_rows(ui, names, labels, d.come_back_hour - kWorkingDayStartHour, width, std::min(hour_w, width));
  if (hour >= 0) ui.push(act::ChooseComeBackHour{hour + kWorkingDayStartHour});
}
}  // namespace

void draw_field_door(Ui& ui) {
  const AppState& st = ui.state;
  const FieldState& f = st.field;
  if (!f.list || !f.door) return;
  const DoorView& door = f.list->doors[*f.door];
  draw_top_bar(ui, door.address.address, false);
  if (st.keyboard.open && st.keyboard.target.field == TextTarget::Field::VisitNote) {
    draw_typing(ui);
    return;
  }
  draw_officer_bar(ui);
  float margin = 0;
  float width = begin_field_column(ui, "door", nav_bar_height(ui), f.door_generation, margin);
  text(ui, ui.fonts.heading, door.address.address, ui.pal.text, width);
  text(ui, ui.fonts.body, door.address.street + (door.address.postcode.empty() ? "" : ", " + door.address.postcode),
       ui.pal.muted, width);
  text(ui, ui.fonts.body, ui.t("kiosk.field.door.last", {{"outcome", door.outcome ? outcome_label(ui, *door.outcome)
                                                                                 : ui.t("kiosk.field.door.not_visited")}}),
       ui.pal.text, width);
  vspace(ui.gap());
  if (button(ui, "door:survey", ui.t("kiosk.field.door.start_survey"), ImVec2(width, 0), Tone::Primary))
    ui.push(act::StartDoorSurvey{});
  vspace(ui.pad());
  text(ui, ui.fonts.heading, ui.t("kiosk.field.door.what_happened"), ui.pal.text, width);
  vspace(ui.gap() * 0.5f);
  const DoorDraft& d = f.draft;
  for (VisitOutcome outcome : kAllVisitOutcomes) {
    std::string name = std::string("outcome:") + visit_outcome_name(outcome);
    if (option_row(ui, name, outcome_label(ui, outcome), d.outcome == outcome, Mark::Radio, width))
      ui.push(act::ChooseOutcome{outcome});
    if (outcome == VisitOutcome::ComeBack && d.outcome == VisitOutcome::ComeBack) draw_come_back_picker(ui, d, width);
  }
  vspace(ui.gap());
  text(ui, ui.fonts.body, ui.t("kiosk.field.door.note"), ui.pal.text, width);
  if (text_field(ui, "door:note", d.note, false, width, true))
    ui.push(act::FocusText{TextTarget{TextTarget::Field::VisitNote, {}, {}}});
  vspace(ui.gap());
  if (!d.message_key.empty()) {
    bool problem = d.message_key != "kiosk.field.door.saved" && d.message_key != "kiosk.field.door.saving";
    if (problem) problem_text(ui, ui.t(d.message_key), width);
    else text(ui, ui.fonts.body, ui.t(d.message_key), ui.pal.text, width);
    vspace(ui.gap() * 0.5f);
  }
  if (button(ui, "door:save", ui.t("kiosk.field.door.save"), ImVec2(width, 0), Tone::Primary)) ui.push(act::SaveVisit{});
  end_field_column(ui, margin);
  draw_nav_bar(ui, true, std::string(), std::string(), std::string(), act::Back{});
}

void draw_field_how_given(Ui& ui) {
  const AppState& st = ui.state;
  const FieldState& f = st.field;
  draw_top_bar(ui, ui.t("kiosk.field.given.title"), false);
  draw_officer_bar(ui);
  float margin = 0;
  float width = begin_field_column(ui, "given", nav_bar_height(ui), 0, margin);
  text(ui, ui.fonts.heading, ui.t("kiosk.field.given.which"), ui.pal.text, width);
  bool any = false;
  for (const CatalogueEntry& e : st.catalogue.entries) {
    if (!e.consultation || !e.offered || !is_open_on(e, st.today)) continue;
    any = true;
    ImGui::PushID(e.id.c_str());
    if (option_row(ui, "survey:" + e.id, e.consultation->title.in(st.language), f.survey_consultation == e.id,
                   Mark::Radio, width))
      ui.push(act::ChooseSurvey{e.id});
    ImGui::PopID();
  }
  if (!any) problem_text(ui, ui.t("kiosk.attract.none_open"), width);
  vspace(ui.pad());
  text(ui, ui.fonts.heading, ui.t("kiosk.field.given.how"), ui.pal.text, width);
  if (option_row(ui, "given:self", ui.t("kiosk.field.given.self"), f.given.mode == GivenMode::SelfCompleted, Mark::Radio, width))
    ui.push(act::SetGivenMode{GivenMode::SelfCompleted});
  if (option_row(ui, "given:read_out", ui.t("kiosk.field.given.read_out"), f.given.mode == GivenMode::ReadOut, Mark::Radio, width))
    ui.push(act::SetGivenMode{GivenMode::ReadOut});
  vspace(ui.gap());
  if (option_row(ui, "given:on_behalf", ui.t("kiosk.field.given.on_behalf"), f.given.on_behalf, Mark::Check, width))
    ui.push(act::ToggleOnBehalf{});
  if (option_row(ui, "given:interpreter", ui.t("kiosk.field.given.interpreter"), f.given.interpreter, Mark::Check, width))
    ui.push(act::ToggleInterpreter{});
  vspace(ui.pad());
  text(ui, ui.fonts.body, ui.t("kiosk.field.given.privacy"), ui.pal.text, width);
  vspace(ui.gap());
  if (button(ui, "given:begin", ui.t("kiosk.field.given.begin"), ImVec2(width, 0), Tone::Primary)) ui.push(act::BeginSurvey{});
  end_field_column(ui, margin);
  draw_nav_bar(ui, true, std::string(), std::string(), std::string(), act::Back{});
}

}  // namespace soundings::kiosk
