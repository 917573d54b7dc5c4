// Console pages: feedback (console.h). Not written yet: no routes.
#include "console.h"

namespace soundings::hub::detail::console {

std::vector<Route> feedback_routes() { return {}; }
std::vector<TextEntry> feedback_text() { return {}; }

}  // namespace soundings::hub::detail::console
