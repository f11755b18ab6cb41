// RecordTable: an open-addressing hash table for millions of small fixed-size
// records keyed by a 64-bit number (compact E.164, an IMEI), built for memory
// per record and cache misses per lookup. Internal: shared by detect's windows
// and reputation's table; not an API.
//
// Each record carries its own key in its first 8 bytes (0 = free; the
// record need only be 4-byte aligned). A slot is
// 32 bits: the record's index + 1 (27 bits) and 5 bits of the key's hash, so a
// probe past another key rarely touches its record. Linear probing,
// backward-shift deletion, growth by doubling at 3/4 load. Up to 2^27 - 1
// records (a partition larger than that is split, DESIGN.md "Scale-out").
// Records live in 2 MiB chunks that never move (pointers stay valid until the
// record is erased), on huge pages where the kernel allows it (transparent huge
// pages on madvise): the tables are read at random, and with 4 KiB pages nearly
// every lookup would also miss the TLB.
//
// Not thread-safe: callers lock.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace quell::internal {

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// Allocation in 2 MiB pages (see above).
constexpr std::size_t kHugePage = std::size_t{2} << 20;
struct HugeFree {
  void operator()(void* p) const { std::free(p); }
};
template <typename T>
std::unique_ptr<T[], HugeFree> AllocHuge(std::size_t count) {
  const std::size_t bytes = (count * sizeof(T) + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, bytes);
  if (p == nullptr) throw std::bad_alloc();
  madvise(p, bytes, MADV_HUGEPAGE);  // advice only: failure just means small pages
  return std::unique_ptr<T[], HugeFree>(static_cast<T*>(p));
}

// Loads p's cache line. GCC 12 drops __builtin_prefetch in some inlined loops (the batch loop
// below lost every one); a volatile asm stays.
inline void Prefetch(const void* p) {
#if defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p);
#endif
}

template <typename State>
class RecordTable {
 public:
  static constexpr std::size_t kChunk = kHugePage / sizeof(State);
  static constexpr uint32_t kIndexBits = 27;
  static constexpr uint32_t kIndexMask = (1u << kIndexBits) - 1;
  static constexpr std::size_t kMaxRecords = kIndexMask - 1;

  const State* Find(uint64_t key) const { return const_cast<RecordTable*>(this)->Find(key); }
  State* Find(uint64_t key) {
    if (slots_n_ == 0) return nullptr;
    const uint64_t h = Mix(key);
    const uint32_t tag = Tag(h);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const uint32_t s = slots_[i];
      if (s == 0) return nullptr;
      if ((s & ~kIndexMask) != tag) continue;
      State& st = At((s & kIndexMask) - 1);
      if (Key(st) == key) return &st;
    }
  }

  // Finds or creates (zeroed, key set); *created tells which. Null when full.
  State* Get(uint64_t key, bool* created) {
    if (State* s = Find(key)) {
      *created = false;
      return s;
    }
    *created = true;
    if (size_ >= kMaxRecords) return nullptr;
    if ((size_ + 1) * 4 > slots_n_ * 3) Grow();
    uint32_t idx;
    if (!free_.empty()) {
      idx = free_.back();
      free_.pop_back();
    } else {
      idx = static_cast<uint32_t>(used_++);
      if (idx / kChunk >= chunks_.size()) chunks_.push_back(AllocHuge<State>(kChunk));
    }
    State& st = At(idx);
    std::memset(&st, 0, sizeof(State));
    SetKey(st, key);
    Place(key, idx);
    ++size_;
    return &st;
  }

  void Erase(uint64_t key) {
    if (slots_n_ == 0) return;
    std::size_t i = Mix(key) & mask_;
    for (;; i = (i + 1) & mask_) {
      if (slots_[i] == 0) return;
      if (Key(At((slots_[i] & kIndexMask) - 1)) == key) break;
    }
    const uint32_t idx = (slots_[i] & kIndexMask) - 1;
    // Backward-shift: pull later entries of the probe run into the hole.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; slots_[j] != 0; j = (j + 1) & mask_) {
      const std::size_t home = Mix(Key(At((slots_[j] & kIndexMask) - 1))) & mask_;
      if (((j - home) & mask_) >= ((j - hole) & mask_)) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = 0;
    SetKey(At(idx), 0);
    free_.push_back(idx);
    --size_;
  }

  // Calls f(state) for every live record; f may not insert or erase.
  template <typename F>
  void ForEach(F&& f) const {
    for (std::size_t i = 0; i < used_; ++i) {
      const State& st = const_cast<RecordTable*>(this)->At(static_cast<uint32_t>(i));
      if (Key(st) != 0) f(st);
    }
  }
  template <typename F>
  void ForEach(F&& f) {
    for (std::size_t i = 0; i < used_; ++i) {
      State& st = At(static_cast<uint32_t>(i));
      if (Key(st) != 0) f(st);
    }
  }

  std::size_t size() const { return size_; }
  // Memory held: the slot array and the record chunks.
  std::size_t bytes() const {
    return slots_n_ * sizeof(uint32_t) + chunks_.size() * kChunk * sizeof(State) +
           free_.capacity() * sizeof(uint32_t);
  }

  // Loads the cache line of key's home slot (a batch's first stage)...
  void PrefetchSlot(uint64_t key) const {
    if (slots_n_ != 0) Prefetch(&slots_[Mix(key) & mask_]);
  }
  // ... then the record of the first slot with key's tag (usually key's own).
  void PrefetchRecord(uint64_t key) {
    if (slots_n_ == 0) return;
    const uint64_t h = Mix(key);
    const uint32_t tag = Tag(h);
    for (std::size_t i = h & mask_, n = 0; n < 4; i = (i + 1) & mask_, ++n) {
      const uint32_t s = slots_[i];
      if (s == 0) return;
      if ((s & ~kIndexMask) != tag) continue;
      const char* p = reinterpret_cast<const char*>(&At((s & kIndexMask) - 1));
      for (std::size_t off = 0; off < sizeof(State); off += 64) Prefetch(p + off);
      return;
    }
  }

 private:
  // The key's 8 bytes may sit at a 4-byte boundary (records of 20 bytes).
  static uint64_t Key(const State& s) {
    uint64_t k;
    std::memcpy(&k, &s, sizeof k);
    return k;
  }
  static void SetKey(State& s, uint64_t k) { std::memcpy(&s, &k, sizeof k); }
  static uint32_t Tag(uint64_t h) { return static_cast<uint32_t>(h >> 59) << kIndexBits; }
  State& At(uint32_t idx) { return chunks_[idx / kChunk][idx % kChunk]; }

  void Place(uint64_t key, uint32_t idx) {
    const uint64_t h = Mix(key);
    std::size_t i = h & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = Tag(h) | (idx + 1);
  }

  void Grow() {
    const std::size_t n = slots_n_ == 0 ? 1024 : slots_n_ * 2;
    slots_ = AllocHuge<uint32_t>(n);
    std::memset(slots_.get(), 0, n * sizeof(uint32_t));
    slots_n_ = n;
    mask_ = n - 1;
    for (std::size_t idx = 0; idx < used_; ++idx) {
      State& st = At(static_cast<uint32_t>(idx));
      if (Key(st) != 0) Place(Key(st), static_cast<uint32_t>(idx));
    }
  }

  std::unique_ptr<uint32_t[], HugeFree> slots_;
  std::size_t slots_n_ = 0;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  std::size_t used_ = 0;
  std::vector<std::unique_ptr<State[], HugeFree>> chunks_;
  std::vector<uint32_t> free_;
};

}  // namespace quell::internal
