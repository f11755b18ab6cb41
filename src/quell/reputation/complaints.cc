#include "quell/reputation/complaints.h"
