// A field tablet's officer screens before the doors: choose your name, your PIN or passphrase, the walk lists;
// and the bar that says who is signed in, with Sign out.
#include <algorithm>

#include "ui/screens.h"

namespace soundings::kiosk {

namespace {
// The content column under the top bar: returns its width and indents by the margin.
}  // namespace

float begin_field_column(Ui& ui, const char* id, float bottom_reserved, uint64_t reset_key, float& margin) {
  ImVec2 avail = ImGui::GetContentRegionAvail();
  begin_scroll_area(ui, id, ImVec2(avail.x, avail.y - bottom_reserved), reset_key);
  float width = content_width(ui, avail.x);
  margin = (avail.x - width) * 0.5f;
  ImGui::Indent(margin);
  vspace(ui.pad());
  return width;
}

void end_field_column(Ui& ui, float margin) {
  ImGui::Unindent(margin);
  end_scroll_area(ui);
}

namespace {

std::string sign_in_message(const Ui& ui) {
  const FieldState& f = ui.state.field;
  if (f.wait_seconds > 0) return ui.t("kiosk.field.sign_in.wait", {{"seconds", std::to_string(f.wait_seconds)}});
  if (f.message_key.empty() || f.message_key == "kiosk.field.sign_in.checking") return {};
  return ui.t(f.message_key);
}

// The passphrase, one star a byte so that the keyboard's cursor (a byte offset) lands where it is in the text.
std::string masked(const std::string& secret) { return std::string(secret.size(), '*'); }
}  // namespace

std::string masked_secret(const std::string& secret) { return masked(secret); }

void draw_officer_bar(Ui& ui) {
  const FieldState& f = ui.state.field;
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float width = ImGui::GetContentRegionAvail().x;
  std::string label = ui.t("kiosk.field.sign_out");
  float w_out = std::min(text_size(ui.fonts.body, label, 0).x + 2 * ui.pad(), width * 0.45f);
  float y = origin.y + ui.gap();
  ImGui::SetCursorScreenPos(ImVec2(origin.x + width - ui.pad() - w_out, y));
  if (button(ui, "field:sign_out", label, ImVec2(w_out, ui.touch()), Tone::Quiet)) ui.push(act::FieldSignOut{});
  float bottom = ImGui::GetItemRectMax().y;
  float text_w = width - 3 * ui.pad() - w_out;
  std::string who = ui.t("kiosk.field.signed_in_as", {{"name", f.officer.name}});
  std::string shown = fit_line(ui.fonts.body, who, text_w);
  draw_one_line(ui, ui.fonts.body, ImVec2(origin.x + ui.pad(), y + (ui.touch() - ui.fonts.body->FontSize) * 0.5f),
                ui.pal.text, shown, text_w);
  bottom += ui.gap();
  ImGui::GetWindowDrawList()->AddLine(ImVec2(origin.x, bottom), ImVec2(origin.x + width, bottom), ui.pal.border, 2.0f * ui.s);
  ImGui::SetCursorScreenPos(ImVec2(origin.x, bottom + 2.0f * ui.s));
}

void draw_field_sign_in(Ui& ui) {
  const FieldState& f = ui.state.field;
  draw_top_bar(ui, ui.t("kiosk.field.sign_in.title"), false);
  float margin = 0;
  float width = begin_field_column(ui, "sign_in", 0, 0, margin);
  if (!f.officers_known) {
    text(ui, ui.fonts.body, ui.t("kiosk.field.sign_in.reading"), ui.pal.muted, width);
  } else if (f.officers.empty()) {
    text(ui, ui.fonts.heading, ui.t("kiosk.field.sign_in.no_staff_title"), ui.pal.text, width);
    vspace(ui.gap());
    text(ui, ui.fonts.body, ui.t("kiosk.field.sign_in.no_staff"), ui.pal.text, width);
    vspace(ui.gap());
    text(ui, ui.fonts.body, ui.t("kiosk.staff.sync_state") + ": " + ui.t("kiosk.sync." + ui.state.staff.sync_state),
         ui.pal.muted, width);
  } else {
    text(ui, ui.fonts.heading, ui.t("kiosk.field.sign_in.choose_name"), ui.pal.text, width);
    vspace(ui.gap());
    for (const OfficerName& officer : f.officers) {
      ImGui::PushID(officer.id.c_str());
      if (button(ui, "officer:" + officer.id, officer.name, ImVec2(width, 0))) ui.push(act::ChooseOfficer{officer.id});
      vspace(ui.gap() * 0.5f);
      ImGui::PopID();
    }
  }
  end_field_column(ui, margin);
}

void draw_field_secret(Ui& ui) {
  const AppState& st = ui.state;
  const FieldState& f = st.field;
  draw_top_bar(ui, ui.t("kiosk.field.sign_in.title"), false);
  if (st.keyboard.open && st.keyboard.target.field == TextTarget::Field::Passphrase) {
    draw_typing(ui);
    return;
  }
  float margin = 0;
  float width = begin_field_column(ui, "secret", nav_bar_height(ui), 0, margin);
  text_centered(ui, ui.fonts.heading, f.officer.name, ui.pal.text, width);
  std::string message = sign_in_message(ui);
  if (f.checking) {
    text_centered(ui, ui.fonts.body, ui.t("kiosk.field.sign_in.checking"), ui.pal.text, width);
  } else if (f.passphrase) {
    text_centered(ui, ui.fonts.body, ui.t("kiosk.field.sign_in.enter_passphrase"), ui.pal.text, width);
  } else {
    text_centered(ui, ui.fonts.body, ui.t("kiosk.field.sign_in.enter_pin"), ui.pal.text, width);
  }
  vspace(ui.gap());
  float w = std::min(width, 720 * ui.s);
  float x = ImGui::GetCursorScreenPos().x + (width - w) * 0.5f;
  if (f.passphrase) {
    if (!message.empty()) problem_text(ui, message, width);
    ImGui::SetCursorScreenPos(ImVec2(x, ImGui::GetCursorScreenPos().y));
    if (text_field(ui, "field:passphrase", masked(f.secret), false, w))
      ui.push(act::FocusText{TextTarget{TextTarget::Field::Passphrase, {}, {}}});
    vspace(ui.gap());
    ImGui::SetCursorScreenPos(ImVec2(x, ImGui::GetCursorScreenPos().y));
    if (button(ui, "field:sign_in", ui.t("kiosk.field.sign_in.go"), ImVec2(w, 0), Tone::Primary)) ui.push(act::PinSubmit{});
  } else {
    PinPadLabels labels{ui.t("kiosk.key.delete"), ui.t("kiosk.pin.ok"), 200.0f * ui.s, f.secret.size()};
    labels.key_width = std::min(labels.key_width, (width - 2 * ui.gap()) / 3.0f);
    draw_pin_pad(ui, labels, message, width);
  }
  vspace(ui.gap());
  ImGui::SetCursorScreenPos(ImVec2(x, ImGui::GetCursorScreenPos().y));
  std::string other = ui.t(f.passphrase ? "kiosk.field.sign_in.use_pin" : "kiosk.field.sign_in.use_passphrase");
  if (button(ui, "field:use_passphrase", other, ImVec2(w, 0), Tone::Quiet)) ui.push(act::UsePassphrase{!f.passphrase});
  end_field_column(ui, margin);
  draw_nav_bar(ui, true, std::string(), std::string(), std::string(), act::Back{});
}

void draw_field_lists(Ui& ui) {
  const FieldState& f = ui.state.field;
  draw_top_bar(ui, ui.t("kiosk.field.lists.title"), false);
  draw_officer_bar(ui);
  float margin = 0;
  float width = begin_field_column(ui, "lists", 0, 0, margin);
  if (f.loading_list) text(ui, ui.fonts.body, ui.t("kiosk.field.lists.opening"), ui.pal.muted, width);
  if (f.lists.empty()) {
    text(ui, ui.fonts.body, ui.t("kiosk.field.lists.none"), ui.pal.text, width);
  } else {
    text(ui, ui.fonts.heading, ui.t("kiosk.field.lists.choose"), ui.pal.text, width);
    vspace(ui.gap());
  }
  for (const WalkListSummary& list : f.lists) {
    ImGui::PushID(list.id.c_str());
    std::string progress = ui.t("kiosk.field.lists.progress", {{"visited", std::to_string(list.visited)},
                                                               {"doors", std::to_string(list.doors)}});
    if (button(ui, "list:" + list.id, list.name + "\n" + progress, ImVec2(width, 0))) ui.push(act::OpenWalkList{list.id});
    vspace(ui.gap() * 0.5f);
    ImGui::PopID();
  }
  if (!f.store_error.empty()) problem_text(ui, ui.t("kiosk.staff.details_en", {{"details", f.store_error}}), width);
  end_field_column(ui, margin);
}

}  // namespace soundings::kiosk
