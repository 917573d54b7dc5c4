// Caret geometry over ImGui's own word wrap, so that the cursor drawn and the cursor tapped agree with the text.
#include "ui/text_caret.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "ui/answer_edit.h"

namespace soundings::kiosk {

namespace {
float width_of(ImFont* font, std::string_view text, size_t from, size_t to) {
  return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0.0f, text.data() + from, text.data() + to).x;
}

size_t line_of(const std::vector<WrappedLine>& lines, size_t cursor) {
  for (size_t i = 0; i + 1 < lines.size(); ++i)
    if (cursor < lines[i].next) return i;
  return lines.size() - 1;
}
}  // namespace

std::vector<WrappedLine> wrapped_lines(ImFont* font, std::string_view text, float wrap_width) {
  // As ImFont::RenderText: a line ends where CalcWordWrapPositionA says, and the blanks after it are skipped.
  std::vector<WrappedLine> lines;
  const char* start = text.data();
  const char* end = text.data() + text.size();
  const char* s = start;
  while (s < end) {
    const char* eol = font->CalcWordWrapPositionA(1.0f, s, end, wrap_width);
    if (eol == s) ++eol;
    const char* next = eol;
    while (next < end && (*next == ' ' || *next == '\t')) ++next;
    lines.push_back(WrappedLine{static_cast<size_t>(s - start), static_cast<size_t>(next - start)});
    s = next;
  }
  if (lines.empty()) lines.push_back(WrappedLine{0, 0});
  return lines;
}

ImVec2 cursor_position(ImFont* font, std::string_view text, float wrap_width, size_t cursor) {
  cursor = clamp_cursor(text, cursor);
  std::vector<WrappedLine> lines = wrapped_lines(font, text, wrap_width);
  size_t line = line_of(lines, cursor);
  return ImVec2(width_of(font, text, lines[line].begin, cursor), static_cast<float>(line) * font->FontSize);
}

size_t cursor_at(ImFont* font, std::string_view text, float wrap_width, ImVec2 point) {
  std::vector<WrappedLine> lines = wrapped_lines(font, text, wrap_width);
  long row = static_cast<long>(std::floor(point.y / font->FontSize));
  size_t line = static_cast<size_t>(std::clamp<long>(row, 0, static_cast<long>(lines.size()) - 1));
  bool last = line + 1 == lines.size();
  // A line that wrapped ends before its trailing blank: the boundary after it is the next line's start.
  size_t stop = last ? text.size() : previous_letter(text, lines[line].next);
  size_t best = lines[line].begin;
  float best_distance = std::fabs(point.x);
  for (size_t at = lines[line].begin; at < stop;) {
    at = next_letter(text, at);
    float distance = std::fabs(point.x - width_of(font, text, lines[line].begin, at));
    if (distance < best_distance) {
      best = at;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace soundings::kiosk
