// A question page: the visible questions with their answer widgets, problems, and Back / Next or a keyboard.
#include <algorithm>

#include "ui/answer_edit.h"
#include "ui/screens.h"

namespace soundings::kiosk {

float content_width(const Ui& ui, float available) {
  return std::min(1400.0f * ui.s, available - 2.0f * (ui.touch() + ui.pad()));
}

float nav_bar_height(const Ui& ui) { return ui.touch() * 1.2f + 2.0f * ui.gap(); }

namespace {
// Back on the left, the forward button on the right, each as wide as its label needs (up to nearly half),
// and the room left between them for the centre text.
struct NavLayout {
  float back_w, forward_w, centre_w;
};
NavLayout nav_layout(const Ui& ui, float width, bool show_back, const std::string& forward_label) {
  float side = std::min(440.0f * ui.s, width * 0.3f);
  float most = (width - 2 * ui.pad() - ui.gap()) * 0.5f;
  auto fit = [&](ImFont* font, const std::string& label) {
    return std::clamp(text_size(font, label, 0).x + 2 * ui.pad(), side, most);
  };
  NavLayout n{show_back ? fit(ui.fonts.body, ui.t("kiosk.back")) : 0.0f,
              forward_label.empty() ? 0.0f : fit(ui.fonts.heading, forward_label), 0.0f};
  n.centre_w = width - 2 * (ui.pad() + std::max(n.back_w, n.forward_w) + ui.gap());
  return n;
}
}  // namespace

bool nav_bar_fits(const Ui& ui, float width, const std::string& centre, const std::string& forward_label) {
  NavLayout n = nav_layout(ui, width, true, forward_label);
  // Set a little smaller is fine; much smaller is not readable, and the caller shows it elsewhere.
  return text_size(ui.fonts.body, centre, 0).x * 0.8f <= n.centre_w;
}

void draw_nav_bar(Ui& ui, bool show_back, const std::string& centre, const std::string& forward_name,
                  const std::string& forward_label, const Action& forward) {
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float width = ImGui::GetContentRegionAvail().x;
  float h = ui.touch() * 1.2f;
  float y = origin.y + ui.gap();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddLine(origin, ImVec2(origin.x + width, origin.y), ui.pal.border, 2.0f * ui.s);
  NavLayout n = nav_layout(ui, width, show_back, forward_name.empty() ? std::string() : forward_label);
  if (show_back) {
    ImGui::SetCursorScreenPos(ImVec2(origin.x + ui.pad(), y));
    if (button(ui, "back", ui.t("kiosk.back"), ImVec2(n.back_w, h))) ui.push(act::Back{});
  }
  if (!centre.empty() && n.centre_w > 0) {
    ImVec2 at(origin.x + (width - n.centre_w) * 0.5f, y + (h - ui.fonts.body->FontSize) * 0.5f);
    draw_one_line(ui, ui.fonts.body, at, ui.pal.text, centre, n.centre_w, Align::Centre);
  }
  if (!forward_name.empty()) {
    ImGui::SetCursorScreenPos(ImVec2(origin.x + width - ui.pad() - n.forward_w, y));
    if (button(ui, forward_name, forward_label, ImVec2(n.forward_w, h), Tone::Primary)) ui.push(forward);
  }
}

void draw_question_widget(Ui& ui, const Question& question, float width) {
  switch (question.type) {
    case QuestionType::SingleChoice:
    case QuestionType::MultipleChoice:
    case QuestionType::Agreement:
      draw_choice_widget(ui, question, width);
      break;
    case QuestionType::Smiley: draw_faces_widget(ui, question, width); break;
    case QuestionType::Scale10: draw_scale_widget(ui, question, width); break;
    case QuestionType::ShortText:
    case QuestionType::LongText:
    case QuestionType::Number:
    case QuestionType::Postcode:
    case QuestionType::Email:
    case QuestionType::Phone:
      draw_text_widget(ui, question, width);
      break;
    case QuestionType::Date: draw_date_widget(ui, question, width); break;
    case QuestionType::Ranking: draw_ranking_widget(ui, question, width); break;
    case QuestionType::Consent: draw_consent_widget(ui, question, width); break;
    case QuestionType::Contact: draw_contact_widget(ui, question, width); break;
  }
}

namespace {

const std::string* problem_for(const AppState& st, const std::string& question_id) {
  if (!st.show_problems) return nullptr;
  for (const QuestionProblem& p : st.problems)
    if (p.question_id == question_id) return &p.message;
  return nullptr;
}

// What the field being typed into is called, for the panel above the keyboard.
std::string field_label(const Ui& ui, const Question* question, const TextTarget& target) {
  switch (target.field) {
    case TextTarget::Field::Other: return ui.t("kiosk.other_please_specify");
    case TextTarget::Field::ContactName: return ui.t("kiosk.contact.name");
    case TextTarget::Field::ContactEmail: return ui.t("kiosk.contact.email");
    case TextTarget::Field::ContactPhone: return ui.t("kiosk.contact.phone");
    case TextTarget::Field::Venue: return ui.t("kiosk.staff.venue");
    case TextTarget::Field::Answer: break;
  }
  return question ? question->text.in(ui.state.language) : std::string();
}

}  // namespace

// The field being typed into, shown just above the keyboard so it is never hidden by it.
float draw_typing_panel(Ui& ui, float width) {
  const AppState& st = ui.state;
  const TextTarget& target = st.keyboard.target;
  const Question* question = st.session ? st.session->consultation().find_question(target.question_id) : nullptr;
  std::string value = target.field == TextTarget::Field::Venue
                          ? st.venue_draft
                          : (question ? target_text(st.session->answer(question->id), target) : std::string());
  ImVec2 start = ImGui::GetCursorScreenPos();
  ImGui::BeginGroup();
  text(ui, ui.fonts.body, field_label(ui, question, target), ui.pal.text, width);
  // Long answers: show the end, where typing happens (at most three lines).
  ImFont* font = ui.fonts.body;
  float wrap = width - 2 * ui.pad();
  std::string shown = value;
  while (text_size(font, shown, wrap).y > font->FontSize * 3.2f && shown.size() > 1) {
    size_t cut = shown.find(' ', std::min<size_t>(shown.size() - 1, 20));
    shown = std::string("…").append(shown.substr(cut == std::string::npos ? shown.size() / 2 : cut));
  }
  text_field(ui, "typing", shown, true, width, false);
  if (question) {
    if (const std::string* problem = problem_for(st, question->id)) problem_text(ui, *problem, width);
  }
  ImGui::EndGroup();
  return ImGui::GetItemRectMax().y - start.y;
}

void draw_page(Ui& ui) {
  const AppState& st = ui.state;
  if (!st.session) return;
  const Session& session = *st.session;
  const Consultation& c = session.consultation();
  const std::string& lang = st.language;
  if (session.at_review()) return;
  const Page& page = c.pages[session.page_index()];
  draw_top_bar(ui, c.title.in(lang), true);

  if (st.keyboard.open) {
    draw_typing(ui);
    return;
  }
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float width = content_width(ui, avail.x);
  float margin = (avail.x - width) * 0.5f;
  Progress progress = session.progress();
  std::string centre = ui.t("kiosk.page.progress", {{"current", std::to_string(progress.current)},
                                                     {"total", std::to_string(progress.total)}});
  bool progress_in_bar = nav_bar_fits(ui, avail.x, centre, ui.t("kiosk.next"));
  // The date picker takes the lower part; the page keeps the rest when there is room for it to scroll.
  float below = nav_bar_height(ui);
  bool picking = st.date_picker.open;
  if (picking) below = avail.y * 0.55f;
  float page_h = avail.y - below;
  bool page_shown = !picking || page_h >= 2.5f * ui.touch();
  if (!page_shown) below = avail.y;

  if (page_shown) {
    begin_scroll_area(ui, "page", ImVec2(avail.x, page_h), st.page_generation);
    ImGui::Indent(margin);
    vspace(ui.pad());
    if (!progress_in_bar) text(ui, ui.fonts.body, centre, ui.pal.muted, width);
    text(ui, ui.fonts.heading, page.title.in(lang), ui.pal.text, width);
    if (!page.intro.empty()) text(ui, ui.fonts.body, page.intro.in(lang), ui.pal.muted, width);
    if (st.show_problems && !st.problems.empty()) {
      vspace(ui.gap());
      problem_text(ui, ui.t("kiosk.page.fix_problems"), width);
    }
    vspace(ui.pad());
    for (const Question* q : session.visible_questions()) {
      ImGui::PushID(q->id.c_str());
      std::string heading = q->text.in(lang);
      text(ui, ui.fonts.heading, heading, ui.pal.text, width);
      text(ui, ui.fonts.body, q->required ? ui.t("kiosk.page.required") : ui.t("kiosk.page.optional"), ui.pal.muted, width);
      if (!q->help.empty()) text(ui, ui.fonts.body, q->help.in(lang), ui.pal.muted, width);
      // The reason sits between the question and its answer, where the eye goes next.
      if (const std::string* problem = problem_for(st, q->id)) problem_text(ui, *problem, width);
      vspace(ui.gap() * 0.5f);
      draw_question_widget(ui, *q, width);
      vspace(ui.pad() * 2.0f);
      ImGui::PopID();
    }
    ImGui::Unindent(margin);
    end_scroll_area(ui);
  }

  if (picking) {
    // Its own scroll area: with large text on a short screen the choices need not all fit.
    uint64_t key = static_cast<uint64_t>(st.date_picker.part) * 10000u + static_cast<uint64_t>(st.date_picker.decade);
    ImVec2 origin = ImGui::GetCursorScreenPos();
    ImVec2 size(avail.x, ImGui::GetWindowPos().y + ImGui::GetWindowSize().y - origin.y);
    ImGui::GetWindowDrawList()->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y), ui.pal.surface);
    begin_scroll_area(ui, "picker", size, key);
    draw_date_picker(ui, ImGui::GetCursorScreenPos(), size);
    end_scroll_area(ui);
    return;
  }
  draw_nav_bar(ui, true, progress_in_bar ? centre : std::string(), "next", ui.t("kiosk.next"), act::Next{});
}

void draw_typing(Ui& ui) {
  // The page steps aside: what is being typed, its question and any problem, above the keyboard. There
  // is no room for both on a short or narrow screen, and on the others it keeps the eye on one place.
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float width = content_width(ui, avail.x);
  float kb_h = keyboard_height(ui);
  ImVec2 origin = ImGui::GetCursorScreenPos();
  begin_scroll_area(ui, "typing", ImVec2(avail.x, std::max(avail.y - kb_h, ui.touch())), 0);
  ImGui::SetCursorScreenPos(ImVec2(origin.x + (avail.x - width) * 0.5f, origin.y + ui.pad()));
  draw_typing_panel(ui, width);
  end_scroll_area(ui);
  ImVec2 wpos = ImGui::GetWindowPos();
  draw_keyboard(ui, ImVec2(wpos.x, wpos.y + ImGui::GetWindowSize().y - kb_h), ImVec2(avail.x, kb_h));
}

}  // namespace soundings::kiosk
