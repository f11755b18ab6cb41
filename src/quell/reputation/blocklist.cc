#include "quell/reputation/blocklist.h"
