// The on-screen keyboard: letters with the Welsh accented letters in their own row, numbers, symbols, an email row.
#include <imgui_internal.h>

#include <algorithm>
#include <cstring>

#include "ui/focus.h"
#include "ui/screens.h"

namespace soundings::kiosk {

namespace {
// `words` with its spaces made no-break spaces.
std::string unbroken(const std::string& words) {
  std::string out;
  for (char c : words) {
    if (c == ' ') out += "\u00A0";
    else out += c;
  }
  return out;
}

struct Key {
  const char* lower;
  const char* upper;
};

// Welsh puts accents on all seven vowels: the to bach (ŵ, ŷ above all), the acute (caniatáu, ẃ), the grave
// (ỳ) and the diaeresis (copïo). One accent's seven letters show at a time, chosen by the marks beside them.
struct AccentKeys {
  Accent accent;
  const char* name;  // for the key's tap-target name
  const char* mark;  // the key's label
  Key letters[7];
};
const AccentKeys kAccents[] = {
    {Accent::Circumflex, "circumflex", "^", {{"â", "Â"}, {"ê", "Ê"}, {"î", "Î"}, {"ô", "Ô"}, {"û", "Û"}, {"ŵ", "Ŵ"}, {"ŷ", "Ŷ"}}},
    {Accent::Acute, "acute", "´", {{"á", "Á"}, {"é", "É"}, {"í", "Í"}, {"ó", "Ó"}, {"ú", "Ú"}, {"ẃ", "Ẃ"}, {"ý", "Ý"}}},
    {Accent::Grave, "grave", "`", {{"à", "À"}, {"è", "È"}, {"ì", "Ì"}, {"ò", "Ò"}, {"ù", "Ù"}, {"ẁ", "Ẁ"}, {"ỳ", "Ỳ"}}},
    {Accent::Diaeresis, "diaeresis", "¨", {{"ä", "Ä"}, {"ë", "Ë"}, {"ï", "Ï"}, {"ö", "Ö"}, {"ü", "Ü"}, {"ẅ", "Ẅ"}, {"ÿ", "Ÿ"}}},
};
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
constexpr float kColumns = 14;  // the accented row: 4 accent marks, 7 letters, the two cursor arrows (1.5 each)

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
constexpr float kArrowUnits = 1.5f;
// The bottom row: layer (2), space (8) or the email keys (8), Done (4).
constexpr float kLayerUnits = 2, kDoneUnits = 4;

// The accent marks, then the chosen accent's letters, then the cursor arrows.
void accent_row(Ui& ui, Layout& k) {
  const KeyboardState& kb = ui.state.keyboard;
  k.row(kAccentColumn);
  const AccentKeys* shown = &kAccents[0];
  for (const AccentKeys& a : kAccents) {
    bool chosen = a.accent == kb.accent;
    if (chosen) shown = &a;
    // The chosen mark has the thick focus border (a tick would not fit beside it on a narrow key).
    if (k.key(std::string("key:accent:") + a.name, a.mark, 1.0f, chosen ? Tone::Focus : Tone::Quiet))
      ui.push(act::ChooseAccent{a.accent});
  }
  for (const Key& key : shown->letters) k.typed(kb.shift ? key.upper : key.lower);
  if (k.key("key:left", "←", kArrowUnits, Tone::Quiet)) ui.push(act::MoveCursor{-1});
  if (k.key("key:right", "→", kArrowUnits, Tone::Quiet)) ui.push(act::MoveCursor{+1});
}

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
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) ui.push(act::MoveCursor{-1});
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) ui.push(act::MoveCursor{+1});
  // Enter finishes typing, unless it is choosing the on-screen key that has the focus (a switch user).
  if (!key_context(ui.state).on_screen_key && (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) ||
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
  // Key labels are one word each, never split over two lines: a long one is set smaller instead.
  std::string done = unbroken(ui.t("kiosk.keyboard.done"));
  std::string del = unbroken("⌫ " + ui.t("kiosk.key.delete"));
  std::string space = ui.t("kiosk.key.space");

  if (kb.layer == KeyboardLayer::Letters) {
    accent_row(ui, k);
    k.row(kTopColumn);
    for (const Key& key : kRow1) k.typed(kb.shift ? key.upper : key.lower);
    k.row(kHomeColumn);
    for (const Key& key : kRow2) k.typed(kb.shift ? key.upper : key.lower);
    k.row(kShiftColumn);
    if (k.key("key:shift", "⇧", kShiftUnits, Tone::Secondary, kb.shift)) ui.push(act::ToggleShift{});
    for (const Key& key : kRow3) k.typed(kb.shift ? key.upper : key.lower);
    if (k.key("key:backspace", del, kEraseUnits, Tone::Quiet)) ui.push(act::Backspace{});
  } else if (kb.layer == KeyboardLayer::Numbers) {
    accent_row(ui, k);
    k.row(kTopColumn);
    for (const char* d : kDigits) k.typed(d);
    k.row(kHomeColumn);
    for (const char* c : kNumbersRow2) k.typed(c);
    k.row(kShiftColumn);
    if (k.key("key:layer:symbols", "#+=", kShiftUnits, Tone::Secondary)) ui.push(act::SetKeyboardLayer{KeyboardLayer::Symbols});
    for (const char* c : kNumbersRow3) k.typed(c);
    if (k.key("key:backspace", del, kEraseUnits, Tone::Quiet)) ui.push(act::Backspace{});
  } else {
    accent_row(ui, k);
    k.row(kTopColumn);
    for (const char* c : kSymbolsRow1) k.typed(c);
    k.row(kHomeColumn);
    for (const char* c : kSymbolsRow2) k.typed(c);
    k.row(kShiftColumn);
    if (k.key("key:layer:numbers", "123", kShiftUnits, Tone::Secondary)) ui.push(act::SetKeyboardLayer{KeyboardLayer::Numbers});
    for (const char* c : kNumbersRow3) k.typed(c);
    if (k.key("key:backspace", del, kEraseUnits, Tone::Quiet)) ui.push(act::Backspace{});
  }

  k.row(kBottomColumn);
  bool letters = kb.layer == KeyboardLayer::Letters;
  if (k.key(letters ? "key:layer:numbers" : "key:layer:letters", letters ? "123" : "ABC", kLayerUnits))
    ui.push(act::SetKeyboardLayer{letters ? KeyboardLayer::Numbers : KeyboardLayer::Letters});
  if (email) {
    // "@" and "." are on the numbers layer already; one key per name.
    bool extra = kb.layer == KeyboardLayer::Letters;
    if (extra) {
      k.typed("@");
      k.typed(".");
    }
    for (const char* ending : kEmailEndings)
      if (k.key(std::string("key:") + ending, ending, extra ? 1.5f : 2.0f)) ui.push(act::TypeText{ending});
  } else {
    if (k.key("key:space", space, kColumns - kLayerUnits - kDoneUnits)) ui.push(act::TypeText{" "});
  }
  if (k.key("key:done", done, kDoneUnits, Tone::Primary)) ui.push(act::CloseKeyboard{});
}

}  // namespace soundings::kiosk
