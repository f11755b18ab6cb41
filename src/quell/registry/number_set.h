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
// The serialized forms are part of the registry snapshot format
// (docs/formats/dnc.md): per block, its key and CRoaring's portable
// serialization (snapshot version 1) or its frozen one (version 2, read in place
// from the mapped file).
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

// Working memory of NumberSet::ContainsMany for long lists, kept by a caller
// that checks list after list (a scrub): fresh memory for every list would be
// page-faulted in again each time. One user at a time.
class ListScratch {
 public:
  ListScratch();
  ~ListScratch();
  ListScratch(ListScratch&&) noexcept;
  ListScratch& operator=(ListScratch&&) noexcept;
  // n flags of the caller's own (CheckList's membership answers).
  bool* Flags(std::size_t n);

 private:
  friend class NumberSet;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

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
  // `scratch` (optional) is reused instead of allocating.
  void ContainsMany(std::span<const uint64_t> numbers, bool* out,
                    ListScratch* scratch = nullptr) const;

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

  // The same in CRoaring's frozen format, which is read in place: per block, its
  // key, its size and the frozen bitmap, padded to start at a multiple of 32
  // bytes from the start of *out (which must be the start of the file).
  void SerializeFrozen(std::string* out) const;
  // Makes the set read-only views of SerializeFrozen's output, with no copy (a
  // 10^8-number register loads in milliseconds instead of a second); a block is
  // copied out when first changed. `bytes` must lie in memory whose 32-byte
  // alignment matches the file's (a mapped file: page-aligned), and stay valid
  // while `backing` is held: the set keeps it until it is replaced or destroyed.
  // The frozen format is CRoaring's memory layout: a file written by another
  // CRoaring build may be refused (InvalidArgument).
  Status DeserializeFrozen(std::string_view bytes, std::shared_ptr<const void> backing);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quell::registry
