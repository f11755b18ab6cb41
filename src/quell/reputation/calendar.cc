#include "quell/reputation/calendar.h"
