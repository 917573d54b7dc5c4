// Starts the sync agent's thread inside the kiosk when the agent is built in; otherwise there is no link.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "soundings/store.h"
#include "ui/sync_port.h"

namespace soundings::kiosk {

// What the kiosk's command line gives the agent.
struct SyncLinkOptions {
  std::string ca_file;  // the council's CA for the hub's certificate; empty: the system's store
};

// `wake` is called from the agent's thread when its status changes. Null when the agent is not built in.
std::unique_ptr<SyncPort> start_sync_link(Store& store, const SyncLinkOptions& options, std::function<void()> wake);

}  // namespace soundings::kiosk
