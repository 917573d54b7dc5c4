// ISO 8601 UTC timestamps for records and logs: formatting and strict parsing.
#include "soundings/clock.h"

#include <ctime>

#include <cstdio>

namespace soundings {

namespace {

bool read_digits(const std::string& text, size_t at, size_t count, int& out) {
  if (at + count > text.size()) return false;
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::string format_iso8601_utc(TimePoint when) {
  using namespace std::chrono;
  // floor, not truncation, so that instants before 1970 still land in the right second.
  const auto seconds_since_epoch = floor<seconds>(when);
  const auto day = floor<days>(seconds_since_epoch);
  const year_month_day date{day};
  const hh_mm_ss<seconds> time{seconds_since_epoch - day};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buffer;
}

bool parse_iso8601_utc(const std::string& text, TimePoint& out) {
  using namespace std::chrono;
  if (text.size() != 10 && text.size() != 20) return false;
  int y = 0, m = 0, d = 0;
  if (!read_digits(text, 0, 4, y) || text[4] != '-' || !read_digits(text, 5, 2, m) || text[7] != '-' ||
      !read_digits(text, 8, 2, d)) {
    return false;
  }
  const year_month_day date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return false;
  int hh = 0, mm = 0, ss = 0;
  if (text.size() == 20) {
    if (text[10] != 'T' || !read_digits(text, 11, 2, hh) || text[13] != ':' || !read_digits(text, 14, 2, mm) ||
        text[16] != ':' || !read_digits(text, 17, 2, ss) || text[19] != 'Z') {
      return false;
    }
    // 60 is refused: the records never hold leap seconds and system_clock cannot express them.
    if (hh > 23 || mm > 59 || ss > 59) return false;
  }
  // A TimePoint counts nanoseconds in 64 bits (about 1677 to 2262): a date beyond that cannot be
  // held, and converting it would overflow into some other date.
  const sys_days day_point{date};
  constexpr auto kReach = duration_cast<days>(TimePoint::duration::max()) - days{1};
  if (day_point.time_since_epoch() > kReach || day_point.time_since_epoch() < -kReach) return false;
  out = TimePoint{day_point} + hours{hh} + minutes{mm} + seconds{ss};
  return true;
}

int local_utc_offset_minutes(TimePoint at) {
  std::time_t t = Clock::to_time_t(at);
  std::tm local{};
  if (localtime_r(&t, &local) == nullptr) return 0;
  return static_cast<int>(local.tm_gmtoff / 60);
}

}  // namespace soundings
