// The attract screen: bilingual welcome, language choice in words, open consultations as cards, "you said, we did".
#include <algorithm>

#include "ui/catalogue.h"
#include "ui/screens.h"

namespace soundings::kiosk {

namespace {

const CatalogueEntry* current_feedback(const AppState& st, size_t& count) {
  std::vector<const CatalogueEntry*> with;
  for (const CatalogueEntry& e : st.catalogue.entries)
    if (e.consultation && e.feedback) with.push_back(&e);
  count = with.size();
  if (with.empty()) return nullptr;
  return with[st.feedback_index % with.size()];
}

// One consultation card: title in the chosen language, then in the other, and the closing date.
void card(Ui& ui, const CatalogueEntry& entry, float width, float min_height) {
  const Consultation& c = *entry.consultation;
  const std::string& lang = ui.state.language;
  std::string other = lang == "cy" ? "en" : "cy";
  std::string title = c.title.in(lang);
  std::string title_other = c.declares(other) ? c.title.in(other) : std::string();
  std::string closes = ui.t("kiosk.attract.closes", {{"date", format_date(ui, c.closes, lang)}});
  float inner = width - 2 * ui.pad();
  float h = ui.pad() + text_size(ui.fonts.heading, title, inner).y + ui.gap() +
            (title_other.empty() ? 0.0f : text_size(ui.fonts.body, title_other, inner).y + ui.gap()) +
            text_size(ui.fonts.body, closes, inner).y + ui.pad();
  h = std::max(h, min_height);
  ImVec2 pos = ImGui::GetCursorScreenPos();
  std::string name = "card:" + entry.id;
  bool pressed = ImGui::InvisibleButton(name.c_str(), ImVec2(width, h)) && was_tap(ui);
  bool held = ImGui::IsItemActive();
  record_target(ui, name, pos, ImVec2(pos.x + width, pos.y + h));
  if (pressed) ui.push(act::OpenConsultation{entry.id});

  const Palette& p = ui.pal;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImVec2 max(pos.x + width, pos.y + h);
  draw->AddRectFilled(pos, max, p.surface, 16 * ui.s);
  draw->AddRect(pos, max, held ? p.focus : p.border, 16 * ui.s, 0, (held ? 6.0f : 3.0f) * ui.s);
  draw->AddRectFilled(pos, ImVec2(pos.x + 14 * ui.s, max.y), p.primary, 16 * ui.s, ImDrawFlags_RoundCornersLeft);
  float x = pos.x + ui.pad() + 8 * ui.s;
  float y = pos.y + ui.pad();
  draw->AddText(ui.fonts.heading, ui.fonts.heading->FontSize, ImVec2(x, y), p.text, title.c_str(), nullptr, inner - 8 * ui.s);
  y += text_size(ui.fonts.heading, title, inner - 8 * ui.s).y + ui.gap();
  if (!title_other.empty()) {
    draw->AddText(ui.fonts.body, ui.fonts.body->FontSize, ImVec2(x, y), p.muted, title_other.c_str(), nullptr, inner - 8 * ui.s);
    y += text_size(ui.fonts.body, title_other, inner - 8 * ui.s).y + ui.gap();
  }
  draw->AddText(ui.fonts.body, ui.fonts.body->FontSize, ImVec2(x, y), p.text, closes.c_str(), nullptr, inner - 8 * ui.s);
}

void feedback_panel(Ui& ui, float width) {
  size_t count = 0;
  const CatalogueEntry* entry = current_feedback(ui.state, count);
  if (entry == nullptr) return;
  const std::string& lang = ui.state.language;
  const Feedback& f = *entry->feedback;
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->ChannelsSplit(2);
  draw->ChannelsSetCurrent(1);
  float inner = width - 2 * ui.pad();
  ImGui::SetCursorScreenPos(ImVec2(pos.x + ui.pad(), pos.y + ui.pad()));
  ImGui::BeginGroup();
  text(ui, ui.fonts.heading, ui.first("kiosk.attract.you_said_we_did") + " / " + ui.second("kiosk.attract.you_said_we_did"),
       ui.pal.text, inner);
  text(ui, ui.fonts.body, entry->consultation->title.in(lang), ui.pal.muted, inner);
  vspace(ui.gap() * 0.5f);
  text(ui, ui.fonts.body, ui.t("kiosk.attract.you_said") + " " + f.you_said.in(lang), ui.pal.text, inner);
  vspace(ui.gap() * 0.5f);
  text(ui, ui.fonts.body, ui.t("kiosk.attract.we_did") + " " + f.we_did.in(lang), ui.pal.text, inner);
  if (count > 1) {
    // Which of the results is showing: filled dot for the current one.
    vspace(ui.gap());
    ImVec2 d = ImGui::GetCursorScreenPos();
    float r = 9 * ui.s;
    for (size_t i = 0; i < count; ++i) {
      ImVec2 c(d.x + r + static_cast<float>(i) * r * 3.5f, d.y + r);
      if (i == ui.state.feedback_index % count) draw->AddCircleFilled(c, r, ui.pal.text, 20);
      else draw->AddCircle(c, r, ui.pal.text, 20, 2.5f * ui.s);
    }
    vspace(2 * r);
  }
  ImGui::EndGroup();
  float bottom = ImGui::GetItemRectMax().y + ui.pad();
  draw->ChannelsSetCurrent(0);
  draw->AddRectFilled(pos, ImVec2(pos.x + width, bottom), ui.pal.surface, 16 * ui.s);
  draw->AddRect(pos, ImVec2(pos.x + width, bottom), ui.pal.border, 16 * ui.s, 0, 3.0f * ui.s);
  draw->ChannelsMerge();
  ImGui::SetCursorScreenPos(ImVec2(pos.x, bottom + ui.gap()));
  ImGui::Dummy(ImVec2(width, 1));
}

}  // namespace

void draw_attract(Ui& ui) {
  const AppState& st = ui.state;
  ImVec2 full = ImGui::GetContentRegionAvail();
  float margin = std::max(ui.pad() * 2.0f, (full.x - 1760.0f * ui.s) * 0.5f);
  float width = full.x - 2 * margin;
  float top = ui.gap();

  // Council name, in both languages (from the consultations: each names its council).
  std::string council_first, council_second;
  for (const CatalogueEntry& e : st.catalogue.entries)
    if (e.consultation) {
      council_first = e.consultation->council.in(ui.lang_first());
      council_second = e.consultation->council.in(ui.lang_second());
      break;
    }

  bool pin_missing = st.config.staff_pin_hash.empty();
  float banner_h = pin_missing ? ui.touch() : 0.0f;
  begin_scroll_area(ui, "attract", ImVec2(full.x, full.y - banner_h), 0);
  ImGui::Indent(margin);
  vspace(top);
  float toggles_top = ImGui::GetCursorScreenPos().y;
  draw_bilingual_toggles(ui, ImGui::GetWindowPos().x + margin + width, toggles_top, ui.touch());
  ImGui::SetCursorScreenPos(ImVec2(ImGui::GetWindowPos().x + margin, toggles_top));
  float council_w = width * 0.45f;
  if (!council_first.empty()) {
    text(ui, ui.fonts.body, council_first, ui.pal.text, council_w);
    if (council_second != council_first) text(ui, ui.fonts.body, council_second, ui.pal.muted, council_w);
  }
  ImGui::SetCursorScreenPos(ImVec2(ImGui::GetWindowPos().x + margin,
                                   std::max(ImGui::GetCursorScreenPos().y, toggles_top + ui.touch()) + ui.gap()));

  // Welcome in both languages, the read-first one first.
  text(ui, ui.fonts.display, ui.first("kiosk.attract.welcome") + " · " + ui.second("kiosk.attract.welcome"), ui.pal.text, width);
  text(ui, ui.fonts.heading, ui.first("kiosk.attract.have_your_say"), ui.pal.text, width);
  text(ui, ui.fonts.body, ui.second("kiosk.attract.have_your_say"), ui.pal.muted, width);
  vspace(ui.gap());

  // The language choice, in words (W3).
  text(ui, ui.fonts.body, ui.first("kiosk.attract.choose_language") + " / " + ui.second("kiosk.attract.choose_language"),
       ui.pal.text, width);
  float lang_w = std::min(420.0f * ui.s, (width - ui.gap()) * 0.5f);
  for (const std::string& code : {ui.lang_first(), ui.lang_second()}) {
    if (button(ui, "lang:" + code, ui_text("kiosk.language_name", code), ImVec2(lang_w, ui.touch() * 1.1f),
               Tone::Secondary, st.language == code))
      ui.push(act::ChooseLanguage{code});
    ImGui::SameLine(0, ui.gap());
  }
  ImGui::NewLine();
  vspace(ui.gap());

  // The menu of involvement: open consultations as cards, feedback beside them.
  std::vector<const CatalogueEntry*> open, upcoming;
  for (const CatalogueEntry& e : st.catalogue.entries) {
    if (is_open_on(e, st.today)) open.push_back(&e);
    else if (is_upcoming_on(e, st.today)) upcoming.push_back(&e);
  }
  size_t fb_count = 0;
  bool feedback = current_feedback(st, fb_count) != nullptr;
  bool side = feedback && width > 1300.0f * ui.s && !st.large_text;
  float cards_w = side ? width * 0.62f : width;
  float side_x = ImGui::GetCursorScreenPos().x + cards_w + ui.pad();
  float section_y = ImGui::GetCursorScreenPos().y;

  ImGui::BeginGroup();
  text(ui, ui.fonts.heading, ui.t("kiosk.attract.open_consultations"), ui.pal.text, cards_w);
  if (open.empty()) text(ui, ui.fonts.body, ui.t("kiosk.attract.none_open"), ui.pal.text, cards_w);
  int columns = (cards_w > 1000.0f * ui.s && !st.large_text) ? 2 : 1;
  float card_w = (cards_w - ui.gap() * static_cast<float>(columns - 1)) / static_cast<float>(columns);
  for (size_t i = 0; i < open.size(); ++i) {
    if (i % static_cast<size_t>(columns) != 0) ImGui::SameLine(0, ui.gap());
    card(ui, *open[i], card_w, 200.0f * ui.s);
  }
  if (!upcoming.empty()) {
    vspace(ui.gap());
    text(ui, ui.fonts.body, ui.t("kiosk.attract.coming_soon"), ui.pal.text, cards_w);
    for (const CatalogueEntry* e : upcoming)
      text(ui, ui.fonts.body,
           "• " + e->consultation->title.in(st.language) + " — " +
               ui.t("kiosk.attract.opens", {{"date", format_date(ui, e->consultation->opens, st.language)}}),
           ui.pal.muted, cards_w);
  }
  ImGui::EndGroup();

  if (feedback) {
    if (side) ImGui::SetCursorScreenPos(ImVec2(side_x, section_y));
    else vspace(ui.gap());
    feedback_panel(ui, side ? width - cards_w - ui.pad() : width);
  }
  ImGui::Unindent(margin);
  end_scroll_area(ui);

  if (pin_missing) {
    ImVec2 pos = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(pos, ImVec2(pos.x + full.x, pos.y + banner_h), ui.pal.warning_bg);
    draw->AddLine(pos, ImVec2(pos.x + full.x, pos.y), ui.pal.border, 3 * ui.s);
    std::string words = ui.first("kiosk.staff.pin_not_set") + " / " + ui.second("kiosk.staff.pin_not_set");
    draw_warning_sign(draw, ImVec2(pos.x + ui.pad(), pos.y + (banner_h - ui.fonts.body->FontSize) * 0.5f),
                      ui.fonts.body->FontSize, ui.pal.warning_text);
    float x = pos.x + ui.pad() * 2 + ui.fonts.body->FontSize;
    float wrap = full.x - x - ui.pad();
    ImVec2 ts = text_size(ui.fonts.body, words, wrap);
    draw->AddText(ui.fonts.body, ui.fonts.body->FontSize, ImVec2(x, pos.y + std::max(0.0f, (banner_h - ts.y) * 0.5f)),
                  ui.pal.warning_text, words.c_str(), nullptr, wrap);
  }
}

}  // namespace soundings::kiosk
