// Console pages: quarantine (console.h). Not written yet: no routes.
#include "console.h"

namespace soundings::hub::detail::console {

std::vector<Route> quarantine_routes() { return {}; }
std::vector<TextEntry> quarantine_text() { return {}; }

}  // namespace soundings::hub::detail::console
