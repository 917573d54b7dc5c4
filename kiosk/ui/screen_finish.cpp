// The end of a visit: review and submit, saving, a failed save, and the thank-you screen.
#include <algorithm>

#include "ui/screens.h"

namespace soundings::kiosk {

void draw_review(Ui& ui) {
  const AppState& st = ui.state;
  if (!st.session) return;
  const Session& session = *st.session;
  const std::string& lang = st.language;
  draw_top_bar(ui, session.consultation().title.in(lang), true);

  ImVec2 avail = ImGui::GetContentRegionAvail();
  float width = content_width(ui, avail.x);
  float margin = (avail.x - width) * 0.5f;
  begin_scroll_area(ui, "review", ImVec2(avail.x, avail.y - nav_bar_height(ui)), st.page_generation);
  ImGui::Indent(margin);
  vspace(ui.pad());
  text(ui, ui.fonts.heading, ui.t("kiosk.review.title"), ui.pal.text, width);
  text(ui, ui.fonts.body, ui.t("kiosk.review.intro"), ui.pal.muted, width);
  vspace(ui.pad());
  float change_w = std::min(320.0f * ui.s, width * 0.3f);
  float words_w = width - change_w - ui.pad();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (const ReviewItem& item : session.review()) {
    ImGui::PushID(item.question_id.c_str());
    ImVec2 top = ImGui::GetCursorScreenPos();
    ImGui::BeginGroup();
    text(ui, ui.fonts.body, item.question_text, ui.pal.muted, words_w);
    std::string answer = item.answer_text.empty() ? ui.t("kiosk.review.no_answer") : item.answer_text;
    text(ui, ui.fonts.bold, answer, ui.pal.text, words_w);
    ImGui::EndGroup();
    float bottom = ImGui::GetItemRectMax().y;
    ImGui::SetCursorScreenPos(ImVec2(top.x + width - change_w, top.y));
    if (button(ui, "change:" + item.question_id, ui.t("kiosk.review.change"), ImVec2(change_w, 0)))
      ui.push(act::GoToPage{item.page_index});
    bottom = std::max(bottom, ImGui::GetItemRectMax().y) + ui.gap();
    draw->AddLine(ImVec2(top.x, bottom), ImVec2(top.x + width, bottom), ui.pal.border, 1.5f * ui.s);
    ImGui::SetCursorScreenPos(ImVec2(top.x, bottom + ui.gap()));
    ImGui::PopID();
  }
  ImGui::Unindent(margin);
  end_scroll_area(ui);
  draw_nav_bar(ui, true, std::string(), "submit", ui.t("kiosk.review.submit"), act::Submit{});
}

namespace {
// A centred column of text for the short status screens.
void centred_message(Ui& ui, const std::string& title, const std::vector<std::string>& lines, float top_fraction,
                     bool tick = false) {
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float width = content_width(ui, avail.x);
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos(ImVec2(origin.x + (avail.x - width) * 0.5f, origin.y + avail.y * top_fraction));
  ImGui::BeginGroup();
  if (tick) {
    // A large tick: done, and safely saved.
    float r = 56.0f * ui.s;
    ImVec2 at = ImGui::GetCursorScreenPos();
    ImVec2 c(at.x + width * 0.5f, at.y + r);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddCircleFilled(c, r, ui.pal.primary, 48);
    draw_tick(draw, ImVec2(c.x - r * 0.6f, c.y - r * 0.6f), ImVec2(c.x + r * 0.6f, c.y + r * 0.6f), ui.pal.on_primary, 9.0f * ui.s);
    vspace(2 * r + ui.gap());
  }
  text_centered(ui, ui.fonts.display, title, ui.pal.text, width);
  vspace(ui.pad());
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    text_centered(ui, ui.fonts.body, line, ui.pal.text, width);
    vspace(ui.gap());
  }
  ImGui::EndGroup();
}
}  // namespace

// The short screens scroll too: with large text on a short screen their button can be below the fold.
void begin_status_area(Ui& ui, const char* id) {
  draw_top_bar(ui, std::string(), false);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  begin_scroll_area(ui, id, avail, 0);
}

void draw_saving(Ui& ui) {
  begin_status_area(ui, "saving");
  centred_message(ui, ui.t("kiosk.saving.title"), {ui.t("kiosk.saving.body")}, 0.25f);
  end_scroll_area(ui);
}

void draw_save_failed(Ui& ui) {
  begin_status_area(ui, "save_failed");
  centred_message(ui, ui.t("kiosk.save_failed.title"),
                  {ui.t("kiosk.save_failed.body"),
                   ui.t("kiosk.save_failed.tries", {{"count", std::to_string(ui.state.save_attempts)}})},
                  0.15f);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float w = std::min(600.0f * ui.s, avail.x - 2 * ui.pad());
  ImGui::SetCursorScreenPos(ImVec2(ImGui::GetCursorScreenPos().x + (avail.x - w) * 0.5f, ImGui::GetCursorScreenPos().y + ui.pad()));
  if (button(ui, "retry", ui.t("kiosk.save_failed.retry"), ImVec2(w, ui.touch() * 1.2f), Tone::Primary))
    ui.push(act::RetrySave{});
  vspace(ui.pad());
  // For staff: what the store said.
  float width = content_width(ui, avail.x);
  ImGui::SetCursorScreenPos(ImVec2(ImGui::GetWindowPos().x + (avail.x - width) * 0.5f, ImGui::GetCursorScreenPos().y));
  text_centered(ui, ui.fonts.body, ui.state.save_error, ui.pal.muted, width);
  end_scroll_area(ui);
}

void draw_thanks(Ui& ui) {
  const AppState& st = ui.state;
  const std::string& lang = st.language;
  begin_status_area(ui, "thanks");
  std::vector<std::string> lines = {ui.t("kiosk.thanks.saved")};
  if (st.thanks_consultation) {
    const Consultation& c = *st.thanks_consultation;
    lines.push_back(ui.t("kiosk.thanks.next"));
    lines.push_back(c.results_how.in(lang));  // says when as well (FORMAT.md): no second line with the date
  }
  centred_message(ui, ui.t("kiosk.thanks.title"), lines, 0.06f, true);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  vspace(ui.pad());
  float width = content_width(ui, avail.x);
  float left = ImGui::GetWindowPos().x + (avail.x - width) * 0.5f;
  ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y));
  text_centered(ui, ui.fonts.body, ui.t("kiosk.thanks.returning", {{"seconds", std::to_string(st.countdown_seconds)}}),
                ui.pal.muted, width);
  float w = std::min(600.0f * ui.s, width);
  ImGui::SetCursorScreenPos(ImVec2(left + (width - w) * 0.5f, ImGui::GetCursorScreenPos().y + ui.gap()));
  if (button(ui, "finish", ui.t("kiosk.thanks.finish"), ImVec2(w, ui.touch() * 1.2f), Tone::Primary))
    ui.push(act::FinishThanks{});
  end_scroll_area(ui);
}

}  // namespace soundings::kiosk
