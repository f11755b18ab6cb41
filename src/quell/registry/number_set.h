// NumberSet: a set of compact E.164 numbers (core/phone_number.h) in compressed
// bitmaps — the in-memory form of the Do-Not-Call register.
//
// The 64-bit number space is cut into blocks of 2^32 consecutive values (one
// block covers 4.3 billion numbers: all of +86 1xx is about 17 blocks), and each
// block is a CRoaring bitmap over the low 32 bits. Dense ranges (mobile segments
// where many owners register) cost about one bit per number; sparse ones about
// two bytes per member (../shared/references/stack.md: 0.93 bit/number measured at
// 24 % density after Optimize()).
//
// The serialized form (Serialize / Deserialize) is part of the registry snapshot
// format (docs/formats/dnc.md): per block, its key and CRoaring's portable
// serialization.
//
// Thread-safety: const methods may run concurrently with each other; mutators
// need exclusive access (the Registry holds the lock).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "quell/core/status.h"

namespace quell::registry {

class NumberSet {
 public:
  NumberSet();
  ~NumberSet();
  NumberSet(NumberSet&&) noexcept;
  NumberSet& operator=(NumberSet&&) noexcept;
  NumberSet(const NumberSet&) = delete;
  NumberSet& operator=(const NumberSet&) = delete;

  // Adds / removes one number; true if the set changed.
  bool Add(uint64_t number);
  bool Remove(uint64_t number);
  // Adds many numbers (faster when they are sorted).
  void AddMany(std::span<const uint64_t> numbers);

  bool Contains(uint64_t number) const;
  // Membership of `numbers[i]` into `out[i]`, for a whole list at once. Long
  // lists (4,096 numbers or more) are checked in ascending order (radix sort),
  // so each container is loaded once for all the list's numbers in it.
  void ContainsMany(std::span<const uint64_t> numbers, bool* out) const;

  uint64_t Cardinality() const;
  // Heap bytes of the bitmaps (what the set costs in memory).
  std::size_t BytesInMemory() const;
  // Converts containers to the cheapest form (runs where they pay); call after
  // bulk loads.
  void Optimize();
  // Calls f(number) for every member in ascending order; stops when f returns false.
  void ForEach(const std::function<bool(uint64_t)>& f) const;
  // The same for the members in [lo, hi].
  void ForEachInRange(uint64_t lo, uint64_t hi, const std::function<bool(uint64_t)>& f) const;

  // Appends the portable serialization to *out.
  void Serialize(std::string* out) const;
  // Replaces the contents from Serialize's output; InvalidArgument (and the set
  // left empty) if `bytes` is not one.
  Status Deserialize(std::string_view bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quell::registry
