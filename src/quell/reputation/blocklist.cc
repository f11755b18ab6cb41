#include "quell/reputation/blocklist.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>

#include "quell/reputation/internal/blocklist_codec.h"

namespace quell::reputation {
namespace {

using internal::kBlocklistDeltaLowBits;
using internal::kBlocklistFormat;
using internal::kBlocklistHeaderBytes;
using internal::kBlocklistKeyFileBytes;
using internal::kBlocklistMagic;
using internal::kBlocklistMinEntryBytes;
using internal::kBlocklistNumberLimit;
using internal::kBlocklistSignatureBytes;

constexpr uint64_t kDeltaLowMask = (uint64_t{1} << kBlocklistDeltaLowBits) - 1;
constexpr uint8_t kMaxLabel = 15;
constexpr uint8_t kMaxScore = 100;
constexpr char kKeyMagic[6] = {'Q', 'B', 'L', 'K', 'E', 'Y'};
constexpr uint16_t kKeyFormat = 1;

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string Hex(const uint8_t* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += kDigits[p[i] >> 4];
    s += kDigits[p[i] & 15];
  }
  return s;
}

// ---- Writing ----

void PutFixed(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutVarint(std::string& out, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, static_cast<std::size_t>(n));
}

Status CheckNumber(std::string_view what, std::size_t i, uint64_t number, uint64_t previous) {
  if (number == 0 || number >= kBlocklistNumberLimit) {
    return InvalidArgument(std::string(what) + " " + std::to_string(i) + ": number " +
                           std::to_string(number) +
                           " is not a compact E.164 number (1..15 digits)");
  }
  if (i > 0 && number <= previous) {
    return InvalidArgument(std::string(what) + " " + std::to_string(i) + ": number " +
                           std::to_string(number) + " is not greater than the one before it (" +
                           std::to_string(previous) + "); sort by number and remove duplicates");
  }
  return Status::Ok();
}

Status CheckEntries(std::span<const BlocklistEntry> entries) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const BlocklistEntry& e = entries[i];
    QUELL_RETURN_IF_ERROR(CheckNumber("entry", i, e.number, i > 0 ? entries[i - 1].number : 0));
    if (e.label > kMaxLabel || e.score > kMaxScore) {
      return InvalidArgument("entry " + std::to_string(i) + " (" + std::to_string(e.number) +
                             "): label " + std::to_string(e.label) + " / score " +
                             std::to_string(e.score) + " out of range (label 0..15, score 0..100)");
    }
  }
  return Status::Ok();
}

Status CheckRemoved(std::span<const uint64_t> removed) {
  for (std::size_t i = 0; i < removed.size(); ++i) {
    QUELL_RETURN_IF_ERROR(CheckNumber("removed", i, removed[i], i > 0 ? removed[i - 1] : 0));
  }
  return Status::Ok();
}

// The first number both in `entries` and in `removed`, or 0.
uint64_t FirstCommonNumber(std::span<const BlocklistEntry> entries,
                           std::span<const uint64_t> removed) {
  std::size_t i = 0, j = 0;
  while (i < entries.size() && j < removed.size()) {
    if (entries[i].number < removed[j]) {
      ++i;
    } else if (removed[j] < entries[i].number) {
      ++j;
    } else {
      return removed[j];
    }
  }
  return 0;
}

Result<std::string> Encode(const BlocklistHeader& header, std::span<const BlocklistEntry> entries,
                           std::span<const uint64_t> removed, const BlocklistKey& key) {
  QUELL_RETURN_IF_ERROR(CheckEntries(entries));
  QUELL_RETURN_IF_ERROR(CheckRemoved(removed));
  if (const uint64_t n = FirstCommonNumber(entries, removed); n != 0) {
    return InvalidArgument("number " + std::to_string(n) + " is both changed and removed");
  }
  constexpr uint64_t kMaxCount = std::numeric_limits<uint32_t>::max();
  if (entries.size() > kMaxCount || removed.size() > kMaxCount) {
    return InvalidArgument("a blocklist file holds at most 2^32-1 entries and removals");
  }
  std::string out;
  // Typical sizes (docs/formats/blocklist.md): under 4 bytes an entry, 3 a removal.
  out.reserve(kBlocklistHeaderBytes + 4 * entries.size() + 3 * removed.size() +
              kBlocklistSignatureBytes);
  out.append(kBlocklistMagic, sizeof kBlocklistMagic);
  PutFixed(out, kBlocklistFormat, 2);
  out.append(reinterpret_cast<const char*>(key.public_key().data()), 8);
  PutFixed(out, header.version, 8);
  PutFixed(out, header.base_version, 8);
  PutFixed(out, static_cast<uint64_t>(header.built_at_s), 8);
  PutFixed(out, entries.size(), 4);
  PutFixed(out, removed.size(), 4);
  uint64_t previous = 0;
  for (const BlocklistEntry& e : entries) {
    const uint64_t delta = e.number - previous;
    previous = e.number;
    PutFixed(out, e.score | e.label << 7 | (delta & kDeltaLowMask) << 11, 2);
    PutVarint(out, delta >> kBlocklistDeltaLowBits);
  }
  previous = 0;
  for (const uint64_t n : removed) {
    PutVarint(out, n - previous);
    previous = n;
  }
  const std::array<uint8_t, 64> signature = key.Sign(out);
  out.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  return out;
}

// ---- Reading ----

// Bounds-checked reads from the signed part of a file; on failure, error()
// says what, at which offset.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }
  const std::string& error() const { return error_; }

  bool Fixed(int bytes, uint64_t& v, std::string_view what) {
    if (remaining() < static_cast<std::size_t>(bytes)) return Fail(what, "is truncated");
    v = 0;
    for (int i = 0; i < bytes; ++i) {
      v |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
    }
    pos_ += static_cast<std::size_t>(bytes);
    return true;
  }

  // LEB128, minimal (no trailing 0x80 0x00 padding), at most 64 bits: every
  // value has exactly one encoding, so every list has exactly one file.
  bool Varint(uint64_t& v, std::string_view what) {
    const std::size_t start = pos_;
    v = 0;
    for (int shift = 0;; shift += 7) {
      if (pos_ == data_.size()) return FailAt(start, what, "is truncated");
      const uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      if (shift == 63 && b > 1) return FailAt(start, what, "overflows 64 bits");
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (b == 0 && shift > 0) return FailAt(start, what, "is not minimally encoded");
        return true;
      }
    }
  }

  bool Fail(std::string_view what, std::string_view why) { return FailAt(pos_, what, why); }
  bool FailAt(std::size_t at, std::string_view what, std::string_view why) {
    error_ = "offset " + std::to_string(at) + ": " + std::string(what) + " " + std::string(why);
    return false;
  }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
  std::string error_;
};

Status Malformed(const std::string& why) { return InvalidArgument("blocklist file: " + why); }

// Reads the next number of a delta-encoded sequence, `delta` = number − previous.
bool NextNumber(Reader& r, uint64_t delta, uint64_t& number, std::size_t at,
                std::string_view what) {
  if (delta == 0) return r.FailAt(at, what, "repeats the number before it (delta 0)");
  if (delta >= kBlocklistNumberLimit - number) {
    return r.FailAt(at, what, "takes the number past 15 digits");
  }
  number += delta;
  return true;
}

Status ParseBody(Reader& r, std::size_t signed_bytes, Blocklist& out) {
  uint64_t v = 0;
  if (!r.Fixed(8, v, "version")) return Malformed(r.error());
  out.header.version = v;
  if (!r.Fixed(8, v, "base_version")) return Malformed(r.error());
  out.header.base_version = v;
  if (!r.Fixed(8, v, "built_at_s")) return Malformed(r.error());
  out.header.built_at_s = static_cast<int64_t>(v);
  if (out.header.version == 0) return Malformed("offset 14: version 0 is not a list version");
  if (out.is_delta() && out.header.version <= out.header.base_version) {
    return Malformed("offset 14: a delta must bring the list forward, but goes from version " +
                     std::to_string(out.header.base_version) + " to " +
                     std::to_string(out.header.version));
  }
  uint64_t entry_count = 0, removed_count = 0;
  if (!r.Fixed(4, entry_count, "entry count") || !r.Fixed(4, removed_count, "removed count")) {
    return Malformed(r.error());
  }
  // Counts are checked against the bytes left before anything is reserved, so
  // a hostile header cannot make the reader allocate more than the file implies.
  const std::size_t body = signed_bytes - r.offset();
  if (entry_count > body / kBlocklistMinEntryBytes ||
      removed_count > body - entry_count * kBlocklistMinEntryBytes) {
    return Malformed("offset 38: " + std::to_string(entry_count) + " entries and " +
                     std::to_string(removed_count) + " removals cannot fit in the " +
                     std::to_string(body) + " bytes that follow");
  }
  if (!out.is_delta() && removed_count != 0) {
    return Malformed("offset 42: a full list (base_version 0) removes nothing, but counts " +
                     std::to_string(removed_count) + " removals");
  }
  out.entries.reserve(entry_count);
  uint64_t number = 0;
  for (uint64_t i = 0; i < entry_count; ++i) {
    BlocklistEntry& e = out.entries.emplace_back();
    const std::size_t at = r.offset();
    uint64_t word = 0, high = 0;
    if (!r.Fixed(2, word, "entry") || !r.Varint(high, "entry delta")) return Malformed(r.error());
    if (high > (kBlocklistNumberLimit >> kBlocklistDeltaLowBits)) {
      return Malformed("offset " + std::to_string(at) + ": entry takes the number past 15 digits");
    }
    const uint64_t delta = high << kBlocklistDeltaLowBits | word >> 11;
    if (!NextNumber(r, delta, number, at, "entry")) return Malformed(r.error());
    e.number = number;
    e.label = static_cast<uint8_t>(word >> 7 & 15);
    e.score = static_cast<uint8_t>(word & 127);
    if (e.score > kMaxScore) {
      return Malformed("offset " + std::to_string(at) + ": entry " + std::to_string(number) +
                       " has score " + std::to_string(e.score) + " (at most 100)");
    }
  }
  out.removed.resize(removed_count);
  number = 0;
  for (uint64_t& n : out.removed) {
    const std::size_t at = r.offset();
    uint64_t delta = 0;
    if (!r.Varint(delta, "removed number") || !NextNumber(r, delta, number, at, "removed number")) {
      return Malformed(r.error());
    }
    n = number;
  }
  if (r.offset() != signed_bytes) {
    return Malformed("offset " + std::to_string(r.offset()) + ": " +
                     std::to_string(signed_bytes - r.offset()) +
                     " bytes follow the last removal before the signature");
  }
  if (const uint64_t n = FirstCommonNumber(out.entries, out.removed); n != 0) {
    return Malformed("number " + std::to_string(n) + " is both changed and removed");
  }
  return Status::Ok();
}

// Decode and DecodeUnverified: `public_key` null skips the key id and signature.
Result<Blocklist> Parse(std::string_view file, const std::array<uint8_t, 32>* public_key) {
  constexpr std::size_t kMinBytes = kBlocklistHeaderBytes + kBlocklistSignatureBytes;
  if (file.size() < kMinBytes) {
    return Malformed("the file is " + std::to_string(file.size()) +
                     " bytes; the smallest blocklist file is " + std::to_string(kMinBytes));
  }
  if (std::memcmp(file.data(), kBlocklistMagic, sizeof kBlocklistMagic) != 0) {
    return Malformed("offset 0: not a blocklist file (the magic is not \"QBLK\")");
  }
  const std::size_t signed_bytes = file.size() - kBlocklistSignatureBytes;
  Reader r(file.substr(0, signed_bytes));
  uint64_t v = 0;
  (void)r.Fixed(4, v, "magic");
  (void)r.Fixed(2, v, "format");
  if (v != kBlocklistFormat) {
    return Malformed("offset 4: format version " + std::to_string(v) +
                     " is not supported (this reader knows version 1)");
  }
  Blocklist out;
  std::memcpy(out.key_id.data(), file.data() + r.offset(), out.key_id.size());
  (void)r.Fixed(8, v, "key id");
  if (public_key != nullptr) {
    if (!std::equal(out.key_id.begin(), out.key_id.end(), public_key->begin())) {
      return Unauthenticated("blocklist file: signed by key id " + Hex(out.key_id.data(), 8) +
                             ", not by the pinned key (id " + Hex(public_key->data(), 8) + ")");
    }
    if (!SodiumReady()) return Internal("libsodium failed to initialise");
    const auto* signed_part = reinterpret_cast<const unsigned char*>(file.data());
    if (crypto_sign_verify_detached(signed_part + signed_bytes, signed_part, signed_bytes,
                                    public_key->data()) != 0) {
      return Unauthenticated(
          "blocklist file: the signature does not verify with the pinned key; the file is "
          "damaged or forged");
    }
  }
  QUELL_RETURN_IF_ERROR(ParseBody(r, signed_bytes, out));
  return out;
}

// ---- The key file ----

Status ErrnoStatus(const std::string& what, const std::string& path) {
  const int e = errno;
  const std::string message = what + " " + path + ": " + std::strerror(e);
  if (e == ENOENT) return NotFound(message);
  if (e == EACCES || e == EPERM) return PermissionDenied(message);
  return Internal(message);
}

std::string OctalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

Status WriteAll(int fd, const uint8_t* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t w = ::write(fd, data + done, size - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Internal(std::string("write: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(w);
  }
  return Status::Ok();
}

// The secret key in the key file at `path`; NotFound when there is none.
Result<std::array<uint8_t, 64>> ReadKeyFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open key file", path);
  // The checks run on the opened file, not on the path, so that they see the
  // bytes that are read.
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const Status s = ErrnoStatus("cannot stat key file", path);
    ::close(fd);
    return s;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument("key file " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return PermissionDenied("key file " + path + " has mode " + OctalMode(st.st_mode) +
                            ": a signing key must be private to its owner (chmod 600 " + path +
                            ")");
  }
  uint8_t buf[kBlocklistKeyFileBytes + 1];
  std::size_t size = 0;
  while (size < sizeof buf) {
    const ssize_t n = ::read(fd, buf + size, sizeof buf - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const Status s = ErrnoStatus("cannot read key file", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  ::close(fd);
  std::array<uint8_t, 64> secret_key{};
  if (size != kBlocklistKeyFileBytes) {
    sodium_memzero(buf, sizeof buf);
    const std::string actual =
        size > kBlocklistKeyFileBytes ? "more than 72" : std::to_string(size);
    return InvalidArgument("key file " + path + " is " + actual +
                           " bytes; a key file is exactly 72 (docs/formats/blocklist.md, \"Key "
                           "file\")");
  }
  if (std::memcmp(buf, kKeyMagic, sizeof kKeyMagic) != 0 || (buf[6] | buf[7] << 8) != kKeyFormat) {
    sodium_memzero(buf, sizeof buf);
    return InvalidArgument("key file " + path +
                           " is not a version 1 blocklist key (it does not start with \"QBLKEY\" "
                           "01 00)");
  }
  std::memcpy(secret_key.data(), buf + 8, secret_key.size());
  sodium_memzero(buf, sizeof buf);
  return secret_key;
}

// Writes a new key at `path` unless a file appeared there meanwhile: to a
// private temporary file, synced, then linked into place.
Status CreateKeyFile(const std::string& path, const std::array<uint8_t, 64>& secret_key) {
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(tmp.data());  // mode 0600
  if (fd < 0) return ErrnoStatus("cannot create a key file beside", path);
  uint8_t buf[kBlocklistKeyFileBytes];
  std::memcpy(buf, kKeyMagic, sizeof kKeyMagic);
  buf[6] = kKeyFormat & 0xff;
  buf[7] = kKeyFormat >> 8;
  std::memcpy(buf + 8, secret_key.data(), secret_key.size());
  Status s = WriteAll(fd, buf, sizeof buf);
  sodium_memzero(buf, sizeof buf);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus("cannot sync", tmp);
  ::close(fd);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s.WithContext("key file " + path);
  }
  // link(), unlike rename(), never replaces a key that another process created
  // since this one looked: whoever links first wins and the other loads it.
  // Filesystems without hard links fall back to rename().
  int rc = ::link(tmp.c_str(), path.c_str());
  if (rc != 0 && (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP)) {
    rc = ::rename(tmp.c_str(), path.c_str());
  }
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (rc != 0 && link_errno != EEXIST) {
    errno = link_errno;
    return ErrnoStatus("cannot create key file", path);
  }
  // Make the new name durable; a directory that cannot be synced is no reason
  // to refuse a key that is already in place.
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace

// ---- BlocklistKey ----

BlocklistKey::~BlocklistKey() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

Result<BlocklistKey> BlocklistKey::Generate() {
  if (!SodiumReady()) return Internal("libsodium failed to initialise");
  BlocklistKey key;
  crypto_sign_keypair(key.public_key_.data(), key.secret_key_.data());
  return key;
}

Result<BlocklistKey> BlocklistKey::FromSeed(const std::array<uint8_t, 32>& seed) {
  if (!SodiumReady()) return Internal("libsodium failed to initialise");
  BlocklistKey key;
  crypto_sign_seed_keypair(key.public_key_.data(), key.secret_key_.data(), seed.data());
  return key;
}

Result<BlocklistKey> BlocklistKey::FromSecretKey(const std::array<uint8_t, 64>& secret_key) {
  std::array<uint8_t, 32> seed;
  std::copy_n(secret_key.begin(), 32, seed.begin());
  Result<BlocklistKey> key = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  if (key &&
      !std::equal(key->public_key_.begin(), key->public_key_.end(), secret_key.begin() + 32)) {
    return InvalidArgument("the public half of the key does not match its seed");
  }
  return key;
}

Result<BlocklistKey> BlocklistKey::LoadOrCreate(const std::string& path) {
  Result<std::array<uint8_t, 64>> secret = ReadKeyFile(path);
  if (!secret && secret.status().code() == StatusCode::kNotFound) {
    QUELL_ASSIGN_OR_RETURN(BlocklistKey key, Generate());
    QUELL_RETURN_IF_ERROR(CreateKeyFile(path, key.secret_key_));
    // Read back what is in place: this key, or one another process linked first.
    secret = ReadKeyFile(path);
  }
  if (!secret) return secret.status();
  Result<BlocklistKey> key = FromSecretKey(*secret);
  sodium_memzero(secret->data(), secret->size());
  if (!key) return key.status().WithContext("key file " + path + " is damaged");
  return key;
}

std::string BlocklistKey::public_key_base64() const {
  unsigned char out[45];  // 4 * ceil(32 / 3) + NUL
  const int n = EVP_EncodeBlock(out, public_key_.data(), static_cast<int>(public_key_.size()));
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

std::array<uint8_t, 64> BlocklistKey::Sign(std::string_view message) const {
  std::array<uint8_t, 64> signature{};
  crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const uint8_t*>(message.data()),
                       message.size(), secret_key_.data());
  return signature;
}

// ---- Files ----

Result<std::string> EncodeFull(const BlocklistHeader& header,
                               std::span<const BlocklistEntry> entries, const BlocklistKey& key) {
  if (header.base_version != 0) {
    return InvalidArgument("a full list has base_version 0, not " +
                           std::to_string(header.base_version) + " (use EncodeDelta)");
  }
  if (header.version == 0) return InvalidArgument("a list version starts at 1, not 0");
  return Encode(header, entries, {}, key);
}

Result<std::string> EncodeDelta(const BlocklistHeader& header,
                                std::span<const BlocklistEntry> changed,
                                std::span<const uint64_t> removed, const BlocklistKey& key) {
  if (header.base_version == 0 || header.version <= header.base_version) {
    return InvalidArgument("a delta goes from base_version ≥ 1 to a later version, not from " +
                           std::to_string(header.base_version) + " to " +
                           std::to_string(header.version));
  }
  return Encode(header, changed, removed, key);
}

Result<Blocklist> Decode(std::string_view file, const std::array<uint8_t, 32>& public_key) {
  return Parse(file, &public_key);
}

Result<Blocklist> internal::DecodeUnverified(std::string_view file) { return Parse(file, nullptr); }

// ---- Lists ----

Status ApplyDelta(std::vector<BlocklistEntry>& list, uint64_t list_version,
                  const Blocklist& delta) {
  if (!delta.is_delta()) {
    return InvalidArgument("a full list (version " + std::to_string(delta.header.version) +
                           ") replaces the list; it is not applied as a delta");
  }
  if (delta.header.base_version != list_version) {
    return FailedPrecondition(
        "the delta goes from version " + std::to_string(delta.header.base_version) + " to " +
        std::to_string(delta.header.version) + ", but the list is at " +
        std::to_string(list_version) + "; fetch the delta from that version or the full list");
  }
  const std::vector<BlocklistEntry>& changed = delta.entries;
  const std::vector<uint64_t>& removed = delta.removed;
  auto by_number = [](const BlocklistEntry& a, const BlocklistEntry& b) {
    return a.number >= b.number;
  };
  if (std::adjacent_find(changed.begin(), changed.end(), by_number) != changed.end() ||
      std::adjacent_find(removed.begin(), removed.end(), std::greater_equal<>()) != removed.end()) {
    return InvalidArgument("the delta's numbers are not sorted and unique");
  }
  if (std::adjacent_find(list.begin(), list.end(), by_number) != list.end()) {
    return InvalidArgument("the list is not sorted by number and unique");
  }
  if (const uint64_t n = FirstCommonNumber(changed, removed); n != 0) {
    return InvalidArgument("the delta both changes and removes " + std::to_string(n));
  }
  // Check that the delta applies before touching the list, counting the
  // entries it adds; then apply in place, in two passes that each only move
  // entries one way (a day's delta to a 10-million list copies no list).
  std::size_t added = 0;
  std::size_t c = 0, r = 0;
  for (const BlocklistEntry& e : list) {
    for (; c < changed.size() && changed[c].number < e.number; ++c) ++added;
    if (c < changed.size() && changed[c].number == e.number) ++c;
    if (r < removed.size() && removed[r] < e.number) break;
    if (r < removed.size() && removed[r] == e.number) ++r;
  }
  if (r < removed.size()) {
    return FailedPrecondition("the delta removes " + std::to_string(removed[r]) +
                              ", which the list does not hold; the list has diverged from its "
                              "version: fetch the full list");
  }
  added += changed.size() - c;
  // Forward: drop the removed numbers (the write index trails the read index).
  if (!removed.empty()) {
    std::size_t w = 0;
    r = 0;
    for (const BlocklistEntry& e : list) {
      if (r < removed.size() && removed[r] == e.number) {
        ++r;
      } else {
        list[w++] = e;
      }
    }
    list.resize(w);
  }
  // Backward: merge in the changed entries (the write index leads the read index).
  std::size_t read = list.size();
  std::size_t write = list.size() + added;
  list.resize(write);
  for (c = changed.size(); c > 0;) {
    const BlocklistEntry& change = changed[c - 1];
    if (read > 0 && list[read - 1].number > change.number) {
      list[--write] = list[--read];
    } else {
      if (read > 0 && list[read - 1].number == change.number) --read;
      list[--write] = change;
      --c;
    }
  }
  return Status::Ok();
}

void Diff(std::span<const BlocklistEntry> from, std::span<const BlocklistEntry> to,
          std::vector<BlocklistEntry>& changed, std::vector<uint64_t>& removed) {
  changed.clear();
  removed.clear();
  std::size_t i = 0, j = 0;
  while (i < from.size() && j < to.size()) {
    if (from[i].number < to[j].number) {
      removed.push_back(from[i++].number);
    } else if (to[j].number < from[i].number) {
      changed.push_back(to[j++]);
    } else {
      if (!(from[i] == to[j])) changed.push_back(to[j]);
      ++i;
      ++j;
    }
  }
  for (; i < from.size(); ++i) removed.push_back(from[i].number);
  changed.insert(changed.end(), to.begin() + static_cast<std::ptrdiff_t>(j), to.end());
}

}  // namespace quell::reputation
