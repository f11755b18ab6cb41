#include "quell/core/config.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

namespace quell {

struct Config::Impl {
  std::shared_ptr<toml::table> root;  // keeps `table` alive
  const toml::table* table = nullptr;
  std::string source;
  std::string prefix;  // dotted path of `table` within root ("" for root), for messages
};

namespace {

std::string TypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

}  // namespace

Config::Config() {
  auto impl = std::make_shared<Impl>();
  impl->root = std::make_shared<toml::table>();
  impl->table = impl->root.get();
  impl->source = "quell.toml";
  impl_ = std::move(impl);
}
Config::~Config() = default;
Config::Config(const Config&) = default;
Config& Config::operator=(const Config&) = default;
Config::Config(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

const std::string& Config::source() const { return impl_->source; }

Result<Config> Config::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open config file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

Result<Config> Config::Parse(std::string_view text, std::string source) {
  auto impl = std::make_shared<Impl>();
  try {
    impl->root = std::make_shared<toml::table>(toml::parse(text, source));
  } catch (const toml::parse_error& e) {
    return InvalidArgument(source + ":" + std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
  }
  impl->table = impl->root.get();
  impl->source = std::move(source);
  return Config(std::shared_ptr<const Impl>(std::move(impl)));
}

namespace {

const toml::node* Lookup(const toml::table& t, std::string_view key) {
  return t.at_path(key).node();
}

}  // namespace

std::string Config::Where(std::string_view key) const {
  const toml::node* n = Lookup(*impl_->table, key);
  if (n && n->source().begin.line > 0) {
    return impl_->source + ":" + std::to_string(n->source().begin.line);
  }
  return impl_->source;
}

namespace {

Status WrongType(const Config& c, std::string_view prefix, std::string_view key,
                 std::string_view want, const toml::node& n) {
  std::string full =
      prefix.empty() ? std::string(key) : std::string(prefix) + "." + std::string(key);
  return InvalidArgument(c.Where(key) + ": '" + full + "' must be " + std::string(want) + ", not " +
                         TypeName(n));
}

}  // namespace

bool Config::Has(std::string_view key) const { return Lookup(*impl_->table, key) != nullptr; }

Result<std::string> Config::GetString(std::string_view key, std::string_view def) const {
  const toml::node* n = Lookup(*impl_->table, key);
  if (!n) return std::string(def);
  if (auto v = n->value<std::string>(); v && n->is_string()) return *v;
  return WrongType(*this, impl_->prefix, key, "a string", *n);
}

Result<int64_t> Config::GetInt(std::string_view key, int64_t def) const {
  const toml::node* n = Lookup(*impl_->table, key);
  if (!n) return def;
  if (n->is_integer()) return n->as_integer()->get();
  return WrongType(*this, impl_->prefix, key, "an integer", *n);
}

Result<int64_t> Config::GetInt(std::string_view key, int64_t def, int64_t min, int64_t max) const {
  QUELL_ASSIGN_OR_RETURN(int64_t v, GetInt(key, def));
  if (v < min || v > max) {
    const std::string full =
        impl_->prefix.empty() ? std::string(key) : impl_->prefix + "." + std::string(key);
    return InvalidArgument(Where(key) + ": '" + full + "' must be from " + std::to_string(min) +
                           " to " + std::to_string(max) + ", not " + std::to_string(v));
  }
  return v;
}

Result<double> Config::GetDouble(std::string_view key, double def) const {
  const toml::node* n = Lookup(*impl_->table, key);
  if (!n) return def;
  if (n->is_floating_point()) return n->as_floating_point()->get();
  if (n->is_integer()) return static_cast<double>(n->as_integer()->get());
  return WrongType(*this, impl_->prefix, key, "a number", *n);
}

Result<bool> Config::GetBool(std::string_view key, bool def) const {
  const toml::node* n = Lookup(*impl_->table, key);
  if (!n) return def;
  if (n->is_boolean()) return n->as_boolean()->get();
  return WrongType(*this, impl_->prefix, key, "true or false", *n);
}

Result<std::vector<std::string>> Config::GetStringList(std::string_view key,
                                                       std::vector<std::string> def) const {
  const toml::node* n = Lookup(*impl_->table, key);
  if (!n) return def;
  const toml::array* arr = n->as_array();
  if (!arr) return WrongType(*this, impl_->prefix, key, "an array of strings", *n);
  std::vector<std::string> out;
  for (const toml::node& el : *arr) {
    if (!el.is_string()) return WrongType(*this, impl_->prefix, key, "an array of strings", el);
    out.push_back(el.as_string()->get());
  }
  return out;
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0)
    return InvalidArgument("'" + std::string(text) + "' is not a duration (like 30s, 5m)");
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + i, n);
  if (ec != std::errc()) return InvalidArgument("'" + std::string(text) + "' is too large");
  const std::string_view unit = text.substr(i);
  int64_t mult;
  if (unit == "ms")
    mult = 1;
  else if (unit == "s" || unit.empty())
    mult = 1000;
  else if (unit == "m")
    mult = 60'000;
  else if (unit == "h")
    mult = 3'600'000;
  else if (unit == "d")
    mult = 86'400'000;
  else
    return InvalidArgument("'" + std::string(text) +
                           "' has an unknown unit (use ms, s, m, h or d)");
  constexpr int64_t kMaxMs = 100LL * 365 * 86'400'000;
  if (n > kMaxMs / mult)
    return InvalidArgument("'" + std::string(text) + "' is too large (at most 100 years)");
  return std::chrono::milliseconds(n * mult);
}

Result<std::chrono::milliseconds> Config::GetDuration(std::string_view key,
                                                      std::chrono::milliseconds def) const {
  const toml::node* n = Lookup(*impl_->table, key);
  if (!n) return def;
  const std::string full =
      impl_->prefix.empty() ? std::string(key) : impl_->prefix + "." + std::string(key);
  std::string text;
  if (n->is_integer()) {
    const int64_t s = n->as_integer()->get();
    if (s < 0) return InvalidArgument(Where(key) + ": '" + full + "' must not be negative");
    text = std::to_string(s) + "s";
  } else if (n->is_string()) {
    text = n->as_string()->get();
  } else {
    return WrongType(*this, impl_->prefix, key, "a duration (like \"30s\" or \"5m\")", *n);
  }
  auto d = ParseDuration(text);
  if (!d) return InvalidArgument(Where(key) + ": '" + full + "': " + d.error().message());
  return *d;
}

Result<Config> Config::GetTable(std::string_view key) const {
  const toml::node* n = Lookup(*impl_->table, key);
  auto impl = std::make_shared<Impl>(*impl_);
  impl->prefix = impl_->prefix.empty() ? std::string(key) : impl_->prefix + "." + std::string(key);
  if (!n) {
    static const toml::table kEmpty;
    impl->table = &kEmpty;
    return Config(std::shared_ptr<const Impl>(std::move(impl)));
  }
  if (!n->is_table()) return WrongType(*this, impl_->prefix, key, "a table", *n);
  impl->table = n->as_table();
  return Config(std::shared_ptr<const Impl>(std::move(impl)));
}

Result<std::vector<Config>> Config::GetTableArray(std::string_view key) const {
  std::vector<Config> out;
  const toml::node* n = Lookup(*impl_->table, key);
  if (!n) return out;
  const toml::array* arr = n->as_array();
  if (!arr) return WrongType(*this, impl_->prefix, key, "an array of tables", *n);
  for (const toml::node& el : *arr) {
    if (!el.is_table()) return WrongType(*this, impl_->prefix, key, "an array of tables", el);
    auto impl = std::make_shared<Impl>(*impl_);
    impl->table = el.as_table();
    impl->prefix =
        impl_->prefix.empty() ? std::string(key) : impl_->prefix + "." + std::string(key);
    out.push_back(Config(std::shared_ptr<const Impl>(std::move(impl))));
  }
  return out;
}

namespace {

bool Admitted(const std::vector<std::string>& known, const std::string& path) {
  for (const std::string& k : known) {
    if (k == path) return true;
    if (k.size() >= 2 && k.ends_with(".*")) {
      const std::string_view stem(k.data(), k.size() - 2);
      if (path.size() > stem.size() && path.compare(0, stem.size(), stem) == 0 &&
          path[stem.size()] == '.') {
        return true;
      }
    }
  }
  return false;
}

Status CheckTable(const toml::table& t, const std::string& prefix,
                  const std::vector<std::string>& known, const std::string& source,
                  const std::string& outer_prefix) {
  for (const auto& [k, v] : t) {
    const std::string path =
        prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (Admitted(known, path)) continue;
    if (const toml::table* sub = v.as_table()) {
      // A table is admitted if any known key lies beneath it.
      bool parent = false;
      for (const std::string& kk : known) {
        if (kk.size() > path.size() && kk.compare(0, path.size(), path) == 0 &&
            kk[path.size()] == '.') {
          parent = true;
          break;
        }
      }
      if (parent) {
        QUELL_RETURN_IF_ERROR(CheckTable(*sub, path, known, source, outer_prefix));
        continue;
      }
    }
    const std::string full = outer_prefix.empty() ? path : outer_prefix + "." + path;
    return InvalidArgument(source + ":" + std::to_string(v.source().begin.line) +
                           ": unknown key '" + full + "'");
  }
  return Status::Ok();
}

}  // namespace

Status Config::CheckKnownKeys(const std::vector<std::string>& known) const {
  return CheckTable(*impl_->table, "", known, impl_->source, impl_->prefix);
}

}  // namespace quell
