// Answer widgets for typing and dates: text fields that open the keyboard, contact details, day/month/year pickers.
#include <algorithm>
#include <cmath>

#include "ui/answer_edit.h"
#include "ui/screens.h"

namespace soundings::kiosk {

namespace {
bool typing_into(const Ui& ui, const TextTarget& target) {
  return ui.state.keyboard.open && ui.state.keyboard.target == target;
}

std::string number_hint(const Ui& ui, const Question& q) {
  auto show = [](double v) {
    double whole = std::round(v);
    if (std::fabs(v - whole) < 1e-9) return std::to_string(static_cast<long long>(whole));
    std::string s = std::to_string(v);
    while (!s.empty() && s.back() == '0') s.pop_back();
    return s;
  };
  if (q.min_value && q.max_value)
    return ui.t("kiosk.number.between", {{"min", show(*q.min_value)}, {"max", show(*q.max_value)}});
  if (q.min_value) return ui.t("kiosk.number.at_least", {{"min", show(*q.min_value)}});
  if (q.max_value) return ui.t("kiosk.number.at_most", {{"max", show(*q.max_value)}});
  return {};
}
}  // namespace

void draw_text_widget(Ui& ui, const Question& q, float width) {
  const Answer* current = ui.state.session->answer(q.id);
  TextTarget target{TextTarget::Field::Answer, q.id, {}};
  std::string hint;
  switch (q.type) {
    case QuestionType::Number: hint = number_hint(ui, q); break;
    case QuestionType::Postcode: hint = ui.t("kiosk.postcode.hint"); break;
    case QuestionType::Email: hint = ui.t("kiosk.email.hint"); break;
    case QuestionType::Phone: hint = ui.t("kiosk.phone.hint"); break;
    default: break;
  }
  if (!hint.empty()) text(ui, ui.fonts.body, hint, ui.pal.muted, width);
  bool multiline = q.type == QuestionType::LongText;
  float field_w = (q.type == QuestionType::ShortText || multiline || q.type == QuestionType::Email) ? width
                                                                                                    : std::min(width, 700.0f * ui.s);
  if (text_field(ui, "field:" + q.id, target_text(current, target), typing_into(ui, target), field_w, multiline))
    ui.push(act::FocusText{target});
}

void draw_contact_widget(Ui& ui, const Question& q, float width) {
  const Answer* current = ui.state.session->answer(q.id);
  const auto* contact = current ? std::get_if<ContactAnswer>(current) : nullptr;
  ContactAnswer now = contact ? *contact : ContactAnswer{};
  const std::string& lang = ui.state.language;
  struct Field {
    TextTarget::Field field;
    const char* key;
    const char* name;
  };
  // An email address or phone number is only kept with a consent for its channel, so a field with
  // none to tick is not offered.
  const auto offers = [&](std::string_view channel) {
    return std::any_of(q.consents.begin(), q.consents.end(), [&](const ContactConsent& c) { return c.channel == channel; });
  };
  for (const Field& f : {Field{TextTarget::Field::ContactName, "kiosk.contact.name", "name"},
                         Field{TextTarget::Field::ContactEmail, "kiosk.contact.email", "email"},
                         Field{TextTarget::Field::ContactPhone, "kiosk.contact.phone", "phone"}}) {
    if ((f.field == TextTarget::Field::ContactEmail && !offers("email")) ||
        (f.field == TextTarget::Field::ContactPhone && !offers("phone")))
      continue;
    TextTarget target{f.field, q.id, {}};
    text(ui, ui.fonts.body, ui.t(f.key), ui.pal.text, width);
    if (text_field(ui, "contact:" + q.id + ":" + f.name, target_text(current, target), typing_into(ui, target), width))
      ui.push(act::FocusText{target});
    vspace(ui.gap() * 0.5f);
  }
  // Preferred language for follow-up (W5), in words.
  text(ui, ui.fonts.body, ui.t("kiosk.contact.language"), ui.pal.text, width);
  for (const char* code : {"cy", "en"}) {
    if (option_row(ui, "contact:" + q.id + ":lang:" + code, ui_text("kiosk.language_name", code), now.language == code,
                   Mark::Radio, width)) {
      ContactAnswer next = now;
      next.language = code;
      ui.push(act::SetAnswer{q.id, next});
    }
  }
  if (!q.consents.empty()) {
    vspace(ui.gap() * 0.5f);
    text(ui, ui.fonts.body, ui.t("kiosk.contact.consents"), ui.pal.text, width);
  }
  for (const ContactConsent& consent : q.consents) {
    bool ticked = std::find(now.consents.begin(), now.consents.end(), consent.id) != now.consents.end();
    if (option_row(ui, "contact:" + q.id + ":consent:" + consent.id, consent.label.in(lang), ticked, Mark::Check, width)) {
      ContactAnswer next = now;
      if (ticked) std::erase(next.consents, consent.id);
      else next.consents.push_back(consent.id);
      ui.push(act::SetAnswer{q.id, next});
    }
  }
}

void draw_date_widget(Ui& ui, const Question& q, float width) {
  const Answer* current = ui.state.session->answer(q.id);
  const auto* date = current ? std::get_if<DateAnswer>(current) : nullptr;
  DateAnswer d = date ? *date : DateAnswer{};
  const DatePickerState& picker = ui.state.date_picker;
  if (q.year_only_allowed) text(ui, ui.fonts.body, ui.t("kiosk.date.year_only"), ui.pal.muted, width);
  float part_w = (width - 2 * ui.gap()) / 3.0f;
  std::string none = ui.t("kiosk.date.choose");
  struct Part {
    DatePart part;
    const char* key;
    const char* name;
    std::string value;
  };
  Part parts[3] = {
      {DatePart::Day, "kiosk.date.day", "day", d.day > 0 ? std::to_string(d.day) : none},
      {DatePart::Month, "kiosk.date.month", "month", d.month > 0 ? ui.t("kiosk.month." + std::to_string(d.month)) : none},
      {DatePart::Year, "kiosk.date.year", "year", d.year > 0 ? std::to_string(d.year) : none},
  };
  std::string labels[3];
  float widest = 0;
  for (int i = 0; i < 3; ++i) {
    labels[i] = ui.t(parts[i].key) + ": " + parts[i].value;
    widest = std::max(widest, text_size(ui.fonts.body, labels[i], 0).x);
  }
  // Side by side when each label fits on one line; else one above the other, full width.
  bool row = widest + 2 * ui.pad() <= part_w;
  if (!row) part_w = width;
  for (int i = 0; i < 3; ++i) {
    if (i > 0 && row) ImGui::SameLine(0, ui.gap());
    bool open = picker.open && picker.question_id == q.id && picker.part == parts[i].part;
    if (button(ui, "date:" + q.id + ":" + parts[i].name, labels[i], ImVec2(part_w, 0), open ? Tone::Focus : Tone::Secondary))
      ui.push(act::OpenDatePart{q.id, parts[i].part});
  }
  if (d.year > 0 || d.month > 0 || d.day > 0) {
    if (button(ui, "date_clear:" + q.id, ui.t("kiosk.date.clear"), ImVec2(std::min(width, 420.0f * ui.s), 0), Tone::Quiet))
      ui.push(act::ClearAnswer{q.id});
  }
}

void draw_date_picker(Ui& ui, ImVec2 pos, ImVec2 size) {
  const AppState& st = ui.state;
  const DatePickerState& picker = st.date_picker;
  if (!st.session) return;
  const Question* q = st.session->consultation().find_question(picker.question_id);
  if (q == nullptr) return;
  const Answer* current = st.session->answer(q->id);
  const auto* date = current ? std::get_if<DateAnswer>(current) : nullptr;

  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), ui.pal.surface);
  draw->AddLine(pos, ImVec2(pos.x + size.x, pos.y), ui.pal.border, 3 * ui.s);
  float width = content_width(ui, size.x);
  float x0 = pos.x + (size.x - width) * 0.5f;
  ImGui::SetCursorScreenPos(ImVec2(x0, pos.y + ui.gap()));
  ImGui::BeginGroup();

  const char* title_key = picker.part == DatePart::Day     ? "kiosk.date.pick_day"
                          : picker.part == DatePart::Month ? "kiosk.date.pick_month"
                                                           : "kiosk.date.pick_year";
  // The close button is as wide as its words, up to half the row.
  std::string close = ui.t("kiosk.date.done");
  float close_w = std::min(std::max(text_size(ui.fonts.heading, close, 0).x + 2 * ui.pad(), 360 * ui.s), width * 0.5f);
  text(ui, ui.fonts.heading, ui.t(title_key), ui.pal.text, width - close_w - ui.gap());
  ImVec2 after_title = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos(ImVec2(x0 + width - close_w, pos.y + ui.gap()));
  if (button(ui, "pick:close", close, ImVec2(close_w, 0), Tone::Primary)) ui.push(act::CloseDatePicker{});
  ImGui::SetCursorScreenPos(ImVec2(x0, std::max(after_title.y, ImGui::GetCursorScreenPos().y)));

  auto grid = [&](int count, int columns, auto label_of, auto name_of, auto selected_of, auto on_pick) {
    // Fewer columns when the longest label would not fit a cell, with room for the tick of the chosen one.
    float widest = 0;
    for (int i = 0; i < count; ++i) widest = std::max(widest, text_size(ui.fonts.body, label_of(i), 0).x);
    float need = widest + ui.fonts.body->FontSize * 1.1f + 2 * ui.gap();
    int fit = static_cast<int>((width + ui.gap()) / (need + ui.gap()));
    columns = std::clamp(fit, 1, columns);
    float cell = (width - ui.gap() * static_cast<float>(columns - 1)) / static_cast<float>(columns);
    float h = ui.touch();
    for (int i = 0; i < count; ++i) {
      if (i % columns != 0) ImGui::SameLine(0, ui.gap());
      if (button(ui, name_of(i), label_of(i), ImVec2(cell, h), Tone::Secondary, selected_of(i))) on_pick(i);
    }
  };
  switch (picker.part) {
    case DatePart::Day:
      grid(31, 11, [](int i) { return std::to_string(i + 1); }, [](int i) { return "pick:day:" + std::to_string(i + 1); },
           [&](int i) { return date && date->day == i + 1; },
           [&](int i) {
             ui.push(act::SetAnswer{q->id, with_date_part(current, DatePart::Day, i + 1)});
             ui.push(act::OpenDatePart{q->id, DatePart::Month});
           });
      break;
    case DatePart::Month:
      grid(12, st.large_text ? 3 : 4, [&](int i) { return ui.t("kiosk.month." + std::to_string(i + 1)); },
           [](int i) { return "pick:month:" + std::to_string(i + 1); }, [&](int i) { return date && date->month == i + 1; },
           [&](int i) {
             ui.push(act::SetAnswer{q->id, with_date_part(current, DatePart::Month, i + 1)});
             ui.push(act::OpenDatePart{q->id, DatePart::Year});
           });
      break;
    case DatePart::Year: {
      int this_decade = st.current_year / 10 * 10;
      if (picker.decade == 0) {
        int first = 1900;
        int count = (this_decade - first) / 10 + 1;
        // Newest decades first: most people answering are not born in 1900.
        grid(count, 7, [&](int i) { return ui.t("kiosk.date.decade", {{"decade", std::to_string(this_decade - 10 * i)}}); },
             [&](int i) { return "pick:decade:" + std::to_string(this_decade - 10 * i); },
             [&](int i) { return date && date->year / 10 * 10 == this_decade - 10 * i; },
             [&](int i) { ui.push(act::ChooseDecade{this_decade - 10 * i}); });
      } else {
        int last = std::min(picker.decade + 9, st.current_year);
        grid(last - picker.decade + 1, 10, [&](int i) { return std::to_string(picker.decade + i); },
             [&](int i) { return "pick:year:" + std::to_string(picker.decade + i); },
             [&](int i) { return date && date->year == picker.decade + i; },
             [&](int i) {
               ui.push(act::SetAnswer{q->id, with_date_part(current, DatePart::Year, picker.decade + i)});
               ui.push(act::CloseDatePicker{});
             });
        if (button(ui, "pick:decades", ui.t("kiosk.date.other_decade"), ImVec2(std::min(width, 520 * ui.s), 0), Tone::Quiet))
          ui.push(act::ChooseDecade{0});
      }
      break;
    }
  }
  ImGui::EndGroup();
}

}  // namespace soundings::kiosk
