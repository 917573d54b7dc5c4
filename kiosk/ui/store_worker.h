// A thread that does the kiosk's disk work (commits, counts, PIN checks) so the frame loop never waits on it.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "soundings/response.h"
#include "soundings/store.h"
#include "ui/app_state.h"

namespace soundings::kiosk {

namespace worker_event {
struct Saved { std::string response_id; };
struct SaveFailed { std::string message; };
struct PinChecked { bool ok = false; };
struct Counts { int64_t today = 0; OutboxCounts outbox; };
struct CatalogueRead { Catalogue catalogue; };
struct StoreFailed { std::string message; };  // the store could not be written or read
struct SetupSaved { std::string pin_hash; std::string error; };  // first start: error empty when stored
struct OfficersRead { std::vector<OfficerName> officers; };        // enabled accounts only
struct WalkListsRead { std::vector<WalkListSummary> lists; };
struct OfficerChecked { std::string staff_id; bool ok = false; };
struct WalkListOpened { std::shared_ptr<WalkListView> view; };
struct VisitSaved { Visit visit; };
struct VisitFailed { std::string message; };
struct LoneWorkingSaved {};  // a check-in or sign-in record committed
}  // namespace worker_event

using WorkerEvent = std::variant<worker_event::Saved, worker_event::SaveFailed, worker_event::PinChecked,
                                 worker_event::Counts, worker_event::CatalogueRead, worker_event::StoreFailed,
                                 worker_event::SetupSaved, worker_event::OfficersRead, worker_event::WalkListsRead,
                                 worker_event::OfficerChecked, worker_event::WalkListOpened, worker_event::VisitSaved,
                                 worker_event::VisitFailed, worker_event::LoneWorkingSaved>;

class StoreWorker {
 public:
  // `wake` is called from the worker thread after each finished job (e.g. glfwPostEmptyEvent).
  StoreWorker(Store& store, std::function<void()> wake);
  // Finishes every queued job first: a submitted response is never dropped on exit.
  ~StoreWorker();
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Seals personal parts with `seal_public_key` when it is set, then commits.
  void save(Response response, std::string seal_public_key);
  void verify_pin(std::string pin, std::string hash);
  void refresh_counts(std::string since_iso8601);
  void set_offered(std::string consultation_id, bool offered);
  void set_setting(std::string key, std::string value);
  void read_catalogue();
  // First start: hashes the staff PIN and stores the language order, the venue and the hash (the hash last,
  // so that a failure part-way leaves the device on its setup screen at the next start).
  void save_setup(std::string lang_first, std::string venue, std::string pin);

  // Field tablets.
  void read_officers();
  // Each list's name, doors and doors visited.
  void read_walk_lists();
  // Verifies `secret` against the officer's hash as the store holds it now: a disabled or unknown officer fails.
  void verify_officer(std::string staff_id, std::string secret);
  // Loads one list and its visits and builds the list screen's view, once.
  void open_walk_list(std::string list_id);
  void save_visit(Visit visit);
  void save_sign_in(SignIn sign_in);
  void save_check_in(CheckIn check_in);

  // Finished jobs' outcomes, oldest first; empties the list.
  std::vector<WorkerEvent> take_events();
  // True while a job is queued or running.
  bool busy() const;

 private:
  using Job = std::function<std::optional<WorkerEvent>()>;
  void enqueue(Job job);
  void run();

  Store& store_;
  std::function<void()> wake_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  std::vector<WorkerEvent> events_;
  bool running_job_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace soundings::kiosk
