#include "quell/registry/internal/index.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace quell::registry::internal {
namespace {

constexpr char kMagic[8] = {'Q', 'D', 'N', 'C', 'S', 'N', 'A', 'P'};
// 2: the protected set in CRoaring's frozen format, read in place (1: portable,
// still read).
constexpr uint32_t kFormatVersion = 2;
constexpr std::size_t kDigestBytes = 32;

void Put(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool Get(std::string_view* in, int bytes, uint64_t* v) {
  if (in->size() < static_cast<std::size_t>(bytes)) return false;
  *v = 0;
  for (int i = 0; i < bytes; ++i)
    *v |= static_cast<uint64_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  in->remove_prefix(static_cast<std::size_t>(bytes));
  return true;
}

std::string Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}

Status ErrnoStatus(const std::string& what, const std::string& path) {
  return Internal(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

void Index::Apply(const Change& change) {
  const uint64_t n = change.number.compact();
  switch (change.kind) {
    case ChangeKind::kRegister:
      // A registration of a number already on the register never reaches the
      // feed (it becomes a kPreferences change), so this starts protection anew.
      protected_now.Remove(n);
      pending[n] = ToUnixMillis(change.effective_at);
      [[fallthrough]];
    case ChangeKind::kPreferences:
      if (change.preferences.IsDefault()) {
        preferences.erase(n);
      } else {
        preferences[n] = change.preferences;
      }
      break;
    case ChangeKind::kRemove:
      protected_now.Remove(n);
      pending.erase(n);
      preferences.erase(n);
      break;
  }
  version = std::max(version, change.version);
}

std::size_t Index::Promote(int64_t now_ms) {
  std::vector<uint64_t> due;
  for (const auto& [number, from] : pending) {
    if (from <= now_ms) due.push_back(number);
  }
  std::sort(due.begin(), due.end());
  protected_now.AddMany(due);
  for (uint64_t n : due) pending.erase(n);
  return due.size();
}

bool Index::IsRegisteredAndProtected(uint64_t number, int64_t at_ms) const {
  if (protected_now.Contains(number)) return true;
  if (pending.empty()) return false;
  auto it = pending.find(number);
  return it != pending.end() && it->second <= at_ms;
}

const RangeEntry* Index::FindRange(uint64_t number) const {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), number,
                             [](uint64_t n, const RangeEntry& r) { return n < r.first; });
  if (it == ranges.begin()) return nullptr;
  --it;
  return number <= it->last ? &*it : nullptr;
}

Status WriteSnapshot(const Index& index, const std::string& path) {
  std::string out(kMagic, sizeof kMagic);
  Put(&out, kFormatVersion, 4);
  Put(&out, static_cast<uint64_t>(index.version), 8);
  // The set is written in place (its bitmaps align to the file's start), its
  // length filled in after.
  const std::size_t length_at = out.size();
  Put(&out, 0, 8);
  index.protected_now.SerializeFrozen(&out);
  std::string length;
  Put(&length, out.size() - length_at - 8, 8);
  out.replace(length_at, 8, length);
  // Hash-map order is arbitrary; sort so that equal indexes give equal files.
  std::vector<std::pair<uint64_t, int64_t>> pending(index.pending.begin(), index.pending.end());
  std::sort(pending.begin(), pending.end());
  Put(&out, pending.size(), 8);
  for (const auto& [n, from] : pending) {
    Put(&out, n, 8);
    Put(&out, static_cast<uint64_t>(from), 8);
  }
  std::vector<std::pair<uint64_t, Preferences>> prefs(index.preferences.begin(),
                                                      index.preferences.end());
  std::sort(prefs.begin(), prefs.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Put(&out, prefs.size(), 8);
  for (const auto& [n, p] : prefs) {
    Put(&out, n, 8);
    Put(&out, p.categories, 2);
    Put(&out, p.allowed_hours, 4);
  }
  out += Sha256(out);

  const std::string partial = path + ".partial";
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return ErrnoStatus("cannot create", partial);
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t w = ::write(fd, out.data() + done, out.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      const Status s = ErrnoStatus("cannot write", partial);
      ::close(fd);
      return s;
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0) {
    const Status s = ErrnoStatus("cannot sync", partial);
    ::close(fd);
    return s;
  }
  ::close(fd);
  if (std::rename(partial.c_str(), path.c_str()) != 0) return ErrnoStatus("cannot rename", partial);
  return Status::Ok();
}

// A read-only memory map of a whole file (no copy of a snapshot that may be
// close to a gigabyte).
class MappedFile {
 public:
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  Status Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return errno == ENOENT ? NotFound("no snapshot at " + path)
                             : ErrnoStatus("cannot open", path);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      const Status s = ErrnoStatus("cannot stat", path);
      ::close(fd);
      return s;
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p == MAP_FAILED) {
        const Status s = ErrnoStatus("cannot map", path);
        ::close(fd);
        return s;
      }
      data_ = p;
    }
    ::close(fd);
    return Status::Ok();
  }
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

Status ReadSnapshot(const std::string& path, Index* index) {
  auto file = std::make_shared<MappedFile>();
  QUELL_RETURN_IF_ERROR(file->Open(path));
  const std::string_view data = file->view();
  auto bad = [&](std::string_view why) {
    return InvalidArgument("snapshot " + path + " is damaged: " + std::string(why));
  };
  if (data.size() < sizeof kMagic + 4 + kDigestBytes ||
      std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) {
    return bad("not a Quell DNC snapshot");
  }
  std::string_view body(data.data(), data.size() - kDigestBytes);
  if (Sha256(body) != data.substr(body.size())) return bad("checksum mismatch");
  body.remove_prefix(sizeof kMagic);
  uint64_t format = 0, version = 0, size = 0, count = 0;
  if (!Get(&body, 4, &format) || (format != 1 && format != kFormatVersion)) {
    return bad("unknown format version");
  }
  if (!Get(&body, 8, &version) || !Get(&body, 8, &size) || body.size() < size) {
    return bad("truncated header");
  }
  Index fresh;
  fresh.version = static_cast<int64_t>(version);
  // Version 2: the set's bitmaps stay in the mapped file, which the set keeps.
  QUELL_RETURN_IF_ERROR(format == 1
                            ? fresh.protected_now.Deserialize(body.substr(0, size))
                            : fresh.protected_now.DeserializeFrozen(body.substr(0, size), file));
  body.remove_prefix(size);
  if (!Get(&body, 8, &count) || body.size() / 16 < count) return bad("truncated pending numbers");
  fresh.pending.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t n = 0, from = 0;
    Get(&body, 8, &n);
    Get(&body, 8, &from);
    fresh.pending[n] = static_cast<int64_t>(from);
  }
  if (!Get(&body, 8, &count) || body.size() / 14 < count) return bad("truncated preferences");
  fresh.preferences.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t n = 0, c = 0, h = 0;
    Get(&body, 8, &n);
    Get(&body, 2, &c);
    Get(&body, 4, &h);
    fresh.preferences[n] = Preferences{static_cast<uint16_t>(c), static_cast<uint32_t>(h)};
  }
  if (!body.empty()) return bad("trailing bytes");
  index->version = fresh.version;
  index->protected_now = std::move(fresh.protected_now);
  index->pending = std::move(fresh.pending);
  index->preferences = std::move(fresh.preferences);
  return Status::Ok();
}

}  // namespace quell::registry::internal
