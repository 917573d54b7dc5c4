// Quality flags of a response: one judgement, made by the device at submit and again by the hub on what
// it receives, so that both say the same thing of the same response. Flags are shown beside a response
// in exports; they are never a reason to drop it.
#pragma once

#include <string>
#include <vector>

#include "soundings/clock.h"
#include "soundings/consultation.h"
#include "soundings/field_records.h"
#include "soundings/response.h"

namespace soundings {

// Too fast for its length: fewer seconds on the pages in all than this many per ordinary answer. Reading a
// question and tapping an answer takes a few seconds; under two each, the answers were not read.
inline constexpr int kTooFastSecondsPerAnswer = 2;
// ...judged only from this many ordinary answers up: one or two quick taps are an ordinary short response.
inline constexpr size_t kTooFastMinAnswers = 3;
// The same answer on every scale: judged only when at least this many scale questions were answered.
inline constexpr size_t kSameAnswerMinScales = 3;
// Working hours in UK local time: from 08:00 up to 20:00, when doorstep calls are expected to stop.
inline constexpr int kWorkingDayStartHour = 8;
inline constexpr int kWorkingDayEndHour = 20;

// Many completions at one address: more "completed" visits than this at one door of one list. A household
// may well hold two people who each take part; more is worth a look.
inline constexpr size_t kManyCompletionsAtAddress = 2;

// Passed for `started` and `submitted` when the real times are not known (a field response's times are
// coarsened to the day before it leaves the device): no working-hours judgement is made then.
inline constexpr TimePoint kTimeUnknown{};

// The flags of `response` (field_records.h names), sorted, each once:
//   too_fast                 the pages' seconds (page_seconds) below kTooFastSecondsPerAnswer per answer
//   same_answer_every_scale  every answered agreement, smiley and 0-10 question at the same place along
//                            its scale (first, middle, last...; "prefer not to say" is no place),
//                            kSameAnswerMinScales of them at least
//   outside_working_hours    started or submitted outside working hours, local time = UTC + offset
// `definition` is the consultation version the response answers; only ordinary answers are judged (the
// personal and equality parts are sealed).
std::vector<std::string> response_quality_flags(const Response& response, const Consultation& definition,
                                                TimePoint started, TimePoint submitted, int utc_offset_minutes);

// Adds many_completions_at_address to every "completed" visit at a door (list and UPRN) that has more than
// kManyCompletionsAtAddress of them among `visits`; other flags stay as they are.
void flag_many_completions(std::vector<Visit>& visits);

// True when `at`, in local time `utc_offset_minutes` ahead of UTC, is outside working hours: for a
// response's start and end, and for a visit's time.
bool outside_working_hours(TimePoint at, int utc_offset_minutes);

// UK civil time's offset from UTC at `when`: 60 in British Summer Time (from 01:00 UTC on the last Sunday
// of March to 01:00 UTC on the last Sunday of October), 0 otherwise.
int uk_utc_offset_minutes(TimePoint when);

// True when a time carries the day only ("...T00:00:00Z"): coarsened, not a time of day to judge.
bool is_coarsened_time(const std::string& iso8601_utc);

// Both lists together, sorted, each flag once: the hub adds its flags to the device's and drops none.
std::vector<std::string> merge_quality_flags(const std::vector<std::string>& first,
                                             const std::vector<std::string>& second);

}  // namespace soundings
