#include "quell/registry/number_set.h"

#include <roaring/roaring.hh>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
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
  // What keeps the memory of frozen views alive (a mapped snapshot file).
  std::shared_ptr<const void> backing;
  // Sorted by key; keys mirrors blocks for a compact search. A block is either
  // owned (blocks[i]) or, loaded from a frozen snapshot and not changed since,
  // a read-only view into `backing` (views[i] non-null, blocks[i] empty).
  std::vector<uint32_t> keys;
  std::vector<Roaring> blocks;
  std::vector<const roaring_bitmap_t*> views;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl& operator=(Impl&& other) noexcept {
    FreeViews();
    keys = std::move(other.keys);
    blocks = std::move(other.blocks);
    views = std::move(other.views);
    backing = std::move(other.backing);  // after the views that use it
    other.views.clear();
    return *this;
  }
  ~Impl() { FreeViews(); }

  void FreeViews() {
    for (const roaring_bitmap_t* v : views) {
      if (v != nullptr) roaring_bitmap_free(v);
    }
    views.clear();
  }

  const roaring_bitmap_t* Read(std::size_t i) const {
    return views[i] != nullptr ? views[i] : &blocks[i].roaring;
  }
  // Block i for writing: a view is copied out of the snapshot first.
  Roaring& Write(std::size_t i) {
    if (views[i] != nullptr) {
      blocks[i] = Roaring(roaring_bitmap_copy(views[i]));
      roaring_bitmap_free(views[i]);
      views[i] = nullptr;
    }
    return blocks[i];
  }
  const roaring_bitmap_t* Find(uint32_t high) const {
    auto it = std::lower_bound(keys.begin(), keys.end(), high);
    if (it == keys.end() || *it != high) return nullptr;
    return Read(static_cast<std::size_t>(it - keys.begin()));
  }
  Roaring* FindForWrite(uint32_t high) {
    auto it = std::lower_bound(keys.begin(), keys.end(), high);
    if (it == keys.end() || *it != high) return nullptr;
    return &Write(static_cast<std::size_t>(it - keys.begin()));
  }
  Roaring& FindOrCreate(uint32_t high) {
    auto it = std::lower_bound(keys.begin(), keys.end(), high);
    std::size_t i = static_cast<std::size_t>(it - keys.begin());
    if (it == keys.end() || *it != high) {
      keys.insert(it, high);
      blocks.insert(blocks.begin() + static_cast<std::ptrdiff_t>(i), Roaring());
      views.insert(views.begin() + static_cast<std::ptrdiff_t>(i), nullptr);
    }
    return Write(i);
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
  const roaring_bitmap_t* r = impl_->Find(HighOf(number));
  if (r == nullptr || !roaring_bitmap_contains(r, LowOf(number))) return false;
  return impl_->FindForWrite(HighOf(number))->removeChecked(LowOf(number));
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
  const roaring_bitmap_t* r = impl_->Find(HighOf(number));
  return r != nullptr && roaring_bitmap_contains(r, LowOf(number));
}

namespace {

struct Keyed {
  uint64_t number;
  uint32_t index;
};

// LSD radix sort by number, 11 bits a pass, skipping passes where every number
// has the same digit (the high digits of one country's numbers). Sorting
// inside each container too (not only by container) pays: consecutive searches
// of a container then read neighbouring cache lines (13 M numbers/s against 10 M).
void RadixSort(std::vector<Keyed>& v, std::vector<Keyed>& tmp) {
  constexpr int kBits = 11;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  tmp.resize(v.size());
  uint32_t count[kBuckets];
  for (int shift = 0; shift < 64; shift += kBits) {
    std::fill(std::begin(count), std::end(count), 0);
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

struct ListScratch::Impl {
  std::vector<Keyed> sorted, tmp;
  std::unique_ptr<bool[]> flags;
  std::size_t flags_size = 0;
};

ListScratch::ListScratch() : impl_(std::make_unique<Impl>()) {}
ListScratch::~ListScratch() = default;
ListScratch::ListScratch(ListScratch&&) noexcept = default;
ListScratch& ListScratch::operator=(ListScratch&&) noexcept = default;

bool* ListScratch::Flags(std::size_t n) {
  if (impl_->flags_size < n) {
    impl_->flags = std::make_unique<bool[]>(n);
    impl_->flags_size = n;
  }
  return impl_->flags.get();
}

void NumberSet::ContainsMany(std::span<const uint64_t> numbers, bool* out,
                             ListScratch* scratch) const {
  if (numbers.size() >= 4096) {
    // A long list is checked in ascending order: each bitmap container is
    // loaded once for all the list's numbers in it, instead of once per number.
    std::optional<ListScratch> own;  // only when the caller keeps none
    ListScratch::Impl& memory = scratch != nullptr ? *scratch->impl_ : *own.emplace().impl_;
    std::vector<Keyed>& sorted = memory.sorted;
    std::vector<Keyed>& tmp = memory.tmp;
    sorted.resize(numbers.size());
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      sorted[i] = {numbers[i], static_cast<uint32_t>(i)};
    }
    RadixSort(sorted, tmp);
    // Walk each block's containers alongside the sorted numbers (CRoaring's
    // container array: keys ascending), instead of searching them per number.
    std::size_t i = 0;
    while (i < sorted.size()) {
      const uint32_t high = HighOf(sorted[i].number);
      const roaring_bitmap_t* block = impl_->Find(high);
      if (block == nullptr) {
        for (; i < sorted.size() && HighOf(sorted[i].number) == high; ++i) {
          out[sorted[i].index] = false;
        }
        continue;
      }
      const roaring_array_t& ra = block->high_low_container;
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
  const roaring_bitmap_t* block = nullptr;
  uint32_t block_high = 0;
  bool have = false;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const uint32_t high = HighOf(numbers[i]);
    if (!have || high != block_high) {
      block = impl_->Find(high);
      block_high = high;
      have = true;
    }
    out[i] = block != nullptr && roaring_bitmap_contains(block, LowOf(numbers[i]));
  }
}

uint64_t NumberSet::Cardinality() const {
  uint64_t n = 0;
  for (std::size_t b = 0; b < impl_->keys.size(); ++b) {
    n += roaring_bitmap_get_cardinality(impl_->Read(b));
  }
  return n;
}

std::size_t NumberSet::BytesInMemory() const {
  // CRoaring's portable size tracks its heap use closely (container payloads
  // plus a few bytes of header per container).
  std::size_t n =
      impl_->keys.capacity() * sizeof(uint32_t) + impl_->blocks.capacity() * sizeof(Roaring);
  for (std::size_t b = 0; b < impl_->keys.size(); ++b) {
    // A frozen view costs its container headers; its payload is the mapped file's.
    n += impl_->views[b] != nullptr ? roaring_bitmap_portable_size_in_bytes(impl_->views[b])
                                    : impl_->blocks[b].getSizeInBytes(false);
  }
  return n;
}

void NumberSet::Optimize() {
  for (std::size_t b = 0; b < impl_->keys.size(); ++b) {
    if (impl_->views[b] != nullptr) continue;  // as it was written
    impl_->blocks[b].runOptimize();
    impl_->blocks[b].shrinkToFit();
  }
}

namespace {

// CRoaring's C iterator (it reads frozen views as well as owned bitmaps).
class Iterator {
 public:
  explicit Iterator(const roaring_bitmap_t* r) : it_(roaring_create_iterator(r)) {}
  ~Iterator() { roaring_free_uint32_iterator(it_); }
  Iterator(const Iterator&) = delete;
  Iterator& operator=(const Iterator&) = delete;
  void Seek(uint32_t v) { roaring_move_uint32_iterator_equalorlarger(it_, v); }
  bool valid() const { return it_->has_value; }
  uint32_t value() const { return it_->current_value; }
  void Next() { roaring_advance_uint32_iterator(it_); }

 private:
  roaring_uint32_iterator_t* it_;
};

// Frozen bitmaps must start 32-byte aligned in memory (and so in the file).
constexpr std::size_t kFrozenAlign = 32;

}  // namespace

void NumberSet::ForEach(const std::function<bool(uint64_t)>& f) const {
  for (std::size_t b = 0; b < impl_->keys.size(); ++b) {
    const uint64_t base = static_cast<uint64_t>(impl_->keys[b]) << 32;
    for (Iterator it(impl_->Read(b)); it.valid(); it.Next()) {
      if (!f(base | it.value())) return;
    }
  }
}

void NumberSet::ForEachInRange(uint64_t lo, uint64_t hi,
                               const std::function<bool(uint64_t)>& f) const {
  if (lo > hi) return;
  auto first = std::lower_bound(impl_->keys.begin(), impl_->keys.end(), HighOf(lo));
  for (auto k = first; k != impl_->keys.end() && *k <= HighOf(hi); ++k) {
    const uint64_t base = static_cast<uint64_t>(*k) << 32;
    Iterator it(impl_->Read(static_cast<std::size_t>(k - impl_->keys.begin())));
    if (*k == HighOf(lo)) it.Seek(LowOf(lo));
    for (; it.valid(); it.Next()) {
      const uint64_t n = base | it.value();
      if (n > hi || !f(n)) return;
    }
  }
}

void NumberSet::Serialize(std::string* out) const {
  PutU32(out, static_cast<uint32_t>(impl_->keys.size()));
  for (std::size_t b = 0; b < impl_->keys.size(); ++b) {
    const roaring_bitmap_t* r = impl_->Read(b);
    const std::size_t size = roaring_bitmap_portable_size_in_bytes(r);
    PutU32(out, impl_->keys[b]);
    PutU32(out, static_cast<uint32_t>(size));
    const std::size_t at = out->size();
    out->resize(at + size);
    roaring_bitmap_portable_serialize(r, out->data() + at);
  }
}

void NumberSet::SerializeFrozen(std::string* out) const {
  PutU32(out, static_cast<uint32_t>(impl_->keys.size()));
  for (std::size_t b = 0; b < impl_->keys.size(); ++b) {
    const roaring_bitmap_t* r = impl_->Read(b);
    const std::size_t size = roaring_bitmap_frozen_size_in_bytes(r);
    PutU32(out, impl_->keys[b]);
    PutU32(out, static_cast<uint32_t>(size));
    out->append((kFrozenAlign - out->size() % kFrozenAlign) % kFrozenAlign, '\0');
    const std::size_t at = out->size();
    out->resize(at + size);
    roaring_bitmap_frozen_serialize(r, out->data() + at);
  }
}

Status NumberSet::DeserializeFrozen(std::string_view bytes, std::shared_ptr<const void> backing) {
  Impl fresh;
  fresh.backing = std::move(backing);
  uint32_t count = 0;
  if (!GetU32(&bytes, &count)) return InvalidArgument("number set: truncated header");
  for (uint32_t b = 0; b < count; ++b) {
    uint32_t key = 0, size = 0;
    if (!GetU32(&bytes, &key) || !GetU32(&bytes, &size)) {
      return InvalidArgument("number set: truncated block " + std::to_string(b));
    }
    const std::size_t pad =
        (kFrozenAlign - reinterpret_cast<std::uintptr_t>(bytes.data()) % kFrozenAlign) %
        kFrozenAlign;
    if (bytes.size() < pad + size) {
      return InvalidArgument("number set: truncated block " + std::to_string(b));
    }
    bytes.remove_prefix(pad);
    if (!fresh.keys.empty() && key <= fresh.keys.back()) {
      return InvalidArgument("number set: blocks out of order at block " + std::to_string(b));
    }
    const roaring_bitmap_t* view = roaring_bitmap_frozen_view(bytes.data(), size);
    if (view == nullptr) {
      return InvalidArgument("number set: block " + std::to_string(b) + " is not a frozen bitmap");
    }
    fresh.keys.push_back(key);
    fresh.blocks.emplace_back();
    fresh.views.push_back(view);
    bytes.remove_prefix(size);
  }
  if (!bytes.empty()) return InvalidArgument("number set: trailing bytes");
  *impl_ = std::move(fresh);
  return Status::Ok();
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
      fresh.views.push_back(nullptr);
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
