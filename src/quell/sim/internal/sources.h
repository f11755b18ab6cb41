// The traffic sources of a simulation. Each draws its own random numbers from
// a stream seeded by (scenario seed, what it is, its index), so one source's
// calls do not depend on how the others are interleaved.
#pragma once

#include <cstdint>
#include <memory>

#include "quell/sim/internal/world.h"

namespace quell::sim::internal {

// People who call the home network's subscribers: the subscribers themselves
// (on-net, with IMSI, IMEI and cell) and people on other networks. One source
// for all of them: a non-homogeneous Poisson process over the diurnal profile,
// each call's caller drawn by its personal rate (an alias table of the people).
std::unique_ptr<Source> MakeOrdinary(World& world);

// One legitimate high-volume caller (courier, hospital, bank call-back,
// service centre); `truth` (kind legit_hv) gets its number.
std::unique_ptr<Source> MakeHighVolume(World& world, Campaign* truth);

// One legitimate alerting burst (school, utility); `truth` kind legit_burst.
std::unique_ptr<Source> MakeBurst(World& world, Campaign* truth);

// One nuisance campaign of truth->kind; numbers are added to `truth` as they
// are taken into use.
std::unique_ptr<Source> MakeCampaign(World& world, Campaign* truth);

// The random stream of a source.
inline uint64_t StreamSeed(uint64_t seed, Kind kind, int index) {
  return Mix(seed, static_cast<uint64_t>(kind) + 1, static_cast<uint64_t>(index));
}

}  // namespace quell::sim::internal
