#include "quell/registry/number_set.h"

#include <roaring/roaring.hh>

#include <algorithm>
#include <exception>
#include <vector>

namespace quell::registry {
namespace {

uint32_t HighOf(uint64_t n) { return static_cast<uint32_t>(n >> 32); }
uint32_t LowOf(uint64_t n) { return static_cast<uint32_t>(n); }

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool GetU32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i)
    *v |= static_cast<uint32_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  in->remove_prefix(4);
  return true;
}

}  // namespace

struct NumberSet::Impl {
  // Sorted by key; keys_ mirrors blocks_ for a compact search.
  std::vector<uint32_t> keys;
  std::vector<Roaring> blocks;

  const Roaring* Find(uint32_t high) const {
    auto it = std::lower_bound(keys.begin(), keys.end(), high);
    if (it == keys.end() || *it != high) return nullptr;
    return &blocks[static_cast<std::size_t>(it - keys.begin())];
  }
  Roaring& FindOrCreate(uint32_t high) {
    auto it = std::lower_bound(keys.begin(), keys.end(), high);
    std::size_t i = static_cast<std::size_t>(it - keys.begin());
    if (it == keys.end() || *it != high) {
      keys.insert(it, high);
      blocks.insert(blocks.begin() + static_cast<std::ptrdiff_t>(i), Roaring());
    }
    return blocks[i];
  }
};

NumberSet::NumberSet() : impl_(std::make_unique<Impl>()) {}
NumberSet::~NumberSet() = default;
NumberSet::NumberSet(NumberSet&&) noexcept = default;
NumberSet& NumberSet::operator=(NumberSet&&) noexcept = default;

bool NumberSet::Add(uint64_t number) {
  return impl_->FindOrCreate(HighOf(number)).addChecked(LowOf(number));
}

bool NumberSet::Remove(uint64_t number) {
  auto it = std::lower_bound(impl_->keys.begin(), impl_->keys.end(), HighOf(number));
  if (it == impl_->keys.end() || *it != HighOf(number)) return false;
  return impl_->blocks[static_cast<std::size_t>(it - impl_->keys.begin())].removeChecked(
      LowOf(number));
}

void NumberSet::AddMany(std::span<const uint64_t> numbers) {
  std::vector<uint32_t> lows;
  std::size_t i = 0;
  while (i < numbers.size()) {
    const uint32_t high = HighOf(numbers[i]);
    lows.clear();
    while (i < numbers.size() && HighOf(numbers[i]) == high) lows.push_back(LowOf(numbers[i++]));
    impl_->FindOrCreate(high).addMany(lows.size(), lows.data());
  }
}

bool NumberSet::Contains(uint64_t number) const {
  const Roaring* r = impl_->Find(HighOf(number));
  return r != nullptr && r->contains(LowOf(number));
}

namespace {

struct Keyed {
  uint64_t number;
  uint32_t index;
};

// LSD radix sort by number, 11 bits a pass, skipping passes where every number
// has the same digit (the high digits of one country's numbers).
void RadixSort(std::vector<Keyed>& v, std::vector<Keyed>& tmp) {
  constexpr int kBits = 11;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  tmp.resize(v.size());
  std::vector<uint32_t> count(kBuckets);
  for (int shift = 0; shift < 55; shift += kBits) {
    std::fill(count.begin(), count.end(), 0);
    for (const Keyed& k : v) ++count[(k.number >> shift) & (kBuckets - 1)];
    if (count[(v[0].number >> shift) & (kBuckets - 1)] == v.size()) continue;
    uint32_t sum = 0;
    for (uint32_t& c : count) {
      const uint32_t n = c;
      c = sum;
      sum += n;
    }
    for (const Keyed& k : v) tmp[count[(k.number >> shift) & (kBuckets - 1)]++] = k;
    v.swap(tmp);
  }
}

}  // namespace

void NumberSet::ContainsMany(std::span<const uint64_t> numbers, bool* out) const {
  if (numbers.size() >= 4096) {
    // A long list is checked in ascending order: each bitmap container is
    // loaded once for all the list's numbers in it, instead of once per number.
    std::vector<Keyed> sorted(numbers.size()), tmp;
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      sorted[i] = {numbers[i], static_cast<uint32_t>(i)};
    }
    RadixSort(sorted, tmp);
    // Walk each block's containers alongside the sorted numbers (CRoaring's
    // container array: keys ascending), instead of searching them per number.
    std::size_t i = 0;
    while (i < sorted.size()) {
      const uint32_t high = HighOf(sorted[i].number);
      const Roaring* block = impl_->Find(high);
      if (block == nullptr) {
        for (; i < sorted.size() && HighOf(sorted[i].number) == high; ++i) {
          out[sorted[i].index] = false;
        }
        continue;
      }
      const roaring_array_t& ra = block->roaring.high_low_container;
      int32_t c = 0;
      for (; i < sorted.size() && HighOf(sorted[i].number) == high; ++i) {
        const uint32_t low = LowOf(sorted[i].number);
        const auto key = static_cast<uint16_t>(low >> 16);
        while (c < ra.size && ra.keys[c] < key) ++c;
        out[sorted[i].index] =
            c < ra.size && ra.keys[c] == key &&
            container_contains(ra.containers[c], static_cast<uint16_t>(low), ra.typecodes[c]);
      }
    }
    return;
  }
  const Roaring* block = nullptr;
  uint32_t block_high = 0;
  bool have = false;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const uint32_t high = HighOf(numbers[i]);
    if (!have || high != block_high) {
      block = impl_->Find(high);
      block_high = high;
      have = true;
    }
    out[i] = block != nullptr && block->contains(LowOf(numbers[i]));
  }
}

uint64_t NumberSet::Cardinality() const {
  uint64_t n = 0;
  for (const Roaring& r : impl_->blocks) n += r.cardinality();
  return n;
}

std::size_t NumberSet::BytesInMemory() const {
  // CRoaring's portable size tracks its heap use closely (container payloads
  // plus a few bytes of header per container).
  std::size_t n =
      impl_->keys.capacity() * sizeof(uint32_t) + impl_->blocks.capacity() * sizeof(Roaring);
  for (const Roaring& r : impl_->blocks) n += r.getSizeInBytes(false);
  return n;
}

void NumberSet::Optimize() {
  for (Roaring& r : impl_->blocks) {
    r.runOptimize();
    r.shrinkToFit();
  }
}

void NumberSet::ForEach(const std::function<bool(uint64_t)>& f) const {
  for (std::size_t b = 0; b < impl_->blocks.size(); ++b) {
    const uint64_t base = static_cast<uint64_t>(impl_->keys[b]) << 32;
    for (uint32_t low : impl_->blocks[b]) {
      if (!f(base | low)) return;
    }
  }
}

void NumberSet::ForEachInRange(uint64_t lo, uint64_t hi,
                               const std::function<bool(uint64_t)>& f) const {
  if (lo > hi) return;
  auto first = std::lower_bound(impl_->keys.begin(), impl_->keys.end(), HighOf(lo));
  for (auto k = first; k != impl_->keys.end() && *k <= HighOf(hi); ++k) {
    const Roaring& r = impl_->blocks[static_cast<std::size_t>(k - impl_->keys.begin())];
    const uint64_t base = static_cast<uint64_t>(*k) << 32;
    auto it = r.begin();
    if (*k == HighOf(lo)) it.equalorlarger(LowOf(lo));
    for (; it != r.end(); ++it) {
      const uint64_t n = base | *it;
      if (n > hi || !f(n)) return;
    }
  }
}

void NumberSet::Serialize(std::string* out) const {
  PutU32(out, static_cast<uint32_t>(impl_->blocks.size()));
  for (std::size_t b = 0; b < impl_->blocks.size(); ++b) {
    const Roaring& r = impl_->blocks[b];
    const std::size_t size = r.getSizeInBytes(true);
    PutU32(out, impl_->keys[b]);
    PutU32(out, static_cast<uint32_t>(size));
    const std::size_t at = out->size();
    out->resize(at + size);
    r.write(out->data() + at, true);
  }
}

Status NumberSet::Deserialize(std::string_view bytes) {
  Impl fresh;
  uint32_t count = 0;
  if (!GetU32(&bytes, &count)) return InvalidArgument("number set: truncated header");
  for (uint32_t b = 0; b < count; ++b) {
    uint32_t key = 0, size = 0;
    if (!GetU32(&bytes, &key) || !GetU32(&bytes, &size) || bytes.size() < size) {
      return InvalidArgument("number set: truncated block " + std::to_string(b));
    }
    if (!fresh.keys.empty() && key <= fresh.keys.back()) {
      return InvalidArgument("number set: blocks out of order at block " + std::to_string(b));
    }
    try {
      Roaring r = Roaring::readSafe(bytes.data(), size);
      if (r.getSizeInBytes(true) != size) {
        return InvalidArgument("number set: block " + std::to_string(b) + " has trailing bytes");
      }
      fresh.keys.push_back(key);
      fresh.blocks.push_back(std::move(r));
    } catch (const std::exception& e) {
      return InvalidArgument("number set: block " + std::to_string(b) + ": " + e.what());
    }
    bytes.remove_prefix(size);
  }
  if (!bytes.empty()) return InvalidArgument("number set: trailing bytes");
  *impl_ = std::move(fresh);
  return Status::Ok();
}

}  // namespace quell::registry
