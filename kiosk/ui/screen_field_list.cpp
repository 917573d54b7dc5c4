// The walk list screen: filters, then streets and doors with what is done. Only the rows in view are drawn
// (ImGuiListClipper), every row the same height, so a list of thousands of doors scrolls within frame time.
#include <imgui_internal.h>

#include <algorithm>

#include "soundings/quality.h"
#include "ui/screens.h"

namespace soundings::kiosk {

std::string outcome_label(const Ui& ui, VisitOutcome outcome) {
  return ui.t(std::string("kiosk.field.outcome.") + visit_outcome_name(outcome));
}

namespace {
// Two lines of body text and padding, never less than a finger.
float row_height(const Ui& ui) { return std::max(ui.touch(), ui.fonts.body->FontSize * 2.3f + ui.gap()); }

// "Come back: 3 Dec 18:00" from the UTC time promised, in the tablet's local time as the officer promised it.
std::string door_status(const Ui& ui, const DoorView& door) {
  if (!door.outcome) return ui.t("kiosk.field.door.not_visited");
  if (*door.outcome != VisitOutcome::ComeBack || door.come_back_at.size() < 16) return outcome_label(ui, *door.outcome);
  // In local time, as the officer promised it (the record keeps UTC).
  TimePoint promised;
  if (!parse_iso8601_utc(door.come_back_at, promised)) return outcome_label(ui, *door.outcome);
  const int offset = ui.state.config.utc_offset_minutes.value_or(local_utc_offset_minutes(promised));
  const std::string local = format_iso8601_utc(promised + std::chrono::minutes(offset));
  // The time first: it is what the queue is sorted by, and what must survive on a narrow row.
  std::string date = format_date(ui, local.substr(0, 10), ui.state.language);
  date = date.substr(0, date.rfind(' '));  // the year goes without saying
  return ui.t("kiosk.field.door.come_back_at", {{"time", local.substr(11, 5)}, {"date", date}});
}

void draw_street_row(Ui& ui, const StreetView& street, float width, float h) {
  ImVec2 pos = ImGui::GetCursorScreenPos();
  std::string count = ui.t("kiosk.field.lists.progress", {{"visited", std::to_string(street.visited)},
                                                          {"doors", std::to_string(street.count)}});
  float count_w = std::min(text_size(ui.fonts.body, count, 0).x, width * 0.45f);
  float y = pos.y + h - ui.fonts.heading->FontSize - ui.gap() * 0.5f;
  std::string name = fit_line(ui.fonts.heading, street.name, width - count_w - ui.gap());
  draw_one_line(ui, ui.fonts.heading, ImVec2(pos.x, y), ui.pal.text, name, width - count_w - ui.gap());
  draw_one_line(ui, ui.fonts.body, ImVec2(pos.x + width - count_w, y + ui.fonts.heading->FontSize - ui.fonts.body->FontSize),
                ui.pal.muted, count, count_w);
  ImGui::Dummy(ImVec2(width, h));
}

void draw_door_row(Ui& ui, size_t index, const DoorView& door, float width, float h) {
  ImVec2 pos = ImGui::GetCursorScreenPos();
  std::string status = door_status(ui, door);
  bool pressed = tap_area(ui, "door:" + door.address.uprn, ImVec2(width, h), door.address.address);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImVec2 max(pos.x + width, pos.y + h);
  draw->AddRectFilled(pos, max, door.outcome ? ui.pal.background : ui.pal.surface, 10 * ui.s);
  draw->AddRect(pos, max, ui.pal.border, 10 * ui.s, 0, 2 * ui.s);
  float inner = width - 2 * ui.pad();
  float line = ui.fonts.body->FontSize;
  float top = pos.y + (h - 2 * line - ui.gap() * 0.25f) * 0.5f;
  Box row{pos.x, pos.y, max.x, max.y};
  std::string address = fit_line(ui.fonts.body, door.address.address, inner);
  draw_text_at(ui, ui.fonts.body, ImVec2(pos.x + ui.pad(), top), ui.pal.text, address, inner, Align::Left, &row);
  // Done or not is said in words (a tick alone would be colour and shape only).
  std::string shown = fit_line(ui.fonts.body, status, inner);
  draw_text_at(ui, ui.fonts.body, ImVec2(pos.x + ui.pad(), top + line + ui.gap() * 0.25f),
               door.outcome ? ui.pal.text : ui.pal.muted, shown, inner, Align::Left, &row);
  if (pressed) ui.push(act::OpenDoor{index});
}

void draw_filters(Ui& ui, const WalkListView& list, float width) {
  struct Choice {
    DoorFilter filter;
    const char* name;
    const char* key;
  };
  const Choice choices[] = {{DoorFilter::All, "filter:all", "kiosk.field.filter.all"},
                            {DoorFilter::NotVisited, "filter:not_visited", "kiosk.field.filter.not_visited"},
                            {DoorFilter::ComeBack, "filter:come_back", "kiosk.field.filter.come_back"}};
  float w = (width - 2 * ui.gap()) / 3.0f;
  // Three across when each label fits on two lines; otherwise one above the other.
  bool across = true;
  for (const Choice& c : choices)
    if (text_size(ui.fonts.body, ui.t(c.key), w - 2 * ui.pad() - ui.fonts.body->FontSize * 1.2f).y > ui.fonts.body->FontSize * 2.6f)
      across = false;
  ImVec2 start = ImGui::GetCursorScreenPos();
  float bottom = start.y;
  for (size_t i = 0; i < 3; ++i) {
    const Choice& c = choices[i];
    if (across) ImGui::SetCursorScreenPos(ImVec2(start.x + static_cast<float>(i) * (w + ui.gap()), start.y));
    if (button(ui, c.name, ui.t(c.key), ImVec2(across ? w : width, 0), Tone::Secondary, list.filter == c.filter))
      ui.push(act::SetDoorFilter{c.filter});
    bottom = std::max(bottom, ImGui::GetItemRectMax().y);
    if (!across) vspace(ui.gap() * 0.5f);
  }
  ImGui::SetCursorScreenPos(ImVec2(start.x, bottom + ui.gap()));
}
}  // namespace

void draw_field_list(Ui& ui) {
  const FieldState& f = ui.state.field;
  if (!f.list) return;
  const WalkListView& list = *f.list;
  draw_top_bar(ui, list.name, false);
  draw_officer_bar(ui);
  // The progress and filters stay above the doors, so that on a long list they are always at hand; only when
  // they would leave room for fewer than three rows (a short screen, large text) do they scroll with the doors.
  const float h = row_height(ui);
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID header_key = ImGui::GetID("##list_header_height");
  const float header_h = storage->GetFloat(header_key, 0.0f);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool fixed = avail.y - header_h - nav_bar_height(ui) >= 3 * (h + ui.gap());
  float margin = (avail.x - content_width(ui, avail.x)) * 0.5f;
  float width = 0;
  auto header = [&] {
    float top = ImGui::GetCursorScreenPos().y;
    vspace(ui.gap() * 0.5f);
    text(ui, ui.fonts.body, ui.t("kiosk.field.lists.progress", {{"visited", std::to_string(list.visited)},
                                                              {"doors", std::to_string(list.doors.size())}}),
         ui.pal.text, width);
    vspace(ui.gap() * 0.5f);
    draw_filters(ui, list, width);
    storage->SetFloat(header_key, ImGui::GetCursorScreenPos().y - top);
  };
  if (fixed) {
    width = content_width(ui, avail.x);
    ImGui::Indent(margin);
    header();
    ImGui::Unindent(margin);
    width = begin_field_column(ui, "doors", nav_bar_height(ui), f.list_generation, margin);
  } else {
    width = begin_field_column(ui, "doors", nav_bar_height(ui), f.list_generation, margin);
    header();
  }
  if (list.rows.empty()) {
    vspace(ui.gap());
    text(ui, ui.fonts.body, ui.t(list.filter == DoorFilter::ComeBack ? "kiosk.field.list.no_come_back"
                                                                      : "kiosk.field.list.all_visited"),
         ui.pal.text, width);
  }
  // Every row exactly h + half a gap apart, as the clipper is told.
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(list.rows.size()), h + ui.gap() * 0.5f);
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const ListRow& row = list.rows[static_cast<size_t>(i)];
      ImGui::PushID(i);
      if (row.street) draw_street_row(ui, list.streets[row.index], width, h);
      else draw_door_row(ui, row.index, list.doors[row.index], width, h);
      vspace(ui.gap() * 0.5f);
      ImGui::PopID();
    }
  }
  ImGui::PopStyleVar();
  end_field_column(ui, margin);
  draw_nav_bar(ui, true, std::string(), std::string(), std::string(), act::Back{});
}

}  // namespace soundings::kiosk
