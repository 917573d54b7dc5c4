// Console: auth (console.h). Being written.
#include "console.h"
