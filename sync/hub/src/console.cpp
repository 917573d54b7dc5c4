// Console: routing, the page layout, the language switch, the .csv/.json twins (console.h). Being written.
#include "console.h"

namespace soundings::hub::detail::console {

void install_console(httplib::Server&, HubState&) {}

}  // namespace soundings::hub::detail::console
