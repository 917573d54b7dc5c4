// The sync agent's thread: waits on a schedule, runs cycles, and publishes a status snapshot the UI can read at any time.
#include "soundings/sync_agent.h"

#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "agent_config.h"
#include "network_watch.h"
#include "soundings/device_store.h"
#include "sync_cycle.h"

namespace soundings::sync {

namespace {

// How often the thread looks for a network that came back while it waits.
constexpr Millis kNetworkCheckEvery{2000};

bool same_status(const SyncStatus& a, const SyncStatus& b) {
  return a.state == b.state && a.waiting == b.waiting && a.needs_review == b.needs_review &&
         a.last_success_at == b.last_success_at && a.last_error == b.last_error &&
         a.consultations_generation == b.consultations_generation;
}

// A store that cannot be read counts as enrolled, so that the cycle runs and reports the storage error.
bool is_enrolled(Store& store, const AgentConfig& config) {
  const auto hub_url = store.setting(setting::kHubUrl);
  const auto token = store.setting(setting::kDeviceToken);
  if (!hub_url || !token) return true;
  const bool has_address = !config.hub_url_override.empty() || !hub_url->value_or("").empty();
  return has_address && !token->value_or("").empty();
}

SyncState state_after(const CycleReport& report) {
  switch (report.result) {
    case CycleResult::Success: return SyncState::Online;
    case CycleResult::Refused: return SyncState::Refused;
    case CycleResult::NotEnrolled: return SyncState::NotEnrolled;
    case CycleResult::Failed: break;
  }
  // The hub answered but refused a request or is holding uploads, or this device's store failed: the
  // hub is there, not "offline"; the last error says what is wrong.
  const bool hub_is_there = report.error.kind == SyncErrorKind::Local || report.error.kind == SyncErrorKind::BadRequest ||
                            report.error.kind == SyncErrorKind::Held;
  if (hub_is_there && report.outcome.reached_hub) return SyncState::Online;
  return SyncState::Offline;
}

}  // namespace

const char* sync_state_name(SyncState state) {
  switch (state) {
    case SyncState::NotEnrolled: return "not enrolled";
    case SyncState::Offline: return "offline";
    case SyncState::Syncing: return "syncing";
    case SyncState::Online: return "online";
    case SyncState::Refused: return "refused";
  }
  return "unknown";
}

struct SyncAgent::Impl {
  Impl(Store& store_in, AgentConfig config_in)
      : store(store_in), config(std::move(config_in)), transport(transport_config(config)) {}

  Store& store;
  const AgentConfig config;
  HttpTransport transport;
  std::mutex run_mutex;  // one cycle at a time, the thread's or run_once's: they share the transport

  mutable std::mutex mutex;  // guards everything below; never held during I/O
  std::condition_variable wake;
  SyncStatus status;
  std::function<void()> on_change;
  bool nudged = false;
  bool stopping = false;
  std::thread thread;

  void publish(const std::function<void(SyncStatus&)>& change) {
    std::function<void()> callback;
    {
      std::lock_guard lock(mutex);
      SyncStatus next = status;
      change(next);
      if (same_status(next, status)) return;
      status = std::move(next);
      callback = on_change;
    }
    if (callback) callback();
  }

  CycleReport run_cycle() {
    std::lock_guard running(run_mutex);
    const auto counts = store.outbox_counts();
    const bool enrolled = is_enrolled(store, config);
    publish([&](SyncStatus& s) {
      if (counts) {
        s.waiting = counts->pending;
        s.needs_review = counts->needs_review;
      }
      if (enrolled) s.state = SyncState::Syncing;
    });
    SyncCycle cycle(store, transport, config);
    CycleReport report = cycle.run([&](int64_t waiting) { publish([&](SyncStatus& s) { s.waiting = waiting; }); });
    publish([&](SyncStatus& s) {
      s.state = state_after(report);
      if (report.counts_known) {
        s.waiting = report.outcome.waiting;
        s.needs_review = report.outcome.needs_review;
      }
      s.last_error = report.error.message;
      if (!report.last_success_at.empty()) s.last_success_at = report.last_success_at;
      if (report.consultations_changed) ++s.consultations_generation;
    });
    return report;
  }

  void thread_main() {
    const ScheduleConfig timing = schedule_config(config);
    std::mt19937_64 random{std::random_device{}()};
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    SyncSchedule schedule;
    schedule.next_due = std::chrono::steady_clock::now();
    std::string network = network_fingerprint();
    auto network_checked = std::chrono::steady_clock::now();

    while (true) {
      {
        std::unique_lock lock(mutex);
        if (stopping) return;
        if (nudged) {
          schedule = nudge(schedule);
          nudged = false;
        }
        const WakeDecision decision = decide_wake(schedule, std::chrono::steady_clock::now());
        if (!decision.run_now) {
          wake.wait_for(lock, std::min(decision.wait, kNetworkCheckEvery), [&] { return stopping || nudged; });
        }
        if (stopping) return;
        if (!decision.run_now) {
          lock.unlock();
          if (std::chrono::steady_clock::now() - network_checked >= kNetworkCheckEvery) {
            network_checked = std::chrono::steady_clock::now();
            std::string now_network = network_fingerprint();
            if (now_network != network) {
              network = std::move(now_network);
              schedule = nudge(schedule);  // the network changed: it may have come back
            }
          }
          continue;
        }
      }
      schedule = begin_cycle(schedule);
      const CycleReport report = run_cycle();
      schedule = after_cycle(schedule, report.result, std::chrono::steady_clock::now(), timing, uniform(random),
                             report.error.retry_after);
    }
  }
};

SyncAgent::SyncAgent(Store& store, AgentConfig config) : impl_(std::make_unique<Impl>(store, std::move(config))) {
  const bool enrolled = is_enrolled(store, impl_->config);
  impl_->status.state = enrolled ? SyncState::Offline : SyncState::NotEnrolled;
  // Until the first cycle, a store that cannot be read shows as its error rather than as "nothing waiting".
  if (const auto counts = store.outbox_counts()) {
    impl_->status.waiting = counts->pending;
    impl_->status.needs_review = counts->needs_review;
  } else {
    impl_->status.last_error = "The device store failed while counting the outbox: " + counts.error().message;
  }
  if (const auto last_success = store.setting(setting::kLastSyncSuccessAt); last_success) {
    impl_->status.last_success_at = last_success->value_or("");
  }
}

SyncAgent::~SyncAgent() { stop(); }

OnceOutcome SyncAgent::run_once() { return impl_->run_cycle().outcome; }

void SyncAgent::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->thread.joinable()) return;
  impl_->stopping = false;
  impl_->thread = std::thread([impl = impl_.get()] { impl->thread_main(); });
}

void SyncAgent::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->thread.joinable()) return;
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->transport.abort();  // a request under way ends now, not at its timeout
  impl_->thread.join();
  impl_->transport.clear_abort();
}

void SyncAgent::notify_response_saved() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->nudged = true;
  }
  impl_->wake.notify_all();
}

SyncStatus SyncAgent::status() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->status;
}

void SyncAgent::set_on_change(std::function<void()> callback) {
  std::lock_guard lock(impl_->mutex);
  impl_->on_change = std::move(callback);
}

}  // namespace soundings::sync
