// Console pages: export (console.h). Not written yet: no routes.
#include "console.h"

namespace soundings::hub::detail::console {

std::vector<Route> export_routes() { return {}; }
std::vector<TextEntry> export_text() { return {}; }

}  // namespace soundings::hub::detail::console
