// The response record's JSON form (what the device stores and the hub receives), and response UUIDs.
//
// JSON shape, format 1 (every key always present, no others):
//   {"format": 1, "id": "<uuid v4>", "consultation_id": "...", "consultation_version": 3,
//    "language": "cy", "channel": "kiosk"|"field", "device_id": "...", "venue": "...",
//    "staff_id": "...", "started_at": "2026-11-23T16:01:30Z", "submitted_at": "...",
//    "page_seconds": [{"page": "about-you", "seconds": 34}, ...],
//    "answers": {"<question id>": <answer>, ...},
//    "personal": {...} or {"sealed": "<base64>"}, "special": {...} or {"sealed": "<base64>"}}
// page_seconds is a list rather than an object so that page order survives a round trip.
// Format 2 adds two keys, both always present:
//   "given": {"mode": "self"|"read_out", "on_behalf": false, "interpreter": false, "privacy_notice_shown": true},
//   "quality": ["too_fast", ...]   (flags worked out on the device; never a reason to drop a response)
// A format 1 response (from a device before format 2) is read with "given" at its defaults and no flags.
#include "soundings/response.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include <sodium.h>

#include "soundings/clock.h"
#include "soundings/json_bounded.h"

namespace soundings {

const char* given_mode_name(GivenMode mode) {
  switch (mode) {
    case GivenMode::SelfCompleted: return "self";
    case GivenMode::ReadOut: return "read_out";
  }
  return "self";
}

const char* channel_name(Channel channel) {
  switch (channel) {
    case Channel::Kiosk: return "kiosk";
    case Channel::Field: return "field";
  }
  return "kiosk";
}

namespace {

Error field_error(const std::string& field, const std::string& problem) {
  return Error{ErrorCode::InvalidInput, "response." + field + ": " + problem};
}

// A refused value quoted back, cut short at a character boundary: a reason must stay readable, and
// a megabyte of junk sent back and kept in quarantine would be the very thing being refused.
std::string shown(const std::string& text) {
  constexpr size_t kShown = 40;
  if (text.size() <= kShown) return "\"" + text + "\"";
  return "\"" + utf8_prefix(text, kShown) + "...\" (" + std::to_string(text.size()) + " bytes)";
}

std::string too_large(size_t size, size_t limit, const char* what = "bytes") {
  return "is " + std::to_string(size) + " " + what + "; at most " + std::to_string(limit) + " are accepted";
}

// Why `part` is not a sealed box as seal_response makes it, or nullopt when it is one. Never quotes
// the part: what arrives where a sealed box should be may be someone's name and phone number.
std::optional<std::string> sealed_part_problem(const nlohmann::json& part) {
  if (!part.is_object() || part.size() != 1 || !part.contains("sealed")) {
    return "a sealed part must be exactly {\"sealed\": \"<base64>\"}, with nothing beside it";
  }
  const auto& sealed = part["sealed"];
  if (!sealed.is_string()) return "\"sealed\" must be base64 text";
  const std::string& text = sealed.get_ref<const std::string&>();
  if (text.size() > kMaxSealedPartBytes) return "\"sealed\" " + too_large(text.size(), kMaxSealedPartBytes);
  std::vector<unsigned char> bytes(text.size() / 4 * 3 + 3);
  size_t length = 0;
  const char* end = nullptr;
  // Strict: the standard alphabet with its padding, nothing skipped, no bits left over.
  if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return "\"sealed\" is not standard base64, so it is not a sealed box (plain text must be sealed with the "
           "hub's public key)";
  }
  if (length < crypto_box_SEALBYTES + 1) {
    return "\"sealed\" holds " + std::to_string(length) + " bytes, too few for a sealed box (at least " +
           std::to_string(crypto_box_SEALBYTES + 1) + ")";
  }
  return std::nullopt;
}

const std::set<std::string, std::less<>>& known_fields() {
  static const std::set<std::string, std::less<>> fields = {
      "format",     "id",         "consultation_id", "consultation_version", "language",
      "channel",    "device_id",  "venue",           "staff_id",             "started_at",
      "submitted_at", "page_seconds", "answers",     "personal",             "special",
      "given",      "quality"};
  return fields;
}

std::optional<Error> read_given(const nlohmann::json& value, HowGiven& given) {
  const auto it = value.find("given");
  if (it == value.end()) return field_error("given", "missing");
  if (!it->is_object()) return field_error("given", "must be an object");
  for (const auto& [key, unused] : it->items()) {
    if (key != "mode" && key != "on_behalf" && key != "interpreter" && key != "privacy_notice_shown") {
      return field_error("given", "has an unknown field " + shown(key));
    }
  }
  const auto mode = it->find("mode");
  if (mode == it->end() || !mode->is_string()) return field_error("given.mode", "must be \"self\" or \"read_out\"");
  if (*mode == "self") {
    given.mode = GivenMode::SelfCompleted;
  } else if (*mode == "read_out") {
    given.mode = GivenMode::ReadOut;
  } else {
    return field_error("given.mode", "must be \"self\" or \"read_out\", not " + shown(mode->get<std::string>()));
  }
  for (const auto& [field, out] : {std::pair<const char*, bool*>{"on_behalf", &given.on_behalf},
                                   std::pair<const char*, bool*>{"interpreter", &given.interpreter},
                                   std::pair<const char*, bool*>{"privacy_notice_shown", &given.privacy_notice_shown}}) {
    const auto flag = it->find(field);
    if (flag == it->end() || !flag->is_boolean()) return field_error(std::string("given.") + field, "must be true or false");
    *out = flag->get<bool>();
  }
  return std::nullopt;
}

std::optional<Error> read_quality(const nlohmann::json& value, std::vector<std::string>& quality) {
  const auto it = value.find("quality");
  if (it == value.end()) return field_error("quality", "missing");
  if (!it->is_array() || it->size() > 16) return field_error("quality", "must be a list of at most 16 flags");
  for (const auto& flag : *it) {
    if (!flag.is_string() || flag.get_ref<const std::string&>().empty() || flag.get_ref<const std::string&>().size() > 64) {
      return field_error("quality", "each flag must be a short name");
    }
    quality.push_back(flag.get<std::string>());
  }
  return std::nullopt;
}

// Reads a required string field of at most `max_bytes`; `allow_empty` for tags that may be blank.
std::optional<Error> read_string(const nlohmann::json& value, const char* field, bool allow_empty,
                                 size_t max_bytes, std::string& out) {
  const auto it = value.find(field);
  if (it == value.end()) return field_error(field, "missing");
  if (!it->is_string()) return field_error(field, "must be a string");
  const std::string& text = it->get_ref<const std::string&>();
  if (text.size() > max_bytes) return field_error(field, too_large(text.size(), max_bytes));
  if (!allow_empty && text.empty()) return field_error(field, "must not be empty");
  out = text;
  return std::nullopt;
}

std::optional<Error> read_time(const nlohmann::json& value, const char* field, TimePoint& when, std::string& out) {
  if (auto error = read_string(value, field, false, SIZE_MAX, out)) return error;
  if (out.size() != 20 || !parse_iso8601_utc(out, when)) {
    return field_error(field, "must be a UTC time like 2026-11-23T16:01:30Z, not " + shown(out));
  }
  return std::nullopt;
}

std::optional<Error> read_part(const nlohmann::json& value, const char* field, nlohmann::json& out) {
  const auto it = value.find(field);
  if (it == value.end()) return field_error(field, "missing");
  if (!it->is_object()) return field_error(field, "must be an object");
  if (it->contains("sealed")) {
    if (auto problem = sealed_part_problem(*it)) return field_error(field, *problem);
  }
  out = *it;
  return std::nullopt;
}

// Sizes inside one answer: each text, each list or object, each key. `depth` guards the recursion
// for callers that did not parse with a nesting limit.
std::optional<Error> check_answer_size(const nlohmann::json& value, const std::string& where, int depth) {
  constexpr int kMaxAnswerDepth = 8;  // a matrix answer nests three levels
  if (depth > kMaxAnswerDepth) return field_error(where, "is nested more than " + std::to_string(kMaxAnswerDepth) + " levels deep");
  if (value.is_string()) {
    const size_t size = value.get_ref<const std::string&>().size();
    if (size > kMaxAnswerTextBytes) return field_error(where, too_large(size, kMaxAnswerTextBytes, "bytes of text"));
    return std::nullopt;
  }
  if (!value.is_structured()) return std::nullopt;
  if (value.size() > kMaxAnswerListItems) return field_error(where, too_large(value.size(), kMaxAnswerListItems, "entries"));
  if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      if (auto error = check_answer_size(value[i], where + "[" + std::to_string(i) + "]", depth + 1)) return error;
    }
    return std::nullopt;
  }
  for (const auto& [key, child] : value.items()) {
    if (key.size() > kMaxResponseIdBytes) {
      return field_error(where, "has a key of " + std::to_string(key.size()) + " bytes; at most " +
                                    std::to_string(kMaxResponseIdBytes) + " are accepted");
    }
    if (auto error = check_answer_size(child, where + "." + key, depth + 1)) return error;
  }
  return std::nullopt;
}

std::optional<Error> check_answers_size(const nlohmann::json& answers) {
  if (answers.size() > kMaxAnswers) return field_error("answers", too_large(answers.size(), kMaxAnswers, "answers"));
  for (const auto& [question_id, answer] : answers.items()) {
    if (question_id.size() > kMaxResponseIdBytes) {
      return field_error("answers", "question id of " + std::to_string(question_id.size()) + " bytes; at most " +
                                        std::to_string(kMaxResponseIdBytes) + " are accepted");
    }
    if (auto error = check_answer_size(answer, "answers." + question_id, 0)) return error;
  }
  return std::nullopt;
}

}  // namespace

bool is_sealed_box_part(const nlohmann::json& part) { return !sealed_part_problem(part); }

bool Response::is_sealed() const {
  const auto part_ok = [](const nlohmann::json& part) {
    return (part.is_object() && part.empty()) || is_sealed_box_part(part);
  };
  return part_ok(personal) && part_ok(special);
}

nlohmann::json response_to_json(const Response& response) {
  nlohmann::json pages = nlohmann::json::array();
  for (const auto& page : response.page_seconds) {
    pages.push_back({{"page", page.page_id}, {"seconds", page.seconds}});
  }
  nlohmann::json out{
      {"format", response.format},
      {"id", response.id},
      {"consultation_id", response.consultation_id},
      {"consultation_version", response.consultation_version},
      {"language", response.language},
      {"channel", channel_name(response.channel)},
      {"device_id", response.device_id},
      {"venue", response.venue},
      {"staff_id", response.staff_id},
      {"started_at", response.started_at},
      {"submitted_at", response.submitted_at},
      {"page_seconds", std::move(pages)},
      {"answers", response.answers},
      {"personal", response.personal},
      {"special", response.special},
  };
  if (response.format >= 2) {
    out["given"] = {{"mode", given_mode_name(response.given.mode)},
                    {"on_behalf", response.given.on_behalf},
                    {"interpreter", response.given.interpreter},
                    {"privacy_notice_shown", response.given.privacy_notice_shown}};
    out["quality"] = response.quality;
  }
  return out;
}

Result<Response> response_from_json(const nlohmann::json& value) {
  if (!value.is_object()) return Error{ErrorCode::InvalidInput, "response: must be a JSON object"};
  for (const auto& item : value.items()) {
    if (!known_fields().count(item.key())) return field_error(item.key(), "unknown field");
  }

  Response response;
  const auto format = value.find("format");
  if (format == value.end()) return field_error("format", "missing");
  if (!format->is_number_integer()) return field_error("format", "must be a whole number");
  if (format->get<int64_t>() > 2) {
    return Error{ErrorCode::TooNew, "response.format: " + format->dump() +
                                        " was written by a newer version of Soundings (this one reads 1 and 2)"};
  }
  if (format->get<int64_t>() < 1) return field_error("format", "must be 1 or 2");
  response.format = format->get<int>();
  if (response.format == 1 && (value.contains("given") || value.contains("quality"))) {
    return field_error("format", "1 has no \"given\" or \"quality\"; they came with format 2");
  }

  if (auto error = read_string(value, "id", false, SIZE_MAX, response.id)) return *error;
  if (!is_uuid(response.id)) return field_error("id", "must be a UUID, not " + shown(response.id));
  if (auto error = read_string(value, "consultation_id", false, kMaxResponseIdBytes, response.consultation_id)) {
    return *error;
  }

  const auto version = value.find("consultation_version");
  if (version == value.end()) return field_error("consultation_version", "missing");
  if (!version->is_number_integer() || version->get<int64_t>() < 1 || version->get<int64_t>() > INT32_MAX) {
    return field_error("consultation_version", "must be a whole number of 1 or more");
  }
  response.consultation_version = version->get<int>();

  if (auto error = read_string(value, "language", false, kMaxLanguageBytes, response.language)) return *error;
  std::string channel;
  if (auto error = read_string(value, "channel", false, SIZE_MAX, channel)) return *error;
  if (channel == "kiosk") {
    response.channel = Channel::Kiosk;
  } else if (channel == "field") {
    response.channel = Channel::Field;
  } else {
    return field_error("channel", "must be \"kiosk\" or \"field\", not " + shown(channel));
  }
  if (auto error = read_string(value, "device_id", true, kMaxResponseIdBytes, response.device_id)) return *error;
  if (auto error = read_string(value, "venue", true, kMaxVenueBytes, response.venue)) return *error;
  if (auto error = read_string(value, "staff_id", true, kMaxResponseIdBytes, response.staff_id)) return *error;
  TimePoint started;
  TimePoint submitted;
  if (auto error = read_time(value, "started_at", started, response.started_at)) return *error;
  if (auto error = read_time(value, "submitted_at", submitted, response.submitted_at)) return *error;

  const auto pages = value.find("page_seconds");
  if (pages == value.end()) return field_error("page_seconds", "missing");
  if (!pages->is_array()) return field_error("page_seconds", "must be a list");
  if (pages->size() > kMaxPages) return field_error("page_seconds", too_large(pages->size(), kMaxPages, "entries"));
  for (size_t i = 0; i < pages->size(); ++i) {
    const auto& entry = (*pages)[i];
    const std::string where = "page_seconds[" + std::to_string(i) + "]";
    if (!entry.is_object() || entry.size() != 2 || !entry.contains("page") || !entry.contains("seconds")) {
      return field_error(where, "must be {\"page\": \"<id>\", \"seconds\": <n>}");
    }
    if (!entry["page"].is_string() || entry["page"].get_ref<const std::string&>().empty()) {
      return field_error(where + ".page", "must be a page id");
    }
    if (const size_t size = entry["page"].get_ref<const std::string&>().size(); size > kMaxResponseIdBytes) {
      return field_error(where + ".page", too_large(size, kMaxResponseIdBytes));
    }
    const auto& seconds = entry["seconds"];
    if (!seconds.is_number_integer() || seconds.get<int64_t>() < 0 || seconds.get<int64_t>() > INT32_MAX) {
      return field_error(where + ".seconds", "must be a whole number of 0 or more");
    }
    response.page_seconds.push_back(PageTime{entry["page"].get<std::string>(), seconds.get<int>()});
  }

  const auto answers = value.find("answers");
  if (answers == value.end()) return field_error("answers", "missing");
  if (!answers->is_object()) return field_error("answers", "must be an object keyed by question id");
  if (auto error = check_answers_size(*answers)) return *error;
  response.answers = *answers;
  if (auto error = read_part(value, "personal", response.personal)) return *error;
  if (auto error = read_part(value, "special", response.special)) return *error;
  if (response.format >= 2) {
    if (auto error = read_given(value, response.given)) return *error;
    if (auto error = read_quality(value, response.quality)) return *error;
  }
  return response;
}

namespace {
std::array<unsigned char, 16> random_bytes() {
  // sodium_init is idempotent and thread-safe; randombytes works without it but may
  // then open /dev/urandom lazily on each call.
  if (sodium_init() < 0) {
    // Without a CSPRNG there is no safe identity for a response: fail loudly.
    std::abort();
  }
  std::array<unsigned char, 16> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return bytes;
}

std::string uuid_text(std::array<unsigned char, 16> bytes, unsigned char version) {
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | (version << 4));
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 / 9562 variant
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(hex[bytes[i] >> 4]);
    text.push_back(hex[bytes[i] & 0x0F]);
  }
  return text;
}
}  // namespace

std::string make_uuid() { return uuid_text(random_bytes(), 4); }

std::string make_time_ordered_uuid(TimePoint when) {
  const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  // A clock before 1970 (a device that lost its time) still gets a valid id, sorted first.
  const auto ms = static_cast<uint64_t>(std::max<int64_t>(since_epoch, 0)) & 0xFFFFFFFFFFFFull;
  std::array<unsigned char, 16> bytes = random_bytes();
  for (int i = 0; i < 6; ++i) bytes[static_cast<size_t>(i)] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  return uuid_text(bytes, 7);
}

bool is_uuid(const std::string& text) {
  // Lower-case only: the id is compared as text at head office, so "A" and "a" must not
  // name two different responses. Any version digit is accepted.
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::optional<Error> clock_problem(const Response& response) {
  TimePoint started;
  TimePoint submitted;
  TimePoint earliest;
  if (!parse_iso8601_utc(response.started_at, started) || !parse_iso8601_utc(response.submitted_at, submitted) ||
      !parse_iso8601_utc(kEarliestResponseTime, earliest)) {
    return field_error("started_at", "the response's times cannot be read");
  }
  for (const auto& [field, when, text] : {std::tuple{"started_at", started, response.started_at},
                                          std::tuple{"submitted_at", submitted, response.submitted_at}}) {
    if (when < earliest) {
      return field_error(field, text + " is before " + kEarliestResponseTime +
                                    "; the device's clock was wrong when this response was made");
    }
  }
  if (started > submitted) {
    return field_error("started_at", "is after response.submitted_at (" + response.started_at + " > " +
                                         response.submitted_at + "); the device's clock went back during it");
  }
  return std::nullopt;
}

void make_field_response_anonymous(Response& response) {
  const auto day = [](const std::string& iso) { return iso.size() >= 10 ? iso.substr(0, 10) + "T00:00:00Z" : iso; };
  response.id = make_uuid();
  response.venue.clear();
  response.started_at = day(response.started_at);
  response.submitted_at = day(response.submitted_at);
}

}  // namespace soundings
