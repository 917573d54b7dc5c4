// The store worker's thread: runs queued disk jobs in order and reports each outcome as an event.
#include "ui/store_worker.h"

#include <algorithm>

#include "soundings/device_store.h"
#include "soundings/officer_secret.h"
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

namespace soundings::kiosk {

namespace {
void forget(std::string& secret) {
  std::fill(secret.begin(), secret.end(), '\0');
  secret.clear();
}

// Visits come oldest first: the last one for a door is its latest.
size_t doors_visited(const std::vector<Visit>& visits) {
  std::vector<std::string> uprns;
  uprns.reserve(visits.size());
  for (const Visit& v : visits) uprns.push_back(v.uprn);
  std::sort(uprns.begin(), uprns.end());
  return static_cast<size_t>(std::unique(uprns.begin(), uprns.end()) - uprns.begin());
}
}  // namespace

void StoreWorker::read_officers() {
  enqueue([this]() -> std::optional<WorkerEvent> {
    auto staff = store_.staff();
    if (!staff) return worker_event::StoreFailed{staff.error().message};
    worker_event::OfficersRead read;
    for (const StaffMember& member : *staff)
      if (!member.disabled) read.officers.push_back(OfficerName{member.id, member.name});
    std::sort(read.officers.begin(), read.officers.end(),
              [](const OfficerName& a, const OfficerName& b) { return a.name < b.name; });
    return read;
  });
}

void StoreWorker::read_walk_lists() {
  enqueue([this]() -> std::optional<WorkerEvent> {
    auto lists = store_.walk_lists();
    if (!lists) return worker_event::StoreFailed{lists.error().message};
    worker_event::WalkListsRead read;
    for (const WalkList& list : *lists) {
      auto visits = store_.visits_for_list(list.id);
      if (!visits) return worker_event::StoreFailed{visits.error().message};
      read.lists.push_back(WalkListSummary{list.id, list.name, list.addresses.size(), doors_visited(*visits)});
    }
    return read;
  });
}

void StoreWorker::verify_officer(std::string staff_id, std::string secret) {
  enqueue([this, id = std::move(staff_id), secret = std::move(secret)]() mutable -> std::optional<WorkerEvent> {
    auto staff = store_.staff();
    bool ok = false;
    if (staff) {
      for (const StaffMember& member : *staff)
        if (member.id == id && !member.disabled) ok = verify_officer_secret(secret, member.pin_hash);
    }
    forget(secret);
    if (!staff) return worker_event::StoreFailed{staff.error().message};
    return worker_event::OfficerChecked{id, ok};
  });
}

void StoreWorker::open_walk_list(std::string list_id) {
  enqueue([this, id = std::move(list_id)]() -> std::optional<WorkerEvent> {
    auto lists = store_.walk_lists();
    if (!lists) return worker_event::StoreFailed{lists.error().message};
    for (WalkList& list : *lists) {
      if (list.id != id) continue;
      auto visits = store_.visits_for_list(id);
      if (!visits) return worker_event::StoreFailed{visits.error().message};
      return worker_event::WalkListOpened{std::make_shared<WalkListView>(build_walk_list_view(std::move(list), *visits))};
    }
    return worker_event::StoreFailed{"walk list " + id + " is no longer on this tablet"};
  });
}

void StoreWorker::save_visit(Visit visit) {
  enqueue([this, visit = std::move(visit)]() -> std::optional<WorkerEvent> {
    if (Status s = store_.save_visit(visit); !s) return worker_event::VisitFailed{s.error().message};
    return worker_event::VisitSaved{visit};
  });
}

void StoreWorker::save_sign_in(SignIn sign_in) {
  enqueue([this, sign_in = std::move(sign_in)]() -> std::optional<WorkerEvent> {
    if (Status s = store_.save_sign_in(sign_in); !s) return worker_event::StoreFailed{s.error().message};
    return worker_event::LoneWorkingSaved{};
  });
}

void StoreWorker::save_check_in(CheckIn check_in) {
  enqueue([this, check_in = std::move(check_in)]() -> std::optional<WorkerEvent> {
    if (Status s = store_.save_check_in(check_in); !s) return worker_event::StoreFailed{s.error().message};
    return worker_event::LoneWorkingSaved{};
  });
}

}  // namespace soundings::kiosk
