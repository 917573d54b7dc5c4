// The immutable response record made when a respondent submits, and its JSON form.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "soundings/clock.h"
#include "soundings/result.h"

namespace soundings {

enum class Channel { Kiosk, Field };
const char* channel_name(Channel channel);  // "kiosk", "field"

struct PageTime {
  std::string page_id;
  int seconds = 0;
};

struct Response {
  int format = 1;
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
  nlohmann::json answers = nlohmann::json::object();  // ordinary answers by question id

  // Personal (contact) and special-category (equality) answers, held apart.
  // In memory before sealing they are plain JSON objects; `seal_response`
  // replaces each with {"sealed": "<base64>"} so that the device cannot read it back.
  nlohmann::json personal = nlohmann::json::object();
  nlohmann::json special = nlohmann::json::object();

  bool is_sealed() const;  // true when personal and special are empty or sealed
};

nlohmann::json response_to_json(const Response& response);
// Checks shape and types (not answers against a definition); errors name the field.
Result<Response> response_from_json(const nlohmann::json& value);

// A random version-4 UUID from libsodium's CSPRNG, lower-case with hyphens.
std::string make_uuid();
// A version-7 UUID (RFC 9562) for a response: the milliseconds since 1970 of `when` first, then
// 74 random bits. Ids made later sort later, so head office's index of response ids grows at its
// end instead of being rewritten all over for every batch. The time is the session's start,
// which the response carries anyway.
std::string make_time_ordered_uuid(TimePoint when);
bool is_uuid(const std::string& text);

}  // namespace soundings
