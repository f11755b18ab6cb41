#include "quell/screen/shaken_evidence.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

#include "quell/core/civil_time.h"

namespace quell::screen {
namespace {

constexpr int64_t kDayUs = 86'400'000'000LL;

int64_t DayOf(int64_t time_us) {
  return time_us >= 0 ? time_us / kDayUs : (time_us - kDayUs + 1) / kDayUs;
}

std::string DateText(int64_t day) {
  const CivilDate d = CivilFromDays(day);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(d.year), d.month,
                d.day);
  return buf;
}

bool IsPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

}  // namespace

ShakenEvidence::ShakenEvidence(events::EvidenceSink* sink, std::size_t max_numbers)
    : sink_(sink), max_numbers_(max_numbers) {}

void ShakenEvidence::ForgetBefore(int64_t day) {
  std::erase_if(failures_, [day](const auto& kv) { return kv.first.day < day; });
  seen_calls_.clear();  // call ids repeat within minutes, not across days
}

void ShakenEvidence::Publish(const events::CallEvent& event) {
  if (event.verstat != events::Verstat::kFailed || event.caller == 0 || sink_ == nullptr) return;
  const int64_t day = DayOf(event.time_us);
  int64_t count = 0;
  {
    std::lock_guard lock(mu_);
    if (day > newest_day_) {
      newest_day_ = day;
      ForgetBefore(day - 1);
    }
    if (day < newest_day_ - 1) return;  // older than yesterday: forgotten already
    if (!event.call_id.empty()) {
      const uint64_t h = std::hash<std::string_view>{}(event.call_id.view()) ^
                         event.caller * 0x9E3779B97F4A7C15ULL;
      if (seen_calls_.size() >= max_numbers_) seen_calls_.clear();
      if (!seen_calls_.insert(h).second) return;  // the same call, seen again
    }
    auto it = failures_.find(Key{event.caller, day});
    if (it == failures_.end()) {
      if (failures_.size() >= max_numbers_) {
        ++dropped_;
        return;
      }
      it = failures_.emplace(Key{event.caller, day}, 0).first;
    }
    count = ++it->second;
  }
  if (!IsPowerOfTwo(count)) return;
  events::Evidence e;
  e.number = event.caller;
  e.source = events::EvidenceSource::kShakenFailure;
  e.kind = NuisanceKind::kSpoofing;
  e.strength = std::min(3.0, 1.0 + std::log10(static_cast<double>(count)));
  e.time_us = event.time_us;
  const std::string date = DateText(day);
  e.ref = std::to_string(event.caller) + ":" + date;
  e.detail = std::to_string(count) + (count == 1 ? " call" : " calls") +
             " failed caller authentication (TN-Validation-Failed) on " + date;
  sink_->Publish(e);
}

int64_t ShakenEvidence::FailuresOn(uint64_t number, int64_t time_us) const {
  std::lock_guard lock(mu_);
  auto it = failures_.find(Key{number, DayOf(time_us)});
  return it == failures_.end() ? 0 : it->second;
}

int64_t ShakenEvidence::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

}  // namespace quell::screen
