// The store worker's thread: runs queued disk jobs in order and reports each outcome as an event.
#include "ui/store_worker.h"

#include "soundings/device_store.h"
#include "soundings/sealing.h"
#include "ui/catalogue.h"
#include "ui/staff_pin.h"

namespace soundings::kiosk {

StoreWorker::StoreWorker(Store& store, std::function<void()> wake) : store_(store), wake_(std::move(wake)) {
  thread_ = std::thread([this] { run(); });
}

StoreWorker::~StoreWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StoreWorker::enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_all();
}

void StoreWorker::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to do
      job = std::move(jobs_.front());
      jobs_.pop_front();
      running_job_ = true;
    }
    std::optional<WorkerEvent> event = job();
    {
      std::lock_guard lock(mutex_);
      if (event) events_.push_back(std::move(*event));
      running_job_ = false;
    }
    if (wake_) wake_();
  }
}

std::vector<WorkerEvent> StoreWorker::take_events() {
  std::lock_guard lock(mutex_);
  std::vector<WorkerEvent> out;
  out.swap(events_);
  return out;
}

bool StoreWorker::busy() const {
  std::lock_guard lock(mutex_);
  return running_job_ || !jobs_.empty();
}

void StoreWorker::save(Response response, std::string seal_public_key) {
  enqueue([this, response = std::move(response), key = std::move(seal_public_key)]() mutable -> std::optional<WorkerEvent> {
    if (!key.empty()) {
      if (Status sealed = seal_response(response, key); !sealed)
        return worker_event::SaveFailed{"sealing failed: " + sealed.error().message};
    }
    if (Status saved = store_.save(response); !saved) {
      // A commit can succeed and still report a failure (the disk filled as SQLite finished). The id is
      // this response's own, so finding it stored means this response is safe: Try again must not fail.
      if (saved.error().code != ErrorCode::Conflict) return worker_event::SaveFailed{saved.error().message};
      Result<std::optional<Response>> stored = store_.find_response(response.id);
      if (!stored) return worker_event::SaveFailed{stored.error().message};
      if (!*stored) return worker_event::SaveFailed{saved.error().message};
    }
    return worker_event::Saved{response.id};
  });
}

void StoreWorker::verify_pin(std::string pin, std::string hash) {
  enqueue([pin = std::move(pin), hash = std::move(hash)]() mutable -> std::optional<WorkerEvent> {
    bool ok = kiosk::verify_pin(pin, hash);
    std::fill(pin.begin(), pin.end(), '\0');
    return worker_event::PinChecked{ok};
  });
}

void StoreWorker::refresh_counts(std::string since_iso8601) {
  enqueue([this, since = std::move(since_iso8601)]() -> std::optional<WorkerEvent> {
    auto today = store_.responses_saved_since(since);
    if (!today) return worker_event::StoreFailed{today.error().message};
    auto outbox = store_.outbox_counts();
    if (!outbox) return worker_event::StoreFailed{outbox.error().message};
    return worker_event::Counts{*today, *outbox};
  });
}

void StoreWorker::set_offered(std::string consultation_id, bool offered) {
  enqueue([this, id = std::move(consultation_id), offered]() -> std::optional<WorkerEvent> {
    if (Status s = store_.set_offered(id, offered); !s) return worker_event::StoreFailed{s.error().message};
    return std::nullopt;
  });
}

void StoreWorker::set_setting(std::string key, std::string value) {
  enqueue([this, key = std::move(key), value = std::move(value)]() -> std::optional<WorkerEvent> {
    if (Status s = store_.set_setting(key, value); !s) return worker_event::StoreFailed{s.error().message};
    return std::nullopt;
  });
}

void StoreWorker::read_catalogue() {
  enqueue([this]() -> std::optional<WorkerEvent> {
    auto catalogue = kiosk::read_catalogue(store_);
    if (!catalogue) return worker_event::StoreFailed{catalogue.error().message};
    return worker_event::CatalogueRead{std::move(*catalogue)};
  });
}

void StoreWorker::save_setup(std::string lang_first, std::string venue, std::string pin) {
  enqueue([this, lang = std::move(lang_first), venue = std::move(venue), pin = std::move(pin)]() mutable -> std::optional<WorkerEvent> {
    Result<std::string> hash = hash_pin(pin);
    std::fill(pin.begin(), pin.end(), '\0');
    if (!hash) return worker_event::SetupSaved{{}, hash.error().message};
    for (auto [key, value] : {std::pair{setting::kLangFirst, &lang}, std::pair{setting::kVenue, &venue},
                              std::pair{setting::kStaffPinHash, &*hash}}) {
      if (Status s = store_.set_setting(key, *value); !s) return worker_event::SetupSaved{{}, s.error().message};
    }
    return worker_event::SetupSaved{*hash, {}};
  });
}

}  // namespace soundings::kiosk
