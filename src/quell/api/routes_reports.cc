// /api/v1/reports and /api/v1/cases: the complaint centre (docs/complaints.md).
#include "quell/api/internal/routes.h"

namespace quell::api {

void RegisterReportsRoutes(RouteTable& table) {}

}  // namespace quell::api
