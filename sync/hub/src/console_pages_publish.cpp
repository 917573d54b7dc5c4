// Console pages: publish (console.h). Not written yet: no routes.
#include "console.h"

namespace soundings::hub::detail::console {

std::vector<Route> publish_routes() { return {}; }
std::vector<TextEntry> publish_text() { return {}; }

}  // namespace soundings::hub::detail::console
