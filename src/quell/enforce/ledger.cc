#include "quell/enforce/ledger.h"

#include <fcntl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "quell/core/ids.h"
#include "quell/enforce/internal/ledger_file.h"
#include "quell/enforce/internal/ledger_format.h"

namespace quell::enforce {

namespace {

using nlohmann::json;
constexpr std::string_view kKeyFileHeader = "quell-ledger-key v1\n";

std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

int64_t NowMs(Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.Now().time_since_epoch())
      .count();
}

Status WriteAll(int fd, std::string_view bytes, uint64_t offset) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n =
        ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Internal(Errno("writing the ledger"));
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Internal(Errno("opening " + dir));
  int r = ::fsync(fd);
  ::close(fd);
  return r == 0 ? Status::Ok() : Internal(Errno("syncing " + dir));
}

// The first 16 bytes of a signature identify an entry for replay detection.
using SigId = std::array<uint8_t, 16>;
SigId IdOf(const Signature& s) {
  SigId id;
  std::memcpy(id.data(), s.data(), id.size());
  return id;
}

}  // namespace

// --- SigningKey files ---

Result<SigningKey> SigningKey::Load(const std::string& path) {
  QUELL_ASSIGN_OR_RETURN(std::string text, internal::ReadSmallFile(path));
  if (!text.starts_with(kKeyFileHeader))
    return InvalidArgument(path + " is not a Quell ledger key file");
  std::string_view rest = std::string_view(text).substr(kKeyFileHeader.size());
  std::size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) return InvalidArgument(path + ": key id line missing");
  std::string key_id(rest.substr(0, nl));
  std::string_view seed_b64 = rest.substr(nl + 1);
  while (!seed_b64.empty() && (seed_b64.back() == '\n' || seed_b64.back() == '\r'))
    seed_b64.remove_suffix(1);
  unsigned char seed[32];
  std::size_t len = 0;
  if (sodium_base642bin(seed, sizeof seed, seed_b64.data(), seed_b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != sizeof seed)
    return InvalidArgument(path + ": the seed is not 32 bytes of base64url");
  auto key = FromSeed(std::move(key_id), std::string_view(reinterpret_cast<char*>(seed), 32));
  sodium_memzero(seed, sizeof seed);
  return key;
}

Status SigningKey::Save(const std::string& path) const {
  char seed_b64[64];
  // The seed is the first half of libsodium's secret key.
  sodium_bin2base64(seed_b64, sizeof seed_b64, secret_.data(), 32,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string text = std::string(kKeyFileHeader) + key_id_ + "\n" + seed_b64 + "\n";
  Status s = internal::WriteFileAtomic(path, text, 0600);
  sodium_memzero(seed_b64, sizeof seed_b64);
  sodium_memzero(text.data(), text.size());
  return s;
}

Result<SigningKey> SigningKey::LoadOrCreate(const std::string& path, std::string key_id) {
  auto k = Load(path);
  if (k.has_value() || k.status().code() != StatusCode::kNotFound) return k;
  SigningKey fresh = Generate(std::move(key_id));
  QUELL_RETURN_IF_ERROR(fresh.Save(path));
  return fresh;
}

// --- the ledger ---

class Ledger::Impl {
 public:
  Impl(Options o, Clock& c) : options(std::move(o)), clock(c) {}
  ~Impl() {
    if (fd >= 0) ::close(fd);
  }

  Status Open() {
    std::error_code ec;
    std::filesystem::create_directories(options.dir, ec);
    if (ec) return Internal("creating " + options.dir + ": " + ec.message());
    path = options.dir + "/ledger.qlg";
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Internal(Errno("opening " + path));
    // One writer per ledger: a server and `quell ledger follow` on the same
    // directory would interleave frames.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
      return FailedPrecondition("the ledger " + path + " is in use by another process");
    QUELL_RETURN_IF_ERROR(Load());
    if (options.replica) {
      if (options.operator_key_pin && ring.operator_key() &&
          *ring.operator_key() != *options.operator_key_pin)
        return FailedPrecondition("this replica's genesis key is not the pinned operator key");
      return Status::Ok();
    }
    QUELL_ASSIGN_OR_RETURN(operator_signing, SigningKey::LoadOrCreate(options.dir + "/operator.key",
                                                                      options.operator_key_id));
    QUELL_RETURN_IF_ERROR(LoadSalt());
    if (next_seq == 1) QUELL_RETURN_IF_ERROR(WriteGenesis());
    auto op = ring.Find(ring.operator_key_id());
    if (!op || op->public_key != operator_signing.public_key())
      return FailedPrecondition(options.dir +
                                "/operator.key is not the key of this ledger's genesis record");
    return Status::Ok();
  }

  Status LoadSalt() {
    std::string salt_path = options.dir + "/number.salt";
    auto s = internal::ReadSmallFile(salt_path);
    if (s.has_value()) {
      if (s->size() != 32) return FailedPrecondition(salt_path + " is not 32 bytes");
      salt = *s;
      return Status::Ok();
    }
    if (s.status().code() != StatusCode::kNotFound) return s.status();
    salt.resize(32);
    RandomBytes(salt.data(), salt.size());
    return internal::WriteFileAtomic(salt_path, salt, 0600);
  }

  // Reads the whole file: framing, chain and key records (signatures were checked
  // when each record was appended; `quell ledger verify` checks them all again).
  Status Load() {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return Internal(Errno("stat " + path));
    if (st.st_size == 0) {
      QUELL_RETURN_IF_ERROR(WriteAll(fd, internal::kFileMagic, 0));
      if (::fdatasync(fd) != 0) return Internal(Errno("syncing " + path));
      QUELL_RETURN_IF_ERROR(SyncDir(options.dir));
      end_offset = tail_offset = internal::kFileMagic.size();
      return Status::Ok();
    }
    std::string bad;
    LedgerRecord rec;
    auto scan = internal::ScanFrames(fd, [&](uint64_t offset, std::string_view body) {
      if (auto why = internal::DecodeBody(body, rec)) {
        bad = "record " + std::to_string(next_seq) + ": " + *why;
        return false;
      }
      if (rec.seq != next_seq || rec.prev != head.hash) {
        bad = "record " + std::to_string(next_seq) + " does not follow record " +
              std::to_string(next_seq - 1);
        return false;
      }
      if (auto why = ring.Apply(rec, /*check_signature=*/false)) {
        bad = "record " + std::to_string(rec.seq) + ": " + *why;
        return false;
      }
      offsets.push_back(offset);
      head = {.seq = rec.seq, .hash = rec.hash};
      ++next_seq;
      return true;
    });
    if (!scan.has_value()) return scan.status();
    if (!bad.empty())
      return FailedPrecondition("the ledger " + path + " is damaged at " + bad +
                                "; run `quell ledger verify`");
    if (scan->kind == internal::ScanEnd::kBad)
      return FailedPrecondition("the ledger " + path + " is damaged at record " +
                                std::to_string(next_seq) + ": " + scan->reason +
                                "; run `quell ledger verify`");
    if (scan->kind == internal::ScanEnd::kTorn ||
        static_cast<uint64_t>(st.st_size) != scan->offset) {
      spdlog::warn(
          "ledger: cutting a torn final frame at byte {} ({} bytes; an append that "
          "was never acknowledged)",
          scan->offset, st.st_size - static_cast<off_t>(scan->offset));
      if (::ftruncate(fd, static_cast<off_t>(scan->offset)) != 0 || ::fdatasync(fd) != 0)
        return Internal(Errno("truncating " + path));
    }
    end_offset = tail_offset = scan->offset;
    durable_seq = head.seq;
    durable_head = head;
    return Status::Ok();
  }

  Status WriteGenesis() {
    json p = {{"key_id", operator_signing.key_id()},
              {"organisation", options.operator_organisation},
              {"public_key", EncodeKey(operator_signing.public_key())},
              {"created_ms", NowMs(clock)}};
    LedgerEntry e = operator_signing.Sign("genesis", p.dump(), NowMs(clock));
    std::unique_lock lock(mu);
    if (auto why = Chain(e)) return Internal("genesis: " + *why);
    return Flush(lock, next_seq - 1);
  }

  // Under mu: appends `e` to the chain in memory and to the pending buffer.
  // Returns why it cannot, or nullopt.
  std::optional<std::string> Chain(const LedgerEntry& e) {
    if (!failed.ok()) return failed.message();
    LedgerRecord rec;
    rec.seq = next_seq;
    rec.appended_ms = NowMs(clock);
    rec.prev = head.hash;
    rec.entry = e;
    rec.body = internal::EncodeBody(rec.seq, rec.appended_ms, rec.prev, e);
    rec.hash = internal::HashBody(rec.body);
    if (auto why = ring.Apply(rec, /*check_signature=*/false)) return why;
    offsets.push_back(tail_offset);
    pending += internal::Frame(rec.body);
    tail_offset += internal::kFrameHeader + rec.body.size();
    head = {.seq = rec.seq, .hash = rec.hash};
    ++next_seq;
    return std::nullopt;
  }

  // Under mu (released while writing): makes everything up to `seq` durable.
  // One caller writes and syncs the whole pending buffer while the others wait:
  // concurrent appends share one fdatasync.
  Status Flush(std::unique_lock<std::mutex>& lock, uint64_t seq) {
    while (durable_seq < seq) {
      if (!failed.ok()) return failed;
      if (flushing) {
        cv.wait(lock);
        continue;
      }
      flushing = true;
      std::string bytes = std::move(pending);
      pending.clear();
      uint64_t offset = tail_offset - bytes.size();  // pending always ends the file
      uint64_t upto = next_seq - 1;
      LedgerHead upto_head = head;
      lock.unlock();
      Status s = WriteAll(fd, bytes, offset);
      if (s.ok() && ::fdatasync(fd) != 0) s = Internal(Errno("syncing the ledger"));
      lock.lock();
      flushing = false;
      ++syncs;
      if (s.ok()) {
        end_offset = offset + bytes.size();
        durable_seq = upto;
        durable_head = upto_head;
      } else {
        failed = Internal("the ledger could not be written (" + s.message() +
                          "); appends are refused until restart");
        spdlog::error("ledger: {}", failed.message());
      }
      cv.notify_all();
    }
    return Status::Ok();
  }

  Result<LedgerRecord> Append(const LedgerEntry& e, std::optional<std::string_view> org, bool own) {
    auto reject = [&](Status s) -> Result<LedgerRecord> {
      rejected.fetch_add(1, std::memory_order_relaxed);
      return s;
    };
    if (options.replica)
      return reject(FailedPrecondition("this ledger is a replica: append to the primary"));
    if (Status s = CheckEntry(e); !s.ok()) return reject(s);
    if (e.kind == "genesis") return reject(InvalidArgument("a ledger has one genesis record"));
    int64_t now = NowMs(clock);
    int64_t skew = options.max_clock_skew.count();
    if (!own && (e.signed_ms < now - skew || e.signed_ms > now + skew))
      return reject(InvalidArgument("signed_ms is more than " + std::to_string(skew / 1000) +
                                    " s from the ledger's clock: sign it again"));
    PublicKey key;
    {
      std::lock_guard lock(mu);
      const LedgerKey* k = ring.Usable(e.key_id);
      if (!k) return reject(PermissionDenied("key \"" + e.key_id + "\" is unknown or revoked"));
      if (org && k->organisation != *org)
        return reject(PermissionDenied("key \"" + e.key_id + "\" belongs to another organisation"));
      if (e.kind == "key" && e.key_id != ring.operator_key_id())
        return reject(PermissionDenied("only the operator adds and revokes keys"));
      key = k->public_key;
    }
    // The expensive check outside the lock: appends verify in parallel.
    if (!own && !VerifySignature(e, key))
      return reject(
          InvalidArgument("the signature does not verify under key \"" + e.key_id + "\""));
    std::unique_lock lock(mu);
    SigId id = IdOf(e.signature);
    ExpireRecent(now);
    if (recent_set.count(id)) return reject(AlreadyExists("this entry is already in the ledger"));
    {
      // Revoked meanwhile?
      const LedgerKey* k = ring.Usable(e.key_id);
      if (!k || k->public_key != key)
        return reject(PermissionDenied("key \"" + e.key_id + "\" is unknown or revoked"));
    }
    if (auto why = Chain(e)) return reject(InvalidArgument(*why));
    uint64_t seq = next_seq - 1;
    recent_set.insert(id);
    recent.push_back({now, id});
    appends.fetch_add(1, std::memory_order_relaxed);
    QUELL_RETURN_IF_ERROR(Flush(lock, seq));
    lock.unlock();
    return Get(seq);
  }

  Status AppendReplicated(std::string_view frame) {
    if (!options.replica) return FailedPrecondition("not a replica");
    std::size_t pos = 0;
    std::string_view body;
    std::string reason;
    std::unique_lock lock(mu);
    uint64_t expect = next_seq;
    auto bad = [&](std::string why) {
      rejected.fetch_add(1, std::memory_order_relaxed);
      return InvalidArgument("record " + std::to_string(expect) + ": " + why);
    };
    internal::FrameResult fr = internal::NextFrame(frame, pos, body, reason);
    if (fr == internal::FrameResult::kBad) return bad(reason);
    if (fr != internal::FrameResult::kOk || pos != frame.size()) return bad("not one whole frame");
    LedgerRecord rec;
    if (auto why = internal::DecodeBody(body, rec)) return bad(*why);
    if (rec.seq != expect) return bad("the primary sent record " + std::to_string(rec.seq));
    if (rec.prev != head.hash)
      return bad("does not chain to record " + std::to_string(expect - 1) +
                 " as this replica holds it: the primary's history differs");
    if (expect == 1 && options.operator_key_pin) {
      std::string r;
      auto k = internal::ParseKeyPayload(rec.entry.payload, r);
      if (!k || !k->public_key || *k->public_key != *options.operator_key_pin)
        return bad("the genesis key is not the pinned operator key");
    }
    internal::KeyRing next = ring;
    if (auto why = next.Apply(rec, /*check_signature=*/true)) return bad(*why);
    ring = std::move(next);
    offsets.push_back(tail_offset);
    pending += frame;
    tail_offset += frame.size();
    head = {.seq = rec.seq, .hash = rec.hash};
    ++next_seq;
    appends.fetch_add(1, std::memory_order_relaxed);
    return Flush(lock, rec.seq);
  }

  void ExpireRecent(int64_t now) {
    int64_t keep_from = now - 2 * options.max_clock_skew.count();
    while (!recent.empty() && recent.front().first < keep_from) {
      recent_set.erase(recent.front().second);
      recent.pop_front();
    }
  }

  Result<LedgerRecord> Get(uint64_t seq) const {
    uint64_t offset, end;
    {
      std::lock_guard lock(mu);
      if (seq == 0 || seq > durable_seq) return NotFound("no record " + std::to_string(seq));
      offset = offsets[seq - 1];
      end = seq < offsets.size() ? offsets[seq] : end_offset;
    }
    return ReadRecord(seq, offset, end);
  }

  Result<LedgerRecord> ReadRecord(uint64_t seq, uint64_t offset, uint64_t end) const {
    std::string frame(end - offset, '\0');
    std::size_t done = 0;
    while (done < frame.size()) {
      ssize_t n =
          ::pread(fd, frame.data() + done, frame.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Internal(Errno("reading record " + std::to_string(seq)));
      done += static_cast<std::size_t>(n);
    }
    // Served as it is on disk, damage included: a reader (a replica) checks the
    // frame itself, so a byte changed on the primary's disk is seen downstream.
    LedgerRecord rec;
    if (frame.size() < internal::kFrameHeader)
      return FailedPrecondition("record " + std::to_string(seq) + " is damaged on disk");
    std::string_view body = std::string_view(frame).substr(internal::kFrameHeader);
    if (internal::DecodeBody(body, rec)) {
      rec = LedgerRecord{};
      rec.seq = seq;
      rec.hash = internal::HashBody(body);
    }
    rec.body = std::string(body);
    rec.frame = std::move(frame);
    return rec;
  }

  Options options;
  Clock& clock;
  SigningKey operator_signing = SigningKey::Generate("operator/1");
  std::string salt;
  std::string path;
  int fd = -1;

  mutable std::mutex mu;
  std::condition_variable cv;
  internal::KeyRing ring;
  LedgerHead head;
  uint64_t next_seq = 1;
  uint64_t durable_seq = 0;
  LedgerHead durable_head;        // what readers see
  std::vector<uint64_t> offsets;  // file offset of each record's frame
  uint64_t end_offset = 0;        // end of the durable frames
  uint64_t tail_offset = 0;       // end of all chained frames (durable, in flight, pending)
  std::string pending;            // frames chained but not yet written
  bool flushing = false;
  Status failed;
  std::set<SigId> recent_set;                    // entries appended lately (replays)
  std::deque<std::pair<int64_t, SigId>> recent;  // ... in append order, to expire
  std::atomic<uint64_t> appends{0}, rejected{0};
  uint64_t syncs = 0;
};

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::~Ledger() = default;

Result<std::unique_ptr<Ledger>> Ledger::Open(Options options, Clock& clock) {
  auto impl = std::make_unique<Impl>(std::move(options), clock);
  QUELL_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

Result<LedgerRecord> Ledger::Append(const LedgerEntry& entry, std::optional<std::string_view> org) {
  return impl_->Append(entry, org, /*own=*/false);
}

Result<uint64_t> Ledger::AppendOwn(std::string_view kind, std::string payload) {
  LedgerEntry e =
      impl_->operator_signing.Sign(std::string(kind), std::move(payload), NowMs(impl_->clock));
  QUELL_ASSIGN_OR_RETURN(LedgerRecord rec, impl_->Append(e, std::nullopt, /*own=*/true));
  return rec.seq;
}

std::string Ledger::HashNumber(std::string_view e164) const {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(impl_->salt.data()),
                              impl_->salt.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(e164.data()),
                                e164.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(mac), 16));
}

Result<LedgerRecord> Ledger::AddKey(std::string_view key_id, std::string_view organisation,
                                    const PublicKey& key) {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->ring.Find(key_id))
      return AlreadyExists("key \"" + std::string(key_id) + "\" is already in the ledger");
  }
  json p = {{"key_id", key_id}, {"organisation", organisation}, {"public_key", EncodeKey(key)}};
  LedgerEntry e = impl_->operator_signing.Sign("key", p.dump(), NowMs(impl_->clock));
  return impl_->Append(e, std::nullopt, /*own=*/true);
}

Result<LedgerRecord> Ledger::RevokeKey(std::string_view key_id, std::string_view reason) {
  {
    std::lock_guard lock(impl_->mu);
    const LedgerKey* k = impl_->ring.Find(key_id);
    if (!k) return NotFound("no key \"" + std::string(key_id) + "\"");
    if (k->key_id == impl_->ring.operator_key_id())
      return FailedPrecondition("the operator key cannot be revoked");
    if (k->revoked_seq) return FailedPrecondition("key \"" + std::string(key_id) + "\" is revoked");
  }
  json p = {{"key_id", key_id}, {"revoke", true}, {"reason", reason}};
  LedgerEntry e = impl_->operator_signing.Sign("key", p.dump(), NowMs(impl_->clock));
  return impl_->Append(e, std::nullopt, /*own=*/true);
}

std::vector<LedgerKey> Ledger::Keys() const {
  std::lock_guard lock(impl_->mu);
  return impl_->ring.keys();
}

PublicKey Ledger::operator_key() const {
  std::lock_guard lock(impl_->mu);
  return impl_->ring.operator_key().value_or(PublicKey{});
}

bool Ledger::replica() const { return impl_->options.replica; }

Status Ledger::AppendReplicated(std::string_view frame) { return impl_->AppendReplicated(frame); }

LedgerHead Ledger::head() const {
  std::lock_guard lock(impl_->mu);
  return impl_->durable_head;
}

Result<std::vector<LedgerRecord>> Ledger::Read(uint64_t after, int limit) const {
  if (limit < 1 || limit > 10000) return InvalidArgument("limit must be 1..10000");
  std::vector<LedgerRecord> out;
  for (uint64_t seq = after + 1; out.size() < static_cast<std::size_t>(limit); ++seq) {
    auto rec = impl_->Get(seq);
    if (!rec.has_value()) {
      if (rec.status().code() == StatusCode::kNotFound) break;
      return rec.status();
    }
    out.push_back(std::move(*rec));
  }
  return out;
}

Result<LedgerRecord> Ledger::Get(uint64_t seq) const { return impl_->Get(seq); }

Ledger::Stats Ledger::stats() const {
  std::lock_guard lock(impl_->mu);
  return {.records = impl_->durable_seq,
          .bytes = impl_->end_offset,
          .appends = impl_->appends.load(),
          .rejected = impl_->rejected.load(),
          .syncs = impl_->syncs};
}

}  // namespace quell::enforce
