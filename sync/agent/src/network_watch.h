// Notices when the device's network comes back: a fingerprint of the interfaces that are up with an address.
#pragma once

#include <string>

namespace soundings::sync {

// Non-loopback interfaces that are up, with their addresses, sorted; changes when a network comes or goes.
std::string network_fingerprint();

}  // namespace soundings::sync
