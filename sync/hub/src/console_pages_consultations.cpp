// Console pages: consultations (console.h). Not written yet: no routes.
#include "console.h"

namespace soundings::hub::detail::console {

std::vector<Route> consultation_routes() { return {}; }
std::vector<TextEntry> consultation_text() { return {}; }

}  // namespace soundings::hub::detail::console
