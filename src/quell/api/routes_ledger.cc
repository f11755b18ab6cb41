// The enforcement ledger (docs/formats/ledger.md, docs/api/README.md "Ledger").
//
//   GET  /api/v1/ledger?after=N&limit=L   organisations: records after N (replicas pull these)
//   GET  /api/v1/ledger/{seq}             organisations: one record
//   GET  /api/v1/ledger/head              organisations: sequence, hash, size
//   GET  /api/v1/ledger/keys              anyone: the keys that may sign, from the ledger itself
//   POST /api/v1/ledger                   organisations: append an entry they signed
//   POST /api/v1/ledger/keys              admins: add an organisation's public key
//   POST /api/v1/ledger/keys/revoke       admins: {"key_id","reason"}
//   GET  /api/v1/ledger/replica           analysts: this server's replica of another's ledger
#include "quell/api/internal/json.h"
#include "quell/enforce/ledger.h"
#include "quell/enforce/replica.h"

namespace quell::api {
namespace {

// Every organisation's people and keys read the ledger; citizens do not.
const std::vector<Role> kReaders = {Role::kBusiness,       Role::kCarrier, Role::kApp,
                                    Role::kDataController, Role::kAnalyst, Role::kAdmin};
const std::vector<Role> kAdmins = {Role::kAdmin};
const std::vector<Role> kAnalysts = {Role::kAnalyst, Role::kAdmin};

Result<enforce::Ledger*> LedgerOf(const Context& ctx) {
  if (ctx.services.ledger == nullptr) return Unavailable("the ledger is not available");
  return ctx.services.ledger;
}

Json HeadJson(const enforce::LedgerHead& h) {
  return Json{{"seq", h.seq}, {"hash", enforce::Hex(h.hash)}};
}

void WriteText(Context& ctx, int status, std::string body) {
  ctx.res.status = status;
  ctx.res.SetHeader("Content-Type", "application/json");
  ctx.res.body = std::move(body);
}

Status List(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Ledger * ledger, LedgerOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t after, IntQuery(ctx, "after", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 10000));
  QUELL_ASSIGN_OR_RETURN(std::string page, enforce::LedgerPageJson(*ledger, after, limit));
  WriteText(ctx, 200, std::move(page));
  return Status::Ok();
}

Status Get(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Ledger * ledger, LedgerOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t seq, IdParam(ctx, "seq"));
  QUELL_ASSIGN_OR_RETURN(std::string rec, enforce::LedgerRecordJson(*ledger, seq));
  WriteText(ctx, 200, std::move(rec));
  return Status::Ok();
}

Status Head(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Ledger * ledger, LedgerOf(ctx));
  enforce::Ledger::Stats st = ledger->stats();
  Json out = HeadJson(ledger->head());
  out["bytes"] = st.bytes;
  out["operator_key"] = enforce::EncodeKey(ledger->operator_key());
  out["replica"] = ledger->replica();
  WriteJson(ctx, 200, out);
  return Status::Ok();
}

Status Keys(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Ledger * ledger, LedgerOf(ctx));
  Json keys = Json::array();
  for (const enforce::LedgerKey& k : ledger->Keys()) {
    keys.push_back({{"key_id", k.key_id},
                    {"organisation", k.organisation},
                    {"public_key", enforce::EncodeKey(k.public_key)},
                    {"algorithm", "Ed25519"},
                    {"added_seq", k.added_seq},
                    {"revoked_seq", k.revoked_seq ? Json(*k.revoked_seq) : Json(nullptr)}});
  }
  WriteJson(ctx, 200,
            {{"operator_key", enforce::EncodeKey(ledger->operator_key())}, {"keys", keys}});
  return Status::Ok();
}

Status Append(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Ledger * ledger, LedgerOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  enforce::LedgerEntry e;
  QUELL_ASSIGN_OR_RETURN(e.kind, RequireString(body, "kind"));
  QUELL_ASSIGN_OR_RETURN(e.key_id, RequireString(body, "key_id"));
  auto ms = body.find("signed_ms");
  if (ms == body.end() || !ms->is_number_integer())
    return InvalidArgument("signed_ms must be the signing time in Unix milliseconds");
  e.signed_ms = ms->get<int64_t>();
  // The payload exactly as signed: a string holding the JSON text.
  QUELL_ASSIGN_OR_RETURN(e.payload, RequireString(body, "payload"));
  QUELL_ASSIGN_OR_RETURN(std::string sig, RequireString(body, "signature"));
  auto signature = enforce::ParseSignature(sig);
  if (!signature) return InvalidArgument("signature must be 64 bytes of base64url (Ed25519)");
  e.signature = *signature;
  const access::Principal& p = *ctx.principal;
  std::optional<std::string_view> org;
  if (p.role != Role::kAdmin) {
    if (p.org_name.empty()) return PermissionDenied("only organisations append to the ledger");
    org = p.org_name;
  }
  QUELL_ASSIGN_OR_RETURN(enforce::LedgerRecord rec, ledger->Append(e, org));
  ctx.audit_target = "ledger:" + std::to_string(rec.seq);
  ctx.audit_detail = e.kind + " signed by " + e.key_id;
  WriteJson(ctx, 201,
            {{"seq", rec.seq}, {"hash", enforce::Hex(rec.hash)}, {"appended_ms", rec.appended_ms}});
  return Status::Ok();
}

Status AddKey(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Ledger * ledger, LedgerOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string key_id, RequireString(body, "key_id"));
  QUELL_ASSIGN_OR_RETURN(std::string org, RequireString(body, "organisation"));
  QUELL_ASSIGN_OR_RETURN(std::string pk, RequireString(body, "public_key"));
  auto key = enforce::ParsePublicKey(pk);
  if (!key) return InvalidArgument("public_key must be 32 bytes of base64url (Ed25519)");
  // The organisation must exist: the ledger names keys by their holder.
  QUELL_ASSIGN_OR_RETURN(access::Organisation o, ctx.services.accounts.FindOrganisation(org));
  QUELL_ASSIGN_OR_RETURN(enforce::LedgerRecord rec, ledger->AddKey(key_id, o.name, *key));
  ctx.audit_target = "ledger-key:" + key_id;
  ctx.audit_detail = "for " + o.name + " at record " + std::to_string(rec.seq);
  WriteJson(ctx, 201, {{"seq", rec.seq}, {"key_id", key_id}, {"organisation", o.name}});
  return Status::Ok();
}

Status RevokeKey(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Ledger * ledger, LedgerOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string key_id, RequireString(body, "key_id"));
  QUELL_ASSIGN_OR_RETURN(std::string reason, RequireString(body, "reason"));
  QUELL_ASSIGN_OR_RETURN(enforce::LedgerRecord rec, ledger->RevokeKey(key_id, reason));
  ctx.audit_target = "ledger-key:" + key_id;
  ctx.audit_detail = "revoked at record " + std::to_string(rec.seq);
  WriteJson(ctx, 200, {{"seq", rec.seq}, {"key_id", key_id}, {"revoked", true}});
  return Status::Ok();
}

Status Replica(Context& ctx) {
  if (ctx.services.ledger_follower == nullptr)
    return NotFound("this server does not follow another ledger");
  enforce::FollowStatus s = ctx.services.ledger_follower->status();
  Json out = {{"primary", s.primary},
              {"replica_head", HeadJson(s.replica_head)},
              {"primary_head", HeadJson(s.primary_head)},
              {"last_sync_ms", s.last_sync_ms},
              {"last_error", s.last_error},
              {"audited_upto", s.audited_upto},
              {"last_audit_ms", s.last_audit_ms},
              {"diverged", nullptr}};
  if (s.diverged)
    out["diverged"] = {{"seq", s.diverged->seq},
                       {"reason", s.diverged->reason},
                       {"detected_ms", s.diverged->detected_ms}};
  WriteJson(ctx, 200, out);
  return Status::Ok();
}

}  // namespace

void RegisterLedgerRoutes(RouteTable& table) {
  table.Add({.method = "GET", .pattern = "/api/v1/ledger", .roles = kReaders, .handler = List});
  table.Add(
      {.method = "GET", .pattern = "/api/v1/ledger/head", .roles = kReaders, .handler = Head});
  table.Add(
      {.method = "GET", .pattern = "/api/v1/ledger/keys", .is_public = true, .handler = Keys});
  table.Add({.method = "GET",
             .pattern = "/api/v1/ledger/replica",
             .roles = kAnalysts,
             .handler = Replica});
  table.Add(
      {.method = "GET", .pattern = "/api/v1/ledger/{seq}", .roles = kReaders, .handler = Get});
  table.Add({.method = "POST",
             .pattern = "/api/v1/ledger",
             .roles = kReaders,
             .audit_action = "ledger.append",
             .handler = Append});
  table.Add({.method = "POST",
             .pattern = "/api/v1/ledger/keys",
             .roles = kAdmins,
             .audit_action = "ledger.key_add",
             .handler = AddKey});
  table.Add({.method = "POST",
             .pattern = "/api/v1/ledger/keys/revoke",
             .roles = kAdmins,
             .audit_action = "ledger.key_revoke",
             .handler = RevokeKey});
}

}  // namespace quell::api
