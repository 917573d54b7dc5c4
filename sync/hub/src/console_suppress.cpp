// Console: suppress (console.h). Being written.
#include "console.h"
