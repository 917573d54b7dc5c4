// The sync agent as the kiosk's SyncPort: a status snapshot for staff and a nudge after each saved response.
#include "sync_link.h"

#ifdef SOUNDINGS_KIOSK_WITH_AGENT
#include "soundings/sync_agent.h"
#endif

namespace soundings::kiosk {

#ifdef SOUNDINGS_KIOSK_WITH_AGENT
namespace {
// The kiosk's string keys (kiosk.sync.*), independent of how the agent spells its states in logs.
const char* state_key(sync::SyncState state) {
  switch (state) {
    case sync::SyncState::NotEnrolled: return "not_enrolled";
    case sync::SyncState::Offline: return "offline";
    case sync::SyncState::Syncing: return "syncing";
    case sync::SyncState::Online: return "online";
    case sync::SyncState::Refused: return "refused";
  }
  return "offline";
}

class AgentLink final : public SyncPort {
 public:
  AgentLink(Store& store, const sync::AgentConfig& config, std::function<void()> wake) : agent_(store, config) {
    agent_.set_on_change(std::move(wake));
    agent_.start();
  }
  ~AgentLink() override { agent_.stop(); }

  SyncSnapshot status() const override {
    sync::SyncStatus s = agent_.status();
    SyncSnapshot out;
    out.state = state_key(s.state);
    out.waiting = s.waiting;
    out.needs_review = s.needs_review;
    out.last_success_at = s.last_success_at;
    out.last_error = s.last_error;
    out.consultations_generation = s.consultations_generation;
    return out;
  }
  void response_saved() override { agent_.notify_response_saved(); }

 private:
  sync::SyncAgent agent_;
};
}  // namespace

std::unique_ptr<SyncPort> start_sync_link(Store& store, const SyncLinkOptions& options, std::function<void()> wake) {
  sync::AgentConfig config;
  config.ca_file = options.ca_file;
  return std::make_unique<AgentLink>(store, config, std::move(wake));
}
#else
std::unique_ptr<SyncPort> start_sync_link(Store&, const SyncLinkOptions&, std::function<void()>) { return nullptr; }
#endif

}  // namespace soundings::kiosk
