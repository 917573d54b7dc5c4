// Console: text (console.h). Being written.
#include "console.h"
