// Requests to the hub and strict checks of its answers: anything unexpected is "not the hub", never success.
#include "hub_client.h"

#include <optional>
#include <set>

#include "soundings/device_store.h"
#include "soundings/json_bounded.h"

namespace soundings::sync {

namespace {

constexpr const char* kApi = "/api/v1";

SyncError not_the_hub(const std::string& url, const std::string& problem) {
  return {SyncErrorKind::NotTheHub, "Something that is not the hub answered at " + url + ": " + problem};
}

bool is_nonempty_string(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

// Every answer is read within these: the largest the hub sends is the consultation list, and a
// document nested deeper than any consultation would overflow the stack when printed or walked.
JsonLimits hub_answer_limits() {
  JsonLimits limits;
  limits.max_bytes = 32u * 1024u * 1024u;
  limits.max_depth = 64;
  return limits;
}

// {"error": "<code>", "message": "..."}: the shape of every error the hub sends (PROTOCOL.md).
std::optional<HubErrorBody> hub_error_body(const nlohmann::json& parsed) {
  if (!parsed.is_object() || !is_nonempty_string(parsed, "error")) return std::nullopt;
  const auto message = parsed.find("message");
  if (message == parsed.end() || !message->is_string()) return std::nullopt;
  return HubErrorBody{parsed["error"].get<std::string>(), message->get<std::string>()};
}

// A string of at most `max_bytes` (not empty when `required`) at object[key], copied to `out`.
bool bounded_string(const nlohmann::json& object, const char* key, size_t max_bytes, bool required,
                    std::string& out) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return false;
  const auto& text = it->get_ref<const std::string&>();
  if (text.size() > max_bytes || (required && text.empty())) return false;
  out = text;
  return true;
}

// One walk list of the /walklists answer, or the problem with it.
std::optional<std::string> read_walk_list(const nlohmann::json& entry, WalkList& list) {
  if (!entry.is_object() || !bounded_string(entry, "id", kMaxFieldIdBytes, true, list.id) ||
      !bounded_string(entry, "name", kMaxAddressBytes, true, list.name)) {
    return "has no id or name";
  }
  const auto doors = entry.find("addresses");
  if (doors == entry.end() || !doors->is_array()) return "has no addresses list";
  list.addresses.reserve(doors->size());
  for (size_t i = 0; i < doors->size(); ++i) {
    const auto& door = (*doors)[i];
    WalkAddress address;
    if (!door.is_object() || !bounded_string(door, "uprn", kMaxFieldIdBytes, true, address.uprn) ||
        !bounded_string(door, "address", kMaxAddressBytes, false, address.address) ||
        !bounded_string(door, "street", kMaxAddressBytes, false, address.street) ||
        !bounded_string(door, "postcode", kMaxAddressBytes, false, address.postcode) ||
        !bounded_string(door, "ward", kMaxAddressBytes, false, address.ward)) {
      return "addresses[" + std::to_string(i) + "] is not a door (uprn, address, street, postcode, ward)";
    }
    list.addresses.push_back(std::move(address));
  }
  return std::nullopt;
}

}  // namespace

std::string normalise_hub_url(const std::string& url, std::string& problem) {
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.rfind("https://", 0) != 0 && base.rfind("http://", 0) != 0) {
    problem = "hub address \"" + url + "\" must start with https:// (or http:// on a closed network)";
    return {};
  }
  if (base.find_first_of(" \t\r\n?#") != std::string::npos) {
    problem = "hub address \"" + url + "\" must not hold spaces, a query or a fragment";
    return {};
  }
  const auto host_start = base.find("://") + 3;
  if (host_start >= base.size()) {
    problem = "hub address \"" + url + "\" has no host";
    return {};
  }
  problem.clear();
  return base;
}

HubClient::HubClient(HttpTransport& transport, const std::string& base_url, std::string token)
    : transport_(transport), token_(std::move(token)) {
  std::string problem;
  base_url_ = normalise_hub_url(base_url, problem);
  if (base_url_.empty()) base_url_ = base_url;  // perform() reports the bad address
}

HttpRequest HubClient::request(bool post, const std::string& path, const std::string* body,
                               const std::string& if_none_match) const {
  HttpRequest request;
  request.post = post;
  request.url = base_url_ + kApi + path;
  request.body = body;
  request.bearer = token_;
  request.if_none_match = if_none_match;
  return request;
}

SyncError HubClient::judge(const HttpReply& reply, const std::string& url, bool not_modified_ok,
                           nlohmann::json& parsed) const {
  const bool is_json = reply.content_type == "application/json";
  parsed = nlohmann::json();
  std::string not_json;  // why the body is not JSON the device can take, empty when it is
  if (!is_json) {
    not_json = "the answer is \"" + (reply.content_type.empty() ? "untyped" : reply.content_type) +
               "\", not JSON (a captive portal's login page?)";
  } else if (!reply.body.empty()) {
    auto read = parse_json_bounded(reply.body, "the answer", hub_answer_limits());
    if (read) {
      parsed = std::move(read.value());
    } else {
      not_json = read.error().message;
    }
  }
  const std::optional<HubErrorBody> hub_error = hub_error_body(parsed);
  if (auto error = classify_status(reply.status, hub_error ? &*hub_error : nullptr, url, not_modified_ok,
                                   reply.retry_after);
      !error.ok()) {
    if (error.kind == SyncErrorKind::NotTheHub && reply.status >= 400) {
      error.message += ": " + (not_json.empty() ? std::string("the body is not the hub's error") : not_json);
    }
    return error;
  }
  if (reply.status == 304) return {};
  if (!not_json.empty()) return not_the_hub(url, not_json);
  if (!parsed.is_object()) return not_the_hub(url, "the answer is not a JSON object");
  return {};
}

SyncError HubClient::call(bool post, const std::string& path, const std::string* body,
                          const std::string& if_none_match, nlohmann::json& parsed, HttpReply& reply) {
  const HttpRequest sent = request(post, path, body, if_none_match);
  if (auto error = transport_.perform(sent, reply); !error.ok()) return error;
  return judge(reply, sent.url, !if_none_match.empty(), parsed);
}

SyncError HubClient::health(HealthAnswer& answer) {
  nlohmann::json parsed;
  HttpReply reply;
  if (auto error = call(false, "/health", nullptr, "", parsed, reply); !error.ok()) return error;
  const std::string url = base_url_ + kApi + "/health";
  if (parsed.value("service", nlohmann::json()) != "soundings-hub") {
    return not_the_hub(url, "the health answer does not say \"service\": \"soundings-hub\"");
  }
  if (!is_nonempty_string(parsed, "hub_id")) return not_the_hub(url, "the health answer has no hub_id");
  if (parsed.contains("api") && parsed["api"] != 1) {
    return not_the_hub(url, "the hub speaks API " + parsed["api"].dump() + ", this device speaks API 1");
  }
  answer.hub_id = parsed["hub_id"].get<std::string>();
  if (const auto it = parsed.find("version"); it != parsed.end() && it->is_string()) answer.version = *it;
  return {};
}

SyncError HubClient::check_is_hub(const std::string& expected_hub_id) {
  HealthAnswer answer;
  if (auto error = health(answer); !error.ok()) return error;
  if (!expected_hub_id.empty() && answer.hub_id != expected_hub_id) {
    return not_the_hub(base_url_, "it is hub " + answer.hub_id + ", this device is enrolled with hub " +
                                      expected_hub_id);
  }
  return {};
}

SyncError HubClient::enrol(const std::string& code, const std::string& name, EnrolAnswer& answer) {
  const std::string body = nlohmann::json{{"code", code}, {"name", name}}.dump();
  nlohmann::json parsed;
  HttpReply reply;
  if (auto error = call(true, "/enrol", &body, "", parsed, reply); !error.ok()) {
    if (error.kind == SyncErrorKind::Unauthorized) {
      const auto detail = error.message.find(" (");
      error.message = "The hub refused the enrolment code: it is unknown, used or expired" +
                      (detail == std::string::npos ? std::string() : error.message.substr(detail));
    }
    return error;
  }
  for (const char* key : {"device_id", "token", "hub_id", "seal_public_key"}) {
    if (!is_nonempty_string(parsed, key)) {
      return not_the_hub(base_url_ + kApi + "/enrol", std::string("the enrolment answer has no \"") + key + "\"");
    }
  }
  answer.device_id = parsed["device_id"].get<std::string>();
  answer.token = parsed["token"].get<std::string>();
  answer.hub_id = parsed["hub_id"].get<std::string>();
  answer.seal_public_key = parsed["seal_public_key"].get<std::string>();
  // A hub from before field tablets sends no role: every device it enrolled is a kiosk.
  answer.role = setting::kRoleKiosk;
  if (const auto role = parsed.find("role"); role != parsed.end()) {
    if (*role != setting::kRoleKiosk && *role != setting::kRoleField) {
      return not_the_hub(base_url_ + kApi + "/enrol", "the enrolment answer's role is not \"kiosk\" or \"field\"");
    }
    answer.role = role->get<std::string>();
  }
  return {};
}

std::string HubClient::push_body(std::span<const OutboxItem> items) {
  size_t total = 16;
  for (const auto& item : items) total += item.body.size() + item.id.size() + item.hash.size() + 48;
  // The stored bodies are already canonical JSON: wrap each in its envelope instead of parsing them.
  // Kinds, ids and hashes are plain ASCII (names, UUIDs, hex), so they need no escaping.
  std::string body;
  body.reserve(total);
  body += "{\"records\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) body += ',';
    body += "{\"kind\":\"";
    body += record_kind_name(items[i].kind);
    body += "\",\"id\":\"";
    body += items[i].id;
    body += "\",\"hash\":\"";
    body += items[i].hash;
    body += "\",\"body\":";
    body += items[i].body;
    body += '}';
  }
  body += "]}";
  return body;
}

SyncError HubClient::start_push(int slot, const std::string& body, HttpReply& reply) {
  return transport_.start(slot, request(true, "/records", &body, ""), reply);
}

SyncError HubClient::push(std::span<const OutboxItem> items, std::vector<ItemResult>& results) {
  const std::string body = push_body(items);
  HttpReply reply;
  const SyncError error = transport_.perform(request(true, "/records", &body, ""), reply);
  return read_push_answer(items, error, reply, results);
}

SyncError HubClient::read_push_answer(std::span<const OutboxItem> items, const SyncError& transport_error,
                                      const HttpReply& reply, std::vector<ItemResult>& results) {
  results.clear();
  if (!transport_error.ok()) return transport_error;
  const std::string url = base_url_ + kApi + "/records";
  nlohmann::json parsed;
  if (auto error = judge(reply, url, false, parsed); !error.ok()) return error;
  const auto found = parsed.find("results");
  if (found == parsed.end() || !found->is_array()) return not_the_hub(url, "the answer has no results list");
  if (found->size() != items.size()) {
    return not_the_hub(url, "the answer holds " + std::to_string(found->size()) + " results for a batch of " +
                                std::to_string(items.size()));
  }
  static const std::set<std::string, std::less<>> known = {"stored", "duplicate", "conflict", "rejected"};
  std::vector<ItemResult> checked;
  checked.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& entry = (*found)[i];
    if (!entry.is_object() || !is_nonempty_string(entry, "id") || !is_nonempty_string(entry, "status")) {
      return not_the_hub(url, "result " + std::to_string(i) + " has no id or status");
    }
    ItemResult result;
    result.id = entry["id"].get<std::string>();
    result.status = entry["status"].get<std::string>();
    if (result.id != items[i].id) {
      return not_the_hub(url, "result " + std::to_string(i) + " is for " + result.id + ", not " + items[i].id);
    }
    if (!known.count(result.status)) {
      return not_the_hub(url, "result " + std::to_string(i) + " has an unknown status \"" + result.status + "\"");
    }
    if (entry.contains("reason") && entry["reason"].is_string()) result.reason = entry["reason"].get<std::string>();
    checked.push_back(std::move(result));
  }
  results = std::move(checked);
  return {};
}

SyncError HubClient::get_list(const std::string& path, const char* key, const std::string& etag,
                              ConditionalAnswer& answer, nlohmann::json& list) {
  nlohmann::json parsed;
  HttpReply reply;
  if (auto error = call(false, path, nullptr, etag, parsed, reply); !error.ok()) return error;
  if (reply.status == 304) {
    answer.not_modified = true;
    answer.etag = etag;
    return {};
  }
  const auto found = parsed.find(key);
  if (found == parsed.end() || !found->is_array()) {
    return not_the_hub(base_url_ + kApi + path, std::string("the answer has no ") + key + " list");
  }
  list = std::move(*found);
  answer.etag = reply.etag;
  return {};
}

SyncError HubClient::pull(const std::string& etag, PullAnswer& answer) {
  answer = PullAnswer{};
  nlohmann::json list;
  if (auto error = get_list("/consultations", "consultations", etag, answer, list); !error.ok() || answer.not_modified) {
    return error;
  }
  const std::string url = base_url_ + kApi + "/consultations";
  for (size_t i = 0; i < list.size(); ++i) {
    auto& entry = list[i];
    const std::string where = "consultations[" + std::to_string(i) + "]";
    if (!entry.is_object() || !is_nonempty_string(entry, "id")) return not_the_hub(url, where + " has no id");
    if (!entry.contains("version") || !entry["version"].is_number_integer() || entry["version"].get<int64_t>() < 1 ||
        entry["version"].get<int64_t>() > 1000000) {
      return not_the_hub(url, where + ".version must be a whole number from 1");
    }
    if (!entry.contains("definition") || !entry["definition"].is_object()) {
      return not_the_hub(url, where + ".definition must be an object");
    }
    PulledConsultation pulled;
    pulled.id = entry["id"].get<std::string>();
    pulled.version = entry["version"].get<int>();
    if (entry.contains("status") && entry["status"].is_string()) pulled.status = entry["status"].get<std::string>();
    pulled.definition = std::move(entry["definition"]);
    if (entry.contains("feedback") && entry["feedback"].is_object()) pulled.feedback = std::move(entry["feedback"]);
    answer.consultations.push_back(std::move(pulled));
  }
  return {};
}

SyncError HubClient::pull_staff(const std::string& etag, StaffAnswer& answer) {
  answer = StaffAnswer{};
  nlohmann::json list;
  if (auto error = get_list("/staff", "staff", etag, answer, list); !error.ok() || answer.not_modified) return error;
  const std::string url = base_url_ + kApi + "/staff";
  std::set<std::string, std::less<>> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& entry = list[i];
    const std::string where = "staff[" + std::to_string(i) + "]";
    if (!entry.is_object() || !is_nonempty_string(entry, "id") || !is_nonempty_string(entry, "name") ||
        !entry.contains("pin_hash") || !entry["pin_hash"].is_string() || !entry.contains("disabled") ||
        !entry["disabled"].is_boolean()) {
      return not_the_hub(url, where + " must be {\"id\", \"name\", \"pin_hash\", \"disabled\"}");
    }
    StaffMember member{entry["id"].get<std::string>(), entry["name"].get<std::string>(),
                       entry["pin_hash"].get<std::string>(), entry["disabled"].get<bool>()};
    if (member.id.size() > kMaxFieldIdBytes || !ids.insert(member.id).second) {
      return not_the_hub(url, where + " has an id that is too long or given twice");
    }
    answer.staff.push_back(std::move(member));
  }
  return {};
}

SyncError HubClient::pull_walk_lists(const std::string& etag, WalkListsAnswer& answer) {
  answer = WalkListsAnswer{};
  nlohmann::json lists;
  if (auto error = get_list("/walklists", "walk_lists", etag, answer, lists); !error.ok() || answer.not_modified) {
    return error;
  }
  for (size_t i = 0; i < lists.size(); ++i) {
    WalkList list;
    if (auto problem = read_walk_list(lists[i], list)) {
      return not_the_hub(base_url_ + kApi + "/walklists", "walk_lists[" + std::to_string(i) + "] " + *problem);
    }
    answer.lists.push_back(std::move(list));
  }
  return {};
}

SyncError HubClient::heartbeat(const nlohmann::json& body) {
  const std::string text = body.dump();
  nlohmann::json parsed;
  HttpReply reply;
  if (auto error = call(true, "/heartbeat", &text, "", parsed, reply); !error.ok()) return error;
  if (parsed.value("ok", nlohmann::json()) != true) {
    return not_the_hub(base_url_ + kApi + "/heartbeat", "the heartbeat answer does not say \"ok\": true");
  }
  return {};
}

SyncError HubClient::decisions(std::vector<DecisionAnswer>& answer) {
  answer.clear();
  nlohmann::json parsed;
  HttpReply reply;
  const std::string url = base_url_ + kApi + "/decisions";
  if (auto error = call(false, "/decisions", nullptr, "", parsed, reply); !error.ok()) {
    const std::optional<HubErrorBody> hub_error = hub_error_body(parsed);
    if (reply.status == 404 && hub_error && hub_error->code == "not_found") return {};
    return error;
  }
  const auto found = parsed.find("decisions");
  if (found == parsed.end() || !found->is_array()) return not_the_hub(url, "the answer has no decisions list");
  std::vector<DecisionAnswer> checked;
  checked.reserve(found->size());
  for (size_t i = 0; i < found->size(); ++i) {
    const auto& entry = (*found)[i];
    DecisionAnswer decision;
    std::string word;
    if (!entry.is_object() || !bounded_string(entry, "record_id", kMaxFieldIdBytes, true, decision.record_id) ||
        !bounded_string(entry, "decision", 16, true, word) || (word != "released" && word != "rejected") ||
        !bounded_string(entry, "reason", 4096, false, decision.reason) ||
        !bounded_string(entry, "decided_at", 64, true, decision.decided_at)) {
      return not_the_hub(url, "decisions[" + std::to_string(i) +
                                  "] must be {\"record_id\", \"decision\": \"released\" or \"rejected\", "
                                  "\"reason\", \"decided_at\"}");
    }
    decision.released = word == "released";
    checked.push_back(std::move(decision));
  }
  answer = std::move(checked);
  return {};
}

}  // namespace soundings::sync
