// One sync cycle: check the hub, push the outbox in bounded batches, learn head office's decisions on what
// was set aside, pull consultations (and on a field tablet the staff list), send a heartbeat.
#pragma once

#include <functional>
#include <span>
#include <string>

#include "http_transport.h"
#include "hub_client.h"
#include "soundings/store.h"
#include "soundings/sync_agent.h"
#include "soundings/sync_error.h"
#include "soundings/sync_schedule.h"

namespace soundings::sync {

// Times the hub may refuse one response on its own (400/413/422) before it is put aside for staff.
constexpr int kMaxRefusalsPerResponse = 3;

struct CycleReport {
  OnceOutcome outcome;
  SyncError error;
  CycleResult result = CycleResult::Failed;
  bool counts_known = true;  // false: the outbox could not be counted, so outcome's counts mean nothing
  bool consultations_changed = false;
  std::string last_success_at;  // set when the cycle succeeded
};

// Called after each batch with the number still waiting, for the status line.
using ProgressCallback = std::function<void(int64_t waiting)>;

class SyncCycle {
 public:
  SyncCycle(Store& store, HttpTransport& transport, const AgentConfig& config);
  CycleReport run(const ProgressCallback& progress);

 private:
  SyncError push_all(HubClient& client, CycleReport& report, const ProgressCallback& progress);
  // The oldest pending responses (bounded by count and bytes) that are not in the batches at the hub.
  Result<std::vector<OutboxItem>> next_batch(const std::vector<std::span<const OutboxItem>>& flying);
  // One batch on its own, halving it while the hub refuses it as a whole.
  SyncError push_items(HubClient& client, std::span<const OutboxItem> items, CycleReport& report);
  SyncError apply_results(const std::vector<ItemResult>& results, CycleReport& report);
  // What storing a pulled list came to: its problems, and whether its ETag may be kept (not after a store
  // failure: the whole list must come again next time).
  struct Applied {
    SyncError error;
    bool keep_etag = true;
  };
  // Asks for one list with the ETag kept under `etag_key`; when the hub has something new, `apply` stores
  // it. Every list a device pulls goes through here: fetch(etag, Answer&) -> SyncError, apply(Answer) -> Applied.
  template <typename Answer, typename Fetch, typename Apply>
  SyncError pull_if_changed(const char* etag_key, Fetch fetch, Apply apply);
  SyncError pull(HubClient& client, CycleReport& report);
  Applied apply_consultations(const PullAnswer& answer, CycleReport& report);
  SyncError pull_staff(HubClient& client, CycleReport& report);  // field tablets only
  SyncError pull_walk_lists(HubClient& client, CycleReport& report);  // field tablets only
  // Head office's decisions on this device's items set aside for review: each one decided is settled here.
  SyncError learn_decisions(HubClient& client);
  SyncError heartbeat(HubClient& client);

  Store& store_;
  HttpTransport& transport_;
  const AgentConfig& config_;
  const size_t max_count_;
  const size_t max_bytes_;
};

}  // namespace soundings::sync
