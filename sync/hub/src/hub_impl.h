// The hub's shared state, seen by the admin operations, the HTTP routes and the exports.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "hub_gate.h"
#include "hub_store.h"
#include "soundings/clock.h"
#include "soundings/consultation.h"
#include "soundings/hub.h"
#include "soundings/sealing.h"

namespace httplib {
class Server;
}

namespace soundings::hub::detail {

struct HubState {
  HubConfig config;
  std::shared_ptr<const TimeSource> clock;
  std::unique_ptr<Store> store;
  KeyPair keys;

  TimePoint now() const { return clock->now(); }
  std::string now_text() const { return format_iso8601_utc(now()); }
  std::string today() const { return now_text().substr(0, 10); }

  // The loaded definition of a published version, or null when there is none. Published
  // versions never change, so each is loaded once and kept.
  [[nodiscard]] Result<ConsultationPtr> definition(const std::string& id, int version);

  // Records that a device was heard from, at most once a minute per device, so that a
  // device polling for consultations does not cost a disk sync each time.
  [[nodiscard]] Status note_contact(const std::string& device_id);

 private:
  std::mutex definitions_mutex_;
  std::map<std::pair<std::string, int>, ConsultationPtr> definitions_;
  std::mutex contact_mutex_;
  std::map<std::string, TimePoint> contact_written_;
};

// A store failure as admin operations report it: keeps the code (Storage, Corrupt...) and says which
// database failed.
inline Error storage_error(const Error& error) { return Error{error.code, "hub database: " + error.message}; }

// "upcoming", "open" or "closed" for a consultation with these dates on `today` (UTC dates).
const char* consultation_status(const std::string& today, const std::string& opens, const std::string& closes);

// The store `config` names: DATA_DIR/hub.sqlite, or the PostgreSQL database of config.database.
[[nodiscard]] Result<std::unique_ptr<Store>> open_store(const HubConfig& config);
// The hub's key pair, checked against the public key the store records (see Hub::open).
[[nodiscard]] Result<KeyPair> load_keys_for(const HubConfig& config, Store& store);

// ---- console (issue 12) ----
// Hub::field_overview on the hub's state: the console flags overdue officers on every page.
[[nodiscard]] Result<std::vector<OfficerStatus>> field_overview(HubState& hub, std::chrono::minutes overdue_after);
// ---- end console (issue 12) ----

// Registers API v1 on `server` (PROTOCOL.md).
void install_routes(httplib::Server& server, HubState& hub);

// ---- admin operations on the shared state (issue 12) ----
// The Hub methods of the same names forward here, so that the console's pages (which hold a HubState)
// run exactly what the soundings-hub commands run.
PublishOutcome publish_json(HubState& hub, const std::string& definition_json);                      // hub_admin.cpp
[[nodiscard]] Status publish_feedback(HubState& hub, const std::string& consultation_id,
                                      const std::string& feedback_json);                              // hub_admin.cpp
[[nodiscard]] Status add_staff(HubState& hub, const std::string& staff_id, const std::string& name,
                               const std::string& secret);                                           // hub_staff.cpp
[[nodiscard]] Result<std::vector<StaffAccount>> staff(HubState& hub);
[[nodiscard]] Status disable_staff(HubState& hub, const std::string& staff_id);
[[nodiscard]] Result<WalkListImport> import_walk_list(HubState& hub, const std::string& name,
                                                      const std::string& csv_text);                  // hub_walklists.cpp
[[nodiscard]] Status assign_walk_list(HubState& hub, const std::string& name, const std::string& device_id);
[[nodiscard]] Status unassign_walk_list(HubState& hub, const std::string& name, const std::string& device_id);
[[nodiscard]] Status close_walk_list(HubState& hub, const std::string& name);
[[nodiscard]] Result<std::vector<WalkListSummary>> walk_lists(HubState& hub);
[[nodiscard]] Result<CoverageReport> coverage(HubState& hub, const std::string& list_name);
[[nodiscard]] Result<std::string> export_visits(HubState& hub, const std::string& list_name,
                                                const std::string& format);                          // hub_field.cpp
// field_overview: declared above, with the overdue banner's other needs.
// ---- end of admin operations on the shared state ----

}  // namespace soundings::hub::detail

namespace soundings::hub {

struct Hub::Impl : detail::HubState {
  std::unique_ptr<httplib::Server> server;  // internal: 127.0.0.1, reached only through the gate
  std::thread server_thread;
  std::unique_ptr<detail::ConnectionGate> gate;  // the public address
};

}  // namespace soundings::hub
