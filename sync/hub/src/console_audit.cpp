// Console: audit (console.h). Being written.
#include "console.h"
