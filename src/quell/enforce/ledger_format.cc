#include "quell/enforce/internal/ledger_format.h"

#include <openssl/sha.h>
#include <sodium.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "quell/core/ids.h"

namespace quell::enforce {
namespace {

using nlohmann::json;

void PutU16(std::string& out, uint16_t v) {
  char b[2] = {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
  out.append(b, 2);
}
void PutU32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(b, 4);
}
void PutU64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(b, 8);
}
uint64_t GetLe(const char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// A bounds-checked reader over a body.
struct Reader {
  std::string_view data;
  std::size_t pos = 0;
  bool ok = true;
  uint64_t Int(int n) {
    if (!ok || data.size() - pos < static_cast<std::size_t>(n)) {
      ok = false;
      return 0;
    }
    uint64_t v = GetLe(data.data() + pos, n);
    pos += n;
    return v;
  }
  std::string_view Bytes(std::size_t n) {
    if (!ok || data.size() - pos < n) {
      ok = false;
      return {};
    }
    std::string_view v = data.substr(pos, n);
    pos += n;
    return v;
  }
};

bool ValidKeyId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '/' || c == '-';
  });
}

// A safety net, not the guarantee: strings written the way phone numbers are
// (E.164 with '+', a Chinese mobile number, a national number with trunk 0).
bool LooksLikePhoneNumber(std::string_view s) {
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c == ' ' || c == '-' || c == '(' || c == ')') {
      continue;
    } else {
      return false;
    }
  }
  if (plus) return digits.size() >= 7 && digits.size() <= 15;
  if (digits.size() == 11 && digits[0] == '1') return true;                         // mobile
  if (digits.size() >= 10 && digits.size() <= 12 && digits[0] == '0') return true;  // 0 + area
  return false;
}

bool NumberishKey(std::string_view key) {
  std::string k(key);
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  for (std::string_view w : {"number", "caller", "callee", "phone", "msisdn", "tel"})
    if (k.find(w) != std::string::npos && k.find("hash") == std::string::npos) return true;
  return false;
}

std::optional<std::string> FindPhoneNumber(const json& j, std::string_view key, int depth) {
  if (depth > 16) return "payload nested too deeply";
  if (j.is_string()) {
    if (LooksLikePhoneNumber(j.get_ref<const std::string&>()))
      return "\"" + std::string(key) +
             "\" holds a phone number: personal numbers enter the ledger only as salted "
             "hashes (number_hash)";
  } else if (j.is_number_integer() || j.is_number_unsigned()) {
    // A count ("numbers": 5) is fine; seven digits or more under such a key is not.
    if (NumberishKey(key) &&
        (j.is_number_unsigned() ? j.get<uint64_t>() >= 1000000 : j.get<int64_t>() >= 1000000))
      return "\"" + std::string(key) +
             "\" holds a phone number: personal numbers enter the ledger only as salted "
             "hashes (number_hash)";
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (auto r = FindPhoneNumber(it.value(), it.key(), depth + 1)) return r;
  } else if (j.is_array()) {
    for (const json& e : j)
      if (auto r = FindPhoneNumber(e, key, depth + 1)) return r;
  }
  return std::nullopt;
}

}  // namespace

std::string Hex(const Hash& h) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

std::optional<Hash> ParseHash(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  Hash h{};
  for (std::size_t i = 0; i < 32; ++i) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      char c = hex[2 * i + k];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + d;
    }
    h[i] = static_cast<uint8_t>(v);
  }
  return h;
}

std::string EncodeKey(const PublicKey& k) {
  char out[64];
  sodium_bin2base64(out, sizeof out, k.data(), k.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::optional<PublicKey> ParsePublicKey(std::string_view b64) {
  PublicKey k{};
  std::size_t len = 0;
  if (b64.size() != 43) return std::nullopt;
  if (sodium_base642bin(k.data(), k.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != k.size())
    return std::nullopt;
  return k;
}

std::string EncodeSignature(const Signature& s) {
  char out[96];
  sodium_bin2base64(out, sizeof out, s.data(), s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::optional<Signature> ParseSignature(std::string_view b64) {
  Signature s{};
  std::size_t len = 0;
  if (b64.size() != 86) return std::nullopt;
  if (sodium_base642bin(s.data(), s.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != s.size())
    return std::nullopt;
  return s;
}

bool IsLedgerKind(std::string_view kind) {
  return std::find(std::begin(kLedgerKinds), std::end(kLedgerKinds), kind) !=
         std::end(kLedgerKinds);
}

bool VerifySignature(const LedgerEntry& entry, const PublicKey& key) {
  std::string input =
      internal::SigningInput(entry.kind, entry.key_id, entry.signed_ms, entry.payload);
  return crypto_sign_verify_detached(entry.signature.data(),
                                     reinterpret_cast<const unsigned char*>(input.data()),
                                     input.size(), key.data()) == 0;
}

Status CheckEntry(const LedgerEntry& entry) {
  if (!IsLedgerKind(entry.kind))
    return InvalidArgument("unknown record kind \"" + entry.kind + "\"");
  if (!ValidKeyId(entry.key_id))
    return InvalidArgument("key_id must be 1-64 characters of [A-Za-z0-9._/-]");
  if (entry.payload.size() > internal::kMaxPayload)
    return PayloadTooLarge("payload exceeds 16 KiB");
  json j = json::parse(entry.payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("payload must be a JSON object");
  if (auto r = FindPhoneNumber(j, "payload", 0)) return InvalidArgument(*r);
  return Status::Ok();
}

SigningKey SigningKey::Generate(std::string key_id) {
  unsigned char seed[32];
  RandomBytes(seed, sizeof seed);
  auto k = FromSeed(std::move(key_id),
                    std::string_view(reinterpret_cast<const char*>(seed), sizeof seed));
  sodium_memzero(seed, sizeof seed);
  return std::move(*k);
}

Result<SigningKey> SigningKey::FromSeed(std::string key_id, std::string_view seed32) {
  if (seed32.size() != 32) return InvalidArgument("an Ed25519 seed is 32 bytes");
  if (!ValidKeyId(key_id))
    return InvalidArgument("key id must be 1-64 characters of [A-Za-z0-9._/-]");
  SigningKey k;
  k.key_id_ = std::move(key_id);
  crypto_sign_seed_keypair(k.public_.data(), k.secret_.data(),
                           reinterpret_cast<const unsigned char*>(seed32.data()));
  return k;
}

LedgerEntry SigningKey::Sign(std::string kind, std::string payload, int64_t signed_ms) const {
  LedgerEntry e{.kind = std::move(kind),
                .key_id = key_id_,
                .signed_ms = signed_ms,
                .payload = std::move(payload)};
  std::string input = internal::SigningInput(e.kind, e.key_id, e.signed_ms, e.payload);
  crypto_sign_detached(e.signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       secret_.data());
  return e;
}

namespace internal {

std::string SigningInput(std::string_view kind, std::string_view key_id, int64_t signed_ms,
                         std::string_view payload) {
  std::string out;
  out.reserve(kSigningContext.size() + 16 + kind.size() + key_id.size() + payload.size());
  out.append(kSigningContext);
  PutU16(out, static_cast<uint16_t>(kind.size()));
  out.append(kind);
  PutU16(out, static_cast<uint16_t>(key_id.size()));
  out.append(key_id);
  PutU64(out, static_cast<uint64_t>(signed_ms));
  PutU32(out, static_cast<uint32_t>(payload.size()));
  out.append(payload);
  return out;
}

std::string EncodeBody(uint64_t seq, int64_t appended_ms, const Hash& prev, const LedgerEntry& e) {
  std::string out;
  out.reserve(1 + 8 + 8 + 32 + 4 + e.kind.size() + e.key_id.size() + 8 + 4 + e.payload.size() + 64);
  out.push_back(static_cast<char>(kRecordVersion));
  PutU64(out, seq);
  PutU64(out, static_cast<uint64_t>(appended_ms));
  out.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  PutU16(out, static_cast<uint16_t>(e.kind.size()));
  out.append(e.kind);
  PutU16(out, static_cast<uint16_t>(e.key_id.size()));
  out.append(e.key_id);
  PutU64(out, static_cast<uint64_t>(e.signed_ms));
  PutU32(out, static_cast<uint32_t>(e.payload.size()));
  out.append(e.payload);
  out.append(reinterpret_cast<const char*>(e.signature.data()), e.signature.size());
  return out;
}

std::optional<std::string> DecodeBody(std::string_view body, LedgerRecord& out) {
  if (body.size() > kMaxBody) return "record too large";
  Reader r{body};
  if (r.Int(1) != kRecordVersion) return r.ok ? "unknown record version" : "record truncated";
  out.seq = r.Int(8);
  out.appended_ms = static_cast<int64_t>(r.Int(8));
  std::string_view prev = r.Bytes(32);
  if (r.ok) std::memcpy(out.prev.data(), prev.data(), 32);
  std::size_t n = r.Int(2);
  out.entry.kind = std::string(r.Bytes(n));
  n = r.Int(2);
  out.entry.key_id = std::string(r.Bytes(n));
  out.entry.signed_ms = static_cast<int64_t>(r.Int(8));
  n = r.Int(4);
  if (n > kMaxPayload) return "payload too large";
  out.entry.payload = std::string(r.Bytes(n));
  std::string_view sig = r.Bytes(64);
  if (!r.ok) return "record truncated";
  if (r.pos != body.size()) return "trailing bytes after the signature";
  std::memcpy(out.entry.signature.data(), sig.data(), 64);
  if (out.seq == 0) return "sequence number 0";
  out.hash = HashBody(body);
  return std::nullopt;
}

uint32_t Crc32(std::string_view bytes) {
  return static_cast<uint32_t>(
      crc32_z(0, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

std::string Frame(std::string_view body) {
  std::string out;
  out.reserve(kFrameHeader + body.size());
  PutU32(out, static_cast<uint32_t>(body.size()));
  PutU32(out, Crc32(body));
  out.append(body);
  return out;
}

FrameResult NextFrame(std::string_view data, std::size_t& pos, std::string_view& body,
                      std::string& reason) {
  if (pos == data.size()) return FrameResult::kEnd;
  if (data.size() - pos < kFrameHeader) return FrameResult::kTorn;
  uint64_t len = GetLe(data.data() + pos, 4);
  uint32_t crc = static_cast<uint32_t>(GetLe(data.data() + pos + 4, 4));
  if (len == 0 || len > kMaxBody) {
    reason = "frame length " + std::to_string(len) + " out of bounds";
    return FrameResult::kBad;
  }
  if (data.size() - pos - kFrameHeader < len) return FrameResult::kTorn;
  std::string_view b = data.substr(pos + kFrameHeader, len);
  if (Crc32(b) != crc) {
    reason = "CRC mismatch";
    return FrameResult::kBad;
  }
  body = b;
  pos += kFrameHeader + len;
  return FrameResult::kOk;
}

Hash HashBody(std::string_view body) {
  Hash h;
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), h.data());
  return h;
}

std::optional<KeyPayload> ParseKeyPayload(std::string_view payload, std::string& reason) {
  json j = json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    reason = "key record payload is not a JSON object";
    return std::nullopt;
  }
  KeyPayload k;
  auto id = j.find("key_id");
  if (id == j.end() || !id->is_string() || !ValidKeyId(id->get_ref<const std::string&>())) {
    reason = "key record without a valid key_id";
    return std::nullopt;
  }
  k.key_id = *id;
  if (auto o = j.find("organisation"); o != j.end() && o->is_string()) k.organisation = *o;
  if (auto r = j.find("revoke"); r != j.end() && r->is_boolean()) k.revoke = r->get<bool>();
  if (!k.revoke) {
    auto pk = j.find("public_key");
    if (pk == j.end() || !pk->is_string()) {
      reason = "key record without a public_key";
      return std::nullopt;
    }
    k.public_key = ParsePublicKey(pk->get_ref<const std::string&>());
    if (!k.public_key) {
      reason = "key record's public_key is not 32 bytes of base64url";
      return std::nullopt;
    }
  }
  return k;
}

const LedgerKey* KeyRing::Find(std::string_view key_id) const {
  for (const LedgerKey& k : keys_)
    if (k.key_id == key_id) return &k;
  return nullptr;
}

const LedgerKey* KeyRing::Usable(std::string_view key_id) const {
  const LedgerKey* k = Find(key_id);
  return k && !k->revoked_seq ? k : nullptr;
}

std::optional<PublicKey> KeyRing::operator_key() const {
  if (const LedgerKey* k = Find(operator_key_id_)) return k->public_key;
  return std::nullopt;
}

std::optional<std::string> KeyRing::Apply(const LedgerRecord& rec, bool check_signature,
                                          PublicKey* signer) {
  const LedgerEntry& e = rec.entry;
  if (!IsLedgerKind(e.kind)) return "unknown record kind \"" + e.kind + "\"";
  std::string reason;
  if (rec.seq == 1 || e.kind == "genesis") {
    if (rec.seq != 1) return "a genesis record after record 1";
    if (e.kind != "genesis") return "record 1 is not the genesis record";
    auto k = ParseKeyPayload(e.payload, reason);
    if (!k) return reason;
    if (k->revoke || k->key_id != e.key_id) return "genesis is not signed by the key it names";
    if (check_signature && !VerifySignature(e, *k->public_key)) return "bad signature";
    if (signer) *signer = *k->public_key;
    operator_key_id_ = k->key_id;
    keys_.push_back({.key_id = k->key_id,
                     .organisation = k->organisation,
                     .public_key = *k->public_key,
                     .added_seq = rec.seq});
    return std::nullopt;
  }
  const LedgerKey* key = Find(e.key_id);
  if (!key) return "signed with unknown key \"" + e.key_id + "\"";
  if (key->revoked_seq)
    return "signed with key \"" + e.key_id + "\", revoked at record " +
           std::to_string(*key->revoked_seq);
  if (check_signature && !VerifySignature(e, key->public_key)) return "bad signature";
  if (signer) *signer = key->public_key;
  if (e.kind != "key") return std::nullopt;
  if (e.key_id != operator_key_id_) return "a key record not signed by the operator";
  auto k = ParseKeyPayload(e.payload, reason);
  if (!k) return reason;
  if (k->revoke) {
    auto it = std::find_if(keys_.begin(), keys_.end(),
                           [&](const LedgerKey& x) { return x.key_id == k->key_id; });
    if (it == keys_.end()) return "revokes unknown key \"" + k->key_id + "\"";
    if (k->key_id == operator_key_id_) return "revokes the operator key";
    if (it->revoked_seq) return "revokes key \"" + k->key_id + "\" twice";
    it->revoked_seq = rec.seq;
    return std::nullopt;
  }
  if (Find(k->key_id)) return "adds key \"" + k->key_id + "\" twice";
  keys_.push_back({.key_id = k->key_id,
                   .organisation = k->organisation,
                   .public_key = *k->public_key,
                   .added_seq = rec.seq});
  return std::nullopt;
}

}  // namespace internal
}  // namespace quell::enforce
