// The attract screen: bilingual welcome, language choice in words, open consultations as cards, "you said, we did".
#include <algorithm>

#include "ui/catalogue.h"
#include "ui/screens.h"

namespace soundings::kiosk {

namespace {

// One consultation card: title in the chosen language, then in the other, and the closing date.
struct CardText {
  std::string title, title_other, closes;
};

CardText card_text(const Ui& ui, const CatalogueEntry& entry) {
  const Consultation& c = *entry.consultation;
  const std::string& lang = ui.state.language;
  std::string other = lang == "cy" ? "en" : "cy";
  return CardText{c.title.in(lang), c.declares(other) ? c.title.in(other) : std::string(),
                  ui.t("kiosk.attract.closes", {{"date", format_date(ui, c.closes, lang)}})};
}

float card_inner_width(const Ui& ui, float width) { return width - 2 * ui.pad() - 8 * ui.s; }

float card_height(const Ui& ui, const CatalogueEntry& entry, float width) {
  CardText t = card_text(ui, entry);
  float inner = card_inner_width(ui, width);
  return ui.pad() + text_size(ui.fonts.bold, t.title, inner).y + ui.gap() +
         (t.title_other.empty() ? 0.0f : text_size(ui.fonts.body, t.title_other, inner).y + ui.gap()) +
         text_size(ui.fonts.body, t.closes, inner).y + ui.pad();
}

void card(Ui& ui, const CatalogueEntry& entry, float width, float height) {
  CardText t = card_text(ui, entry);
  float inner = card_inner_width(ui, width);
  ImVec2 pos = ImGui::GetCursorScreenPos();
  std::string name = "card:" + entry.id;
  bool pressed = tap_area(ui, name, ImVec2(width, height));
  bool held = ImGui::IsItemActive();
  if (pressed) ui.push(act::OpenConsultation{entry.id});

  const Palette& p = ui.pal;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImVec2 max(pos.x + width, pos.y + height);
  draw->AddRectFilled(pos, max, p.surface, 16 * ui.s);
  draw->AddRect(pos, max, held ? p.focus : p.border, 16 * ui.s, 0, (held ? 6.0f : 3.0f) * ui.s);
  draw->AddRectFilled(pos, ImVec2(pos.x + 14 * ui.s, max.y), p.primary, 16 * ui.s, ImDrawFlags_RoundCornersLeft);
  float x = pos.x + ui.pad() + 8 * ui.s;
  float y = pos.y + ui.pad();
  Box box{pos.x, pos.y, max.x, max.y};
  y += draw_text_at(ui, ui.fonts.bold, ImVec2(x, y), p.text, t.title, inner, Align::Left, &box).y + ui.gap();
  if (!t.title_other.empty())
    y += draw_text_at(ui, ui.fonts.body, ImVec2(x, y), p.muted, t.title_other, inner, Align::Left, &box).y + ui.gap();
  draw_text_at(ui, ui.fonts.body, ImVec2(x, y), p.text, t.closes, inner, Align::Left, &box);
}

// "You said, we did": one published result at a time, changing every few seconds so passers-by see
// the kiosk is alive. `max_height` bounds it; when both parts do not fit, "we did" is kept.
void feedback_panel(Ui& ui, float width, float max_height) {
  size_t count = 0;
  const CatalogueEntry* entry = showing_feedback(ui.state, count);
  if (entry == nullptr) return;
  const std::string& lang = ui.state.language;
  const Feedback& f = *entry->feedback;
  float inner = width - 2 * ui.pad();
  float heading_w = inner - (count > 1 ? static_cast<float>(count) * 32.0f * ui.s : 0.0f);  // room for the dots
  std::string heading_first = ui.first("kiosk.attract.you_said_we_did");
  std::string heading_second = ui.second("kiosk.attract.you_said_we_did");
  std::string title = entry->consultation->title.in(lang);
  std::string said = ui.t("kiosk.attract.you_said") + " " + f.you_said.in(lang);
  std::string did = ui.t("kiosk.attract.we_did") + " " + f.we_did.in(lang);
  float fixed = 2 * ui.pad() + text_size(ui.fonts.heading, heading_first, heading_w).y +
                text_size(ui.fonts.body, heading_second, heading_w).y + text_size(ui.fonts.body, title, inner).y +
                4 * ui.gap();
  bool show_said = fixed + text_size(ui.fonts.body, said, inner).y + text_size(ui.fonts.body, did, inner).y <= max_height;

  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->ChannelsSplit(2);
  draw->ChannelsSetCurrent(1);
  draw->PushClipRect(pos, ImVec2(pos.x + width, pos.y + max_height), true);
  ImGui::SetCursorScreenPos(ImVec2(pos.x + ui.pad(), pos.y + ui.pad()));
  ImGui::BeginGroup();
  text(ui, ui.fonts.heading, heading_first, ui.pal.text, heading_w);
  text(ui, ui.fonts.body, heading_second, ui.pal.muted, heading_w);
  vspace(ui.gap());
  text(ui, ui.fonts.body, title, ui.pal.muted, inner);
  vspace(ui.gap());
  if (show_said) {
    text(ui, ui.fonts.body, said, ui.pal.text, inner);
    vspace(ui.gap());
  }
  // What was done matters most: it gets the room that is left, cut at a word if it must be.
  float left_for_did = pos.y + max_height - ui.pad() - ImGui::GetCursorScreenPos().y;
  text(ui, ui.fonts.body, fit_block(ui.fonts.body, did, inner, std::max(left_for_did, ui.fonts.body->FontSize)), ui.pal.text,
       inner);
  ImGui::EndGroup();
  draw->PopClipRect();
  float bottom = std::min(ImGui::GetItemRectMax().y + ui.pad(), pos.y + max_height);
  if (count > 1) {
    // Which of the results is showing: the filled dot, in the top corner.
    float r = 9 * ui.s;
    float x0 = pos.x + width - ui.pad() - static_cast<float>(count) * r * 3.5f + r * 1.5f;
    for (size_t i = 0; i < count; ++i) {
      ImVec2 c(x0 + static_cast<float>(i) * r * 3.5f, pos.y + ui.pad() + r);
      if (i == ui.state.feedback_index % count) draw->AddCircleFilled(c, r, ui.pal.text, 20);
      else draw->AddCircle(c, r, ui.pal.text, 20, 2.5f * ui.s);
    }
  }
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
  float margin = std::max(ui.touch() + ui.pad(), (full.x - 1760.0f * ui.s) * 0.5f);
  float width = full.x - 2 * margin;

  // Council name, in both languages (from the consultations: each names its council).
  std::string council_first, council_second;
  for (const CatalogueEntry& e : st.catalogue.entries)
    if (e.consultation) {
      council_first = e.consultation->council.in(ui.lang_first());
      council_second = e.consultation->council.in(ui.lang_second());
      break;
    }

  float area_h = full.y;
  begin_scroll_area(ui, "attract", ImVec2(full.x, area_h), 0);
  float left = ImGui::GetWindowPos().x + margin;
  float top = ImGui::GetCursorScreenPos().y + ui.gap();

  // Row 1: Listen, contrast and text size on the right (labels in both languages), the council on the left
  // when there is room beside them, else below. Listen goes under the toggles when the row is full.
  ImFont* body = ui.fonts.body;
  float council_text_w = std::max(text_size(body, council_first, 0).x, text_size(body, council_second, 0).x);
  float toggles_w = text_size(body, ui.first("kiosk.high_contrast") + " / " + ui.second("kiosk.high_contrast"), 0).x +
                    text_size(body, ui.first("kiosk.large_text") + " / " + ui.second("kiosk.large_text"), 0).x +
                    4 * ui.pad() + 2.2f * body->FontSize + ui.gap();
  float listen_w = listen_button_width(ui, true);
  float council_w = std::min(width - toggles_w - listen_w - 2 * ui.gap(), std::max(council_text_w, 320.0f * ui.s));
  bool council_beside = council_w >= 320.0f * ui.s;
  float block_left = council_beside ? left + council_w + ui.gap() : left;
  bool listen_in_row = block_left + listen_w + ui.gap() + toggles_w <= left + width;
  float toggles_bottom = draw_bilingual_toggles(ui, listen_in_row ? block_left + listen_w + ui.gap() : block_left,
                                                left + width, top, ui.touch());
  float listen_y = listen_in_row ? top : toggles_bottom + ui.gap();
  float listen_x = listen_in_row ? left + width - toggles_w - ui.gap() - listen_w : left + width - listen_w;
  draw_listen_button(ui, ImVec2(listen_x, listen_y), ui.touch(), true);
  float block_bottom = listen_in_row ? toggles_bottom : listen_y + ui.touch();
  float council_top = council_beside ? top : block_bottom + ui.gap();
  if (!council_beside) council_w = width;
  ImGui::SetCursorScreenPos(ImVec2(left, council_top));
  ImGui::BeginGroup();
  if (!council_first.empty()) {
    text(ui, body, council_first, ui.pal.text, council_w);
    if (council_second != council_first) text(ui, body, council_second, ui.pal.muted, council_w);
  }
  ImGui::EndGroup();
  float y = std::max(ImGui::GetItemRectMax().y, toggles_bottom) + ui.pad();

  // Row 2: welcome in both languages, read-first first; the language choice in words beside it (W3).
  bool wide = width > 1300.0f * ui.s;
  float lang_w = std::min(360.0f * ui.s, (width - ui.gap()) * 0.5f);
  float choice_w = 2 * lang_w + ui.gap();
  float welcome_w = wide ? width - choice_w - ui.pad() : width;
  ImGui::SetCursorScreenPos(ImVec2(left, y));
  ImGui::BeginGroup();
  text(ui, ui.fonts.display, ui.first("kiosk.attract.welcome") + " · " + ui.second("kiosk.attract.welcome"), ui.pal.text,
       welcome_w);
  text(ui, ui.fonts.heading, ui.first("kiosk.attract.have_your_say"), ui.pal.text, welcome_w);
  text(ui, ui.fonts.body, ui.second("kiosk.attract.have_your_say"), ui.pal.muted, welcome_w);
  ImGui::EndGroup();
  float welcome_bottom = ImGui::GetItemRectMax().y;
  ImGui::SetCursorScreenPos(wide ? ImVec2(left + width - choice_w, y) : ImVec2(left, welcome_bottom + ui.gap()));
  ImGui::BeginGroup();
  text(ui, ui.fonts.body, ui.first("kiosk.attract.choose_language") + " / " + ui.second("kiosk.attract.choose_language"),
       ui.pal.text, choice_w);
  for (const std::string& code : {ui.lang_first(), ui.lang_second()}) {
    if (button(ui, "lang:" + code, ui_text("kiosk.language_name", code), ImVec2(lang_w, ui.touch() * 1.1f),
               Tone::Secondary, st.language == code))
      ui.push(act::ChooseLanguage{code});
    ImGui::SameLine(0, ui.gap());
  }
  ImGui::NewLine();
  ImGui::EndGroup();
  y = std::max(welcome_bottom, ImGui::GetItemRectMax().y) + ui.pad();

  // Row 3: the menu of involvement (open consultations as cards), "you said, we did" beside it.
  std::vector<const CatalogueEntry*> open, upcoming;
  for (const CatalogueEntry& e : st.catalogue.entries) {
    if (is_open_on(e, st.today)) open.push_back(&e);
    else if (is_upcoming_on(e, st.today)) upcoming.push_back(&e);
  }
  size_t fb_count = 0;
  bool feedback = showing_feedback(st, fb_count) != nullptr;
  bool side = feedback && wide && !st.large_text;
  float cards_w = side ? width * 0.64f : width;
  ImGui::SetCursorScreenPos(ImVec2(left, y));
  ImGui::BeginGroup();
  if (open.empty()) {
    // Nothing to tap: say so in both languages, rather than invite a tap on nothing.
    text(ui, ui.fonts.heading, ui.first("kiosk.attract.none_open"), ui.pal.text, cards_w);
    text(ui, ui.fonts.body, ui.second("kiosk.attract.none_open"), ui.pal.muted, cards_w);
  } else {
    text(ui, ui.fonts.heading, ui.t("kiosk.attract.open_consultations"), ui.pal.text, cards_w);
  }
  int columns = (cards_w > 1000.0f * ui.s && !st.large_text) ? 2 : 1;
  float card_w = (cards_w - ui.gap() * static_cast<float>(columns - 1)) / static_cast<float>(columns);
  // Cards in a row share the tallest one's height.
  for (size_t row = 0; row < open.size(); row += static_cast<size_t>(columns)) {
    size_t end = std::min(open.size(), row + static_cast<size_t>(columns));
    float h = 160.0f * ui.s;
    for (size_t i = row; i < end; ++i) h = std::max(h, card_height(ui, *open[i], card_w));
    for (size_t i = row; i < end; ++i) {
      if (i != row) ImGui::SameLine(0, ui.gap());
      card(ui, *open[i], card_w, h);
    }
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
  float cards_bottom = ImGui::GetItemRectMax().y;

  if (feedback) {
    float window_bottom = ImGui::GetWindowPos().y + area_h - ui.gap();
    if (side) {
      ImGui::SetCursorScreenPos(ImVec2(left + cards_w + ui.pad(), y));
      // Leaves room for the scroll area's own bottom margin, so that nothing scrolls when all fits.
      float room = std::max(window_bottom, cards_bottom) - y - 2 * ui.pad() - ui.gap();
      feedback_panel(ui, width - cards_w - ui.pad(), room);
    } else {
      ImGui::SetCursorScreenPos(ImVec2(left, cards_bottom + ui.pad()));
      feedback_panel(ui, width, 2000.0f * ui.s);
    }
  }
  end_scroll_area(ui);
}

}  // namespace soundings::kiosk
