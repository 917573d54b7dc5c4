// The on-screen keyboard: letters with the Welsh accented letters in their own row, numbers, symbols, an email row.
#include <imgui_internal.h>

#include <algorithm>
#include <cstring>

#include "ui/screens.h"

namespace soundings::kiosk {

namespace {

struct Key {
  const char* lower;
  const char* upper;
};

// Welsh needs the circumflex (to bach) and the diaeresis forms within reach, ŵ and ŷ above all.
const Key kWelshRow[] = {{"â", "Â"}, {"ê", "Ê"}, {"î", "Î"}, {"ô", "Ô"}, {"û", "Û"}, {"ŵ", "Ŵ"}, {"ŷ", "Ŷ"},
                         {"ä", "Ä"}, {"ë", "Ë"}, {"ï", "Ï"}, {"ö", "Ö"}, {"ü", "Ü"}, {"ẅ", "Ẅ"}, {"ÿ", "Ÿ"}};
const Key kRow1[] = {{"q", "Q"}, {"w", "W"}, {"e", "E"}, {"r", "R"}, {"t", "T"},
                     {"y", "Y"}, {"u", "U"}, {"i", "I"}, {"o", "O"}, {"p", "P"}};
const Key kRow2[] = {{"a", "A"}, {"s", "S"}, {"d", "D"}, {"f", "F"}, {"g", "G"},
                     {"h", "H"}, {"j", "J"}, {"k", "K"}, {"l", "L"}, {"'", "'"}};
const Key kRow3[] = {{"z", "Z"}, {"x", "X"}, {"c", "C"}, {"v", "V"}, {"b", "B"}, {"n", "N"}, {"m", "M"}};
const char* const kDigits[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"};
const char* const kNumbersRow2[] = {"-", "/", ":", ";", "(", ")", "£", "&", "@", "\""};
const char* const kNumbersRow3[] = {".", ",", "?", "!", "'", "+", "#"};
const char* const kSymbolsRow1[] = {"[", "]", "{", "}", "%", "^", "*", "=", "<", ">"};
const char* const kSymbolsRow2[] = {"_", "\\", "|", "~", "€", "$", "`", "§", "°", "¬"};
const char* const kEmailEndings[] = {".cymru", ".wales", ".co.uk", ".com"};

constexpr int kRows = 5;
constexpr float kColumns = 14;  // the accented row's keys; every other row is laid on the same grid

// Keys are exactly as tall as anything tappable must be (a little taller with large text), so rows
// sit one gap apart.
float key_height(const Ui& ui) { return ui.touch() * (ui.state.large_text ? 1.15f : 1.0f); }
float key_gap(const Ui& ui) { return 10.0f * ui.s; }

// A grid of kColumns key widths. Rows start at a whole or half column, so the letter rows are
// staggered by half a key like a real keyboard: q at 2, a at 2.5, z at 3; the accented row, the
// shift row and the bottom row fill the width.
class Layout {
 public:
  Layout(Ui& ui, ImVec2 pos, float width) : ui_(ui), pos_(pos) { unit_ = (width - (kColumns - 1) * gap()) / kColumns; }
  float gap() const { return key_gap(ui_); }

  // Starts the next row at column `column`.
  void row(float column) {
    x_ = pos_.x + column * (unit_ + gap());
    y_ = pos_.y + static_cast<float>(row_) * (key_height(ui_) + gap());
    ++row_;
  }
  bool key(const std::string& name, const std::string& label, float units = 1.0f, Tone tone = Tone::Secondary,
           bool selected = false) {
    float w = units * unit_ + (units - 1.0f) * gap();
    ImGui::SetCursorScreenPos(ImVec2(x_, y_));
    x_ += w + gap();
    return button(ui_, name, label, ImVec2(w, key_height(ui_)), tone, selected);
  }
  void typed(const std::string& utf8, const std::string& label = {}) {
    if (key("key:" + utf8, label.empty() ? utf8 : label)) ui_.push(act::TypeText{utf8});
  }

 private:
  Ui& ui_;
  ImVec2 pos_;
  float unit_ = 0;
  float x_ = 0, y_ = 0;
  int row_ = 0;
};

// Column where each row starts (see Layout).
constexpr float kAccentColumn = 0, kTopColumn = 2, kHomeColumn = 2.5f, kShiftColumn = 0, kBottomColumn = 0;
// The shift row: shift or the layer key, seven keys, erase; 3 + 7 + 4 = kColumns.
constexpr float kShiftUnits = 3, kEraseUnits = 4;

void physical_keys(Ui& ui) {
  // A USB keyboard (staff set-up, field tablets) types into the same field.
  ImGuiIO& io = ImGui::GetIO();
  for (ImWchar c : io.InputQueueCharacters) {
    if (c < 0x20) continue;
    char utf8[5] = {};
    ImTextCharToUtf8(utf8, c);
    ui.push(act::TypeText{utf8});
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace))) ui.push(act::Backspace{});
  // Enter finishes typing, unless it is choosing the on-screen key that has the focus (a switch user).
  const FocusState& focus = ui.state.focus;
  bool choosing_key = focus.visible && focus.name.rfind("key:", 0) == 0;
  if (!choosing_key && (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) ||
                        ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter))))
    ui.push(act::CloseKeyboard{});
}

}  // namespace

float keyboard_height(const Ui& ui) { return kRows * key_height(ui) + (kRows - 1) * key_gap(ui) + 2 * ui.gap(); }

void draw_keyboard(Ui& ui, ImVec2 pos, ImVec2 size) {
  const KeyboardState& kb = ui.state.keyboard;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), ui.pal.surface);
  draw->AddLine(pos, ImVec2(pos.x + size.x, pos.y), ui.pal.border, 3 * ui.s);
  physical_keys(ui);

  float width = std::min(size.x - 2 * ui.pad(), 1700.0f * ui.s);
  Layout k(ui, ImVec2(pos.x + (size.x - width) * 0.5f, pos.y + ui.gap()), width);
  bool email = kb.kind == KeyboardKind::Email;
  std::string done = ui.t("kiosk.done");
  std::string del = std::string("⌫ ").append(ui.t("kiosk.key.delete"));
  std::string space = ui.t("kiosk.key.space");

  if (kb.layer == KeyboardLayer::Letters) {
    k.row(kAccentColumn);
    for (const Key& key : kWelshRow) k.typed(kb.shift ? key.upper : key.lower);
    k.row(kTopColumn);
    for (const Key& key : kRow1) k.typed(kb.shift ? key.upper : key.lower);
    k.row(kHomeColumn);
    for (const Key& key : kRow2) k.typed(kb.shift ? key.upper : key.lower);
    k.row(kShiftColumn);
    if (k.key("key:shift", "⇧", kShiftUnits, Tone::Secondary, kb.shift)) ui.push(act::ToggleShift{});
    for (const Key& key : kRow3) k.typed(kb.shift ? key.upper : key.lower);
    if (k.key("key:backspace", del, kEraseUnits, Tone::Quiet)) ui.push(act::Backspace{});
  } else if (kb.layer == KeyboardLayer::Numbers) {
    k.row(kAccentColumn);
    for (const Key& key : kWelshRow) k.typed(kb.shift ? key.upper : key.lower);
    k.row(kTopColumn);
    for (const char* d : kDigits) k.typed(d);
    k.row(kHomeColumn);
    for (const char* c : kNumbersRow2) k.typed(c);
    k.row(kShiftColumn);
    if (k.key("key:layer:symbols", "#+=", kShiftUnits, Tone::Secondary)) ui.push(act::SetKeyboardLayer{KeyboardLayer::Symbols});
    for (const char* c : kNumbersRow3) k.typed(c);
    if (k.key("key:backspace", del, kEraseUnits, Tone::Quiet)) ui.push(act::Backspace{});
  } else {
    k.row(kAccentColumn);
    for (const Key& key : kWelshRow) k.typed(kb.shift ? key.upper : key.lower);
    k.row(kTopColumn);
    for (const char* c : kSymbolsRow1) k.typed(c);
    k.row(kHomeColumn);
    for (const char* c : kSymbolsRow2) k.typed(c);
    k.row(kShiftColumn);
    if (k.key("key:layer:numbers", "123", kShiftUnits, Tone::Secondary)) ui.push(act::SetKeyboardLayer{KeyboardLayer::Numbers});
    for (const char* c : kNumbersRow3) k.typed(c);
    if (k.key("key:backspace", del, kEraseUnits, Tone::Quiet)) ui.push(act::Backspace{});
  }

  // Bottom row: switch layer (2), space (9) or the email keys (9), Done (3).
  k.row(kBottomColumn);
  bool letters = kb.layer == KeyboardLayer::Letters;
  if (k.key(letters ? "key:layer:numbers" : "key:layer:letters", letters ? "123" : "ABC", 2.0f))
    ui.push(act::SetKeyboardLayer{letters ? KeyboardLayer::Numbers : KeyboardLayer::Letters});
  if (email) {
    // "@" and "." are on the numbers layer already; one key per name.
    bool extra = kb.layer == KeyboardLayer::Letters;
    if (extra) {
      k.typed("@");
      k.typed(".");
    }
    for (const char* ending : kEmailEndings)
      if (k.key(std::string("key:") + ending, ending, extra ? 1.75f : 2.25f)) ui.push(act::TypeText{ending});
  } else {
    if (k.key("key:space", space, 9.0f)) ui.push(act::TypeText{" "});
  }
  if (k.key("key:done", done, 3.0f, Tone::Primary)) ui.push(act::CloseKeyboard{});
}

}  // namespace soundings::kiosk
