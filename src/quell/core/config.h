// Config: typed, line-aware access to quell.toml.
//
// Each module reads its own section into its own Options struct through this
// class, so an error always names the file, the line and the key:
//   "quell.toml:12: 'notify.max_attempts' must be an integer, not a string".
// Missing keys take the default the caller passes. Unknown keys are errors, so a
// typo does not silently leave a default in force: each module lists the keys it
// reads with CheckKnownKeys().
//
// A Config is a cheap, immutable, thread-safe view of one table of a parsed file.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/status.h"

namespace quell {

class Config {
 public:
  // An empty configuration: every lookup returns its default.
  Config();
  ~Config();
  Config(const Config&);
  Config& operator=(const Config&);

  // Reads and parses a TOML file. Errors name the file and line.
  static Result<Config> LoadFile(const std::string& path);
  // Parses TOML text; `source` names it in error messages.
  static Result<Config> Parse(std::string_view text, std::string source = "quell.toml");

  // Lookups by dotted key ("http.listen"). A missing key gives `def`; a value of the
  // wrong type is an InvalidArgument naming the key and its line.
  Result<std::string> GetString(std::string_view key, std::string_view def) const;
  Result<int64_t> GetInt(std::string_view key, int64_t def) const;
  // As GetInt, and InvalidArgument naming the key and line unless min <= value <= max.
  Result<int64_t> GetInt(std::string_view key, int64_t def, int64_t min, int64_t max) const;
  Result<double> GetDouble(std::string_view key, double def) const;
  Result<bool> GetBool(std::string_view key, bool def) const;
  Result<std::vector<std::string>> GetStringList(std::string_view key,
                                                 std::vector<std::string> def = {}) const;
  // A duration written as an integer of seconds or a string with a unit:
  // "250ms", "30s", "5m", "24h", "31d"; at most 100 years.
  Result<std::chrono::milliseconds> GetDuration(std::string_view key,
                                                std::chrono::milliseconds def) const;

  // The sub-table at `key` (empty Config if absent; error if not a table).
  Result<Config> GetTable(std::string_view key) const;
  // An array of tables (`[[policy.rule]]`), each as a Config (empty if absent).
  Result<std::vector<Config>> GetTableArray(std::string_view key) const;

  bool Has(std::string_view key) const;

  // Fails on the first key of this table (recursing into sub-tables named with a
  // trailing ".*" pattern, e.g. "http.*") that is not in `known`. Keys are
  // dotted paths relative to this table; "section.*" admits anything under it.
  Status CheckKnownKeys(const std::vector<std::string>& known) const;

  // "quell.toml:12" for the key, or just the source name when unknown.
  std::string Where(std::string_view key) const;

  const std::string& source() const;

 private:
  struct Impl;
  explicit Config(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// Parses "250ms", "30s", "5m", "24h", "31d" (or a bare number of seconds), at
// most 100 years (so that adding it to a time point cannot overflow).
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace quell
