// The ledger's bytes (enforce/internal/ledger_format.h) on arbitrary input, read
// the way a replica reads a frame from a primary and the way Open reads a file:
// frames, record bodies, key records and the entry checks. Never crash; whatever
// decodes encodes back to the very same body (the encoding is canonical) and its
// hash is the body's; the key rules never accept a record out of place. The seeds
// (fuzz/corpus/ledger) are whole ledger files written by the ledger itself.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "quell/enforce/internal/ledger_format.h"
#include "quell/enforce/ledger.h"

using namespace quell::enforce;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // As a file: the magic, then frames until the end or a bad one.
  std::size_t pos = 0;
  if (in.starts_with(internal::kFileMagic)) pos = internal::kFileMagic.size();
  internal::KeyRing ring;
  Hash prev{};
  uint64_t next = 1;
  for (int i = 0; i < 1000; ++i) {
    std::string_view body;
    std::string reason;
    std::size_t before = pos;
    internal::FrameResult r = internal::NextFrame(in, pos, body, reason);
    if (r != internal::FrameResult::kOk) {
      if (r == internal::FrameResult::kBad && reason.empty()) std::abort();
      if (pos != before) std::abort();  // a failed read does not advance
      break;
    }
    if (internal::Frame(body) != in.substr(before, pos - before)) std::abort();
    LedgerRecord rec;
    if (auto why = internal::DecodeBody(body, rec)) {
      if (why->empty()) std::abort();
      continue;
    }
    // Canonical: the fields encode back to the same bytes.
    if (internal::EncodeBody(rec.seq, rec.appended_ms, rec.prev, rec.entry) != body) std::abort();
    if (rec.hash != internal::HashBody(body)) std::abort();
    (void)CheckEntry(rec.entry);
    if (rec.seq != next || rec.prev != prev) continue;
    std::size_t keys_before = ring.keys().size();
    PublicKey signer{};
    auto bad = ring.Apply(rec, /*check_signature=*/true, &signer);
    if (!bad) {
      // Accepted: it is the genesis at 1, or signed by a key already known.
      if (rec.seq == 1 && rec.entry.kind != "genesis") std::abort();
      if (!VerifySignature(rec.entry, signer)) std::abort();
      prev = rec.hash;
      ++next;
    } else if (ring.keys().size() != keys_before) {
      std::abort();  // a rejected record changes no key
    }
  }
  return 0;
}
