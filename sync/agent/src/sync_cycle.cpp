// One sync cycle against the hub. Memory stays bounded: the outbox is read one bounded batch at a time.
#include "sync_cycle.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <array>
#include <set>
#include <filesystem>

#include "soundings/clock.h"
#include "soundings/device_store.h"

namespace soundings::sync {

namespace {

// The hub takes at most 1000 items and 8 MiB per request (PROTOCOL.md); leave room for the envelope.
constexpr size_t kHubMaxItems = 1000;
constexpr size_t kHubMaxBodyBytes = 8 * 1024 * 1024 - 64 * 1024;

SyncError local_error(const std::string& doing, const Error& error) {
  return {SyncErrorKind::Local, "The device store failed while " + doing + ": " + error.message};
}

// A setting's value, empty when it is not set; a store that cannot be read is an error, never "not set".
Result<std::string> setting_or_empty(Store& store, const char* key) {
  auto value = store.setting(key);
  if (!value) return value.error();
  return value->value_or("");
}

int64_t free_disk_bytes(const std::string& store_path) {
  std::error_code ignored;
  auto directory = std::filesystem::absolute(store_path, ignored).parent_path();
  struct statvfs info {};
  if (directory.empty() || statvfs(directory.c_str(), &info) != 0) return -1;
  return static_cast<int64_t>(info.f_bavail) * static_cast<int64_t>(info.f_frsize);
}

CycleResult result_of(const SyncError& error) {
  switch (error.kind) {
    case SyncErrorKind::None: return CycleResult::Success;
    case SyncErrorKind::Unauthorized: return CycleResult::Refused;
    case SyncErrorKind::NotEnrolled: return CycleResult::NotEnrolled;
    default: return CycleResult::Failed;
  }
}

}  // namespace

SyncCycle::SyncCycle(Store& store, HttpTransport& transport, const AgentConfig& config)
    : store_(store),
      transport_(transport),
      config_(config),
      max_count_(std::clamp<size_t>(config.batch_max_count, 1, kHubMaxItems)),
      max_bytes_(std::clamp<size_t>(config.batch_max_bytes, 1024, kHubMaxBodyBytes)) {}

CycleReport SyncCycle::run(const ProgressCallback& progress) {
  CycleReport report;
  const auto finish = [&](SyncError error) {
    if (auto counts = store_.outbox_counts()) {
      report.outcome.waiting = counts->pending;
      report.outcome.needs_review = counts->needs_review;
    } else {
      report.counts_known = false;
      if (error.ok()) error = local_error("counting the outbox", counts.error());
    }
    report.error = std::move(error);
    report.outcome.error = report.error.message;
    report.result = result_of(report.error);
    if (report.result == CycleResult::Success) {
      report.last_success_at = format_iso8601_utc(Clock::now());
      store_.set_setting(setting::kLastSyncSuccessAt, report.last_success_at);
    }
    return report;
  };

  const auto stored_url = setting_or_empty(store_, setting::kHubUrl);
  const auto token = setting_or_empty(store_, setting::kDeviceToken);
  const auto hub_id = setting_or_empty(store_, setting::kHubId);
  for (const auto* read : {&stored_url, &token, &hub_id}) {
    if (!*read) return finish(local_error("reading its settings", read->error()));
  }
  const std::string hub_url = config_.hub_url_override.empty() ? *stored_url : config_.hub_url_override;
  if (hub_url.empty() || token->empty()) {
    return finish({SyncErrorKind::NotEnrolled, "This device is not enrolled with a hub yet"});
  }
  std::string problem;
  if (normalise_hub_url(hub_url, problem).empty()) return finish({SyncErrorKind::Local, "The " + problem});

  HubClient client(transport_, hub_url, *token);
  // Once per cycle: a captive portal or another server on the hub's address must never be taken for the hub.
  if (auto error = client.check_is_hub(*hub_id); !error.ok()) {
    return finish(std::move(error));
  }
  report.outcome.reached_hub = true;

  if (auto error = push_all(client, report, progress); !error.ok()) return finish(std::move(error));
  if (auto error = learn_decisions(client); !error.ok()) return finish(std::move(error));
  if (auto error = pull(client, report); !error.ok()) return finish(std::move(error));
  return finish(heartbeat(client));
}

Result<std::vector<OutboxItem>> SyncCycle::next_batch(const std::vector<std::span<const OutboxItem>>& at_hub) {
  std::set<std::string, std::less<>> flying;
  size_t flying_bytes = 0;
  for (const auto& flying_batch : at_hub) {
    for (const auto& item : flying_batch) {
      flying.insert(item.id);
      flying_bytes += item.body.size();
    }
  }
  // The batches at the hub are the oldest pending ones, so asking for that much more finds the next.
  auto candidates = store_.pending_batch(max_count_ + flying.size(), max_bytes_ + flying_bytes);
  if (!candidates) return candidates.error();
  std::vector<OutboxItem> batch;
  size_t bytes = 0;
  for (auto& item : *candidates) {
    if (flying.count(item.id)) continue;
    if (!batch.empty() && (batch.size() >= max_count_ || bytes + item.body.size() > max_bytes_)) break;
    bytes += item.body.size();
    batch.push_back(std::move(item));
  }
  return batch;
}

SyncError SyncCycle::push_all(HubClient& client, CycleReport& report, const ProgressCallback& progress) {
  struct InFlight {
    std::vector<OutboxItem> items;
    std::string body;
    HttpReply reply;
  };
  std::array<InFlight, HttpTransport::kSlots> flights;
  const auto counts = store_.outbox_counts();
  if (!counts) return local_error("counting the outbox", counts.error());
  int64_t waiting = counts->pending;
  const auto settled = [&](const std::vector<OutboxItem>& items) {
    waiting = std::max<int64_t>(0, waiting - static_cast<int64_t>(items.size()));
    if (progress) progress(waiting);
  };

  SyncError failure;  // the first failure: nothing new is sent after it
  // Batches the hub refused as a whole, halved once none is at the hub: each of them, or two batches
  // refused together would be sent again whole every cycle and their bad response never found.
  std::vector<std::vector<OutboxItem>> refused;
  std::string last_settled_first;
  // Every batch settles its responses or ends the cycle, so the loop ends when the outbox is empty;
  // the cap only guards against a store that keeps handing back settled items.
  const int64_t max_batches = waiting + 1000;
  int64_t batches = 0;
  while (true) {
    // Two batches at the hub at once: the device reads and confirms one while the hub checks the other.
    for (int slot = 0; slot < HttpTransport::kSlots && failure.ok() && refused.empty(); ++slot) {
      if (transport_.busy(slot)) continue;
      std::vector<std::span<const OutboxItem>> at_hub;
      for (const auto& flight : flights) at_hub.emplace_back(flight.items);
      auto next = next_batch(at_hub);
      if (!next) {
        failure = local_error("reading the outbox", next.error());
        break;
      }
      std::vector<OutboxItem> batch = std::move(*next);
      if (batch.empty()) break;
      if (++batches > max_batches || batch.front().id == last_settled_first) {
        failure = {SyncErrorKind::Local, "The device store handed back response " + batch.front().id +
                                             " after it was settled; stopping this cycle"};
        break;
      }
      InFlight& flight = flights[static_cast<size_t>(slot)];
      flight.items = std::move(batch);
      flight.body = HubClient::push_body(flight.items);
      if (auto error = client.start_push(slot, flight.body, flight.reply); !error.ok()) {
        failure = error;
        flight.items.clear();
      }
    }
    if (transport_.busy_count() == 0) break;

    SyncError transport_error;
    const int slot = transport_.wait_any(transport_error);
    if (slot < 0) break;
    InFlight& flight = flights[static_cast<size_t>(slot)];
    std::vector<ItemResult> results;
    const SyncError error = client.read_push_answer(flight.items, transport_error, flight.reply, results);
    if (error.kind == SyncErrorKind::BadRequest && failure.ok()) {
      refused.push_back(std::move(flight.items));
    } else if (!error.ok()) {
      if (failure.ok()) failure = error;
    } else if (auto applied = apply_results(results, report); !applied.ok()) {
      if (failure.ok()) failure = applied;
    } else {
      last_settled_first = flight.items.front().id;
      settled(flight.items);
    }
    flight = InFlight{};

    if (!refused.empty() && transport_.busy_count() == 0) {
      for (const auto& batch : refused) {
        if (!failure.ok()) break;
        if (auto halved = push_items(client, batch, report); !halved.ok()) failure = halved;
        else settled(batch);
      }
      refused.clear();
    }
  }
  return failure;
}

SyncError SyncCycle::apply_results(const std::vector<ItemResult>& results, CycleReport& report) {
  std::vector<std::string> confirmed;
  confirmed.reserve(results.size());
  for (const auto& result : results) {
    if (result.status == "stored" || result.status == "duplicate") {
      confirmed.push_back(result.id);
    } else {
      // Conflicts and rejections stay on the device for staff and are not sent again.
      const std::string reason = result.status + (result.reason.empty() ? std::string() : ": " + result.reason);
      if (auto status = store_.mark_needs_review(result.id, reason); !status.ok()) {
        return local_error("putting response " + result.id + " aside", status.error());
      }
    }
  }
  if (!confirmed.empty()) {
    if (auto status = store_.mark_confirmed(confirmed); !status.ok()) {
      return local_error("marking responses confirmed", status.error());
    }
  }
  report.outcome.pushed += static_cast<int64_t>(confirmed.size());
  return {};
}

SyncError SyncCycle::push_items(HubClient& client, std::span<const OutboxItem> items, CycleReport& report) {
  std::vector<ItemResult> results;
  SyncError error = client.push(items, results);
  if (error.kind == SyncErrorKind::BadRequest) {
    // The hub refused the whole request: find the response it objects to by halving, so one bad
    // response never holds back the others.
    if (items.size() > 1) {
      const size_t half = items.size() / 2;
      if (auto first = push_items(client, items.first(half), report); !first.ok()) return first;
      return push_items(client, items.subspan(half), report);
    }
    const OutboxItem& item = items.front();
    if (auto status = store_.record_failed_attempt({item.id}, error.message); !status.ok()) {
      return local_error("recording a refused response", status.error());
    }
    if (item.attempts + 1 < kMaxRefusalsPerResponse) return error;
    const std::string reason = "refused by the hub " + std::to_string(kMaxRefusalsPerResponse) +
                               " times, put aside for staff: " + error.message;
    if (auto status = store_.mark_needs_review(item.id, reason); !status.ok()) {
      return local_error("putting a refused response aside", status.error());
    }
    return {};
  }
  if (!error.ok()) return error;
  return apply_results(results, report);
}

template <typename Answer, typename Fetch, typename Apply>
SyncError SyncCycle::pull_if_changed(const char* etag_key, Fetch fetch, Apply apply) {
  const auto etag = setting_or_empty(store_, etag_key);
  if (!etag) return local_error("reading its settings", etag.error());
  Answer answer;
  if (auto error = fetch(*etag, answer); !error.ok() || answer.not_modified) return error;
  Applied applied = apply(answer);
  if (applied.keep_etag && !answer.etag.empty()) {
    if (auto kept = store_.set_setting(etag_key, answer.etag); !kept.ok() && applied.error.ok()) {
      return local_error(std::string("keeping ") + etag_key, kept.error());
    }
  }
  return applied.error;
}

SyncError SyncCycle::pull(HubClient& client, CycleReport& report) {
  const SyncError consultations = pull_if_changed<PullAnswer>(
      setting::kConsultationsEtag,
      [&client](const std::string& etag, PullAnswer& answer) { return client.pull(etag, answer); },
      [this, &report](const PullAnswer& answer) { return apply_consultations(answer, report); });
  // A consultation this device could not store must not hold back the staff list or the walk lists: they are
  // how a disabled officer loses access and how an unassigned list leaves the tablet.
  if (!consultations.ok() && consultations.kind != SyncErrorKind::Local) return consultations;
  const SyncError staff = pull_staff(client, report);
  if (!staff.ok() && staff.kind != SyncErrorKind::Local) return staff;
  const SyncError walk_lists = pull_walk_lists(client, report);
  for (const SyncError* error : {&consultations, &staff, &walk_lists}) {
    if (!error->ok()) return *error;
  }
  return {};
}

SyncError SyncCycle::pull_staff(HubClient& client, CycleReport& report) {
  const auto role = setting_or_empty(store_, setting::kDeviceRole);
  if (!role) return local_error("reading its settings", role.error());
  if (*role != setting::kRoleField) return {};  // a kiosk is never sent officers' PIN hashes
  return pull_if_changed<StaffAnswer>(
      setting::kStaffEtag,
      [&client](const std::string& etag, StaffAnswer& answer) { return client.pull_staff(etag, answer); },
      [this, &report](const StaffAnswer& answer) -> Applied {
        if (auto stored = store_.replace_staff(answer.staff); !stored.ok()) {
          return {local_error("storing the staff list", stored.error()), false};
        }
        // The sign-in screen reads its officers again, so a disabled one is no longer offered.
        report.consultations_changed = true;
        return {};
      });
}

SyncCycle::Applied SyncCycle::apply_consultations(const PullAnswer& answer, CycleReport& report) {
  std::vector<std::string> problems;
  bool storage_failed = false;
  nlohmann::json statuses = nlohmann::json::object();
  for (const auto& pulled : answer.consultations) {
    const std::string label = pulled.id + " version " + std::to_string(pulled.version);
    // Older versions stay in the store: responses captured under them are still sent, and the hub takes them.
    const auto known = store_.consultation(pulled.id, pulled.version);
    if (!known) {
      problems.push_back(label + ": " + known.error().message);
      storage_failed = true;
      continue;
    }
    if (!known->has_value()) {
      if (auto status = store_.put_consultation(pulled.id, pulled.version, pulled.definition.dump()); !status.ok()) {
        problems.push_back(label + ": " + status.error().message);
        storage_failed = storage_failed || status.error().code == ErrorCode::Storage;
        continue;
      }
      ++report.outcome.consultations_updated;
    }
    if (pulled.feedback.is_object()) {
      const std::string feedback = pulled.feedback.dump();
      const auto cached = store_.consultation(pulled.id, pulled.version);
      if (!cached) {
        problems.push_back(label + " feedback: " + cached.error().message);
        storage_failed = true;
      } else if (cached->has_value() && (*cached)->feedback_json != feedback) {
        if (auto status = store_.set_feedback(pulled.id, feedback); !status.ok()) {
          problems.push_back(label + " feedback: " + status.error().message);
          storage_failed = storage_failed || status.error().code == ErrorCode::Storage;
        } else {
          ++report.outcome.consultations_updated;
        }
      }
    }
    if (!pulled.status.empty()) statuses[pulled.id] = pulled.status;
  }
  const std::string status_text = statuses.dump();
  const auto stored_status = setting_or_empty(store_, setting::kConsultationStatus);
  if (!stored_status) return {local_error("reading its settings", stored_status.error()), false};
  if (*stored_status != status_text) {
    store_.set_setting(setting::kConsultationStatus, status_text);
    report.consultations_changed = true;
  }
  report.consultations_changed = report.consultations_changed || report.outcome.consultations_updated > 0;
  // A storage failure means try the whole list again next time; a refused definition would be refused again.
  if (!problems.empty()) {
    std::string message = "Some consultations from the hub were not stored: " + problems.front();
    if (problems.size() > 1) message += " (and " + std::to_string(problems.size() - 1) + " more)";
    return {{SyncErrorKind::Local, message}, !storage_failed};
  }
  return {};
}

// Field tablets only: the tablet's walk lists become exactly those head office assigns it now; a list
// unassigned or closed loses its addresses, and its visits once head office holds them (Store::replace_walk_lists).
SyncError SyncCycle::pull_walk_lists(HubClient& client, CycleReport& report) {
  const auto role = setting_or_empty(store_, setting::kDeviceRole);
  if (!role) return local_error("reading its settings", role.error());
  if (*role != setting::kRoleField) return {};  // a kiosk never holds an address
  return pull_if_changed<WalkListsAnswer>(
      setting::kWalkListsEtag,
      [&client](const std::string& etag, WalkListsAnswer& answer) { return client.pull_walk_lists(etag, answer); },
      [this, &report](const WalkListsAnswer& answer) -> Applied {
        if (auto stored = store_.replace_walk_lists(answer.lists); !stored.ok()) {
          return {local_error("replacing its walk lists", stored.error()), false};
        }
        // The tablet's screens read their lists again: a list taken off leaves the screen too.
        report.consultations_changed = true;
        return {};
      });
}

SyncError SyncCycle::learn_decisions(HubClient& client) {
  const auto counts = store_.outbox_counts();
  if (!counts) return local_error("counting the outbox", counts.error());
  // Most cycles have nothing in review: no question to ask.
  if (counts->needs_review == 0) return {};
  std::vector<DecisionAnswer> decisions;
  if (auto error = client.decisions(decisions); !error.ok()) return error;
  for (const DecisionAnswer& decision : decisions) {
    const std::string note = "rejected by head office at " + decision.decided_at + ": " + decision.reason;
    // A decision on a record this device no longer holds in review changes nothing.
    auto settled = store_.resolve_review(decision.record_id, decision.released, note);
    if (!settled) return local_error("settling record " + decision.record_id + " as head office decided", settled.error());
  }
  return {};
}

SyncError SyncCycle::heartbeat(HubClient& client) {
  const auto counts = store_.outbox_counts();
  if (!counts) return local_error("counting the outbox", counts.error());
  const auto cached_consultations = store_.latest_consultations();
  if (!cached_consultations) return local_error("reading the cached consultations", cached_consultations.error());
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& cached : *cached_consultations) {
    versions.push_back({{"id", cached.id}, {"version", cached.version}});
  }
  const nlohmann::json body = {
      {"pending", counts->pending},
      {"oldest_pending_at", counts->oldest_pending_at.empty() ? nlohmann::json() : nlohmann::json(counts->oldest_pending_at)},
      {"app_version", config_.app_version},
      {"consultations", std::move(versions)},
      {"free_disk_bytes", free_disk_bytes(store_.path())},
      {"device_time", format_iso8601_utc(Clock::now())},
  };
  return client.heartbeat(body);
}

}  // namespace soundings::sync
