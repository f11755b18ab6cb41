// reputation_tool: full-size reputation scenarios for bench/load/lookup.sh.
//
//   reputation_tool seed --data DIR --numbers N [--seed S]
//       a data directory whose store holds the evidence of N numbers (random
//       valid CN mobile numbers, +86 130..199): app marks in rep_marks and
//       findings, DNC violations and complaint reports in rep_evidence, written
//       straight into the tables the Reputation service reads, in big
//       transactions, after Reputation::Open has migrated the schema. The mix
//       (docs/benchmarks.md "Reputation lookups"): most numbers have 1-3 items
//       and no label, some are disputed, some labelled spam (a few in abused
//       blocks of ten), a few labelled benign, a few heavily reported.
//   reputation_tool numbers --numbers N [--seed S] --out FILE [--count K] [--unknown F]
//       K of those N numbers (0 = all), chosen at random, plus a share F
//       (default 0.1) of valid numbers the table does not hold, as E.164 lines
//       of fixed width ("+8613800138000\n", 15 bytes: wrk's Lua script picks
//       line i at offset 15 i). With --data DIR, a sample is checked
//       against that store first.
//   reputation_tool load --data DIR
//       opens the Reputation service on DIR's store as `quell serve` does and
//       prints the load time, the numbers loaded, the table's bytes and the
//       process's RSS growth.
//
// The same N and seed always give the same numbers: `numbers` regenerates them
// instead of reading the store.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/number_plan.h"
#include "quell/core/vocabulary.h"
#include "quell/reputation/labels.h"
#include "quell/reputation/reputation.h"
#include "quell/store/store.h"

namespace {

using quell::NuisanceKind;
using quell::reputation::Label;

constexpr uint64_t kFirst = 8613000000000;  // +86 130 0000 0000
constexpr uint64_t kLast = 8619999999999;   // +86 199 9999 9999
constexpr uint64_t kBlock = 100000;         // validity is decided per 10^5 numbers (8 digits)
constexpr int kRowsPerInsert = 8;  // rows per INSERT (binding by name is quadratic in parameters)
constexpr uint64_t kNumbersPerCommit = 1000000;
constexpr int64_t kDayMs = 86'400'000;

int64_t RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return 0;
}

std::string Arg(int argc, char** argv, const char* name, const char* def = "") {
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return def;
}

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The allocated mobile blocks of 10^5 numbers in +86 130..199 (the numbering
// plan's validity is per 8-digit prefix).
struct Space {
  std::vector<uint64_t> blocks;  // number / kBlock
  uint64_t slots() const { return blocks.size() * kBlock; }
};

Space ValidSpace() {
  quell::NumberPlan plan("CN", 1 << 20);
  Space s;
  for (uint64_t b = kFirst / kBlock; b <= kLast / kBlock; ++b) {
    if (plan.Classify(b * kBlock).valid) s.blocks.push_back(b);
  }
  return s;
}

// One seeded number: the number and whether it sits in an abused block of ten
// (a run of neighbouring numbers that all carry the same spam label).
struct Seeded {
  uint64_t number;
  bool cluster;
};

// Calls f for N distinct valid numbers in increasing order: a Bernoulli walk
// over the allocated space by geometric gaps; one start in 500 is a cluster of
// up to five neighbours in its block of ten.
void Generate(const Space& space, uint64_t n, uint64_t seed, const std::function<void(Seeded)>& f) {
  std::mt19937_64 rng(seed);
  // A little denser than n / slots so that the walk does not run out of space
  // before n numbers (clusters use up a few extra).
  const double p =
      std::min(1.0, 1.002 * static_cast<double>(n) / static_cast<double>(space.slots()));
  std::geometric_distribution<uint64_t> gap(p);
  std::uniform_real_distribution<double> u(0, 1);
  uint64_t count = 0;
  std::size_t bi = 0;
  uint64_t offset = gap(rng);  // within the valid space
  while (count < n && bi < space.blocks.size()) {
    while (bi < space.blocks.size() && offset >= kBlock) {
      offset -= kBlock;
      ++bi;
    }
    if (bi == space.blocks.size()) break;
    const uint64_t number = space.blocks[bi] * kBlock + offset;
    if (u(rng) < 0.002) {
      // A cluster: this number and up to four after it in its block of ten.
      const uint64_t end = std::min(number + 5, number / 10 * 10 + 10);
      for (uint64_t m = number; m < end && count < n; ++m, ++count) f({m, true});
      offset += end - number + gap(rng);
    } else {
      f({number, false});
      ++count;
      offset += 1 + gap(rng);
    }
  }
}

// Which spam kind a report or mark names: marketing most often.
NuisanceKind RandomKind(std::mt19937_64& rng) {
  static constexpr NuisanceKind kKinds[] = {
      NuisanceKind::kMarketing, NuisanceKind::kMarketing,   NuisanceKind::kMarketing,
      NuisanceKind::kMarketing, NuisanceKind::kRobocall,    NuisanceKind::kRobocall,
      NuisanceKind::kFraud,     NuisanceKind::kFraud,       NuisanceKind::kHarassment,
      NuisanceKind::kOneRing,   NuisanceKind::kCallBombing, NuisanceKind::kSimBox,
  };
  return kKinds[rng() % std::size(kKinds)];
}

// Multi-row INSERTs into one table, flushed every kRowsPerInsert rows.
class Inserter {
 public:
  Inserter(std::string head, int columns) : head_(std::move(head)), columns_(columns) {
    full_sql_ = Sql(kRowsPerInsert);
  }
  quell::Status Add(quell::store::Transaction& tx, quell::store::Params row) {
    for (auto& v : row) params_.push_back(std::move(v));
    ++rows_;
    ++total_;
    if (rows_ == kRowsPerInsert) return Flush(tx);
    return {};
  }
  quell::Status Flush(quell::store::Transaction& tx) {
    if (rows_ == 0) return {};
    const std::string sql = rows_ == kRowsPerInsert ? full_sql_ : Sql(rows_);
    auto r = tx.Exec(sql, params_);
    params_.clear();
    rows_ = 0;
    return r.status();
  }
  uint64_t total() const { return total_; }

 private:
  std::string Sql(int rows) const {
    std::string sql = head_ + " VALUES ";
    int k = 1;
    for (int r = 0; r < rows; ++r) {
      sql += r == 0 ? "(" : ", (";
      for (int c = 0; c < columns_; ++c) sql += (c ? ", $" : "$") + std::to_string(k++);
      sql += ")";
    }
    return sql;
  }
  std::string head_;
  int columns_;
  std::string full_sql_;
  quell::store::Params params_;
  int rows_ = 0;
  uint64_t total_ = 0;
};

struct Mix {
  uint64_t light = 0, disputed = 0, labelled = 0, cluster = 0, benign = 0, heavy = 0;
};

int Seed(const std::string& data, uint64_t n, uint64_t seed) {
  std::filesystem::create_directories(data);
  auto start = std::chrono::steady_clock::now();
  const Space space = ValidSpace();
  std::printf("numbering plan: %zu allocated blocks of 10^5 in +86 130..199 (%.1f s)\n",
              space.blocks.size(), Since(start));
  auto opened = quell::store::Store::Open({.path = data + "/quell.db", .synchronous = "normal"});
  if (!opened) return std::cerr << opened.status().message() << "\n", 1;
  quell::store::Store& store = **opened;
  {
    // Migrates the reputation schema (and loads nothing: the store is new).
    auto rep = quell::reputation::Reputation::Open(store, quell::Clock::Real(), {});
    if (!rep) return std::cerr << rep.status().message() << "\n", 1;
  }
  auto count =
      store.Query("SELECT (SELECT COUNT(*) FROM rep_marks) + (SELECT COUNT(*) FROM rep_evidence)");
  if (!count) return std::cerr << count.status().message() << "\n", 1;
  if (count->rows[0].Int(0) != 0) {
    std::cerr << data << " already holds reputation evidence: seed a fresh directory\n";
    return 1;
  }

  Inserter marks(
      "INSERT INTO rep_marks (number, app_org_id, app_user, label, category, weight, "
      "at_ms)",
      7);
  Inserter evidence(
      "INSERT INTO rep_evidence (source, ref, number, kind, category, strength, "
      "at_ms, detail, recorded_at)",
      9);
  std::mt19937_64 rng(seed * 7919 + 1);  // the items; Generate's stream picks the numbers
  std::uniform_real_distribution<double> u(0, 1);
  const int64_t now = quell::ToUnixMillis(quell::Clock::Real().Now());
  const auto categories = quell::Categories();
  uint64_t ref = 0, done = 0;
  Mix mix;
  std::unique_ptr<quell::store::Transaction> tx;
  quell::Status failed;
  std::vector<int64_t> users;

  auto when = [&] { return now - static_cast<int64_t>(u(rng) * 180 * kDayMs); };
  auto category_of = [&](NuisanceKind k) -> std::string {
    if (k != NuisanceKind::kMarketing) return "";
    return std::string(quell::Name(static_cast<quell::Category>(rng() % categories.size())));
  };
  // One app user's mark; a number's marks come from distinct users.
  auto mark = [&](uint64_t number, std::string_view label, const std::string& category) {
    int64_t user;
    do {
      user = static_cast<int64_t>(rng() % 2'000'000);
    } while (std::find(users.begin(), users.end(), user) != users.end());
    users.push_back(user);
    const double weight = u(rng) < 0.9 ? 1.0 : 0.5;
    return marks.Add(*tx, {number, int64_t{1 + user % 3}, "user" + std::to_string(user),
                           std::string(label), category, weight, when()});
  };
  auto item = [&](uint64_t number, std::string_view source, NuisanceKind kind, double strength) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "bench-%012llu", static_cast<unsigned long long>(ref++));
    const int64_t at = when();
    return evidence.Add(
        *tx, {std::string(source), std::string(buf), number, std::string(quell::Name(kind)),
              category_of(kind), strength, at, std::string("generated by reputation_tool"), at});
  };
  // A spam item of `kind` from any source: a mark, a report, a finding (severity
  // 1-3) or a DNC violation (marketing only).
  auto spam = [&](uint64_t number, NuisanceKind kind) {
    const double r = u(rng);
    if (r < 0.5) return mark(number, quell::Name(kind), category_of(kind));
    if (r < 0.7) return item(number, "report", kind, 1);
    if (r < 0.85 || kind != NuisanceKind::kMarketing) {
      return item(number, "finding", kind, static_cast<double>(1 + rng() % 3));
    }
    return item(number, "dnc_violation", kind, 1);
  };
  static constexpr std::string_view kBenign[] = {"delivery", "delivery",         "taxi",
                                                 "bank",     "customer_service", "government"};

  start = std::chrono::steady_clock::now();
  Generate(space, n, seed, [&](Seeded s) {
    if (!failed.ok()) return;
    if (!tx) {
      auto t = store.Begin();
      if (!t) {
        failed = t.status();
        return;
      }
      tx = std::move(*t);
      // A page cache of 1 GiB on the writing connection (SQLite's default is
      // 2 MiB): the index on app users is written at random, and with a small
      // cache every insert would spill pages to the WAL. A bench tool's
      // setting; the server keeps its own.
      if (done == 0) {
        if (auto r = tx->Exec("PRAGMA cache_size = -1048576"); !r) {
          failed = r.status();
          return;
        }
      }
    }
    users.clear();
    const uint64_t number = s.number;
    quell::Status st;
    const double r = u(rng);
    if (s.cluster) {  // an abused block: the same label on neighbours
      ++mix.cluster;
      const NuisanceKind kind = (number / 10) % 2 ? NuisanceKind::kRobocall : NuisanceKind::kFraud;
      for (int i = 0, k = 4 + static_cast<int>(rng() % 3); i < k && st.ok(); ++i) {
        st = spam(number, kind);
      }
    } else if (r < 0.58) {  // 1-3 items, no label
      ++mix.light;
      for (int i = 0, k = 1 + static_cast<int>(rng() % 3); i < k && st.ok(); ++i) {
        st = spam(number, RandomKind(rng));
      }
    } else if (r < 0.78) {  // disputed: spam marks and a "not spam"
      ++mix.disputed;
      const NuisanceKind kind = RandomKind(rng);
      for (int i = 0, k = 2 + static_cast<int>(rng() % 2); i < k && st.ok(); ++i) {
        st = spam(number, kind);
      }
      if (st.ok()) st = mark(number, "not_spam", "");
    } else if (r < 0.93) {  // labelled: 4-7 items of one kind
      ++mix.labelled;
      const NuisanceKind kind = RandomKind(rng);
      for (int i = 0, k = 4 + static_cast<int>(rng() % 4); i < k && st.ok(); ++i) {
        st = spam(number, kind);
      }
    } else if (r < 0.98) {  // a wanted caller: 1-2 benign marks
      ++mix.benign;
      const std::string_view label = kBenign[rng() % std::size(kBenign)];
      for (int i = 0, k = 1 + static_cast<int>(rng() % 2); i < k && st.ok(); ++i) {
        st = mark(number, label, "");
      }
    } else {  // heavily reported: 10-20 items
      ++mix.heavy;
      const NuisanceKind kind = RandomKind(rng);
      for (int i = 0, k = 10 + static_cast<int>(rng() % 11); i < k && st.ok(); ++i) {
        st = spam(number, kind);
      }
    }
    if (!st.ok()) {
      failed = st;
      return;
    }
    if (++done % kNumbersPerCommit == 0) {
      if (st = marks.Flush(*tx); st.ok()) st = evidence.Flush(*tx);
      if (st.ok()) st = tx->Commit();
      tx.reset();
      if (!st.ok()) failed = st;
      std::fprintf(stderr, "  %llu numbers, %.0f s\n", static_cast<unsigned long long>(done),
                   Since(start));
    }
  });
  if (failed.ok() && tx) {
    failed = marks.Flush(*tx);
    if (failed.ok()) failed = evidence.Flush(*tx);
    if (failed.ok()) failed = tx->Commit();
  }
  if (!failed.ok()) return std::cerr << failed.message() << "\n", 1;
  const double secs = Since(start);
  std::printf(
      "seeded %llu numbers (%llu marks, %llu evidence records) in %.1f s: %.0f rows/s; %s\n",
      static_cast<unsigned long long>(done), static_cast<unsigned long long>(marks.total()),
      static_cast<unsigned long long>(evidence.total()), secs,
      static_cast<double>(marks.total() + evidence.total()) / secs, (data + "/quell.db").c_str());
  const double d = static_cast<double>(std::max<uint64_t>(done, 1)) / 100;
  std::printf(
      "mix: 1-3 items %.1f %%, disputed %.1f %%, labelled spam %.1f %% (+ %.2f %% in abused blocks "
      "of ten), benign %.1f %%, heavily reported %.1f %%\n",
      static_cast<double>(mix.light) / d, static_cast<double>(mix.disputed) / d,
      static_cast<double>(mix.labelled) / d, static_cast<double>(mix.cluster) / d,
      static_cast<double>(mix.benign) / d, static_cast<double>(mix.heavy) / d);
  return 0;
}

int Numbers(const std::string& data, uint64_t n, uint64_t seed, const std::string& out, uint64_t k,
            double unknown) {
  const Space space = ValidSpace();
  std::vector<uint64_t> seeded;
  seeded.reserve(n);
  Generate(space, n, seed, [&](Seeded s) { seeded.push_back(s.number); });
  if (!data.empty()) {
    // The store holds the same numbers (same N and seed as `seed` was given).
    auto store = quell::store::Store::Open({.path = data + "/quell.db"});
    if (!store) return std::cerr << store.status().message() << "\n", 1;
    for (std::size_t i = 0; i < seeded.size(); i += std::max<std::size_t>(1, seeded.size() / 100)) {
      auto r = (*store)->Query(
          "SELECT (SELECT COUNT(*) FROM rep_marks WHERE number = $1) + (SELECT COUNT(*) FROM "
          "rep_evidence WHERE number = $1)",
          {seeded[i]});
      if (!r) return std::cerr << r.status().message() << "\n", 1;
      if (r->rows[0].Int(0) == 0) {
        std::cerr << "+" << seeded[i] << " is not in " << data
                  << ": give the --numbers and --seed it was seeded with\n";
        return 1;
      }
    }
  }
  if (k == 0 || k > seeded.size()) k = seeded.size();
  std::mt19937_64 rng(seed * 31 + 17);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<uint64_t> picked;
  picked.reserve(k + static_cast<uint64_t>(static_cast<double>(k) * unknown) + 1);
  // Selection sampling: exactly k of the seeded numbers, each equally likely.
  for (std::size_t i = 0, need = k; i < seeded.size() && need > 0; ++i) {
    if (u(rng) * static_cast<double>(seeded.size() - i) < static_cast<double>(need)) {
      picked.push_back(seeded[i]);
      --need;
    }
  }
  // Unknown numbers: valid, and not seeded.
  const uint64_t extra = static_cast<uint64_t>(static_cast<double>(k) * unknown / (1 - unknown));
  for (uint64_t i = 0; i < extra;) {
    const uint64_t number = space.blocks[rng() % space.blocks.size()] * kBlock + rng() % kBlock;
    if (std::binary_search(seeded.begin(), seeded.end(), number)) continue;
    picked.push_back(number);
    ++i;
  }
  std::shuffle(picked.begin(), picked.end(), rng);
  std::ofstream f(out, std::ios::binary);
  char line[32];
  for (uint64_t number : picked) {
    std::snprintf(line, sizeof line, "+%013llu\n", static_cast<unsigned long long>(number));
    f << line;
  }
  if (!f) return std::cerr << "cannot write " << out << "\n", 1;
  std::printf("numbers: %llu seeded and %llu unknown numbers in %s (15 bytes a line)\n",
              static_cast<unsigned long long>(k), static_cast<unsigned long long>(extra),
              out.c_str());
  return 0;
}

int Load(const std::string& data) {
  auto store = quell::store::Store::Open({.path = data + "/quell.db"});
  if (!store) return std::cerr << store.status().message() << "\n", 1;
  const int64_t before = RssKiB();
  const auto start = std::chrono::steady_clock::now();
  auto rep = quell::reputation::Reputation::Open(**store, quell::Clock::Real(), {});
  if (!rep) return std::cerr << rep.status().message() << "\n", 1;
  const double secs = Since(start);
  const int64_t after = RssKiB();
  const auto stats = (*rep)->stats();
  const double numbers = static_cast<double>(std::max<std::size_t>(stats.numbers, 1));
  std::printf(
      "load: %zu numbers in %.1f s (%.0f numbers/s); table %.1f MiB = %.1f bytes/number; RSS "
      "growth %.1f MiB = %.1f bytes/number (with the hash-prefix index and SQLite's cache)\n",
      stats.numbers, secs, numbers / secs, static_cast<double>(stats.memory_bytes) / (1 << 20),
      static_cast<double>(stats.memory_bytes) / numbers, static_cast<double>(after - before) / 1024,
      static_cast<double>(after - before) * 1024 / numbers);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  const std::string data = Arg(argc, argv, "--data");
  const uint64_t n = std::stoull(Arg(argc, argv, "--numbers", "10000000"));
  const uint64_t seed = std::stoull(Arg(argc, argv, "--seed", "1"));
  if (cmd == "seed" && !data.empty()) return Seed(data, n, seed);
  if (cmd == "numbers" && !Arg(argc, argv, "--out").empty()) {
    return Numbers(data, n, seed, Arg(argc, argv, "--out"),
                   std::stoull(Arg(argc, argv, "--count", "0")),
                   std::stod(Arg(argc, argv, "--unknown", "0.1")));
  }
  if (cmd == "load" && !data.empty()) return Load(data);
  std::cerr << "usage: reputation_tool seed --data DIR --numbers N [--seed S]\n"
               "       reputation_tool numbers --numbers N [--seed S] --out FILE [--count K] "
               "[--unknown F] [--data DIR]\n"
               "       reputation_tool load --data DIR\n";
  return 2;
}
