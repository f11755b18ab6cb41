// The ledger file's scanner and the whole-file verifier (`quell ledger verify`).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "quell/enforce/internal/ledger_file.h"
#include "quell/enforce/internal/ledger_format.h"
#include "quell/enforce/ledger.h"

namespace quell::enforce {
namespace internal {

namespace {
std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

Result<std::size_t> ReadAt(int fd, char* buf, std::size_t n, uint64_t offset) {
  std::size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, buf + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Internal(Errno("reading the ledger"));
    }
    if (r == 0) break;
    done += static_cast<std::size_t>(r);
  }
  return done;
}
}  // namespace

Result<ScanEnd> ScanFrames(int fd, const std::function<bool(uint64_t, std::string_view)>& on_frame,
                           const std::function<void(uint64_t)>& progress) {
  char magic[8];
  QUELL_ASSIGN_OR_RETURN(std::size_t got, ReadAt(fd, magic, sizeof magic, 0));
  if (got == 0) return ScanEnd{.kind = ScanEnd::kClean, .offset = 0};
  if (got < sizeof magic || std::string_view(magic, sizeof magic) != kFileMagic)
    return FailedPrecondition("not a Quell ledger file (bad magic)");
  constexpr std::size_t kChunk = 4 << 20;
  std::string buf;
  uint64_t file_pos = sizeof magic;  // file offset of buf[0]
  bool eof = false;
  std::size_t pos = 0;
  uint64_t last_progress = 0;
  for (;;) {
    // Keep at least one whole maximal frame in the buffer unless at EOF.
    if (!eof && buf.size() - pos < kMaxBody + kFrameHeader) {
      buf.erase(0, pos);
      file_pos += pos;
      pos = 0;
      std::size_t old = buf.size();
      buf.resize(old + kChunk);
      QUELL_ASSIGN_OR_RETURN(std::size_t n, ReadAt(fd, buf.data() + old, kChunk, file_pos + old));
      buf.resize(old + n);
      if (n < kChunk) eof = true;
    }
    std::string_view body;
    std::string reason;
    std::size_t before = pos;
    FrameResult r = NextFrame(buf, pos, body, reason);
    if (r == FrameResult::kEnd && eof)
      return ScanEnd{.kind = ScanEnd::kClean, .offset = file_pos + pos};
    if (r == FrameResult::kTorn && eof)
      return ScanEnd{.kind = ScanEnd::kTorn, .offset = file_pos + before};
    if (r == FrameResult::kBad)
      return ScanEnd{.kind = ScanEnd::kBad, .offset = file_pos + before, .reason = reason};
    if (r != FrameResult::kOk) continue;  // need more bytes
    if (!on_frame(file_pos + before, body))
      return ScanEnd{.kind = ScanEnd::kClean, .offset = file_pos + pos};
    if (progress && file_pos + pos - last_progress >= (64u << 20)) {
      last_progress = file_pos + pos;
      progress(last_progress);
    }
  }
}

Status WriteFileAtomic(const std::string& path, std::string_view bytes, unsigned mode) {
  std::string tmp = path + ".partial";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Internal(Errno("creating " + tmp));
  bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Internal(Errno("writing " + path));
  }
  return Status::Ok();
}

Result<std::string> ReadSmallFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound(path + " does not exist");
    return Internal(Errno("opening " + path));
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > (1 << 20)) break;
  }
  ::close(fd);
  return out;
}

}  // namespace internal

Result<VerifyReport> VerifyLedgerFile(const std::string& path, const VerifyOptions& options) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound(path + ": " + std::strerror(errno));
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

  VerifyReport report;
  internal::KeyRing ring;
  Hash prev{};
  // Records whose signatures are still to be checked, in batches handed to threads.
  struct Pending {
    uint64_t seq;
    PublicKey key;
    LedgerEntry entry;
  };
  unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                         : std::max(1u, std::thread::hardware_concurrency());
  constexpr std::size_t kBatch = 4096;
  std::vector<Pending> batch;
  uint64_t first_bad_sig = 0;
  std::string stop_reason;
  uint64_t stop_seq = 0;

  // Checks a batch's signatures on `threads` threads; returns the lowest bad seq.
  auto check_batch = [&]() -> uint64_t {
    if (batch.empty()) return 0;
    std::atomic<uint64_t> bad{UINT64_MAX};
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (;;) {
        std::size_t i = next.fetch_add(64);
        if (i >= batch.size()) return;
        std::size_t end = std::min(batch.size(), i + 64);
        for (; i < end; ++i) {
          if (!VerifySignature(batch[i].entry, batch[i].key)) {
            uint64_t s = batch[i].seq, cur = bad.load();
            while (s < cur && !bad.compare_exchange_weak(cur, s)) {
            }
          }
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    batch.clear();
    return bad.load() == UINT64_MAX ? 0 : bad.load();
  };

  uint64_t good = 0;
  LedgerHead head;
  std::vector<std::pair<uint64_t, Hash>> batch_heads;  // head after each batched record
  LedgerHead verified_head;                            // head after the last checked batch
  auto scan = internal::ScanFrames(fd, [&](uint64_t, std::string_view body) {
    LedgerRecord rec;
    if (auto why = internal::DecodeBody(body, rec)) {
      stop_seq = good + 1;
      stop_reason = *why;
      return false;
    }
    if (rec.seq != good + 1) {
      stop_seq = good + 1;
      stop_reason = "sequence number " + std::to_string(rec.seq) + " where " +
                    std::to_string(good + 1) + " was expected";
      return false;
    }
    if (rec.prev != prev) {
      stop_seq = rec.seq;
      stop_reason = "does not chain to record " + std::to_string(rec.seq - 1) +
                    " (its previous-hash differs from that record's hash)";
      return false;
    }
    PublicKey signer{};
    if (auto why = ring.Apply(rec, false, &signer)) {
      stop_seq = rec.seq;
      stop_reason = *why;
      return false;
    }
    if (rec.seq == 1 && options.operator_key && *ring.operator_key() != *options.operator_key) {
      stop_seq = 1;
      stop_reason = "the genesis key is not the pinned operator key";
      return false;
    }
    prev = rec.hash;
    ++good;
    head = {.seq = rec.seq, .hash = rec.hash};
    report.bytes += internal::kFrameHeader + body.size();
    if (options.signatures) {
      batch.push_back({rec.seq, signer, std::move(rec.entry)});
      batch_heads.emplace_back(head.seq, head.hash);
      if (batch.size() >= kBatch) {
        if (uint64_t bad = check_batch()) {
          first_bad_sig = bad;
          return false;
        }
        batch_heads.clear();
        verified_head = head;
      }
    }
    if (options.progress && good % 100000 == 0) options.progress(good, report.bytes);
    return true;
  });
  ::close(fd);
  if (!scan.has_value()) return scan.status();
  if (!first_bad_sig && options.signatures) first_bad_sig = check_batch();

  report.operator_key = ring.operator_key().value_or(PublicKey{});
  if (first_bad_sig && (stop_seq == 0 || first_bad_sig < stop_seq)) {
    stop_seq = first_bad_sig;
    stop_reason = "bad signature";
  }
  // A frame running past the end is an append still being written (or one that
  // never completed, which the server cuts off at start): not damage.
  if (scan->kind == internal::ScanEnd::kTorn) report.torn_tail = true;
  if (stop_seq == 0 && scan->kind == internal::ScanEnd::kBad) {
    stop_seq = good + 1;
    stop_reason = scan->reason + " in the frame at byte " + std::to_string(scan->offset);
  }
  if (stop_seq != 0) {
    report.first_bad = stop_seq;
    report.reason = stop_reason;
    report.records = stop_seq - 1;
    // The head of the good prefix.
    if (report.records < head.seq) {
      auto it = std::find_if(batch_heads.begin(), batch_heads.end(),
                             [&](const auto& p) { return p.first == report.records; });
      head = it != batch_heads.end()               ? LedgerHead{it->first, it->second}
             : verified_head.seq == report.records ? verified_head
                                                   : LedgerHead{};
    }
  } else {
    report.records = good;
    report.ok = true;
  }
  report.head = head;
  if (options.progress) options.progress(report.records, report.bytes);
  return report;
}

}  // namespace quell::enforce
