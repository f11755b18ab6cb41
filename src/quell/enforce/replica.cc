#include "quell/enforce/replica.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace quell::enforce {
namespace {

using nlohmann::json;

int64_t NowMs(Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.Now().time_since_epoch())
      .count();
}

Result<std::string> DecodeB64(const std::string& text) {
  std::string out(text.size() * 3 / 4 + 3, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return InvalidArgument("a frame is not base64url");
  out.resize(len);
  return out;
}

struct Page {
  std::vector<std::pair<uint64_t, std::string>> frames;  // seq as the primary labels it, frame
  std::optional<LedgerHead> head;
  std::optional<LedgerHead> anchor;
};

std::optional<LedgerHead> ParseHead(const json& j) {
  if (!j.is_object() || !j.contains("seq") || !j.contains("hash")) return std::nullopt;
  if (!j["seq"].is_number_unsigned() || !j["hash"].is_string()) return std::nullopt;
  auto h = ParseHash(j["hash"].get<std::string>());
  if (!h) return std::nullopt;
  return LedgerHead{j["seq"].get<uint64_t>(), *h};
}

Result<Page> ParsePage(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("records") || !j["records"].is_array())
    return InvalidArgument("the primary's answer is not a ledger page");
  Page p;
  for (const json& r : j["records"]) {
    if (!r.is_object() || !r.contains("seq") || !r["seq"].is_number_unsigned() ||
        !r.contains("frame") || !r["frame"].is_string())
      return InvalidArgument("the primary's answer holds a malformed record");
    QUELL_ASSIGN_OR_RETURN(std::string frame, DecodeB64(r["frame"].get<std::string>()));
    p.frames.emplace_back(r["seq"].get<uint64_t>(), std::move(frame));
  }
  if (j.contains("head")) p.head = ParseHead(j["head"]);
  if (j.contains("anchor")) p.anchor = ParseHead(j["anchor"]);
  return p;
}

std::string Query(uint64_t after, int limit) {
  return "/api/v1/ledger?after=" + std::to_string(after) + "&limit=" + std::to_string(limit);
}

std::string EncodeB64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

json RecordJson(const LedgerRecord& r) {
  json payload = json::parse(r.entry.payload, nullptr, false);
  if (payload.is_discarded()) payload = r.entry.payload;
  return json{{"seq", r.seq},
              {"hash", Hex(r.hash)},
              {"prev", Hex(r.prev)},
              {"appended_ms", r.appended_ms},
              {"kind", r.entry.kind},
              {"key_id", r.entry.key_id},
              {"signed_ms", r.entry.signed_ms},
              {"payload", std::move(payload)},
              {"frame", EncodeB64(r.frame)}};
}

json HeadJson(const LedgerHead& h) { return json{{"seq", h.seq}, {"hash", Hex(h.hash)}}; }

}  // namespace

Result<std::string> LedgerPageJson(const Ledger& ledger, uint64_t after, int limit) {
  LedgerHead head = ledger.head();
  json out = {{"records", json::array()}, {"head", HeadJson(head)}};
  // Past the head: no records and no anchor — a replica that holds more than
  // this primary learns that the primary's ledger got shorter.
  if (after > head.seq) {
    out["anchor"] = nullptr;
    return out.dump();
  }
  if (after > 0) {
    QUELL_ASSIGN_OR_RETURN(LedgerRecord anchor, ledger.Get(after));
    out["anchor"] = HeadJson({anchor.seq, anchor.hash});
  } else {
    out["anchor"] = nullptr;
  }
  QUELL_ASSIGN_OR_RETURN(auto records, ledger.Read(after, limit));
  for (const LedgerRecord& r : records) out["records"].push_back(RecordJson(r));
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::string> LedgerRecordJson(const Ledger& ledger, uint64_t seq) {
  QUELL_ASSIGN_OR_RETURN(LedgerRecord r, ledger.Get(seq));
  return RecordJson(r).dump(-1, ' ', false, json::error_handler_t::replace);
}

Follower::Follower(Ledger& replica, std::string primary, Fetch fetch, Clock& clock)
    : replica_(replica), primary_(std::move(primary)), fetch_(std::move(fetch)), clock_(clock) {
  status_.primary = primary_;
  status_.replica_head = replica_.head();
}

FollowStatus Follower::status() const {
  std::lock_guard lock(mu_);
  FollowStatus s = status_;
  s.replica_head = replica_.head();
  return s;
}

Status Follower::Diverge(uint64_t seq, std::string reason) {
  std::lock_guard lock(mu_);
  if (!status_.diverged) {
    status_.diverged = Divergence{seq, reason, NowMs(clock_)};
    spdlog::error("ledger replica of {}: diverged at record {}: {}", primary_, seq, reason);
  }
  return DivergedError();
}

Status Follower::DivergedError() const {
  return FailedPrecondition("the primary's ledger differs from this replica at record " +
                            std::to_string(status_.diverged->seq) + ": " +
                            status_.diverged->reason);
}

Result<std::string> Follower::PrimaryFrame(uint64_t seq) {
  QUELL_ASSIGN_OR_RETURN(std::string body, fetch_(Query(seq - 1, 1)));
  QUELL_ASSIGN_OR_RETURN(Page page, ParsePage(body));
  if (page.frames.empty() || page.frames[0].first != seq)
    return NotFound("the primary has no record " + std::to_string(seq));
  return std::move(page.frames[0].second);
}

Result<uint64_t> Follower::Sync(int page_size) {
  {
    std::lock_guard lock(mu_);
    if (status_.diverged) return DivergedError();
  }
  uint64_t appended = 0;
  for (;;) {
    LedgerHead mine = replica_.head();
    auto body = fetch_(Query(mine.seq, page_size));
    if (!body.has_value()) {
      std::lock_guard lock(mu_);
      status_.last_error = body.status().message();
      return body.status();
    }
    QUELL_ASSIGN_OR_RETURN(Page page, ParsePage(*body));
    if (page.head) {
      std::lock_guard lock(mu_);
      status_.primary_head = *page.head;
    }
    if (mine.seq > 0) {
      // The primary must still hold our last record as we hold it.
      if (!page.anchor || page.anchor->seq != mine.seq) {
        if (page.head && page.head->seq < mine.seq)
          return Diverge(page.head->seq + 1,
                         "the primary's ledger is shorter than this replica's (" +
                             std::to_string(page.head->seq) + " records)");
        return Diverge(mine.seq, "the primary did not confirm record " + std::to_string(mine.seq));
      }
      if (page.anchor->hash != mine.hash) {
        // Bisect for the first record that differs (a re-chained history differs
        // from the rewritten record on).
        uint64_t lo = 1, hi = mine.seq;  // hi differs
        while (lo < hi) {
          uint64_t mid = lo + (hi - lo) / 2;
          auto theirs = PrimaryFrame(mid);
          if (!theirs.has_value()) return theirs.status();
          auto ours = replica_.Get(mid);
          if (!ours.has_value()) return ours.status();
          if (*theirs != ours->frame)
            hi = mid;
          else
            lo = mid + 1;
        }
        return Diverge(lo, "the primary's record " + std::to_string(lo) +
                               " is not the one this replica took (its history was rewritten "
                               "from there on)");
      }
    }
    if (page.frames.empty()) break;
    for (auto& [seq, frame] : page.frames) {
      if (Status s = replica_.AppendReplicated(frame); !s.ok()) {
        if (s.code() == StatusCode::kInvalidArgument) return Diverge(mine.seq + 1, s.message());
        return s;
      }
      ++appended;
      ++mine.seq;
    }
    if (page.frames.size() < static_cast<std::size_t>(page_size)) break;
  }
  std::lock_guard lock(mu_);
  status_.last_sync_ms = NowMs(clock_);
  status_.last_error.clear();
  return appended;
}

Result<uint64_t> Follower::Audit(int page_size) {
  {
    std::lock_guard lock(mu_);
    if (status_.diverged) return DivergedError();
  }
  uint64_t upto = replica_.head().seq, compared = 0;
  for (uint64_t after = 0; after < upto;) {
    QUELL_ASSIGN_OR_RETURN(std::string body, fetch_(Query(after, page_size)));
    QUELL_ASSIGN_OR_RETURN(Page page, ParsePage(body));
    if (page.frames.empty())
      return Diverge(after + 1, "the primary no longer has record " + std::to_string(after + 1));
    QUELL_ASSIGN_OR_RETURN(auto ours, replica_.Read(after, page_size));
    for (std::size_t i = 0; i < page.frames.size() && after < upto; ++i) {
      uint64_t seq = after + 1;
      if (i >= ours.size() || page.frames[i].first != seq)
        return Diverge(seq, "the primary's copy of record " + std::to_string(seq) + " is missing");
      if (page.frames[i].second != ours[i].frame)
        return Diverge(seq, "the primary's copy of record " + std::to_string(seq) +
                                " differs from this replica's (changed on the primary)");
      ++compared;
      after = seq;
    }
  }
  std::lock_guard lock(mu_);
  status_.audited_upto = compared;
  status_.last_audit_ms = NowMs(clock_);
  return compared;
}

}  // namespace quell::enforce
