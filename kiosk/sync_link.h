// Starts the sync agent's thread inside the kiosk when the agent is built in; otherwise there is no link.
#pragma once

#include <functional>
#include <memory>

#include "soundings/store.h"
#include "ui/sync_port.h"

namespace soundings::kiosk {

// `wake` is called from the agent's thread when its status changes. Null when the agent is not built in.
std::unique_ptr<SyncPort> start_sync_link(Store& store, std::function<void()> wake);

}  // namespace soundings::kiosk
