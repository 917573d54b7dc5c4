// Console pages: field (console.h). Not written yet: no routes.
#include "console.h"

namespace soundings::hub::detail::console {

std::vector<Route> field_routes() { return {}; }
std::vector<TextEntry> field_text() { return {}; }

}  // namespace soundings::hub::detail::console
