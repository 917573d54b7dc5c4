// A question page: the visible questions with their answer widgets, problems, and Back / Next or a keyboard.
#include <algorithm>
#include <cfloat>

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
    return std::min(std::max(text_size(font, label, 0).x + 2 * ui.pad(), side), most);  // `most` wins when narrow
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

const std::string* problem_for(const AppState& st, const std::string& question_id) {
  if (!st.show_problems) return nullptr;
  for (const QuestionProblem& p : st.problems)
    if (p.question_id == question_id) return &p.message;
  return nullptr;
}

namespace {

// What the field being typed into is called, for the panel above the keyboard.
std::string field_label(const Ui& ui, const Question* question, const TextTarget& target) {
  switch (target.field) {
    case TextTarget::Field::Other: return ui.t("kiosk.other_please_specify");
    case TextTarget::Field::ContactName: return ui.t("kiosk.contact.name");
    case TextTarget::Field::ContactEmail: return ui.t("kiosk.contact.email");
    case TextTarget::Field::ContactPhone: return ui.t("kiosk.contact.phone");
    case TextTarget::Field::Venue: return ui.t("kiosk.staff.venue");
    case TextTarget::Field::Passphrase: return ui.t("kiosk.field.sign_in.passphrase");
    case TextTarget::Field::VisitNote: return ui.t("kiosk.field.door.note");
    case TextTarget::Field::Answer: break;
  }
  return question ? question->text.in(ui.state.language) : std::string();
}

// GOV.UK's error summary: "There is a problem", then each problem as a link to its question.
void draw_problem_summary(Ui& ui, float width) {
  const AppState& st = ui.state;
  ImVec2 top = ImGui::GetCursorScreenPos();
  float inner = width - 2 * ui.pad();
  ImGui::SetCursorScreenPos(ImVec2(top.x + ui.pad(), top.y + ui.pad()));
  ImGui::BeginGroup();
  text(ui, ui.fonts.heading, ui.t("kiosk.problems.title"), ui.pal.text, inner);
  vspace(ui.gap() * 0.5f);
  for (const QuestionProblem& problem : st.problems) {
    if (button(ui, "problem_link:" + problem.question_id, problem.message, ImVec2(inner, 0), Tone::Quiet))
      ui.push(act::GoToProblem{problem.question_id});
    vspace(ui.gap() * 0.5f);
  }
  ImGui::EndGroup();
  float bottom = ImGui::GetItemRectMax().y + ui.gap();
  ImGui::GetWindowDrawList()->AddRect(top, ImVec2(top.x + width, bottom), ui.pal.error, 0, 0, 6.0f * ui.s);
  ImGui::SetCursorScreenPos(ImVec2(top.x, bottom));
  ImGui::Dummy(ImVec2(width, 1.0f));
}

// The part of a long answer shown above the keyboard: whole words, at most `max_h` tall, the cursor in view.
struct TypingWindow {
  std::string shown;
  size_t from = 0;  // where in the answer `shown` starts (after its leading ellipsis)
};

TypingWindow typing_window(ImFont* font, const std::string& value, size_t cursor, float wrap, float max_h) {
  auto fits = [&](const std::string& t) { return text_size(font, t, wrap).y <= max_h; };
  if (fits(value)) return {value, 0};
  std::vector<size_t> starts{0};  // word starts up to the cursor
  for (size_t i = value.find(' '); i != std::string::npos && i + 1 <= cursor; i = value.find(' ', i + 1)) starts.push_back(i + 1);
  auto from_at = [&](size_t from) { return (from > 0 ? std::string("…") : std::string()) + value.substr(from); };
  // The fewest words dropped from the front (less text never takes more lines).
  size_t lo = 0, hi = starts.size() - 1;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (fits(from_at(starts[mid]))) hi = mid;
    else lo = mid + 1;
  }
  size_t from = starts[lo];
  std::string shown = from_at(from);
  // Still too long (the cursor is early in a long answer): drop words from the end, never past the cursor.
  while (!fits(shown)) {
    size_t space = shown.find_last_of(' ');
    size_t keep = (from > 0 ? std::string("…").size() : 0) + (cursor - from);
    if (space == std::string::npos || space < keep) break;
    shown = shown.substr(0, space) + "…";
  }
  return {shown, from};
}

}  // namespace

// Under the option whose tap a limit refused: what the limit is and how to choose another.
void draw_limit_notice(Ui& ui, const Question& q, const std::string& option_id, float width) {
  const std::optional<LimitNotice>& shown = ui.state.limit_notice;
  if (!shown || shown->question_id != q.id || shown->option_id != option_id) return;
  const LimitNotice& notice = *shown;
  vspace(ui.gap() * 0.5f);
  problem_text(ui, ui.t(notice.key, {{"count", std::to_string(notice.count)}}), width);
  vspace(ui.gap() * 0.5f);
}

// The field being typed into, shown just above the keyboard so it is never hidden by it.
float draw_typing_panel(Ui& ui, float width) {
  const AppState& st = ui.state;
  const TextTarget& target = st.keyboard.target;
  const Question* question = st.session ? st.session->consultation().find_question(target.question_id) : nullptr;
  std::string value;
  switch (target.field) {
    case TextTarget::Field::Venue: value = st.venue_draft; break;
    case TextTarget::Field::Passphrase: value = masked_secret(st.field.secret); break;
    case TextTarget::Field::VisitNote: value = st.field.draft.note; break;
    default: value = question ? target_text(st.session->answer(question->id), target) : std::string(); break;
  }
  ImVec2 start = ImGui::GetCursorScreenPos();
  ImGui::BeginGroup();
  text(ui, ui.fonts.body, field_label(ui, question, target), ui.pal.text, width);
  // Long answers: at most three lines, around the cursor, where typing happens.
  ImFont* font = ui.fonts.body;
  float wrap = width - 2 * ui.pad();
  size_t cursor = clamp_cursor(value, st.keyboard.cursor);
  TypingWindow window = typing_window(font, value, cursor, wrap, font->FontSize * 3.2f);
  text_field(ui, "typing", window.shown, true, width, false, window.from);
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
  // While typing, the field above the keyboard says what it is for: the bar drops the title to leave it room.
  draw_top_bar(ui, st.keyboard.open ? std::string() : c.title.in(lang), true);

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
    // A refused Next also goes to the top, where the summary of problems is.
    begin_scroll_area(ui, "page", ImVec2(avail.x, page_h), st.page_generation + st.problems_shown);
    ImGui::Indent(margin);
    vspace(ui.pad());
    if (!progress_in_bar) text(ui, ui.fonts.body, centre, ui.pal.muted, width);
    text(ui, ui.fonts.heading, page.title.in(lang), ui.pal.text, width);
    if (!page.intro.empty()) text(ui, ui.fonts.body, page.intro.in(lang), ui.pal.muted, width);
    if (st.show_problems && !st.problems.empty()) {
      vspace(ui.gap());
      draw_problem_summary(ui, width);
    }
    vspace(ui.pad());
    for (const Question* q : session.visible_questions()) {
      ImGui::PushID(q->id.c_str());
      if (st.scroll_to.question_id == q->id) scroll_here_once(ui, st.scroll_to.serial);
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
  // Reached with Change from the review page: back there once this page is checked (GOV.UK "Check your answers").
  if (st.changing_from_review) {
    draw_nav_bar(ui, true, std::string(), "return_to_review", ui.t("kiosk.page.save_and_return"), act::ReturnToReview{});
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
