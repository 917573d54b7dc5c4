// Console pages: accounts (console.h). Not written yet: no routes.
#include "console.h"

namespace soundings::hub::detail::console {

std::vector<Route> account_routes() { return {}; }
std::vector<TextEntry> account_text() { return {}; }

}  // namespace soundings::hub::detail::console
