// A small, strict DER reader and writer for the few ASN.1 structures Quell
// decodes itself (the TNAuthList extension). Strict means DER, not BER: one-byte
// tags only, definite lengths in the shortest form, no trailing bytes where the
// caller says so. Every read is bounds-checked and nothing recurses: callers
// walk nested structures with one DerReader per level. Errors name the byte
// offset from the start of the outermost input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "quell/core/status.h"

namespace quell::shaken::internal {

inline constexpr uint8_t kDerInteger = 0x02;
inline constexpr uint8_t kDerIa5String = 0x16;
inline constexpr uint8_t kDerSequence = 0x30;
inline constexpr uint8_t kDerConstructed = 0x20;
inline constexpr uint8_t kDerContextSpecific = 0x80;

struct DerElement {
  uint8_t tag = 0;
  std::string_view content;
  std::size_t offset = 0;          // of the tag byte, from the start of the outermost input
  std::size_t content_offset = 0;  // of the first content byte
};

class DerReader {
 public:
  // `base_offset` is where `input` starts in the outermost input (for messages).
  explicit DerReader(std::string_view input, std::size_t base_offset = 0)
      : input_(input), base_(base_offset) {}

  bool done() const { return pos_ == input_.size(); }
  std::size_t offset() const { return base_ + pos_; }

  // The next element. InvalidArgument for a truncated header, a high tag number,
  // an indefinite, over-long, non-minimal or overflowing length.
  Result<DerElement> Next();

  // The next element, which must have tag `tag`; `what` names it in the error.
  Result<DerElement> Expect(uint8_t tag, std::string_view what);

 private:
  std::string_view input_;
  std::size_t base_ = 0;
  std::size_t pos_ = 0;
};

// A reader over the content of `e`, keeping offsets relative to the outermost input.
inline DerReader ReaderFor(const DerElement& e) { return DerReader(e.content, e.content_offset); }

// Content of an INTEGER as an unsigned value: InvalidArgument if it is empty,
// not minimally encoded, negative, or above UINT64_MAX.
Result<uint64_t> DecodeDerUnsigned(const DerElement& e);

// Appends tag, DER length and content to `out`.
void AppendDer(std::string& out, uint8_t tag, std::string_view content);

// The content octets of INTEGER `value` (minimal, two's complement, positive).
std::string DerUnsignedContent(uint64_t value);

// "0x16" for messages.
std::string TagName(uint8_t tag);

}  // namespace quell::shaken::internal
