// Staff screens: the PIN pad (with lockout) and the staff screen (consultations shown, venue, counts, sync, exit).
#include <algorithm>

#include "ui/screens.h"

namespace soundings::kiosk {

float draw_pin_pad(Ui& ui, const PinPadLabels& labels, const std::string& message, float width) {
  const AppState& st = ui.state;
  float key = labels.key_width;
  float key_h = ui.touch();
  float pad_w = key * 3 + ui.gap() * 2;
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float x0 = origin.x + (width - pad_w) * 0.5f;

  // One dot per digit typed; the digits themselves are never shown.
  const int typed = static_cast<int>(labels.typed.value_or(st.pin.entry.size()));
  const int slots = std::max(8, typed);
  float r = std::min(16 * ui.s, width / (3.0f * static_cast<float>(slots)));
  float dots_w = static_cast<float>(slots) * r * 3;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int i = 0; i < slots; ++i) {
    ImVec2 c(origin.x + (width - dots_w) * 0.5f + static_cast<float>(i) * r * 3 + r, origin.y + ui.gap() + r);
    if (i < typed) draw->AddCircleFilled(c, r, ui.pal.text, 24);
    else draw->AddCircle(c, r, ui.pal.border, 24, 2.5f * ui.s);
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + 2 * r + 2 * ui.gap()));
  if (message.empty()) text_centered(ui, ui.fonts.body, " ", ui.pal.error, width);
  else problem_text(ui, message, width);

  const char* keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "back", "0", "ok"};
  float y = ImGui::GetCursorScreenPos().y + ui.gap();
  for (int i = 0; i < 12; ++i) {
    float x = x0 + static_cast<float>(i % 3) * (key + ui.gap());
    float ky = y + static_cast<float>(i / 3) * (key_h + ui.gap());
    ImGui::SetCursorScreenPos(ImVec2(x, ky));
    std::string k = keys[i];
    if (k == "back") {
      if (button(ui, "pin:back", labels.erase, ImVec2(key, key_h), Tone::Quiet)) ui.push(act::PinBackspace{});
    } else if (k == "ok") {
      if (button(ui, "pin:ok", labels.ok, ImVec2(key, key_h), Tone::Primary)) ui.push(act::PinSubmit{});
    } else if (button(ui, "pin:" + k, k, ImVec2(key, key_h))) {
      ui.push(act::PinDigit{k[0]});
    }
  }
  ImGui::SetCursorScreenPos(ImVec2(x0, y + 4 * (key_h + ui.gap()) + ui.gap()));
  return pad_w;
}

void draw_staff_pin(Ui& ui) {
  const AppState& st = ui.state;
  draw_top_bar(ui, ui.t("kiosk.staff.title"), false);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  // Scrolls when large text on a short screen pushes Cancel below the fold.
  begin_scroll_area(ui, "pin", avail, 0);
  avail.x = ImGui::GetContentRegionAvail().x;
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + ui.pad()));
  text_centered(ui, ui.fonts.heading, ui.t("kiosk.pin.enter"), ui.pal.text, avail.x);
  std::string message;
  if (st.lock_seconds_left > 0)
    message = ui.t("kiosk.pin.locked", {{"seconds", std::to_string(st.lock_seconds_left)}});
  else if (!st.pin.message_key.empty())
    message = ui.t(st.pin.message_key);
  // Wide enough for "Dileu" / "Delete" at large text.
  PinPadLabels labels{ui.t("kiosk.key.delete"), ui.t("kiosk.pin.ok"), 240.0f * ui.s, std::nullopt};
  float pad_w = draw_pin_pad(ui, labels, message, avail.x);
  if (button(ui, "pin:cancel", ui.t("kiosk.pin.cancel"), ImVec2(pad_w, 0), Tone::Secondary)) ui.push(act::CloseStaff{});
  end_scroll_area(ui);
}

std::string staff_sync_error(const StaffView& view, const std::string& language) {
  // Not enrolled: the sync state says so in the screen's language; the agent's English words would only repeat it.
  if (view.sync_error.empty() || view.sync_state == "not_enrolled") return {};
  return ui_text("kiosk.staff.details_en", language, {{"details", view.sync_error}});
}

namespace {
void row(Ui& ui, const std::string& label, const std::string& value, float width) {
  float label_w = width * 0.4f;
  // A label with a word too long for its column (narrow screens, large text) goes above its value.
  if (lay_out_text(ui.fonts.body, label, label_w).size < ui.fonts.body->FontSize) {
    text(ui, ui.fonts.body, label, ui.pal.muted, width);
    text(ui, ui.fonts.body, value.empty() ? "—" : value, ui.pal.text, width);
    vspace(ui.gap() * 0.5f);
    return;
  }
  ImVec2 pos = ImGui::GetCursorScreenPos();
  text(ui, ui.fonts.body, label, ui.pal.muted, label_w);
  float end = ImGui::GetCursorScreenPos().y;
  ImGui::SetCursorScreenPos(ImVec2(pos.x + label_w + ui.gap(), pos.y));
  text(ui, ui.fonts.body, value.empty() ? "—" : value, ui.pal.text, width - label_w - ui.gap());
  ImGui::SetCursorScreenPos(ImVec2(pos.x, std::max(end, ImGui::GetCursorScreenPos().y) + ui.gap() * 0.5f));
}
}  // namespace

void draw_staff(Ui& ui) {
  const AppState& st = ui.state;
  const std::string& lang = st.language;
  draw_top_bar(ui, ui.t("kiosk.staff.title"), false);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float width = content_width(ui, avail.x);
  float margin = (avail.x - width) * 0.5f;
  bool typing = st.keyboard.open && st.editing_venue;
  if (typing) {
    draw_typing(ui);
    return;
  }
  begin_scroll_area(ui, "staff", ImVec2(avail.x, avail.y - nav_bar_height(ui)), 0);
  ImGui::Indent(margin);
  vspace(ui.pad());

  if (st.config.seal_public_key.empty()) {
    problem_text(ui, ui.t("kiosk.staff.no_seal_key"), width);
    vspace(ui.gap());
  }

  text(ui, ui.fonts.heading, ui.t("kiosk.staff.counts"), ui.pal.text, width);
  const StaffView& v = st.staff;
  row(ui, ui.t("kiosk.staff.today"), v.counts_known ? std::to_string(v.today) : "…", width);
  row(ui, ui.t("kiosk.staff.waiting"), v.counts_known ? std::to_string(v.waiting) : "…", width);
  row(ui, ui.t("kiosk.staff.sent"), v.counts_known ? std::to_string(v.confirmed) : "…", width);
  row(ui, ui.t("kiosk.staff.needs_review"), v.counts_known ? std::to_string(v.needs_review) : "…", width);
  row(ui, ui.t("kiosk.staff.sync_state"), ui.t("kiosk.sync." + v.sync_state), width);
  row(ui, ui.t("kiosk.staff.last_sync"), v.last_sync, width);
  if (std::string said = staff_sync_error(v, lang); !said.empty()) row(ui, ui.t("kiosk.staff.sync_error"), said, width);
  // The store's own words are English: the Welsh screen says so rather than pass them off as Welsh.
  if (!v.store_error.empty())
    row(ui, ui.t("kiosk.staff.store_error"), ui.t("kiosk.staff.details_en", {{"details", v.store_error}}), width);
  if (st.speech.state == SpeechState::Unavailable)
    row(ui, ui.t("kiosk.staff.read_aloud_off"), ui.t("kiosk.staff.details_en", {{"details", st.speech.last_error}}), width);
  if (button(ui, "staff:refresh", ui.t("kiosk.staff.refresh"), ImVec2(std::min(width, 420 * ui.s), 0), Tone::Quiet))
    ui.push(act::StaffRefresh{});
  vspace(ui.pad());

  text(ui, ui.fonts.heading, ui.t("kiosk.staff.venue"), ui.pal.text, width);
  text(ui, ui.fonts.body, ui.t("kiosk.staff.venue_help"), ui.pal.muted, width);
  std::string venue = st.editing_venue ? st.venue_draft : st.config.venue;
  if (text_field(ui, "staff:venue", venue, typing, width)) ui.push(act::StaffEditVenue{});
  vspace(ui.pad());

  text(ui, ui.fonts.heading, ui.t("kiosk.staff.consultations"), ui.pal.text, width);
  text(ui, ui.fonts.body, ui.t("kiosk.staff.consultations_help"), ui.pal.muted, width);
  for (const CatalogueEntry& e : st.catalogue.entries) {
    ImGui::PushID(e.id.c_str());
    ImGui::PushID(e.source.c_str());
    if (e.consultation) {
      std::string label = e.consultation->title.in(lang) + "  (" + e.id + " v" + std::to_string(e.version) + ", " +
                          e.consultation->opens + " – " + e.consultation->closes + ")";
      if (option_row(ui, "staff:offer:" + e.id, label, e.offered, Mark::Check, width))
        ui.push(act::StaffSetOffered{e.id, !e.offered});
    } else {
      // A refused file: the validator's own words, so staff can pass them on.
      problem_text(ui, ui.t("kiosk.staff.refused", {{"source", e.source.empty() ? e.id : e.source}}), width);
      for (const std::string& p : e.problems) text(ui, ui.fonts.body, "  " + p, ui.pal.text, width);
    }
    vspace(ui.gap() * 0.5f);
    ImGui::PopID();
    ImGui::PopID();
  }
  vspace(ui.pad());
  float third = (width - 2 * ui.gap()) / 3.0f;
  if (button(ui, "staff:fullscreen", ui.t("kiosk.staff.fullscreen"), ImVec2(third, 0))) ui.push(act::StaffToggleFullscreen{});
  ImGui::SameLine(0, ui.gap());
  if (button(ui, "staff:exit", ui.t("kiosk.staff.exit"), ImVec2(third, 0), Tone::Warning)) ui.push(act::StaffExit{});
  ImGui::Unindent(margin);
  end_scroll_area(ui);

  draw_nav_bar(ui, false, std::string(), "staff:close", ui.t("kiosk.staff.close"), act::CloseStaff{});
}

}  // namespace soundings::kiosk
