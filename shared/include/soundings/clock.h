// An injectable clock so that time-based policy is testable with simulated time.
#pragma once

#include <chrono>
#include <string>

namespace soundings {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual TimePoint now() const = 0;
};

class SystemTimeSource final : public TimeSource {
 public:
  TimePoint now() const override { return Clock::now(); }
};

// A clock that only moves when told to: for tests.
class ManualTimeSource final : public TimeSource {
 public:
  explicit ManualTimeSource(TimePoint start = TimePoint{} + std::chrono::hours(24 * 365 * 56)) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(std::chrono::milliseconds by) { now_ += by; }
  void set(TimePoint to) { now_ = to; }

 private:
  TimePoint now_;
};

// "2026-11-23T16:01:30Z" (UTC, whole seconds).
std::string format_iso8601_utc(TimePoint when);
// Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ"; false when malformed.
bool parse_iso8601_utc(const std::string& text, TimePoint& out);
// The device's local time zone offset at `at` in minutes ahead of UTC (0 when the system has no time zone).
int local_utc_offset_minutes(TimePoint at);

}  // namespace soundings
