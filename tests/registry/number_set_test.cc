#include "quell/registry/number_set.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace quell::registry {
namespace {

TEST(NumberSetTest, AddRemoveContainsAcrossBlocks) {
  NumberSet s;
  const uint64_t a = 8613800138000, b = 8619912345678, c = 14155550123;
  EXPECT_TRUE(s.Add(a));
  EXPECT_FALSE(s.Add(a));
  EXPECT_TRUE(s.Add(b));
  EXPECT_TRUE(s.Add(c));
  EXPECT_TRUE(s.Contains(a));
  EXPECT_TRUE(s.Contains(b));
  EXPECT_TRUE(s.Contains(c));
  EXPECT_FALSE(s.Contains(a + 1));
  EXPECT_FALSE(s.Contains(a + (uint64_t{1} << 32)));  // same low bits, other block
  EXPECT_EQ(s.Cardinality(), 3u);
  EXPECT_TRUE(s.Remove(a));
  EXPECT_FALSE(s.Remove(a));
  EXPECT_FALSE(s.Remove(42));
  EXPECT_FALSE(s.Contains(a));
  EXPECT_EQ(s.Cardinality(), 2u);
}

TEST(NumberSetTest, MatchesAReferenceSetOnRandomOperations) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<uint64_t> dist(8613000000000, 8619999999999);
  NumberSet s;
  std::set<uint64_t> ref;
  std::vector<uint64_t> probe;
  for (int i = 0; i < 50'000; ++i) {
    const uint64_t n = dist(rng) / 1000;  // dense: collisions happen
    if (rng() % 4 == 0) {
      EXPECT_EQ(s.Remove(n), ref.erase(n) == 1);
    } else {
      EXPECT_EQ(s.Add(n), ref.insert(n).second);
    }
    probe.push_back(n + (rng() % 3));
  }
  EXPECT_EQ(s.Cardinality(), ref.size());
  std::sort(probe.begin(), probe.end());
  std::vector<char> many(probe.size());
  s.ContainsMany(probe, reinterpret_cast<bool*>(many.data()));
  for (std::size_t i = 0; i < probe.size(); ++i) {
    ASSERT_EQ(s.Contains(probe[i]), ref.count(probe[i]) == 1) << probe[i];
    ASSERT_EQ(many[i] != 0, ref.count(probe[i]) == 1) << probe[i];
  }
  std::vector<uint64_t> listed;
  s.ForEach([&](uint64_t n) {
    listed.push_back(n);
    return true;
  });
  EXPECT_EQ(listed, std::vector<uint64_t>(ref.begin(), ref.end()));
}

TEST(NumberSetTest, SerializeRoundTripsAndRejectsDamage) {
  NumberSet s;
  std::vector<uint64_t> sorted;
  for (uint64_t n = 8613800000000; n < 8613800000000 + 100'000; n += 3) sorted.push_back(n);
  s.AddMany(sorted);
  s.Add(14155550123);
  s.Optimize();
  std::string bytes;
  s.Serialize(&bytes);

  NumberSet t;
  ASSERT_TRUE(t.Deserialize(bytes).ok());
  EXPECT_EQ(t.Cardinality(), s.Cardinality());
  EXPECT_TRUE(t.Contains(8613800000003));
  EXPECT_FALSE(t.Contains(8613800000004));
  EXPECT_TRUE(t.Contains(14155550123));

  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, bytes.size() / 2, bytes.size() - 1}) {
    NumberSet u;
    u.Add(1);
    EXPECT_FALSE(u.Deserialize(std::string_view(bytes).substr(0, cut)).ok()) << cut;
    EXPECT_EQ(u.Cardinality(), 1u) << "a failed read leaves the set as it was";
  }
  EXPECT_FALSE(t.Deserialize(bytes + "x").ok());
}

// SerializeFrozen's bytes in page-aligned memory, as a mapped snapshot file has them.
std::shared_ptr<const void> Aligned(const std::string& bytes) {
  void* p = std::aligned_alloc(4096, (bytes.size() / 4096 + 1) * 4096);
  std::memcpy(p, bytes.data(), bytes.size());
  return std::shared_ptr<const void>(p, [](const void* q) { std::free(const_cast<void*>(q)); });
}

TEST(NumberSetTest, FrozenViewsReadInPlaceAndCopyOutWhenChanged) {
  std::mt19937_64 rng(9);
  NumberSet s;
  std::set<uint64_t> ref;
  for (int i = 0; i < 60'000; ++i) {
    // Dense and sparse containers, several blocks, one run of consecutive numbers.
    const uint64_t n = i < 20'000 ? 8613800000000 + i : 8613000000000 + rng() % 7'000'000'000;
    s.Add(n);
    ref.insert(n);
  }
  s.Add(14155550123);
  ref.insert(14155550123);
  s.Optimize();
  std::string bytes;
  s.SerializeFrozen(&bytes);
  auto memory = Aligned(bytes);
  const std::string_view view(static_cast<const char*>(memory.get()), bytes.size());

  NumberSet t;
  ASSERT_TRUE(t.DeserializeFrozen(view, memory).ok());
  memory.reset();  // the set holds the memory now
  EXPECT_EQ(t.Cardinality(), ref.size());
  std::vector<uint64_t> listed;
  t.ForEach([&](uint64_t n) {
    listed.push_back(n);
    return true;
  });
  EXPECT_EQ(listed, std::vector<uint64_t>(ref.begin(), ref.end()));
  std::vector<uint64_t> in_range;
  t.ForEachInRange(8613800000100, 8613800000199, [&](uint64_t n) {
    in_range.push_back(n);
    return true;
  });
  EXPECT_EQ(in_range.size(), 100u);
  std::vector<uint64_t> probe(ref.begin(), ref.end());
  for (int i = 0; i < 10'000; ++i) probe.push_back(8613000000000 + rng() % 7'000'000'000);
  std::vector<char> many(probe.size());
  t.ContainsMany(probe, reinterpret_cast<bool*>(many.data()));
  for (std::size_t i = 0; i < probe.size(); ++i) {
    ASSERT_EQ(many[i] != 0, ref.count(probe[i]) == 1) << probe[i];
  }

  // Changes copy a block out of the view; the others stay views.
  EXPECT_FALSE(t.Add(8613800000005));
  EXPECT_TRUE(t.Add(8613800020000));
  EXPECT_TRUE(t.Remove(8613800000006));
  EXPECT_FALSE(t.Remove(8613800000006));
  EXPECT_TRUE(t.Remove(14155550123));
  ref.insert(8613800020000);
  ref.erase(8613800000006);
  ref.erase(14155550123);
  t.Optimize();
  EXPECT_EQ(t.Cardinality(), ref.size());
  for (uint64_t n : {8613800000005ULL, 8613800020000ULL, 8613800000006ULL, 14155550123ULL}) {
    EXPECT_EQ(t.Contains(n), ref.count(n) == 1) << n;
  }
  // Written again (frozen and portable), it reads back the same.
  std::string again;
  t.SerializeFrozen(&again);
  auto again_memory = Aligned(again);
  NumberSet u;
  ASSERT_TRUE(u.DeserializeFrozen({static_cast<const char*>(again_memory.get()), again.size()},
                                  again_memory)
                  .ok());
  std::string portable;
  u.Serialize(&portable);
  NumberSet w;
  ASSERT_TRUE(w.Deserialize(portable).ok());
  listed.clear();
  w.ForEach([&](uint64_t n) {
    listed.push_back(n);
    return true;
  });
  EXPECT_EQ(listed, std::vector<uint64_t>(ref.begin(), ref.end()));

  // Damage is refused and leaves the set as it was.
  for (std::size_t cut : {std::size_t{0}, std::size_t{6}, bytes.size() / 2, bytes.size() - 1}) {
    auto part = Aligned(bytes);
    EXPECT_FALSE(u.DeserializeFrozen({static_cast<const char*>(part.get()), cut}, part).ok())
        << cut;
  }
  std::string damaged = bytes;
  damaged[40] ^= 0x55;  // inside the first bitmap's header
  auto bad = Aligned(damaged);
  EXPECT_FALSE(
      u.DeserializeFrozen({static_cast<const char*>(bad.get()), damaged.size()}, bad).ok());
  EXPECT_EQ(u.Cardinality(), ref.size());
}

TEST(NumberSetTest, DenseSegmentCostsAboutOneBitPerNumber) {
  // A quarter of a 10^7-number segment registered at random.
  NumberSet s;
  std::mt19937_64 rng(1);
  std::vector<uint64_t> numbers;
  for (uint64_t n = 8613800000000; n < 8613810000000; ++n) {
    if (rng() % 4 == 0) numbers.push_back(n);
  }
  s.AddMany(numbers);
  s.Optimize();
  const double bits = 8.0 * static_cast<double>(s.BytesInMemory()) / numbers.size();
  EXPECT_LT(bits, 4.5) << "bitmap containers: 1 bit per slot, 4 slots per member";
}

}  // namespace
}  // namespace quell::registry
