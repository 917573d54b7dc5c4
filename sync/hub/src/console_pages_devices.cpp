// Console pages: devices (console.h). Not written yet: no routes.
#include "console.h"

namespace soundings::hub::detail::console {

std::vector<Route> device_routes() { return {}; }
std::vector<TextEntry> device_text() { return {}; }

}  // namespace soundings::hub::detail::console
