#include "quell/cli/detect_config.h"

#include <charconv>
#include <fstream>

#include "quell/core/phone_number.h"

namespace quell::cli {
namespace {

Result<int> Int(const Config& s, std::string_view key, int def, int min = 1, int max = 1'000'000) {
  QUELL_ASSIGN_OR_RETURN(int64_t v, s.GetInt(key, def, min, max));
  return static_cast<int>(v);
}

Result<double> Share(const Config& s, std::string_view key, double def) {
  QUELL_ASSIGN_OR_RETURN(double v, s.GetDouble(key, def));
  if (!(v >= 0 && v <= 1)) return InvalidArgument(s.Where(key) + ": must be between 0 and 1");
  return v;
}

// "+86955*" is a prefix, anything else one number (any format people write).
Status AddAllowed(std::string_view entry, std::string_view region, std::string_view where,
                  detect::EngineConfig& c) {
  if (!entry.empty() && entry.back() == '*') {
    std::string prefix(entry.substr(0, entry.size() - 1));
    if (prefix.size() < 2 || prefix[0] != '+' ||
        prefix.find_first_not_of("0123456789", 1) != std::string::npos) {
      return InvalidArgument(std::string(where) + ": '" + std::string(entry) +
                             "' is not a prefix like +86955*");
    }
    c.allow_prefixes.push_back(std::move(prefix));
    return Status::Ok();
  }
  auto n = PhoneNumber::Parse(entry, region);
  if (!n) return InvalidArgument(std::string(where) + ": " + n.error().message());
  c.allow_numbers.push_back(n->compact());
  return Status::Ok();
}

// "00-07 0.7": hours [0, 7) get factor 0.7.
Status ApplyHours(const Config& s, std::string_view entry, detect::EngineConfig& c) {
  int from = -1, to = -1;
  double factor = 0;
  const auto space = entry.find(' ');
  const auto dash = entry.find('-');
  bool ok = space != std::string_view::npos && dash != std::string_view::npos && dash < space;
  if (ok) {
    ok = std::from_chars(entry.data(), entry.data() + dash, from).ptr == entry.data() + dash &&
         std::from_chars(entry.data() + dash + 1, entry.data() + space, to).ptr ==
             entry.data() + space &&
         std::from_chars(entry.data() + space + 1, entry.data() + entry.size(), factor).ptr ==
             entry.data() + entry.size();
  }
  if (!ok || from < 0 || to > 24 || from >= to || !(factor > 0 && factor <= 100)) {
    return InvalidArgument(s.Where("hours") + ": '" + std::string(entry) +
                           "' is not like \"00-07 0.7\" (hours from-to, factor)");
  }
  for (int h = from; h < to; ++h) c.hour_factor[static_cast<std::size_t>(h)] = factor;
  return Status::Ok();
}

}  // namespace

Result<detect::EngineConfig> DetectConfigFrom(const Environment& env) {
  QUELL_ASSIGN_OR_RETURN(Config s, env.config.GetTable("detect"));
  QUELL_RETURN_IF_ERROR(s.CheckKnownKeys({"utc_offset", "allow", "allow_file", "marketing",
                                          "robocall", "bombing", "one_ring", "simbox", "spoofing",
                                          "legitimate", "profile", "update_interval"}));
  detect::EngineConfig c;
  QUELL_ASSIGN_OR_RETURN(std::string offset, s.GetString("utc_offset", "+08:00"));
  auto minutes = ParseUtcOffset(offset);
  if (!minutes) return InvalidArgument(s.Where("utc_offset") + ": " + minutes.error().message());
  c.utc_offset_minutes = *minutes;
  QUELL_ASSIGN_OR_RETURN(auto allow, s.GetStringList("allow", {}));
  for (const std::string& a : allow) {
    QUELL_RETURN_IF_ERROR(AddAllowed(a, env.region, s.Where("allow"), c));
  }
  QUELL_ASSIGN_OR_RETURN(std::string allow_file, s.GetString("allow_file", ""));
  if (!allow_file.empty()) {
    std::ifstream in(allow_file);
    if (!in) return NotFound(s.Where("allow_file") + ": cannot read " + allow_file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      QUELL_RETURN_IF_ERROR(AddAllowed(line, env.region, allow_file + ":" + std::to_string(n), c));
    }
  }
  QUELL_ASSIGN_OR_RETURN(auto interval, s.GetDuration("update_interval", std::chrono::seconds(60)));
  c.update_interval_s = static_cast<int>(interval.count() / 1000);

  QUELL_ASSIGN_OR_RETURN(Config m, s.GetTable("marketing"));
  QUELL_RETURN_IF_ERROR(m.CheckKnownKeys({"per_minute", "per_hour", "distinct_per_hour", "max_asr",
                                          "sequential", "per_day", "day_max_asr"}));
  QUELL_ASSIGN_OR_RETURN(c.marketing.per_minute, Int(m, "per_minute", c.marketing.per_minute));
  QUELL_ASSIGN_OR_RETURN(c.marketing.per_hour, Int(m, "per_hour", c.marketing.per_hour));
  QUELL_ASSIGN_OR_RETURN(c.marketing.distinct_per_hour,
                         Int(m, "distinct_per_hour", c.marketing.distinct_per_hour));
  QUELL_ASSIGN_OR_RETURN(c.marketing.max_asr, Share(m, "max_asr", c.marketing.max_asr));
  QUELL_ASSIGN_OR_RETURN(c.marketing.sequential, Int(m, "sequential", c.marketing.sequential));
  QUELL_ASSIGN_OR_RETURN(c.marketing.per_day, Int(m, "per_day", c.marketing.per_day));
  QUELL_ASSIGN_OR_RETURN(c.marketing.day_max_asr, Share(m, "day_max_asr", c.marketing.day_max_asr));

  QUELL_ASSIGN_OR_RETURN(Config r, s.GetTable("robocall"));
  QUELL_RETURN_IF_ERROR(r.CheckKnownKeys({"answered", "max_asr", "max_acd_s", "short_share"}));
  QUELL_ASSIGN_OR_RETURN(c.robocall.answered, Int(r, "answered", c.robocall.answered));
  QUELL_ASSIGN_OR_RETURN(c.robocall.max_asr, Share(r, "max_asr", c.robocall.max_asr));
  QUELL_ASSIGN_OR_RETURN(c.robocall.max_acd_s, r.GetDouble("max_acd_s", c.robocall.max_acd_s));
  QUELL_ASSIGN_OR_RETURN(c.robocall.short_share, Share(r, "short_share", c.robocall.short_share));

  QUELL_ASSIGN_OR_RETURN(Config b, s.GetTable("bombing"));
  QUELL_RETURN_IF_ERROR(
      b.CheckKnownKeys({"attempts", "min_repeat", "caller_attempts", "unanswered_share"}));
  QUELL_ASSIGN_OR_RETURN(c.bombing.attempts, Int(b, "attempts", c.bombing.attempts));
  QUELL_ASSIGN_OR_RETURN(c.bombing.min_repeat, b.GetDouble("min_repeat", c.bombing.min_repeat));
  QUELL_ASSIGN_OR_RETURN(c.bombing.caller_attempts,
                         Int(b, "caller_attempts", c.bombing.caller_attempts));
  QUELL_ASSIGN_OR_RETURN(c.bombing.unanswered_share,
                         Share(b, "unanswered_share", c.bombing.unanswered_share));

  QUELL_ASSIGN_OR_RETURN(Config o, s.GetTable("one_ring"));
  QUELL_RETURN_IF_ERROR(o.CheckKnownKeys({"abandoned", "max_ring_ms", "distinct", "min_share"}));
  QUELL_ASSIGN_OR_RETURN(c.one_ring.abandoned, Int(o, "abandoned", c.one_ring.abandoned));
  QUELL_ASSIGN_OR_RETURN(c.one_ring.max_ring_ms, Int(o, "max_ring_ms", c.one_ring.max_ring_ms));
  QUELL_ASSIGN_OR_RETURN(c.one_ring.distinct, Int(o, "distinct", c.one_ring.distinct));
  QUELL_ASSIGN_OR_RETURN(c.one_ring.min_share, Share(o, "min_share", c.one_ring.min_share));

  QUELL_ASSIGN_OR_RETURN(Config x, s.GetTable("simbox"));
  QUELL_RETURN_IF_ERROR(x.CheckKnownKeys({"numbers_per_imei", "imei_calls_per_hour", "per_day"}));
  QUELL_ASSIGN_OR_RETURN(c.simbox.numbers_per_imei,
                         Int(x, "numbers_per_imei", c.simbox.numbers_per_imei, 2, 16));
  QUELL_ASSIGN_OR_RETURN(c.simbox.imei_calls_per_hour,
                         Int(x, "imei_calls_per_hour", c.simbox.imei_calls_per_hour, 1, 510));
  QUELL_ASSIGN_OR_RETURN(c.simbox.per_day, Int(x, "per_day", c.simbox.per_day));

  QUELL_ASSIGN_OR_RETURN(Config p, s.GetTable("spoofing"));
  QUELL_RETURN_IF_ERROR(
      p.CheckKnownKeys({"invalid_caller", "domestic_on_international", "failed_verification",
                        "sim_changes", "region_conflicts", "travel", "region_divisor"}));
  QUELL_ASSIGN_OR_RETURN(c.spoofing.invalid_caller,
                         p.GetBool("invalid_caller", c.spoofing.invalid_caller));
  QUELL_ASSIGN_OR_RETURN(
      c.spoofing.domestic_on_international,
      Int(p, "domestic_on_international", c.spoofing.domestic_on_international, 1, 15));
  QUELL_ASSIGN_OR_RETURN(c.spoofing.failed_verification,
                         Int(p, "failed_verification", c.spoofing.failed_verification, 1, 15));
  QUELL_ASSIGN_OR_RETURN(c.spoofing.sim_changes, Int(p, "sim_changes", c.spoofing.sim_changes));
  QUELL_ASSIGN_OR_RETURN(c.spoofing.region_conflicts,
                         Int(p, "region_conflicts", c.spoofing.region_conflicts));
  QUELL_ASSIGN_OR_RETURN(auto travel, p.GetDuration("travel", std::chrono::seconds(600)));
  c.spoofing.travel_s = static_cast<int>(travel.count() / 1000);
  QUELL_ASSIGN_OR_RETURN(int64_t divisor, p.GetInt("region_divisor", 10000, 1, int64_t{1} << 50));
  c.spoofing.region_divisor = static_cast<uint64_t>(divisor);

  QUELL_ASSIGN_OR_RETURN(Config l, s.GetTable("legitimate"));
  QUELL_RETURN_IF_ERROR(l.CheckKnownKeys({"answered", "min_asr", "min_acd_s"}));
  QUELL_ASSIGN_OR_RETURN(c.legitimate.answered, Int(l, "answered", c.legitimate.answered));
  QUELL_ASSIGN_OR_RETURN(c.legitimate.min_asr, Share(l, "min_asr", c.legitimate.min_asr));
  QUELL_ASSIGN_OR_RETURN(c.legitimate.min_acd_s, l.GetDouble("min_acd_s", c.legitimate.min_acd_s));

  QUELL_ASSIGN_OR_RETURN(Config f, s.GetTable("profile"));
  QUELL_RETURN_IF_ERROR(f.CheckKnownKeys({"hours", "weekend"}));
  QUELL_ASSIGN_OR_RETURN(auto hours, f.GetStringList("hours", {}));
  for (const std::string& h : hours) QUELL_RETURN_IF_ERROR(ApplyHours(f, h, c));
  QUELL_ASSIGN_OR_RETURN(c.weekend_factor, f.GetDouble("weekend", c.weekend_factor));

  if (Status v = c.Validate(); !v.ok()) return InvalidArgument(s.Where("") + ": " + v.message());
  return c;
}

}  // namespace quell::cli
