// The hub's API v1 as the device sees it (sync/PROTOCOL.md): each call checks that the answer is the hub's.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_transport.h"
#include "soundings/field_records.h"
#include "soundings/store.h"
#include "soundings/sync_error.h"

namespace soundings::sync {

struct HealthAnswer {
  std::string hub_id;
  std::string version;
};

struct EnrolAnswer {
  std::string device_id;
  std::string token;
  std::string hub_id;
  std::string seal_public_key;
  std::string role;  // setting::kRoleKiosk or kRoleField
};

struct ItemResult {
  std::string id;
  std::string status;  // "stored", "duplicate", "conflict" or "rejected"
  std::string reason;
};

struct PulledConsultation {
  std::string id;
  int version = 0;
  std::string status;
  nlohmann::json definition;
  nlohmann::json feedback;  // null when none
};

// What a conditional GET of a list brought: nothing new (304), or the list with its ETag.
struct ConditionalAnswer {
  bool not_modified = false;
  std::string etag;
};

struct PullAnswer : ConditionalAnswer {
  std::vector<PulledConsultation> consultations;
};

struct StaffAnswer : ConditionalAnswer {
  std::vector<StaffMember> staff;
};

// What GET /walklists answered: a field tablet's walk lists, or "not modified".
struct WalkListsAnswer : ConditionalAnswer {
  std::vector<WalkList> lists;
};

// One of head office's decisions on what this device sent that was set aside (GET /decisions).
struct DecisionAnswer {
  std::string record_id;
  bool released = false;  // "released"; otherwise "rejected"
  std::string reason;
  std::string decided_at;
};

class HubClient {
 public:
  HubClient(HttpTransport& transport, const std::string& base_url, std::string token);

  SyncError health(HealthAnswer& answer);
  // Health, and the hub there is the one this device enrolled with.
  SyncError check_is_hub(const std::string& expected_hub_id);
  SyncError enrol(const std::string& code, const std::string& name, EnrolAnswer& answer);
  // One result per item, in order, with the items' ids: anything else is an error and confirms nothing.
  SyncError push(std::span<const OutboxItem> items, std::vector<ItemResult>& results);
  // The same in two steps, so that two batches can be at the hub at once: `body` and `reply`
  // must live until the transport's wait_any() has returned `slot`.
  static std::string push_body(std::span<const OutboxItem> items);
  SyncError start_push(int slot, const std::string& body, HttpReply& reply);
  SyncError read_push_answer(std::span<const OutboxItem> items, const SyncError& transport_error,
                             const HttpReply& reply, std::vector<ItemResult>& results);
  SyncError pull(const std::string& etag, PullAnswer& answer);
  // Field tablets only: the hub refuses a kiosk (403 not_a_field_device: a set-up problem, not a refused token).
  SyncError pull_staff(const std::string& etag, StaffAnswer& answer);
  // Field tablets only, as the staff list: the open walk lists head office assigns this device, each door checked.
  SyncError pull_walk_lists(const std::string& etag, WalkListsAnswer& answer);
  SyncError heartbeat(const nlohmann::json& body);
  // Head office's decisions on this device's items in quarantine, each checked; a hub from before decisions
  // (its own 404 not_found) answers none. Anything but the hub's answer is an error and decides nothing.
  SyncError decisions(std::vector<DecisionAnswer>& answer);

  const std::string& base_url() const { return base_url_; }

 private:
  HttpRequest request(bool post, const std::string& path, const std::string* body,
                      const std::string& if_none_match) const;
  // Is this a 2xx (or allowed 304) JSON object answer? Fills `parsed` with the body.
  SyncError judge(const HttpReply& reply, const std::string& url, bool not_modified_ok, nlohmann::json& parsed) const;
  SyncError call(bool post, const std::string& path, const std::string* body, const std::string& if_none_match,
                 nlohmann::json& parsed, HttpReply& reply);
  // GET `path` with If-None-Match `etag`. On 304 `answer` says so; otherwise the answer's `key` must be a
  // list, moved into `list`, and `answer` carries the new ETag.
  SyncError get_list(const std::string& path, const char* key, const std::string& etag, ConditionalAnswer& answer,
                     nlohmann::json& list);

  HttpTransport& transport_;
  std::string base_url_;
  std::string token_;
};

// "https://hub.example/sync/" -> "https://hub.example/sync"; empty or not http(s): an error message.
std::string normalise_hub_url(const std::string& url, std::string& problem);

}  // namespace soundings::sync
