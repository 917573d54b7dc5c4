// The consultation intro: purpose, the decision, what can and cannot change, dates, results, privacy; Start.
#include <algorithm>

#include "ui/screens.h"

namespace soundings::kiosk {

namespace {
void section(Ui& ui, const std::string& heading_key, const std::string& body, float width) {
  if (body.empty()) return;
  text(ui, ui.fonts.heading, ui.t(heading_key), ui.pal.text, width);
  text(ui, ui.fonts.body, body, ui.pal.text, width);
  vspace(ui.gap() * 1.5f);
}
}  // namespace

void draw_intro(Ui& ui) {
  const AppState& st = ui.state;
  if (!st.open_consultation) return;
  const Consultation& c = *st.open_consultation;
  const std::string& lang = st.language;
  draw_top_bar(ui, c.title.in(lang), true);

  ImVec2 avail = ImGui::GetContentRegionAvail();
  float width = content_width(ui, avail.x);
  float margin = (avail.x - width) * 0.5f;
  begin_scroll_area(ui, "intro", ImVec2(avail.x, avail.y - nav_bar_height(ui)), st.page_generation);
  ImGui::Indent(margin);
  vspace(ui.pad());
  text(ui, ui.fonts.heading, c.title.in(lang), ui.pal.text, width);
  text(ui, ui.fonts.body, c.summary.in(lang), ui.pal.text, width);
  vspace(ui.gap() * 1.5f);
  section(ui, "kiosk.intro.purpose", c.purpose.in(lang), width);
  std::string decision = c.decision.in(lang);
  if (!c.decision_maker.empty())
    decision.append("\n").append(ui.t("kiosk.intro.decided_by", {{"who", c.decision_maker.in(lang)}}));
  section(ui, "kiosk.intro.decision", decision, width);
  section(ui, "kiosk.intro.can_change", c.can_change.in(lang), width);
  section(ui, "kiosk.intro.cannot_change", c.cannot_change.in(lang), width);
  section(ui, "kiosk.intro.closes", ui.t("kiosk.intro.closes_on", {{"date", format_date(ui, c.closes, lang)}}), width);
  // `how` says how and when (FORMAT.md); a line built from `date` as well said the date twice.
  section(ui, "kiosk.intro.results", c.results_how.in(lang), width);
  section(ui, "kiosk.intro.privacy", c.privacy_notice.in(lang), width);
  if (st.config.seal_public_key.empty()) {
    // Without head office's key nothing personal can be kept safely, so it is not asked.
    text(ui, ui.fonts.body, ui.t("kiosk.intro.no_personal"), ui.pal.muted, width);
    vspace(ui.gap());
  }
  section(ui, "kiosk.intro.contact", c.contact.in(lang), width);
  ImGui::Unindent(margin);
  end_scroll_area(ui);

  std::string start_label = st.session ? ui.t("kiosk.intro.carry_on") : ui.t("kiosk.intro.start");
  draw_nav_bar(ui, true, std::string(), "start", start_label, act::StartSession{});
}

}  // namespace soundings::kiosk
