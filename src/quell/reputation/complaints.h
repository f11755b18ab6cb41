// ComplaintCentre: citizens' reports of nuisance calls and SMS, as cases with
// service clocks (docs/complaints.md).
#pragma once
