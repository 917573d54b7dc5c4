// Where the text cursor sits in wrapped text, and which letter boundary a tap in the text lands on.
#pragma once

#include <imgui.h>

#include <string_view>
#include <vector>

namespace soundings::kiosk {

// One drawn line of text as lay_out_text breaks it: [begin, next) in bytes, where `next` is where the
// following line starts (the blanks skipped at a break belong to this line).
struct WrappedLine {
  size_t begin = 0;
  size_t next = 0;
};
std::vector<WrappedLine> wrapped_lines(ImFont* font, std::string_view text, float wrap_width);

// The cursor's top-left corner relative to where the text is drawn.
ImVec2 cursor_position(ImFont* font, std::string_view text, float wrap_width, size_t cursor);
// The letter boundary nearest to `point` (relative to where the text is drawn).
size_t cursor_at(ImFont* font, std::string_view text, float wrap_width, ImVec2 point);

}  // namespace soundings::kiosk
