// Caret geometry over the kiosk's own line breaking (lay_out_text), so that the cursor drawn and the cursor tapped
// agree with the text as drawn.
#include "ui/text_caret.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "ui/answer_edit.h"
#include "ui/widgets.h"

namespace soundings::kiosk {

namespace {
// The size the field sets its text at (smaller than the font when one word is wider than the field).
float set_size(ImFont* font, std::string_view text, float wrap_width) { return lay_out_text(font, text, wrap_width).size; }

float width_of(ImFont* font, float size, std::string_view text, size_t from, size_t to) {
  return font->CalcTextSizeA(size, FLT_MAX, 0.0f, text.data() + from, text.data() + to).x;
}

size_t line_of(const std::vector<WrappedLine>& lines, size_t cursor) {
  for (size_t i = 0; i + 1 < lines.size(); ++i)
    if (cursor < lines[i].next) return i;
  return lines.size() - 1;
}
}  // namespace

std::vector<WrappedLine> wrapped_lines(ImFont* font, std::string_view text, float wrap_width) {
  // The lines exactly as the field draws them (lay_out_text); the blanks at a break belong to the line before.
  TextLayout layout = lay_out_text(font, text, wrap_width);
  std::vector<WrappedLine> lines;
  for (size_t i = 0; i < layout.lines.size(); ++i)
    lines.push_back(WrappedLine{layout.lines[i].first, i + 1 < layout.lines.size() ? layout.lines[i + 1].first : text.size()});
  if (lines.empty()) lines.push_back(WrappedLine{0, 0});
  return lines;
}

ImVec2 cursor_position(ImFont* font, std::string_view text, float wrap_width, size_t cursor) {
  cursor = clamp_cursor(text, cursor);
  std::vector<WrappedLine> lines = wrapped_lines(font, text, wrap_width);
  size_t line = line_of(lines, cursor);
  float size = set_size(font, text, wrap_width);
  return ImVec2(width_of(font, size, text, lines[line].begin, cursor), static_cast<float>(line) * size);
}

size_t cursor_at(ImFont* font, std::string_view text, float wrap_width, ImVec2 point) {
  std::vector<WrappedLine> lines = wrapped_lines(font, text, wrap_width);
  float size = set_size(font, text, wrap_width);
  long row = static_cast<long>(std::floor(point.y / size));
  size_t line = static_cast<size_t>(std::clamp<long>(row, 0, static_cast<long>(lines.size()) - 1));
  bool last = line + 1 == lines.size();
  // A line that broke at a blank ends before it (the boundary after the blank is the next line's start);
  // one that broke after a hyphen or inside a long typed word ends at the break.
  const size_t next = lines[line].next;
  const bool blank_at_break = !last && next > 0 && (text[next - 1] == ' ' || text[next - 1] == '\n');
  size_t stop = last ? text.size() : blank_at_break ? previous_letter(text, next) : next;
  size_t best = lines[line].begin;
  float best_distance = std::fabs(point.x);
  for (size_t at = lines[line].begin; at < stop;) {
    at = next_letter(text, at);
    float distance = std::fabs(point.x - width_of(font, size, text, lines[line].begin, at));
    if (distance < best_distance) {
      best = at;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace soundings::kiosk
