#include "quell/shaken/internal/der.h"

namespace quell::shaken::internal {

namespace {

// Four length bytes allow 4 GiB, far beyond any certificate; more is refused
// rather than risk overflow.
constexpr std::size_t kMaxLengthBytes = 4;

Status At(std::size_t offset, std::string message) {
  return InvalidArgument("DER byte " + std::to_string(offset) + ": " + std::move(message));
}

}  // namespace

std::string TagName(uint8_t tag) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "0x";
  out.push_back(kHex[tag >> 4]);
  out.push_back(kHex[tag & 0x0F]);
  return out;
}

Result<DerElement> DerReader::Next() {
  const std::size_t start = pos_;
  const std::size_t left = input_.size() - pos_;
  if (left < 2) {
    return At(base_ + start, left == 0 ? "expected an element, found the end of the input"
                                       : "truncated element header");
  }
  const auto tag = static_cast<uint8_t>(input_[pos_]);
  if ((tag & 0x1F) == 0x1F) return At(base_ + start, "high tag numbers are not supported");
  const auto first = static_cast<uint8_t>(input_[pos_ + 1]);
  std::size_t header = 2;
  uint64_t length = first;
  if (first == 0x80) return At(base_ + start, "indefinite length (BER) is not DER");
  if (first > 0x80) {
    const std::size_t n = first & 0x7F;
    if (n > kMaxLengthBytes) {
      return At(base_ + start, "length field of " + std::to_string(n) + " bytes is too long");
    }
    if (left - 2 < n) return At(base_ + start, "truncated length field");
    length = 0;
    for (std::size_t i = 0; i < n; ++i) {
      length = (length << 8) | static_cast<uint8_t>(input_[pos_ + 2 + i]);
    }
    if (static_cast<uint8_t>(input_[pos_ + 2]) == 0 || length < 0x80) {
      return At(base_ + start, "length not in its shortest form (not DER)");
    }
    header += n;
  }
  if (length > left - header) {
    return At(base_ + start, "length " + std::to_string(length) + " runs past the end (" +
                                 std::to_string(left - header) + " bytes left)");
  }
  DerElement e;
  e.tag = tag;
  e.offset = base_ + start;
  e.content_offset = base_ + start + header;
  e.content = input_.substr(start + header, static_cast<std::size_t>(length));
  pos_ = start + header + static_cast<std::size_t>(length);
  return e;
}

Result<DerElement> DerReader::Expect(uint8_t tag, std::string_view what) {
  const std::size_t at = offset();
  QUELL_ASSIGN_OR_RETURN(DerElement e, Next());
  if (e.tag != tag) {
    return At(at, "expected " + std::string(what) + " (tag " + TagName(tag) + "), found tag " +
                      TagName(e.tag));
  }
  return e;
}

Result<uint64_t> DecodeDerUnsigned(const DerElement& e) {
  const std::string_view c = e.content;
  if (c.empty()) return At(e.offset, "empty INTEGER");
  const auto b0 = static_cast<uint8_t>(c[0]);
  if (c.size() > 1) {
    const auto b1 = static_cast<uint8_t>(c[1]);
    if ((b0 == 0x00 && (b1 & 0x80) == 0) || (b0 == 0xFF && (b1 & 0x80) != 0)) {
      return At(e.offset, "INTEGER not in its shortest form (not DER)");
    }
  }
  if ((b0 & 0x80) != 0) return At(e.offset, "negative INTEGER");
  const std::size_t skip = b0 == 0x00 ? 1 : 0;
  if (c.size() - skip > 8) return At(e.offset, "INTEGER larger than 64 bits");
  uint64_t v = 0;
  for (std::size_t i = skip; i < c.size(); ++i) v = (v << 8) | static_cast<uint8_t>(c[i]);
  return v;
}

void AppendDer(std::string& out, uint8_t tag, std::string_view content) {
  out.push_back(static_cast<char>(tag));
  const std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<char>(n));
  } else {
    std::string len;
    for (std::size_t v = n; v != 0; v >>= 8) len.insert(len.begin(), static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>(0x80 | len.size()));
    out += len;
  }
  out.append(content);
}

std::string DerUnsignedContent(uint64_t value) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>(value & 0xFF));
    value >>= 8;
  } while (value != 0);
  if ((static_cast<uint8_t>(out[0]) & 0x80) != 0) out.insert(out.begin(), '\0');
  return out;
}

}  // namespace quell::shaken::internal
