#include "quell/reputation/blocklist.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "quell/reputation/internal/blocklist_codec.h"
#include "quell/reputation/labels.h"

namespace quell::reputation {
namespace {

using internal::DecodeUnverified;

BlocklistKey SeedKey(uint8_t first) {
  std::array<uint8_t, 32> seed;
  for (int i = 0; i < 32; ++i) seed[i] = static_cast<uint8_t>(first + i);
  return *BlocklistKey::FromSeed(seed);
}

// The key of the documented examples: seed 00 01 .. 1f.
const BlocklistKey& DocKey() {
  static const BlocklistKey key = SeedKey(0);
  return key;
}

std::vector<BlocklistEntry> RandomList(std::mt19937_64& rng, std::size_t count) {
  // A narrow range as well as the whole mobile space, so that lists overlap.
  std::uniform_int_distribution<uint64_t> number(8613800000000, 8613800000000 + 4 * count + 10);
  std::vector<BlocklistEntry> list;
  for (std::size_t i = 0; i < count; ++i) {
    list.push_back({.number = rng() % 8 == 0 ? 8613000000000 + rng() % 7000000000 : number(rng),
                    .label = static_cast<uint8_t>(rng() % 16),
                    .score = static_cast<uint8_t>(rng() % 101)});
  }
  auto by_number = [](const auto& a, const auto& b) { return a.number < b.number; };
  std::sort(list.begin(), list.end(), by_number);
  list.erase(std::unique(list.begin(), list.end(),
                         [](const auto& a, const auto& b) { return a.number == b.number; }),
             list.end());
  return list;
}

// `file` with its signature replaced by `key`'s over its other bytes.
std::string Resign(std::string file, const BlocklistKey& key) {
  file.resize(file.size() - 64);
  const auto signature = key.Sign(file);
  file.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  return file;
}

std::string Varint(uint64_t v) {
  std::string out;
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>(v | 0x80));
  out.push_back(static_cast<char>(v));
  return out;
}

// A file from raw parts, signed by `key`: for malformed files that pass the
// signature and must be caught by the parser.
std::string Craft(uint64_t version, uint64_t base_version, uint32_t entries, uint32_t removed,
                  std::string_view body, const BlocklistKey& key) {
  std::string f = "QBLK";
  auto put = [&](uint64_t v, int n) {
    for (int i = 0; i < n; ++i) f.push_back(static_cast<char>(v >> (8 * i)));
  };
  put(1, 2);
  f.append(reinterpret_cast<const char*>(key.public_key().data()), 8);
  put(version, 8);
  put(base_version, 8);
  put(1767225600, 8);
  put(entries, 4);
  put(removed, 4);
  f += body;
  f.append(64, '\0');
  return Resign(f, key);
}

TEST(Blocklist, FullListRoundTrips) {
  std::mt19937_64 rng(1);
  const auto list = RandomList(rng, 5000);
  const BlocklistKey& key = DocKey();
  auto file = EncodeFull({.version = 42, .built_at_s = -5}, list, key);
  ASSERT_TRUE(file) << file.status().ToString();
  auto decoded = Decode(*file, key.public_key());
  ASSERT_TRUE(decoded) << decoded.status().ToString();
  EXPECT_FALSE(decoded->is_delta());
  EXPECT_EQ(decoded->header.version, 42u);
  EXPECT_EQ(decoded->header.base_version, 0u);
  EXPECT_EQ(decoded->header.built_at_s, -5);
  EXPECT_TRUE(std::equal(decoded->key_id.begin(), decoded->key_id.end(), key.public_key().begin()));
  EXPECT_EQ(decoded->entries, list);
  EXPECT_TRUE(decoded->removed.empty());
  // Canonical: the same list gives the same bytes.
  EXPECT_EQ(*EncodeFull({.version = 42, .built_at_s = -5}, decoded->entries, key), *file);
}

TEST(Blocklist, DeltaRoundTrips) {
  const BlocklistKey& key = DocKey();
  const std::vector<BlocklistEntry> changed = {{1, 0, 0}, {8613800138000, 15, 100}};
  const std::vector<uint64_t> removed = {2, 999999999999999};
  auto file =
      EncodeDelta({.version = 9, .base_version = 3, .built_at_s = 7}, changed, removed, key);
  ASSERT_TRUE(file) << file.status().ToString();
  auto decoded = Decode(*file, key.public_key());
  ASSERT_TRUE(decoded) << decoded.status().ToString();
  EXPECT_TRUE(decoded->is_delta());
  EXPECT_EQ(decoded->header.version, 9u);
  EXPECT_EQ(decoded->header.base_version, 3u);
  EXPECT_EQ(decoded->entries, changed);
  EXPECT_EQ(decoded->removed, removed);
}

TEST(Blocklist, EmptyListsAreValid) {
  const BlocklistKey& key = DocKey();
  auto full = EncodeFull({.version = 1}, {}, key);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->size(), 110u);
  auto decoded = Decode(*full, key.public_key());
  ASSERT_TRUE(decoded) << decoded.status().ToString();
  EXPECT_TRUE(decoded->entries.empty());

  auto delta = EncodeDelta({.version = 2, .base_version = 1}, {}, {}, key);
  ASSERT_TRUE(delta);
  auto d = Decode(*delta, key.public_key());
  ASSERT_TRUE(d) << d.status().ToString();
  std::vector<BlocklistEntry> list = {{8613800138000, 1, 50}};
  ASSERT_TRUE(ApplyDelta(list, 1, *d).ok());
  EXPECT_EQ(list, (std::vector<BlocklistEntry>{{8613800138000, 1, 50}}));
}

TEST(Blocklist, DiffThenApplyDeltaGivesTheTargetList) {
  std::mt19937_64 rng(20240601);
  const BlocklistKey& key = DocKey();
  for (int round = 0; round < 200; ++round) {
    const std::size_t from_size = round % 10 == 0 ? 0 : rng() % 300;
    const std::size_t to_size = round % 10 == 1 ? 0 : rng() % 300;
    const auto from = RandomList(rng, from_size);
    auto to = RandomList(rng, to_size);
    // Keep some of `from`, some changed, so that the diff has all three kinds.
    for (const auto& e : from) {
      if (rng() % 3 == 0) to.push_back({e.number, e.label, rng() % 2 ? e.score : uint8_t(7)});
    }
    std::sort(to.begin(), to.end(),
              [](const auto& a, const auto& b) { return a.number < b.number; });
    to.erase(std::unique(to.begin(), to.end(),
                         [](const auto& a, const auto& b) { return a.number == b.number; }),
             to.end());

    std::vector<BlocklistEntry> changed;
    std::vector<uint64_t> removed = {123};  // Diff replaces what was there
    Diff(from, to, changed, removed);
    for (const auto& c : changed) {
      auto it = std::lower_bound(from.begin(), from.end(), c.number,
                                 [](const auto& e, uint64_t n) { return e.number < n; });
      EXPECT_FALSE(it != from.end() && *it == c) << "unchanged entry in the delta";
    }
    auto file = EncodeDelta({.version = 6, .base_version = 5}, changed, removed, key);
    ASSERT_TRUE(file) << file.status().ToString();
    auto delta = Decode(*file, key.public_key());
    ASSERT_TRUE(delta) << delta.status().ToString();
    std::vector<BlocklistEntry> list = from;
    ASSERT_TRUE(ApplyDelta(list, 5, *delta).ok()) << "round " << round;
    ASSERT_EQ(list, to) << "round " << round;
  }
}

TEST(Blocklist, ApplyDeltaRefusesWhatDoesNotApplyAndLeavesTheList) {
  const std::vector<BlocklistEntry> original = {{10, 1, 1}, {20, 2, 2}, {30, 3, 3}};
  Blocklist delta;
  delta.header = {.version = 3, .base_version = 2};
  delta.entries = {{15, 4, 4}};
  delta.removed = {20};

  std::vector<BlocklistEntry> list = original;
  EXPECT_EQ(ApplyDelta(list, 1, delta).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(list, original);

  delta.removed = {25};  // not on the list
  EXPECT_EQ(ApplyDelta(list, 2, delta).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(list, original);
  delta.removed = {40};
  EXPECT_EQ(ApplyDelta(list, 2, delta).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(list, original);

  delta.removed = {30};
  delta.entries = {{30, 4, 4}};  // both changed and removed
  EXPECT_EQ(ApplyDelta(list, 2, delta).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(list, original);

  delta.entries = {{16, 4, 4}, {15, 4, 4}};  // unsorted
  delta.removed = {};
  EXPECT_EQ(ApplyDelta(list, 2, delta).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(list, original);

  Blocklist full;
  full.header = {.version = 2};
  EXPECT_EQ(ApplyDelta(list, 0, full).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(list, original);

  delta.entries = {{5, 0, 9}, {20, 9, 9}, {35, 1, 1}};
  delta.removed = {10, 30};
  ASSERT_TRUE(ApplyDelta(list, 2, delta).ok());
  EXPECT_EQ(list, (std::vector<BlocklistEntry>{{5, 0, 9}, {20, 9, 9}, {35, 1, 1}}));
}

TEST(Blocklist, EncodersRejectWhatTheFormatCannotHold) {
  const BlocklistKey& key = DocKey();
  auto full = [&](std::vector<BlocklistEntry> entries) {
    return EncodeFull({.version = 1}, entries, key).status().code();
  };
  constexpr auto kBad = StatusCode::kInvalidArgument;
  EXPECT_EQ(full({{20, 0, 0}, {10, 0, 0}}), kBad);  // unsorted
  EXPECT_EQ(full({{10, 0, 0}, {10, 1, 0}}), kBad);  // duplicate
  EXPECT_EQ(full({{0, 0, 0}}), kBad);
  EXPECT_EQ(full({{1'000'000'000'000'000, 0, 0}}), kBad);
  EXPECT_EQ(full({{10, 16, 0}}), kBad);
  EXPECT_EQ(full({{10, 0, 101}}), kBad);
  EXPECT_EQ(full({{999'999'999'999'999, 15, 100}}), StatusCode::kOk);

  EXPECT_EQ(EncodeFull({.version = 0}, {}, key).status().code(), kBad);
  EXPECT_EQ(EncodeFull({.version = 2, .base_version = 1}, {}, key).status().code(), kBad);
  EXPECT_EQ(EncodeDelta({.version = 1}, {}, {}, key).status().code(), kBad);
  EXPECT_EQ(EncodeDelta({.version = 3, .base_version = 3}, {}, {}, key).status().code(), kBad);
  const std::vector<uint64_t> unsorted = {5, 4};
  EXPECT_EQ(EncodeDelta({.version = 4, .base_version = 3}, {}, unsorted, key).status().code(),
            kBad);
  const std::vector<BlocklistEntry> changed = {{4, 0, 0}};
  const std::vector<uint64_t> removed = {4};
  EXPECT_EQ(EncodeDelta({.version = 4, .base_version = 3}, changed, removed, key).status().code(),
            kBad);
}

std::string SmallDelta() {
  const std::vector<BlocklistEntry> changed = {{8613800138000, 3, 97}, {8613800138040, 9, 1}};
  const std::vector<uint64_t> removed = {8613500000000, 8613800138001};
  return *EncodeDelta({.version = 8, .base_version = 7, .built_at_s = 1}, changed, removed,
                      DocKey());
}

std::string SmallFull() {
  std::mt19937_64 rng(7);
  return *EncodeFull({.version = 1}, RandomList(rng, 20), DocKey());
}

TEST(Blocklist, EveryChangedByteFailsDecode) {
  for (const std::string& file : {SmallFull(), SmallDelta()}) {
    ASSERT_TRUE(Decode(file, DocKey().public_key()));
    for (std::size_t i = 0; i < file.size(); ++i) {
      for (uint8_t flip : {0x01, 0x80, 0xff}) {
        std::string bad = file;
        bad[i] = static_cast<char>(bad[i] ^ flip);
        auto decoded = Decode(bad, DocKey().public_key());
        ASSERT_FALSE(decoded) << "byte " << i << " ^ " << int(flip);
        const StatusCode code = decoded.status().code();
        EXPECT_TRUE(code == StatusCode::kUnauthenticated || code == StatusCode::kInvalidArgument)
            << decoded.status().ToString();
      }
    }
  }
}

TEST(Blocklist, TruncatedOrExtendedFilesFailDecode) {
  for (const std::string& file : {SmallFull(), SmallDelta()}) {
    for (std::size_t n = 0; n < file.size(); ++n) {
      EXPECT_FALSE(Decode(file.substr(0, n), DocKey().public_key())) << n;
      EXPECT_FALSE(DecodeUnverified(file.substr(0, n))) << n;
    }
    EXPECT_FALSE(Decode(file + '\0', DocKey().public_key()));
    EXPECT_FALSE(DecodeUnverified(file + '\0'));
  }
}

TEST(Blocklist, AnotherKeyFailsDecode) {
  const std::string file = SmallDelta();
  auto other = Decode(file, SeedKey(1).public_key());
  ASSERT_FALSE(other);
  EXPECT_EQ(other.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(other.status().message().find("key id 03a107bff3ce10be"), std::string::npos)
      << other.status().message();

  // Same key id, different key: the signature decides.
  std::array<uint8_t, 32> lookalike = DocKey().public_key();
  lookalike[31] ^= 1;
  auto forged = Decode(file, lookalike);
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.status().code(), StatusCode::kUnauthenticated);

  // Signed by another key that claims the pinned key's id.
  auto resigned = Decode(Resign(file, SeedKey(1)), DocKey().public_key());
  ASSERT_FALSE(resigned);
  EXPECT_EQ(resigned.status().code(), StatusCode::kUnauthenticated);
}

TEST(Blocklist, ParserRejectsSignedButMalformedFiles) {
  const BlocklistKey& key = DocKey();
  auto decode = [&](const std::string& file) { return Decode(file, key.public_key()); };
  auto expect_bad = [&](const std::string& file, std::string_view fragment) {
    auto d = decode(file);
    ASSERT_FALSE(d) << fragment;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(d.status().message().find(fragment), std::string::npos) << d.status().message();
    EXPECT_EQ(DecodeUnverified(file).status(), d.status());
  };
  // Entry 8613800138000 (label 3, score 97): W = e1 81, H = a8 f5 cf e3 ea 07.
  const std::string one = "\xe1\x81\xa8\xf5\xcf\xe3\xea\x07";
  ASSERT_TRUE(decode(Craft(1, 0, 1, 0, one, key)));
  ASSERT_TRUE(decode(Craft(2, 1, 0, 1, "\x05", key)));

  expect_bad(Craft(0, 0, 1, 0, one, key), "version 0");
  expect_bad(Craft(5, 5, 0, 0, "", key), "forward");
  expect_bad(Craft(1, 0, 0, 1, "\x05", key), "removes nothing");
  expect_bad(Craft(1, 0, 3, 0, one, key), "cannot fit");
  expect_bad(Craft(1, 0, 2, 0, one, key), "truncated");
  expect_bad(Craft(1, 0, 0xffffffff, 0, one, key), "cannot fit");
  expect_bad(Craft(2, 1, 0, 0xffffffff, "\x05", key), "cannot fit");
  expect_bad(Craft(1, 0, 1, 0, one + '\x00', key), "1 bytes follow");
  expect_bad(Craft(1, 0, 1, 0, std::string("\xe1\x81\x80\x00", 4), key), "not minimally encoded");
  expect_bad(Craft(1, 0, 1, 0, std::string("\xe1\x81") + std::string(9, '\xff') + "\x02", key),
             "overflows 64 bits");
  expect_bad(Craft(1, 0, 1, 0, "\xe1\x81\xff\xff", key), "truncated");
  expect_bad(Craft(1, 0, 1, 0, std::string("\x65\x08\x00", 3), key), "score 101");
  expect_bad(Craft(1, 0, 1, 0, std::string("\x61\x01\x00", 3), key), "delta 0");  // number 0
  expect_bad(Craft(1, 0, 2, 0, one + std::string("\x61\x01\x00", 3), key), "delta 0");
  // The largest number, and one past it, whichever part of d carries the excess.
  constexpr uint64_t kLimitHigh = internal::kBlocklistNumberLimit >> 5;  // 10^15 is 0 mod 32
  ASSERT_TRUE(decode(Craft(1, 0, 1, 0, std::string("\x00\xf8", 2) + Varint(kLimitHigh - 1), key)));
  expect_bad(Craft(1, 0, 1, 0, std::string("\x00\x00", 2) + Varint(kLimitHigh), key),
             "past 15 digits");
  expect_bad(Craft(1, 0, 1, 0, std::string("\x00\x00", 2) + Varint(kLimitHigh + 1), key),
             "past 15 digits");
  expect_bad(Craft(1, 0, 1, 0, std::string("\x00\x00", 2) + Varint(~uint64_t{0}), key),
             "past 15 digits");
  expect_bad(
      Craft(1, 0, 2, 0,
            std::string("\x00\xf8", 2) + Varint(kLimitHigh - 1) + std::string("\x00\x08\x00", 3),
            key),
      "past 15 digits");
  expect_bad(Craft(2, 1, 0, 1, Varint(internal::kBlocklistNumberLimit), key), "past 15 digits");
  expect_bad(Craft(2, 1, 0, 2, std::string("\x05\x00", 2), key), "delta 0");
  expect_bad(Craft(2, 1, 1, 1, one + "\x90\xaa\xfd\xf3\xd8\xfa\x01", key), "both changed");

  std::string wrong_format = Craft(1, 0, 0, 0, "", key);
  wrong_format[4] = 2;
  expect_bad(Resign(wrong_format, key), "format version 2");
  std::string wrong_magic = Craft(1, 0, 0, 0, "", key);
  wrong_magic[0] = 'X';
  expect_bad(Resign(wrong_magic, key), "not a blocklist file");
}

TEST(Blocklist, NumbersUpToFifteenDigits) {
  const BlocklistKey& key = DocKey();
  const std::vector<BlocklistEntry> edges = {{1, 0, 0}, {999'999'999'999'999, 15, 100}};
  auto decoded = Decode(*EncodeFull({.version = 1}, edges, key), key.public_key());
  ASSERT_TRUE(decoded) << decoded.status().ToString();
  EXPECT_EQ(decoded->entries, edges);
}

// ---- Key file ----

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "quell-blocklist-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
  ::chmod(path.c_str(), 0600);
}

TEST(BlocklistKey, IsCreatedPrivateAndLoadedAgain) {
  TempDir dir;
  const std::string path = dir.File("blocklist.key");
  auto created = BlocklistKey::LoadOrCreate(path);
  ASSERT_TRUE(created) << created.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string bytes = ReadAll(path);
  ASSERT_EQ(bytes.size(), 72u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("QBLKEY\x01\x00", 8));
  EXPECT_EQ(bytes.substr(40),
            std::string(reinterpret_cast<const char*>(created->public_key().data()), 32));
  // Nothing else left in the directory (no temporary file).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.File("")),
                          std::filesystem::directory_iterator{}),
            1);

  auto loaded = BlocklistKey::LoadOrCreate(path);
  ASSERT_TRUE(loaded) << loaded.status().ToString();
  EXPECT_EQ(loaded->public_key(), created->public_key());
  // A file signed with the loaded key verifies with the created one.
  auto file = EncodeFull({.version = 1}, {}, *loaded);
  EXPECT_TRUE(Decode(*file, created->public_key()));

  auto fresh = BlocklistKey::Generate();
  ASSERT_TRUE(fresh);
  EXPECT_NE(fresh->public_key(), created->public_key());
}

TEST(BlocklistKey, RefusesFilesOthersCanReadOrThatAreDamaged) {
  TempDir dir;
  const std::string path = dir.File("blocklist.key");
  ASSERT_TRUE(BlocklistKey::LoadOrCreate(path));
  const std::string good = ReadAll(path);

  for (mode_t mode : {0640, 0604, 0620, 0660}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto key = BlocklistKey::LoadOrCreate(path);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.status().code(), StatusCode::kPermissionDenied);
    EXPECT_NE(key.status().message().find("chmod 600"), std::string::npos);
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(BlocklistKey::LoadOrCreate(path));

  auto expect_invalid = [&](std::string_view bytes, std::string_view fragment) {
    WriteAll(path, bytes);
    auto key = BlocklistKey::LoadOrCreate(path);
    ASSERT_FALSE(key) << fragment;
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(key.status().message().find(fragment), std::string::npos) << key.status().message();
  };
  expect_invalid(good.substr(0, 71), "is 71 bytes");
  expect_invalid(good + "x", "more than 72");
  expect_invalid("", "is 0 bytes");
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  expect_invalid(bad_magic, "not a version 1");
  std::string bad_format = good;
  bad_format[6] = 2;
  expect_invalid(bad_format, "not a version 1");
  std::string mismatched = good;
  mismatched[71] ^= 1;
  expect_invalid(mismatched, "does not match its seed");

  ASSERT_TRUE(std::filesystem::create_directory(dir.File("sub")));
  auto directory = BlocklistKey::LoadOrCreate(dir.File("sub"));
  EXPECT_FALSE(directory);
  auto missing_dir = BlocklistKey::LoadOrCreate(dir.File("nowhere/blocklist.key"));
  ASSERT_FALSE(missing_dir);
  EXPECT_EQ(missing_dir.status().code(), StatusCode::kNotFound);
}

TEST(BlocklistKey, PublicKeyBase64IsStandardBase64) {
  EXPECT_EQ(DocKey().public_key_base64(), "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=");
}

// ---- The worked examples of docs/formats/blocklist.md ----

// The bytes of the ```text block after `<!-- example:NAME`: hex pairs, `#` to
// the end of a line is a comment.
std::string DocExample(std::string_view name) {
  const std::string doc = ReadAll(std::string(QUELL_SOURCE_DIR) + "/docs/formats/blocklist.md");
  const std::size_t marker = doc.find("<!-- example:" + std::string(name));
  if (marker == std::string::npos) return "";
  const std::size_t begin = doc.find("```text\n", marker);
  const std::size_t end = doc.find("```\n", begin + 8);
  if (begin == std::string::npos || end == std::string::npos) return "";
  std::istringstream lines(doc.substr(begin + 8, end - begin - 8));
  std::string bytes, line;
  while (std::getline(lines, line)) {
    std::istringstream tokens(line.substr(0, line.find('#')));
    std::string hex;
    while (tokens >> hex) {
      EXPECT_EQ(hex.size(), 2u) << line;
      bytes.push_back(static_cast<char>(std::stoi(hex, nullptr, 16)));
    }
  }
  return bytes;
}

const std::vector<BlocklistEntry> kDocFullEntries = {
    {8613800138000, static_cast<uint8_t>(Label::kFraud), 97},
    {8613800138005, static_cast<uint8_t>(Label::kMarketing), 60},
    {8619912345678, static_cast<uint8_t>(Label::kDelivery), 12}};

TEST(BlocklistDoc, FullListExampleDecodesAsDocumented) {
  const std::string file = DocExample("full");
  ASSERT_EQ(file.size(), 127u);
  auto list = Decode(file, DocKey().public_key());
  ASSERT_TRUE(list) << list.status().ToString();
  EXPECT_EQ(list->header.version, 7u);
  EXPECT_EQ(list->header.base_version, 0u);
  EXPECT_EQ(list->header.built_at_s, 1767225600);  // 2026-01-01T00:00:00Z
  EXPECT_EQ(list->entries, kDocFullEntries);
  EXPECT_EQ(*EncodeFull(list->header, kDocFullEntries, DocKey()), file);
}

TEST(BlocklistDoc, DeltaExampleDecodesAndAppliesAsDocumented) {
  const std::string file = DocExample("delta");
  ASSERT_EQ(file.size(), 131u);
  auto delta = Decode(file, DocKey().public_key());
  ASSERT_TRUE(delta) << delta.status().ToString();
  EXPECT_EQ(delta->header.version, 8u);
  EXPECT_EQ(delta->header.base_version, 7u);
  EXPECT_EQ(delta->header.built_at_s, 1767312000);  // 2026-01-02T00:00:00Z
  const std::vector<BlocklistEntry> changed = {
      {8613800138005, static_cast<uint8_t>(Label::kRobocall), 75},
      {8615000000001, static_cast<uint8_t>(Label::kCallBombing), 88}};
  EXPECT_EQ(delta->entries, changed);
  EXPECT_EQ(delta->removed, std::vector<uint64_t>{8613800138000});

  std::vector<BlocklistEntry> list = kDocFullEntries;
  ASSERT_TRUE(ApplyDelta(list, 7, *delta).ok());
  EXPECT_EQ(list, (std::vector<BlocklistEntry>{changed[0], changed[1], kDocFullEntries[2]}));

  std::vector<BlocklistEntry> diff_changed;
  std::vector<uint64_t> diff_removed;
  Diff(kDocFullEntries, list, diff_changed, diff_removed);
  EXPECT_EQ(*EncodeDelta(delta->header, diff_changed, diff_removed, DocKey()), file);
}

TEST(BlocklistDoc, LabelTableMatchesTheCodes) {
  const std::string doc = ReadAll(std::string(QUELL_SOURCE_DIR) + "/docs/formats/blocklist.md");
  for (Label l : AllLabels()) {
    if (l == Label::kNone) continue;
    const std::string row =
        "| " + std::to_string(static_cast<int>(l)) + " | " + std::string(Name(l)) + " |";
    EXPECT_NE(doc.find(row), std::string::npos) << row;
  }
}

}  // namespace
}  // namespace quell::reputation
