// API v1 over cpp-httplib: health, enrolment, consultations, the staff list and walk lists (field tablets),
// response batches, heartbeats, quarantine decisions.
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

#include "hub_credentials.h"
#include "hub_impl.h"
#include "hub_ingest.h"
#include "soundings/json_bounded.h"
#include "soundings/response.h"

#ifndef SOUNDINGS_VERSION
#define SOUNDINGS_VERSION "0.0.0"
#endif

namespace soundings::hub::detail {

namespace {

using httplib::ContentReader;
using httplib::Request;
using httplib::Response;
using nlohmann::json;

constexpr const char* kJson = "application/json; charset=utf-8";
// Sizes of what enrolment and heartbeats store about a device.
constexpr size_t kMaxCodeBytes = 64;
constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxAppVersionBytes = 64;
constexpr size_t kMaxHeartbeatConsultations = 200;
// How long a device over its quarantine allowance waits before trying again: head office must
// first review what it sent, which takes people, not seconds.
constexpr const char* kQuarantineRetryAfter = "3600";
// The most decisions one answer to GET /decisions holds: a device has at most as many items in review as the
// hub keeps in quarantine for it (HubConfig::max_quarantine_items_per_device, 1000 by default).
constexpr int64_t kMaxDecisionsAnswered = 1000;

void send_json(Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), kJson);
}

void send_error(Response& res, int status, const std::string& code, const std::string& message) {
  send_json(res, status, json{{"error", code}, {"message", message}});
}

void send_storage_error(Response& res, const Error& error) {
  res.set_header("Retry-After", "30");
  send_error(res, 503, "storage_unavailable",
             "the hub could not use its database (" + error.message +
                 "); nothing from this request was stored, send it again later");
}

// The device behind the bearer token, or nullopt after answering 401.
std::optional<DeviceAuth> authenticate_device(HubState& hub, const Request& req, Response& res) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view prefix = "bearer ";
  // The scheme name is case-insensitive (RFC 7235); the token is not.
  const bool is_bearer =
      header.size() > prefix.size() && std::equal(prefix.begin(), prefix.end(), header.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      });
  if (!is_bearer) {
    send_error(res, 401, "unauthorized", "Authorization: Bearer <token> is missing; enrol this device first");
    return std::nullopt;
  }
  const auto found = hub.store->device_for_token(content_hash(header.substr(prefix.size())));
  if (!found) {
    send_storage_error(res, found.error());
    return std::nullopt;
  }
  const std::optional<DeviceAuth>& device = *found;
  if (!device) {
    send_error(res, 401, "unauthorized", "this token is not known to the hub; enrol the device again");
    return std::nullopt;
  }
  if (device->revoked) {
    send_error(res, 401, "unauthorized", "this device has been revoked by head office");
    return std::nullopt;
  }
  return device;
}

// The id of the device behind the bearer token, or nullopt after answering 401.
std::optional<std::string> authenticate(HubState& hub, const Request& req, Response& res) {
  auto device = authenticate_device(hub, req, res);
  if (!device) return std::nullopt;
  return std::move(device->device_id);
}

// Reads the whole body, never more than the limit: httplib refuses a longer Content-Length
// itself (status 413), and a chunked body is cut off here.
bool read_body(const ContentReader& reader, size_t limit, std::string& body, Response& res) {
  bool too_large = false;
  const bool complete = reader([&](const char* data, size_t length) {
    if (body.size() + length > limit) {
      too_large = true;
      return false;
    }
    body.append(data, length);
    return true;
  });
  if (complete) return true;
  if (too_large || res.status == 413) {
    res.set_header("Connection", "close");
    send_error(res, 413, "body_too_large",
               "the request body is larger than the hub accepts (" + std::to_string(limit) +
                   " bytes); send fewer responses per batch");
  } else {
    send_error(res, 400, "bad_body", "the request body could not be read to its end");
  }
  return false;
}

// Parses a JSON object body, or answers 400 naming the problem. The nesting limit is checked on the
// text before anything recurses (printing an item nested 100,000 deep would overflow the stack), and
// text that is not UTF-8 or numbers beyond a double are refused here rather than failing later.
std::optional<json> parse_object(const std::string& body, Response& res, const char* shape) {
  Result<json> parsed = parse_json_bounded(body, "the request body");
  if (!parsed) {
    send_error(res, 400, "bad_json", parsed.error().message);
    return std::nullopt;
  }
  json value = std::move(parsed.value());
  if (!value.is_object()) {
    send_error(res, 400, "bad_request", std::string("the request body must be a JSON object: ") + shape);
    return std::nullopt;
  }
  return value;
}

bool if_none_match(const std::string& header, const std::string& etag) {
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string::npos) end = header.size();
    std::string tag = header.substr(start, end - start);
    const auto first = tag.find_first_not_of(" \t");
    const auto last = tag.find_last_not_of(" \t");
    tag = first == std::string::npos ? "" : tag.substr(first, last - first + 1);
    if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
    if (tag == "*" || tag == etag) return true;
    start = end + 1;
  }
  return false;
}

// Answers a list a device polls for: 200 with `body` and its ETag, or 304 with only the ETag when the
// device already holds exactly this (PROTOCOL.md, "ETag and conditional requests").
void send_if_changed(const Request& req, Response& res, std::string body) {
  std::string etag = to_hex(content_hash(body)).substr(0, 32);
  etag.insert(etag.begin(), '"');
  etag.push_back('"');
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", "no-cache");
  if (req.has_header("If-None-Match") && if_none_match(req.get_header_value("If-None-Match"), etag)) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.set_content(std::move(body), kJson);
}

void health(HubState& hub, Response& res) {
  send_json(res, 200,
            json{{"service", "soundings-hub"}, {"api", 1}, {"hub_id", hub.store->hub_id()},
                 {"version", SOUNDINGS_VERSION}});
}

void enrol(HubState& hub, const ContentReader& reader, Response& res) {
  std::string body;
  if (!read_body(reader, hub.config.max_body_bytes, body, res)) return;
  const auto request = parse_object(body, res, "{\"code\": \"ABCDE-FGHJK\", \"name\": \"...\"}");
  if (!request) return;
  const auto code = request->find("code");
  if (code == request->end() || !code->is_string() || code->get_ref<const std::string&>().size() > kMaxCodeBytes) {
    send_error(res, 400, "bad_request", "\"code\" must be the enrolment code as a string");
    return;
  }
  const auto name = request->find("name");
  if (name != request->end() && (!name->is_string() || name->get_ref<const std::string&>().size() > kMaxNameBytes)) {
    send_error(res, 400, "bad_request",
               "\"name\" must be a string of at most " + std::to_string(kMaxNameBytes) + " bytes");
    return;
  }
  const std::string device_id = make_uuid();
  const std::string token = make_device_token();
  const TimePoint now = hub.now();
  const auto redeemed = hub.store->redeem_enrol_code(
      content_hash(normalise_enrol_code(code->get<std::string>())),
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count(), format_iso8601_utc(now),
      device_id, content_hash(token), name != request->end() ? name->get<std::string>() : "");
  if (!redeemed) return send_storage_error(res, redeemed.error());
  switch (redeemed->refusal) {
    case EnrolRefusal::None: break;
    case EnrolRefusal::Unknown:
      send_error(res, 403, "enrol_code_invalid", "this enrolment code is not known; check it or ask for a new one");
      return;
    case EnrolRefusal::Used:
      send_error(res, 403, "enrol_code_invalid", "this enrolment code has already been used; ask for a new one");
      return;
    case EnrolRefusal::Expired:
      send_error(res, 403, "enrol_code_invalid", "this enrolment code has expired; ask for a new one");
      return;
  }
  send_json(res, 200,
            json{{"device_id", device_id}, {"token", token}, {"hub_id", hub.store->hub_id()},
                 {"seal_public_key", hub.keys.public_key_b64}, {"role", device_role_name(redeemed->role)}});
}

void consultations(HubState& hub, const Request& req, Response& res) {
  const auto device = authenticate(hub, req, res);
  if (!device) return;
  if (auto noted = hub.note_contact(*device); !noted) return send_storage_error(res, noted.error());
  const auto published_list = hub.store->latest_consultations();
  if (!published_list) return send_storage_error(res, published_list.error());
  const std::string today = hub.today();
  json list = json::array();
  for (const PublishedConsultation& published : *published_list) {
    json definition = json::parse(published.definition);
    json feedback = published.feedback.empty() ? definition.value("feedback", json()) : json::parse(published.feedback);
    list.push_back(json{{"id", published.id},
                        {"version", published.version},
                        {"status", consultation_status(today, published.opens, published.closes)},
                        {"opens", published.opens},
                        {"closes", published.closes},
                        {"definition", std::move(definition)},
                        {"feedback", std::move(feedback)}});
  }
  send_if_changed(req, res, json{{"consultations", std::move(list)}}.dump());
}

// A device enrolled as a field tablet, or nullopt after answering: 401, or 403 not_a_field_device for a kiosk,
// which stands in a public place and holds neither officers' PIN hashes nor residents' addresses.
std::optional<DeviceAuth> authenticate_field_device(HubState& hub, const Request& req, Response& res,
                                                    const char* what) {
  auto device = authenticate_device(hub, req, res);
  if (!device) return std::nullopt;
  if (device->role != DeviceRole::Field) {
    send_error(res, 403, "not_a_field_device",
               std::string("only devices enrolled as field tablets (soundings-hub enrol-code --field) receive ") + what);
    return std::nullopt;
  }
  return device;
}

// The staff list, for field tablets only: a kiosk stands in a public place and has no officers to sign in.
// A disabled account is sent without its hash, so a tablet holds no hash it has no use for.
void staff(HubState& hub, const Request& req, Response& res) {
  const auto device = authenticate_field_device(hub, req, res, "the staff list");
  if (!device) return;
  if (auto noted = hub.note_contact(device->device_id); !noted) return send_storage_error(res, noted.error());
  const auto stored = hub.store->staff();
  if (!stored) return send_storage_error(res, stored.error());
  json list = json::array();
  for (const StoredStaff& member : *stored) {
    const bool disabled = !member.account.disabled_at.empty();
    list.push_back(json{{"id", member.account.staff_id},
                        {"name", member.account.name},
                        {"pin_hash", disabled ? std::string() : member.pin_hash},
                        {"disabled", disabled}});
  }
  send_if_changed(req, res, json{{"staff", std::move(list)}}.dump());
}

// The open walk lists assigned to this device, for field tablets only.
void walk_lists(HubState& hub, const Request& req, Response& res) {
  const auto device = authenticate_field_device(hub, req, res, "walk lists");
  if (!device) return;
  if (auto noted = hub.note_contact(device->device_id); !noted) return send_storage_error(res, noted.error());
  const auto lists = hub.store->open_walk_lists_for(device->device_id);
  if (!lists) return send_storage_error(res, lists.error());
  json out = json::array();
  for (const WalkList& list : *lists) {
    json doors = json::array();
    for (const WalkAddress& door : list.addresses) {
      doors.push_back(json{{"uprn", door.uprn}, {"address", door.address}, {"street", door.street},
                           {"postcode", door.postcode}, {"ward", door.ward}});
    }
    out.push_back(json{{"id", list.id}, {"name", list.name}, {"addresses", std::move(doors)}});
  }
  send_if_changed(req, res, json{{"walk_lists", std::move(out)}}.dump());
}

// What one batch endpoint takes: the list's key in the request and how each item is checked.
struct BatchShape {
  const char* list_key;  // "responses" or "records"
  const char* example;   // the request's shape, for error messages
  std::function<BatchItem(const json& item, size_t index, const DefinitionLookup& lookup, TimePoint now)> prepare;
  const std::optional<Error>* other_lookup_failed = nullptr;  // set by `prepare` when a table could not be read
};

// The id a device sent for item `item`, so that it can match even an item the hub could not use: a
// response's own id, or a record envelope's. A string of any length would be sent back whole; an id
// longer than any id is not one.
json id_as_sent(const json& item) {
  const bool has_id = item.is_object() && item.contains("id") && item["id"].is_string() &&
                      item["id"].get_ref<const std::string&>().size() <= kMaxResponseIdBytes;
  return has_id ? item["id"] : json();
}

void ingest(HubState& hub, const Request& req, const ContentReader& reader, Response& res, const BatchShape& shape) {
  std::string body;
  // The body is read before the token is judged so that the connection stays in step.
  const bool read = read_body(reader, hub.config.max_body_bytes, body, res);
  const auto device = authenticate(hub, req, res);
  if (!device || !read) return;
  const auto request = parse_object(body, res, shape.example);
  if (!request) return;
  const auto items = request->find(shape.list_key);
  if (items == request->end() || !items->is_array()) {
    send_error(res, 400, "bad_request", std::string("\"") + shape.list_key + "\" must be a list");
    return;
  }
  if (items->size() > hub.config.max_batch_items) {
    send_error(res, 413, "batch_too_large",
               std::to_string(items->size()) + " items in one batch; the hub takes at most " +
                   std::to_string(hub.config.max_batch_items));
    return;
  }
  // Checking against definitions needs no lock; only the commit is serialised.
  std::vector<BatchItem> batch;
  batch.reserve(items->size());
  // A definition that cannot be read must not make its items look like ones for an unknown consultation.
  std::optional<Error> lookup_failed;
  const DefinitionLookup lookup = [&hub, &lookup_failed](const std::string& id, int version) {
    auto definition = hub.definition(id, version);
    if (definition) return std::move(*definition);
    if (!lookup_failed) lookup_failed = definition.error();
    return ConsultationPtr();
  };
  const TimePoint now = hub.now();
  for (size_t i = 0; i < items->size(); ++i) batch.push_back(shape.prepare((*items)[i], i, lookup, now));
  if (lookup_failed) return send_storage_error(res, *lookup_failed);
  if (shape.other_lookup_failed && *shape.other_lookup_failed) return send_storage_error(res, **shape.other_lookup_failed);
  const auto committed = hub.store->commit_batch(
      *device, batch, format_iso8601_utc(now),
      QuarantineAllowance{hub.config.max_quarantine_items_per_device, hub.config.max_quarantine_bytes_per_device});
  if (!committed) return send_storage_error(res, committed.error());
  if (committed->quarantine_full) {
    res.set_header("Retry-After", kQuarantineRetryAfter);
    send_error(res, 429, "quarantine_full",
               "this device has sent more rejected or conflicting records than the hub keeps for review (" +
                   std::to_string(hub.config.max_quarantine_items_per_device) + " items or " +
                   std::to_string(hub.config.max_quarantine_bytes_per_device) +
                   " bytes); nothing from this batch was stored; keep it and send it again after head office "
                   "has reviewed the quarantine");
    return;
  }
  const std::vector<ItemResult>& results = committed->results;
  json answer = json::array();
  for (size_t i = 0; i < batch.size(); ++i) {
    json entry{{"id", id_as_sent((*items)[i])}, {"status", fate_name(results[i].fate)}};
    if (!results[i].reason.empty()) entry["reason"] = results[i].reason;
    answer.push_back(std::move(entry));
  }
  send_json(res, 200, json{{"results", std::move(answer)}});
}

void responses(HubState& hub, const Request& req, const ContentReader& reader, Response& res) {
  ingest(hub, req, reader, res, BatchShape{"responses", "{\"responses\": [...]}", prepare_item});
}

void records(HubState& hub, const Request& req, const ContentReader& reader, Response& res) {
  // A table that cannot be read must not make a good record look like one for an unknown officer or
  // door: the whole batch is answered 503 and stores nothing.
  std::optional<Error> failed;
  const auto known = [&failed](Result<bool> answer) {
    if (answer) return *answer;
    if (!failed) failed = answer.error();
    return false;
  };
  const FieldLookup field{
      [&hub, &known](const std::string& staff_id) { return known(hub.store->staff_known(staff_id)); },
      [&hub, &known](const std::string& list_id, const std::string& uprn) {
        return known(hub.store->door_known(list_id, uprn));
      }};
  ingest(hub, req, reader, res,
         BatchShape{"records", "{\"records\": [{\"kind\", \"id\", \"hash\", \"body\"}, ...]}",
                    [&field](const json& item, size_t index, const DefinitionLookup& lookup, TimePoint now) {
                      return prepare_record(item, index, lookup, field, now);
                    },
                    &failed});
}

// Reads an optional field of a heartbeat, checking its type.
bool heartbeat_field(const json& request, const char* field, bool (json::*is_type)() const noexcept, Response& res,
                     const char* expected) {
  const auto it = request.find(field);
  if (it == request.end() || it->is_null() || ((*it).*is_type)()) return true;
  send_error(res, 400, "bad_request", std::string("\"") + field + "\" must be " + expected);
  return false;
}

void heartbeat(HubState& hub, const Request& req, const ContentReader& reader, Response& res) {
  std::string body;
  const bool read = read_body(reader, hub.config.max_body_bytes, body, res);
  const auto device = authenticate(hub, req, res);
  if (!device || !read) return;
  const auto request = parse_object(body, res, "{\"pending\": 0, ...}");
  if (!request) return;
  if (!heartbeat_field(*request, "pending", &json::is_number_unsigned, res, "a whole number of 0 or more") ||
      !heartbeat_field(*request, "oldest_pending_at", &json::is_string, res, "a UTC time or null") ||
      !heartbeat_field(*request, "app_version", &json::is_string, res, "a string") ||
      !heartbeat_field(*request, "consultations", &json::is_array, res, "a list of {\"id\", \"version\"}") ||
      !heartbeat_field(*request, "free_disk_bytes", &json::is_number_integer, res, "a whole number") ||
      !heartbeat_field(*request, "device_time", &json::is_string, res, "a UTC time or null")) {
    return;
  }
  // The device's clock as it sent the heartbeat: its difference from the hub's is shown to head office.
  std::optional<int64_t> clock_offset;
  if (const auto it = request->find("device_time"); it != request->end() && it->is_string()) {
    TimePoint device_time;
    const std::string& text = it->get_ref<const std::string&>();
    if (text.size() > 32 || !parse_iso8601_utc(text, device_time)) {
      send_error(res, 400, "bad_request", "\"device_time\" must be a UTC time like 2026-11-23T16:01:30Z");
      return;
    }
    clock_offset = std::chrono::duration_cast<std::chrono::seconds>(device_time - hub.now()).count();
  }
  Heartbeat beat;
  if (const auto it = request->find("pending"); it != request->end() && it->is_number_unsigned()) {
    beat.pending = static_cast<int64_t>(std::min<uint64_t>(it->get<uint64_t>(), INT64_MAX));
  }
  if (const auto it = request->find("oldest_pending_at"); it != request->end() && it->is_string()) {
    beat.oldest_pending_at = it->get<std::string>();
    TimePoint parsed;
    if (!beat.oldest_pending_at.empty() &&
        (beat.oldest_pending_at.size() > 32 || !parse_iso8601_utc(beat.oldest_pending_at, parsed))) {
      send_error(res, 400, "bad_request", "\"oldest_pending_at\" must be a UTC time like 2026-11-23T16:01:30Z");
      return;
    }
  }
  if (const auto it = request->find("app_version"); it != request->end() && it->is_string()) {
    beat.app_version = it->get<std::string>();
    if (beat.app_version.size() > kMaxAppVersionBytes) {
      send_error(res, 400, "bad_request",
                 "\"app_version\" must be at most " + std::to_string(kMaxAppVersionBytes) + " bytes");
      return;
    }
  }
  if (const auto it = request->find("free_disk_bytes"); it != request->end() && it->is_number_integer()) {
    beat.free_disk_bytes = it->get<int64_t>();
  }
  if (const auto it = request->find("consultations"); it != request->end() && it->is_array()) {
    if (it->size() > kMaxHeartbeatConsultations) {
      send_error(res, 400, "bad_request",
                 "\"consultations\" lists at most " + std::to_string(kMaxHeartbeatConsultations) + " entries");
      return;
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const json& entry = (*it)[i];
      if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_string() ||
          entry["id"].get_ref<const std::string&>().size() > kMaxResponseIdBytes || !entry.contains("version") ||
          !entry["version"].is_number_integer()) {
        send_error(res, 400, "bad_request",
                   "\"consultations[" + std::to_string(i) + "]\" must be {\"id\": \"...\", \"version\": 1}");
        return;
      }
      if (!beat.consultation_versions.empty()) beat.consultation_versions += ", ";
      beat.consultation_versions += entry["id"].get<std::string>() + "@" + std::to_string(entry["version"].get<int64_t>());
    }
  }
  if (auto recorded = hub.store->record_heartbeat(*device, beat, hub.now_text()); !recorded) {
    return send_storage_error(res, recorded.error());
  }
  if (clock_offset) {
    if (auto recorded = hub.store->set_clock_offset(*device, *clock_offset); !recorded) {
      return send_storage_error(res, recorded.error());
    }
  }
  send_json(res, 200, json{{"ok", true}, {"server_time", hub.now_text()}});
}

// Head office's decisions on what this device sent that was set aside (PROTOCOL.md, "Decisions"): the
// device clears its needs-review entries with them. Newest first, bounded.
void decisions(HubState& hub, const Request& req, Response& res) {
  const auto device = authenticate(hub, req, res);
  if (!device) return;
  if (auto noted = hub.note_contact(*device); !noted) return send_storage_error(res, noted.error());
  const auto found = hub.store->decisions_for_device(*device, kMaxDecisionsAnswered);
  if (!found) return send_storage_error(res, found.error());
  json list = json::array();
  for (const QuarantineDecision& decision : *found) {
    list.push_back(json{{"record_id", decision.record_id}, {"decision", decision.decision},
                        {"reason", decision.reason}, {"decided_at", decision.decided_at}});
  }
  send_json(res, 200, json{{"decisions", std::move(list)}});
}

// Runs a route, turning a surprise into a 500 as JSON (storage failures are values: the routes answer 503).
template <typename Route>
void guarded(Response& res, Route&& route) {
  try {
    route();
  } catch (const std::exception& error) {
    send_error(res, 500, "internal", std::string("the hub failed unexpectedly: ") + error.what());
  }
}

}  // namespace

void install_routes(httplib::Server& server, HubState& hub) {
  server.Get("/api/v1/health", [&hub](const Request&, Response& res) { guarded(res, [&] { health(hub, res); }); });
  server.Post("/api/v1/enrol", [&hub](const Request&, Response& res, const ContentReader& reader) {
    guarded(res, [&] { enrol(hub, reader, res); });
  });
  server.Get("/api/v1/consultations",
             [&hub](const Request& req, Response& res) { guarded(res, [&] { consultations(hub, req, res); }); });
  server.Get("/api/v1/staff", [&hub](const Request& req, Response& res) { guarded(res, [&] { staff(hub, req, res); }); });
  server.Get("/api/v1/walklists",
             [&hub](const Request& req, Response& res) { guarded(res, [&] { walk_lists(hub, req, res); }); });
  server.Post("/api/v1/responses", [&hub](const Request& req, Response& res, const ContentReader& reader) {
    guarded(res, [&] { responses(hub, req, reader, res); });
  });
  server.Post("/api/v1/records", [&hub](const Request& req, Response& res, const ContentReader& reader) {
    guarded(res, [&] { records(hub, req, reader, res); });
  });
  server.Get("/api/v1/decisions",
             [&hub](const Request& req, Response& res) { guarded(res, [&] { decisions(hub, req, res); }); });
  server.Post("/api/v1/heartbeat", [&hub](const Request& req, Response& res, const ContentReader& reader) {
    guarded(res, [&] { heartbeat(hub, req, reader, res); });
  });

  // Anything httplib answers by itself (no such route, unreadable request) still gets a JSON reason.
  server.set_error_handler([](const Request& req, Response& res) {
    if (!res.body.empty()) return;
    switch (res.status) {
      case 404:
        send_error(res, 404, "not_found", "no such endpoint: " + req.method + " " + req.path);
        break;
      case 413:
        send_error(res, 413, "body_too_large", "the request body is larger than the hub accepts");
        break;
      default:
        send_error(res, res.status, res.status >= 500 ? "internal" : "bad_request",
                   "the hub could not handle this request (HTTP " + std::to_string(res.status) + ")");
    }
  });
  server.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    send_error(res, 500, "internal", "the hub failed unexpectedly while handling this request");
  });
}

}  // namespace soundings::hub::detail
