// Small-number suppression, the one rule for every aggregate the hub shows (console pages, their .csv and
// .json twins, charts, and `soundings-hub reach`).
#include "console.h"

namespace soundings::hub::detail::console {

namespace {

bool small(int64_t count, int64_t min_count) { return count > 0 && count < min_count; }

// Hides every count `hide` picks, then, when that hid exactly one, the next smallest non-zero count too.
template <typename Hide>
std::vector<std::optional<int64_t>> suppress_where(const std::vector<int64_t>& counts, Hide hide) {
  std::vector<std::optional<int64_t>> shown(counts.begin(), counts.end());
  size_t hidden = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (hide(i)) {
      shown[i].reset();
      ++hidden;
    }
  }
  if (hidden != 1) return shown;
  // One hidden count next to a shown total could be worked out by subtraction: hide the next smallest too.
  std::optional<size_t> next;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (shown[i] && counts[i] > 0 && (!next || counts[i] < counts[*next])) next = i;
  }
  if (next) shown[*next].reset();
  return shown;
}

}  // namespace

std::vector<std::optional<int64_t>> suppress(const std::vector<int64_t>& counts, int64_t min_count) {
  return suppress_where(counts, [&](size_t i) { return small(counts[i], min_count); });
}

std::vector<std::optional<int64_t>> suppress_beside(const std::vector<int64_t>& counts, const std::vector<int64_t>& whole,
                                                    int64_t min_count) {
  return suppress_where(counts, [&](size_t i) {
    const int64_t rest = i < whole.size() ? whole[i] - counts[i] : 0;
    return small(counts[i], min_count) || small(rest, min_count);
  });
}

std::optional<int64_t> suppress_one(int64_t count, int64_t min_count) {
  if (count > 0 && count < min_count) return std::nullopt;
  return count;
}

}  // namespace soundings::hub::detail::console
