// A small strict JSON (RFC 8259) reader and a canonical writer for PASSporT objects.
//
// The reader accepts exactly RFC 8259 text with these extra limits, because its input
// is attacker-controlled: nesting depth <= kMaxJsonDepth,
// at most kMaxJsonMembers members per object, strings must be valid
// UTF-8 (escapes included; lone surrogates rejected), duplicate object keys are
// rejected (RFC 7515 §4 lets a JWS parser reject them, and ignoring one copy would
// let two verifiers see different claims). Numbers that are integers within int64
// are kept as integers; any other number is kept as text and typed kNumber.
//
// The writer produces the deterministic form of RFC 8225 §9: members sorted by key
// (byte order of UTF-8, which is code-point order), no white space, arrays in order,
// strings escaped minimally ('"', '\\' and control characters only).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/status.h"

namespace quell::shaken::internal {

inline constexpr int kMaxJsonDepth = 16;
// Members per object; PASSporT objects have a handful, and duplicate detection is
// quadratic.
inline constexpr std::size_t kMaxJsonMembers = 256;

struct JsonValue {
  enum class Type { kNull, kBool, kInt, kNumber, kString, kArray, kObject };

  Type type = Type::kNull;
  bool boolean = false;
  int64_t integer = 0;
  std::string text;               // kString: the value; kNumber: the literal
  std::vector<JsonValue> items;   // kArray elements; kObject member values
  std::vector<std::string> keys;  // kObject member names, parallel to items

  static JsonValue String(std::string s);
  static JsonValue Int(int64_t v);
  static JsonValue Array(std::vector<JsonValue> items);
  static JsonValue Object();

  // kObject only: appends a member (the writer sorts; callers need not).
  void Add(std::string key, JsonValue value);
  // kObject only: the member named `key`, or nullptr.
  const JsonValue* Find(std::string_view key) const;
};

// Short name of a type for error messages ("string", "array", ...).
std::string_view JsonTypeName(JsonValue::Type type);

// Parses one JSON value filling all of `text` (white space around it allowed).
// InvalidArgument with the byte offset of the first problem.
Result<JsonValue> ParseJson(std::string_view text);

// Serialises `value` canonically (see above). kNumber literals are written as is.
std::string WriteCanonicalJson(const JsonValue& value);

}  // namespace quell::shaken::internal
