// BlockCache: what the numbering plan says about a block of numbers (a length
// and the first kBlockDigits digits), cached in front of libphonenumber for hot
// paths. NumberPlan keeps verdicts in it, PhoneNumber::National() display
// templates.
//
// A fixed-size table of 64-bit atomics, 8-way set-associative: a bucket of 8
// slots per cache line, so the ~70,000 blocks of a national plan's mobile
// ranges live together without evicting each other. A slot holds a 31-bit block
// key and a 32-bit value. Lock-free: a slot lost to a concurrent store is simply
// recomputed by the next reader.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>

#include "quell/core/digits.h"
#include "quell/core/internal/record_table.h"

namespace quell::internal {

class BlockCache {
 public:
  static constexpr int kBlockDigits = 8;

  // `slots` is rounded up to a power of two (at least 64), 8 bytes each. A
  // table of 2 MiB or more lives on huge pages where the kernel allows it: it
  // is read at random (record_table.h).
  explicit BlockCache(std::size_t slots) {
    const std::size_t n = std::bit_ceil(std::max<std::size_t>(slots, 64));
    buckets_mask_ = n / kBucketSlots - 1;
    const std::size_t bytes = n * sizeof(std::atomic<uint64_t>);
    const std::size_t align = bytes >= kHugePage ? kHugePage : 64;  // one bucket per cache line
    void* p = std::aligned_alloc(align, (bytes + align - 1) / align * align);
    if (p == nullptr) throw std::bad_alloc();
    if (align == kHugePage) madvise(p, bytes, MADV_HUGEPAGE);  // advice only
    memory_.reset(p);
    table_ = static_cast<std::atomic<uint64_t>*>(p);
    for (std::size_t i = 0; i < n; ++i) new (&table_[i]) std::atomic<uint64_t>(0);
  }

  // The block key of a number of at most 15 digits: its length and first
  // kBlockDigits digits (all of them for shorter numbers). Sets *length.
  static uint64_t KeyOf(uint64_t compact, int* length) {
    const int len = DigitCount(compact);
    *length = len;
    const uint64_t prefix = len > kBlockDigits ? compact / Pow10(len - kBlockDigits) : compact;
    return (static_cast<uint64_t>(len) << 27) | prefix;  // prefix < 10^8 < 2^27
  }

  // The lowest and highest numbers of the block `compact` (of `length` digits) is in.
  static void BlockBounds(uint64_t compact, int length, uint64_t* low, uint64_t* high) {
    *low = *high = compact;
    if (length > kBlockDigits) {
      const uint64_t scale = Pow10(length - kBlockDigits);
      *low = compact / scale * scale;
      *high = *low + scale - 1;
    }
  }

  std::optional<uint32_t> Find(uint64_t key) const {
    const std::atomic<uint64_t>* b = Bucket(key);
    for (std::size_t i = 0; i < kBucketSlots; ++i) {
      const uint64_t slot = b[i].load(std::memory_order_acquire);
      if ((slot & kFilled) && ((slot >> 32) & 0x7FFFFFFF) == key) {
        return static_cast<uint32_t>(slot);
      }
    }
    return std::nullopt;
  }

  void Store(uint64_t key, uint32_t value) const {
    std::atomic<uint64_t>* b = Bucket(key);
    // An empty slot of the bucket, or else one chosen by the key.
    std::size_t victim = static_cast<std::size_t>(key * 0x9E3779B97F4A7C15ULL >> 61);
    for (std::size_t i = 0; i < kBucketSlots; ++i) {
      if ((b[i].load(std::memory_order_relaxed) & kFilled) == 0) {
        victim = i;
        break;
      }
    }
    b[victim].store(kFilled | (key << 32) | value, std::memory_order_release);
  }

  // Calls f(key, value) for every filled slot.
  template <typename F>
  void ForEach(F&& f) const {
    for (std::size_t i = 0; i < (buckets_mask_ + 1) * kBucketSlots; ++i) {
      const uint64_t slot = table_[i].load(std::memory_order_relaxed);
      if (slot & kFilled) f((slot >> 32) & 0x7FFFFFFF, static_cast<uint32_t>(slot));
    }
  }

  // Starts loading the bucket Find(key) will read (a CPU prefetch).
  void Prefetch(uint64_t key) const { internal::Prefetch(Bucket(key)); }

 private:
  static constexpr std::size_t kBucketSlots = 8;
  static constexpr uint64_t kFilled = 1ULL << 63;

  std::atomic<uint64_t>* Bucket(uint64_t key) const {
    // Fibonacci hashing spreads neighbouring prefixes over the table.
    const auto i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 20) & buckets_mask_;
    return &table_[i * kBucketSlots];
  }

  std::size_t buckets_mask_ = 0;
  std::unique_ptr<void, HugeFree> memory_;  // the table's allocation
  std::atomic<uint64_t>* table_ = nullptr;
};

}  // namespace quell::internal
