// One sync cycle: check the hub, push the outbox in bounded batches, pull consultations, send a heartbeat.
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
  SyncError pull(HubClient& client, CycleReport& report);
  SyncError pull_walk_lists(HubClient& client);
  SyncError heartbeat(HubClient& client);

  Store& store_;
  HttpTransport& transport_;
  const AgentConfig& config_;
  const size_t max_count_;
  const size_t max_bytes_;
};

}  // namespace soundings::sync
