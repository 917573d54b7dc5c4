// The immutable response record made when a respondent submits, and its JSON form.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "soundings/clock.h"
#include "soundings/result.h"

namespace soundings {

// Limits of the response format, checked by response_from_json: the device checks them before it
// saves a response and the hub again when it arrives, so a device never keeps what the hub would
// refuse. Sizes are in bytes of UTF-8.
inline constexpr size_t kMaxResponseIdBytes = 128;  // consultation, device, staff, page and question ids
inline constexpr size_t kMaxLanguageBytes = 16;     // "cy", "en", or a longer BCP 47 tag
inline constexpr size_t kMaxVenueBytes = 512;
inline constexpr size_t kMaxPages = 500;            // entries in page_seconds
inline constexpr size_t kMaxAnswers = 1000;         // questions answered
// The loader allows max_length up to 100,000 characters, and a character takes up to 4 bytes.
inline constexpr size_t kMaxAnswerTextBytes = 400000;
inline constexpr size_t kMaxAnswerListItems = 1000;  // entries in one list or object inside an answer
// Base64 text of one sealed part: contact details and equality answers are a few kilobytes at most.
inline constexpr size_t kMaxSealedPartBytes = 256 * 1024;
// No device made responses before Soundings existed; an earlier time is a clock that lost its time.
inline constexpr const char* kEarliestResponseTime = "2020-01-01T00:00:00Z";

enum class Channel { Kiosk, Field };
const char* channel_name(Channel channel);  // "kiosk", "field"

// How a response was given (REQUIREMENTS E and the export's columns): on the screen by the resident, or
// read out by an officer who entered the answers; on someone else's behalf; with an interpreter.
enum class GivenMode { SelfCompleted, ReadOut };
const char* given_mode_name(GivenMode mode);  // "self", "read_out"

struct HowGiven {
  GivenMode mode = GivenMode::SelfCompleted;
  bool on_behalf = false;
  bool interpreter = false;
  bool privacy_notice_shown = false;  // the kiosk always shows it before the first question
};

struct PageTime {
  std::string page_id;
  int seconds = 0;
};

struct Response {
  int format = 2;                   // 2 adds "given" and "quality"; format 1 is still read
  std::string id;                   // random UUID made on the device
  std::string consultation_id;
  int consultation_version = 0;
  std::string language;             // language at submit
  Channel channel = Channel::Kiosk;
  std::string device_id;
  std::string venue;                // venue / event tag
  std::string staff_id;             // field mode: who assisted; empty on a kiosk
  std::string started_at;           // ISO 8601 UTC
  std::string submitted_at;         // ISO 8601 UTC
  std::vector<PageTime> page_seconds;
  HowGiven given;
  std::vector<std::string> quality;  // quality flags worked out on the device (field_records.h)
  nlohmann::json answers = nlohmann::json::object();  // ordinary answers by question id

  // Personal (contact) and special-category (equality) answers, held apart.
  // In memory before sealing they are plain JSON objects; `seal_response`
  // replaces each with {"sealed": "<base64>"} so that the device cannot read it back.
  nlohmann::json personal = nlohmann::json::object();
  nlohmann::json special = nlohmann::json::object();

  bool is_sealed() const;  // true when personal and special are empty or sealed
};

nlohmann::json response_to_json(const Response& response);
// Checks shape, types and the limits above (not answers against a definition); errors name the
// field and never repeat a refused value at length, nor anything of a personal part. The clock is not
// judged here: a device saves whatever its clock said, so a resident's answers are never lost to it.
Result<Response> response_from_json(const nlohmann::json& value);

// What head office checks of the device's clock: times from kEarliestResponseTime on, and a response
// that ends after it starts. The hub keeps such a response aside for review, naming the clock.
std::optional<Error> clock_problem(const Response& response);

// True when `part` is exactly {"sealed": "<base64>"} as seal_response makes it: standard base64 with
// padding, nothing else in the text, decoding to a whole sealed box with at least one byte inside.
bool is_sealed_box_part(const nlohmann::json& part);

// Makes a response taken at a door anonymous (REQUIREMENTS P1): a fresh random (version 4, not
// time-ordered) id, no venue, and its start and submit times cut to the day ("2026-12-02T00:00:00Z"), so
// it cannot be joined to the door's visit by id or time. Its officer is kept. Quality flags must be
// worked out before, from the exact times.
void make_field_response_anonymous(Response& response);

// A random version-4 UUID from libsodium's CSPRNG, lower-case with hyphens.
std::string make_uuid();
// A version-7 UUID (RFC 9562) for a response: the milliseconds since 1970 of `when` first, then
// 74 random bits. Ids made later sort later, so head office's index of response ids grows at its
// end instead of being rewritten all over for every batch. The time is the session's start,
// which the response carries anyway.
std::string make_time_ordered_uuid(TimePoint when);
bool is_uuid(const std::string& text);

}  // namespace soundings
