// Quality flags for a response (field_records.h names them), worked out the same way on a field tablet before
// its times are coarsened and at head office. A flag is shown beside a record; it never drops one.
#pragma once

#include <string>
#include <vector>

#include "soundings/clock.h"
#include "soundings/consultation.h"
#include "soundings/response.h"

namespace soundings {

// A working day in local time: from 08:00 up to 20:00.
inline constexpr int kWorkingDayStartHour = 8;
inline constexpr int kWorkingDayEndHour = 20;
// Less than this per answered question is flagged as too fast for the response's length.
inline constexpr double kMinSecondsPerAnswer = 2.0;
// This many scale questions (agreement, faces, 0-10) or more, every one given the same answer, is flagged.
inline constexpr size_t kMinScalesForSameAnswer = 3;

// True when `at`, in local time `utc_offset_minutes` ahead of UTC, is before 08:00 or from 20:00 on.
bool outside_working_hours(TimePoint at, int utc_offset_minutes);
// Fewer than kMinSecondsPerAnswer seconds per answer held (ordinary, personal and special parts, unsealed).
bool answered_too_fast(const Response& response, TimePoint started, TimePoint submitted);
// kMinScalesForSameAnswer or more scale questions answered, each at the same point of its scale.
bool same_answer_every_scale(const Response& response, const Consultation& consultation);

// Every flag that applies, in a fixed order: too_fast, same_answer_every_scale, outside_working_hours (when
// it started or was submitted outside working hours). `started` and `submitted` are the exact times (a field
// response's own times are coarsened to the day, so they must be passed apart).
std::vector<std::string> response_quality_flags(const Response& response, const Consultation& consultation,
                                                TimePoint started, TimePoint submitted, int utc_offset_minutes);

// The device's local time zone offset at `at` in minutes ahead of UTC (0 when the system has no time zone).
int local_utc_offset_minutes(TimePoint at);

// Makes a response taken at a door anonymous (REQUIREMENTS P1; issue 10): a fresh random (version 4, not
// time-ordered) id, no venue, and its start and submit times cut to the day ("2026-12-02T00:00:00Z"), so it
// cannot be joined to the door's visit by id or time. Its officer is kept. Flags must be worked out before.
void make_field_response_anonymous(Response& response);

}  // namespace soundings
