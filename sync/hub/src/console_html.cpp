// Console: html (console.h). Being written.
#include "console.h"
