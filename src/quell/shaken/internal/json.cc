#include "quell/shaken/internal/json.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace quell::shaken::internal {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<JsonValue> ParseDocument() {
    SkipSpace();
    QUELL_ASSIGN_OR_RETURN(JsonValue v, ParseValue(0));
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected data after the JSON value");
    return v;
  }

 private:
  Status Error(std::string_view what) const {
    return InvalidArgument("JSON offset " + std::to_string(pos_) + ": " + std::string(what));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }

  Result<JsonValue> ParseValue(int depth) {
    if (pos_ >= text_.size()) return Error("unexpected end of input, expected a value");
    JsonValue v;
    const char c = text_[pos_];
    if (c == '{') return ParseObject(depth + 1);
    if (c == '[') return ParseArray(depth + 1);
    if (c == '"') {
      v.type = JsonValue::Type::kString;
      QUELL_ASSIGN_OR_RETURN(v.text, ParseString());
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber();
    if (Consume("true") || Consume("false")) {
      v.type = JsonValue::Type::kBool;
      v.boolean = c == 't';
      return v;
    }
    if (Consume("null")) return v;
    return Error("expected a value");
  }

  Result<JsonValue> ParseObject(int depth) {
    if (depth > kMaxJsonDepth) return Error("nesting deeper than " + std::to_string(kMaxJsonDepth));
    ++pos_;  // '{'
    JsonValue v = JsonValue::Object();
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return v;
    }
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Error("expected a member name");
      if (v.keys.size() >= kMaxJsonMembers) {
        return Error("object has more than " + std::to_string(kMaxJsonMembers) + " members");
      }
      const std::size_t key_pos = pos_;
      QUELL_ASSIGN_OR_RETURN(std::string key, ParseString());
      if (v.Find(key) != nullptr) {
        pos_ = key_pos;
        return Error("duplicate member \"" + key + "\"");
      }
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') return Error("expected ':'");
      ++pos_;
      SkipSpace();
      QUELL_ASSIGN_OR_RETURN(JsonValue member, ParseValue(depth));
      v.Add(std::move(key), std::move(member));
      SkipSpace();
      if (pos_ >= text_.size()) return Error("unterminated object");
      if (text_[pos_] == '}') {
        ++pos_;
        return v;
      }
      if (text_[pos_] != ',') return Error("expected ',' or '}'");
      ++pos_;
    }
  }

  Result<JsonValue> ParseArray(int depth) {
    if (depth > kMaxJsonDepth) return Error("nesting deeper than " + std::to_string(kMaxJsonDepth));
    ++pos_;  // '['
    JsonValue v;
    v.type = JsonValue::Type::kArray;
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return v;
    }
    while (true) {
      SkipSpace();
      QUELL_ASSIGN_OR_RETURN(JsonValue item, ParseValue(depth));
      v.items.push_back(std::move(item));
      SkipSpace();
      if (pos_ >= text_.size()) return Error("unterminated array");
      if (text_[pos_] == ']') {
        ++pos_;
        return v;
      }
      if (text_[pos_] != ',') return Error("expected ',' or ']'");
      ++pos_;
    }
  }

  Result<JsonValue> ParseNumber() {
    const std::size_t start = pos_;
    auto digits = [&] {
      const std::size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - from;
    };
    if (text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (digits() == 0) {
      return Error("malformed number");
    }
    bool integral = true;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      integral = false;
      if (digits() == 0) return Error("malformed number: digits expected after '.'");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      integral = false;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) return Error("malformed number: digits expected in exponent");
    }
    JsonValue v;
    v.text = std::string(text_.substr(start, pos_ - start));
    v.type = JsonValue::Type::kNumber;
    if (integral) {
      const bool negative = v.text[0] == '-';
      uint64_t magnitude = 0;
      bool overflow = false;
      for (std::size_t i = negative ? 1 : 0; i < v.text.size(); ++i) {
        const uint64_t d = static_cast<uint64_t>(v.text[i] - '0');
        if (magnitude > (std::numeric_limits<uint64_t>::max() - d) / 10) {
          overflow = true;
          break;
        }
        magnitude = magnitude * 10 + d;
      }
      const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
      if (!overflow && magnitude <= limit) {
        v.type = JsonValue::Type::kInt;
        v.integer =
            negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
      }
    }
    return v;
  }

  Result<uint32_t> ParseHex4() {
    if (text_.size() - pos_ < 4) return Error("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<uint32_t>(h - 'A' + 10);
      } else {
        return Error("bad hex digit in \\u escape");
      }
    }
    return v;
  }

  static void AppendUtf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  // Copies one UTF-8 sequence starting at pos_, rejecting overlong forms,
  // surrogates and values above U+10FFFF (RFC 3629 §4).
  Status CopyUtf8(std::string& out) {
    const auto b0 = static_cast<unsigned char>(text_[pos_]);
    int len;
    uint32_t cp;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      len = 2;
      cp = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      len = 3;
      cp = b0 & 0x0f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      len = 4;
      cp = b0 & 0x07;
    } else {
      return Error("invalid UTF-8 in string");
    }
    if (text_.size() - pos_ < static_cast<std::size_t>(len))
      return Error("truncated UTF-8 in string");
    for (int i = 1; i < len; ++i) {
      const auto b = static_cast<unsigned char>(text_[pos_ + i]);
      if ((b & 0xc0) != 0x80) return Error("invalid UTF-8 in string");
      cp = (cp << 6) | (b & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return Error("invalid UTF-8 in string");
    }
    out.append(text_.substr(pos_, len));
    pos_ += len;
    return Status::Ok();
  }

  Result<std::string> ParseString() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) return Error("unterminated string");
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) return Error("unescaped control character in string");
      if (c >= 0x80) {
        QUELL_RETURN_IF_ERROR(CopyUtf8(out));
        continue;
      }
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) return Error("unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          QUELL_ASSIGN_OR_RETURN(uint32_t cp, ParseHex4());
          if (cp >= 0xdc00 && cp <= 0xdfff) return Error("lone low surrogate in \\u escape");
          if (cp >= 0xd800 && cp <= 0xdbff) {
            if (!Consume("\\u")) return Error("high surrogate without a low surrogate");
            QUELL_ASSIGN_OR_RETURN(uint32_t low, ParseHex4());
            if (low < 0xdc00 || low > 0xdfff)
              return Error("high surrogate without a low surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          --pos_;
          return Error("invalid escape sequence");
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

void WriteString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void Write(const JsonValue& v, std::string& out) {
  switch (v.type) {
    case JsonValue::Type::kNull:
      out += "null";
      break;
    case JsonValue::Type::kBool:
      out += v.boolean ? "true" : "false";
      break;
    case JsonValue::Type::kInt:
      out += std::to_string(v.integer);
      break;
    case JsonValue::Type::kNumber:
      out += v.text;
      break;
    case JsonValue::Type::kString:
      WriteString(v.text, out);
      break;
    case JsonValue::Type::kArray:
      out.push_back('[');
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out.push_back(',');
        Write(v.items[i], out);
      }
      out.push_back(']');
      break;
    case JsonValue::Type::kObject: {
      // std::string compares as unsigned char, so this is UTF-8 byte order, which
      // equals code-point order.
      std::vector<std::size_t> order(v.keys.size());
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(),
                [&](std::size_t a, std::size_t b) { return v.keys[a] < v.keys[b]; });
      out.push_back('{');
      for (std::size_t i = 0; i < order.size(); ++i) {
        if (i > 0) out.push_back(',');
        WriteString(v.keys[order[i]], out);
        out.push_back(':');
        Write(v.items[order[i]], out);
      }
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

JsonValue JsonValue::String(std::string s) {
  JsonValue v;
  v.type = Type::kString;
  v.text = std::move(s);
  return v;
}

JsonValue JsonValue::Int(int64_t i) {
  JsonValue v;
  v.type = Type::kInt;
  v.integer = i;
  return v;
}

JsonValue JsonValue::Array(std::vector<JsonValue> items) {
  JsonValue v;
  v.type = Type::kArray;
  v.items = std::move(items);
  return v;
}

JsonValue JsonValue::Object() {
  JsonValue v;
  v.type = Type::kObject;
  return v;
}

void JsonValue::Add(std::string key, JsonValue value) {
  keys.push_back(std::move(key));
  items.push_back(std::move(value));
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (type != Type::kObject) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

std::string_view JsonTypeName(JsonValue::Type type) {
  switch (type) {
    case JsonValue::Type::kNull:
      return "null";
    case JsonValue::Type::kBool:
      return "boolean";
    case JsonValue::Type::kInt:
      return "integer";
    case JsonValue::Type::kNumber:
      return "non-integer number";
    case JsonValue::Type::kString:
      return "string";
    case JsonValue::Type::kArray:
      return "array";
    case JsonValue::Type::kObject:
      return "object";
  }
  return "unknown";
}

Result<JsonValue> ParseJson(std::string_view text) { return Parser(text).ParseDocument(); }

std::string WriteCanonicalJson(const JsonValue& value) {
  std::string out;
  Write(value, out);
  return out;
}

}  // namespace quell::shaken::internal
