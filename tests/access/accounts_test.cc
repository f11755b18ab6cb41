#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "quell/access/access.h"
#include "quell/access/internal/password.h"
#include "quell/core/ids.h"
#include "quell/core/metrics.h"
#include "quell/store/store.h"

namespace quell::access {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr char kPassword[] = "correct horse battery";

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "quell_access_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
    accounts_ = OpenAccounts(*store_);
    ASSERT_NE(accounts_, nullptr);
  }

  void TearDown() override {
    accounts_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<store::Store> OpenStore() {
    auto store = store::Store::Open({.path = dir_ + "/quell.db"});
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  std::unique_ptr<Accounts> OpenAccounts(store::Store& store) {
    auto accounts = Accounts::Open(store, clock_, options_);
    EXPECT_TRUE(accounts) << accounts.error().ToString();
    return accounts ? std::move(*accounts) : nullptr;
  }

  // A carrier organisation "Carrier A" and a key of it.
  NewApiKey MakeCarrierKey(double rate = 0, int64_t burst = 0) {
    if (!accounts_->FindOrganisation("Carrier A")) {
      EXPECT_TRUE(accounts_->CreateOrganisation("Carrier A", OrgKind::kCarrier));
    }
    auto key = accounts_->CreateApiKey(Role::kCarrier, "Carrier A", "switch 1", rate, burst);
    EXPECT_TRUE(key) << key.error().ToString();
    return key ? *key : NewApiKey{};
  }

  void MakeAlice() { ASSERT_TRUE(accounts_->CreateUser("alice", kPassword, Role::kCitizen)); }

  FakeClock clock_;
  Options options_;
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Accounts> accounts_;
};

double CounterValue(const char* name, const char* help, const char* result) {
  return metrics::GetCounter(name, help, {{"result", result}}).Value();
}
double Logins(const char* result) {
  return CounterValue("quell_access_logins_total", "Portal login attempts, by result", result);
}
double KeyAuths(const char* result) {
  return CounterValue("quell_access_key_auths_total", "API key checks, by result", result);
}

// --- options and organisations ---

TEST_F(AccountsTest, OpenRejectsBadOptions) {
  Options bad;
  bad.login_max_failures = 0;
  auto accounts = Accounts::Open(*store_, clock_, bad);
  ASSERT_FALSE(accounts);
  EXPECT_EQ(accounts.error().code(), StatusCode::kInvalidArgument);
  bad = Options();
  bad.key_rate_per_second = -1;
  EXPECT_FALSE(Accounts::Open(*store_, clock_, bad));
}

TEST_F(AccountsTest, OpeningTwiceKeepsTheSchema) {
  ASSERT_TRUE(accounts_->CreateOrganisation("Carrier A", OrgKind::kCarrier));
  auto again = OpenAccounts(*store_);
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->FindOrganisation("Carrier A"));
  auto version = store_->SchemaVersion("access");
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, 1);
}

TEST_F(AccountsTest, CreatesFindsAndListsOrganisations) {
  auto zed = accounts_->CreateOrganisation("Zed Telecom", OrgKind::kCarrier);
  ASSERT_TRUE(zed) << zed.error().ToString();
  EXPECT_GT(zed->id, 0);
  EXPECT_EQ(zed->created_at, clock_.Now());
  ASSERT_TRUE(accounts_->CreateOrganisation("Acme Loans", OrgKind::kBusiness));

  auto found = accounts_->FindOrganisation("Zed Telecom");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, zed->id);
  EXPECT_EQ(found->kind, OrgKind::kCarrier);

  auto list = accounts_->ListOrganisations();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "Acme Loans");
  EXPECT_EQ((*list)[1].name, "Zed Telecom");

  EXPECT_EQ(accounts_->FindOrganisation("Nobody").error().code(), StatusCode::kNotFound);
}

TEST_F(AccountsTest, OrganisationErrors) {
  ASSERT_TRUE(accounts_->CreateOrganisation("Acme", OrgKind::kBusiness));
  auto dup = accounts_->CreateOrganisation("Acme", OrgKind::kCarrier);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(dup.error().message(), HasSubstr("'Acme' already exists"));
  EXPECT_EQ(accounts_->CreateOrganisation("", OrgKind::kBusiness).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateOrganisation(" Acme", OrgKind::kBusiness).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateOrganisation("A\ncme", OrgKind::kBusiness).error().code(),
            StatusCode::kInvalidArgument);
}

// --- users ---

TEST_F(AccountsTest, CreatesUsersWithAndWithoutOrganisation) {
  ASSERT_TRUE(accounts_->CreateOrganisation("Carrier A", OrgKind::kCarrier));
  auto bob = accounts_->CreateUser("bob@carrier-a.example", kPassword, Role::kCarrier, "Carrier A",
                                   "Bob B.");
  ASSERT_TRUE(bob) << bob.error().ToString();
  EXPECT_EQ(bob->role, Role::kCarrier);
  ASSERT_TRUE(bob->org_id);
  EXPECT_EQ(bob->org_name, "Carrier A");
  EXPECT_EQ(bob->display_name, "Bob B.");

  auto root = accounts_->CreateUser("root", kPassword, Role::kAdmin);
  ASSERT_TRUE(root);
  EXPECT_FALSE(root->org_id);
  EXPECT_EQ(root->display_name, "root");

  auto found = accounts_->FindUser("bob@carrier-a.example");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, bob->id);
  EXPECT_EQ(found->org_id, bob->org_id);
  EXPECT_EQ(found->org_name, "Carrier A");
  EXPECT_FALSE(found->disabled);
  EXPECT_EQ(found->created_at, clock_.Now());
  EXPECT_EQ(accounts_->FindUser("nobody").error().code(), StatusCode::kNotFound);

  auto count = accounts_->CountUsers();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 2);
  auto list = accounts_->ListUsers();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].username, "bob@carrier-a.example");
  EXPECT_EQ((*list)[1].username, "root");
}

TEST_F(AccountsTest, CreateUserValidates) {
  ASSERT_TRUE(accounts_->CreateOrganisation("Acme", OrgKind::kBusiness));
  auto code = [&](std::string_view user, std::string_view password, Role role,
                  std::string_view org = {}) {
    auto result = accounts_->CreateUser(user, password, role, org);
    return result ? StatusCode::kOk : result.error().code();
  };
  EXPECT_EQ(code("al", kPassword, Role::kCitizen), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(std::string(65, 'a'), kPassword, Role::kCitizen), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("al ice", kPassword, Role::kCitizen), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("alice", "short", Role::kCitizen), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("alice", "123456789", Role::kCitizen), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("alice", std::string(1025, 'p'), Role::kCitizen), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("bob", kPassword, Role::kCarrier), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("bob", kPassword, Role::kCarrier, "Nowhere"), StatusCode::kNotFound);
  EXPECT_EQ(code("bob", kPassword, Role::kCarrier, "Acme"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("carol", kPassword, Role::kCitizen, "Acme"), StatusCode::kInvalidArgument);

  auto missing_org = accounts_->CreateUser("bob", kPassword, Role::kCarrier);
  EXPECT_THAT(missing_org.error().message(), HasSubstr("needs an organisation of kind 'carrier'"));
  auto wrong_kind = accounts_->CreateUser("bob", kPassword, Role::kCarrier, "Acme");
  EXPECT_THAT(wrong_kind.error().message(), HasSubstr("'Acme' is of kind 'business'"));

  // Ten code points, thirty bytes: long enough.
  EXPECT_EQ(code("dave", "密码密码密码密码密码", Role::kBusiness, "Acme"), StatusCode::kOk);
  EXPECT_EQ(code("dave", kPassword, Role::kCitizen), StatusCode::kAlreadyExists);
  auto count = accounts_->CountUsers();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1);
}

TEST_F(AccountsTest, PasswordIsStoredAsArgon2id) {
  MakeAlice();
  auto rows = store_->Query("SELECT password_hash FROM users WHERE username = $1", {"alice"});
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->rows.size(), 1u);
  std::string hash = rows->rows[0].Text(0);
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_TRUE(internal::VerifyPassword(hash, kPassword));
  EXPECT_FALSE(internal::VerifyPassword(hash, "wrong password"));
}

// --- logins and sessions ---

TEST_F(AccountsTest, LoginFailuresLookTheSameForUnknownUsers) {
  MakeAlice();
  double ok_before = Logins("ok");
  double failed_before = Logins("failed");

  auto session = accounts_->Login("alice", kPassword, "192.0.2.1");
  ASSERT_TRUE(session) << session.error().ToString();
  EXPECT_EQ(session->token.size(), 43u);
  EXPECT_EQ(session->csrf_token.size(), 32u);
  EXPECT_EQ(session->user.username, "alice");
  EXPECT_EQ(session->expires_at, clock_.Now() + options_.session_ttl);

  auto wrong = accounts_->Login("alice", "wrong password", "192.0.2.1");
  auto unknown = accounts_->Login("mallory", kPassword, "192.0.2.1");
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.error(), unknown.error());
  EXPECT_EQ(wrong.error().message(), "invalid username or password");

  EXPECT_EQ(Logins("ok") - ok_before, 1);
  EXPECT_EQ(Logins("failed") - failed_before, 2);
}

TEST_F(AccountsTest, LoginIsLimitedPerUsername) {
  MakeAlice();
  double limited_before = Logins("limited");
  for (int i = 0; i < 5; ++i) {
    auto r = accounts_->Login("alice", "wrong password", "198.51.100." + std::to_string(i));
    EXPECT_EQ(r.error().code(), StatusCode::kUnauthenticated);
  }
  // The right password from a fresh address is refused too.
  auto limited = accounts_->Login("alice", kPassword, "203.0.113.9");
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(limited.error().message(), "too many failed logins; try again in 15 minutes");
  EXPECT_EQ(Logins("limited") - limited_before, 1);

  clock_.Advance(minutes(10));
  limited = accounts_->Login("alice", kPassword, "203.0.113.9");
  EXPECT_THAT(limited.error().message(), HasSubstr("try again in 5 minutes"));

  clock_.Advance(minutes(5));
  EXPECT_TRUE(accounts_->Login("alice", kPassword, "203.0.113.9"));
}

TEST_F(AccountsTest, LoginIsLimitedPerRemote) {
  MakeAlice();
  for (int i = 0; i < 5; ++i) {
    auto r = accounts_->Login("user" + std::to_string(i), kPassword, "192.0.2.66");
    EXPECT_EQ(r.error().code(), StatusCode::kUnauthenticated);
  }
  auto limited = accounts_->Login("alice", kPassword, "192.0.2.66");
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(accounts_->Login("alice", kPassword, "192.0.2.67"));

  clock_.Advance(options_.login_window);
  EXPECT_TRUE(accounts_->Login("alice", kPassword, "192.0.2.66"));
}

TEST_F(AccountsTest, SuccessResetsTheUsernameCounter) {
  MakeAlice();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 4; ++i) {
      auto r =
          accounts_->Login("alice", "wrong password", "10.0.0." + std::to_string(round * 10 + i));
      EXPECT_EQ(r.error().code(), StatusCode::kUnauthenticated);
    }
    EXPECT_TRUE(accounts_->Login("alice", kPassword, "10.0.1.1")) << round;
  }
}

TEST_F(AccountsTest, SessionsAreFoundExpireAndEndOnLogout) {
  ASSERT_TRUE(accounts_->CreateOrganisation("Acme", OrgKind::kBusiness));
  ASSERT_TRUE(accounts_->CreateUser("acme-ops", kPassword, Role::kBusiness, "Acme"));
  auto session = accounts_->Login("acme-ops", kPassword, "192.0.2.1");
  ASSERT_TRUE(session);

  auto found = accounts_->FindSession(session->token);
  ASSERT_TRUE(found) << found.error().ToString();
  EXPECT_TRUE(found->token.empty());
  EXPECT_EQ(found->csrf_token, session->csrf_token);
  EXPECT_EQ(found->user.username, "acme-ops");
  EXPECT_EQ(found->user.org_name, "Acme");
  EXPECT_EQ(found->expires_at, session->expires_at);

  // Only the SHA-256 of the token is stored.
  auto rows = store_->Query("SELECT token_hash FROM sessions");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0].Text(0), HexEncode(Sha256(session->token)));

  EXPECT_EQ(accounts_->FindSession("not-a-token").error().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts_->FindSession("").error().code(), StatusCode::kUnauthenticated);

  clock_.Advance(options_.session_ttl - seconds(1));
  EXPECT_TRUE(accounts_->FindSession(session->token));
  clock_.Advance(seconds(1));
  auto expired = accounts_->FindSession(session->token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code(), StatusCode::kUnauthenticated);
  rows = store_->Query("SELECT COUNT(*) FROM sessions");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->rows[0].Int(0), 0);

  auto second = accounts_->Login("acme-ops", kPassword, "192.0.2.1");
  ASSERT_TRUE(second);
  ASSERT_TRUE(accounts_->FindSession(second->token));
  ASSERT_TRUE(accounts_->Logout(second->token).ok());
  EXPECT_EQ(accounts_->FindSession(second->token).error().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(accounts_->Logout(second->token).ok());
}

TEST_F(AccountsTest, LoginPurgesExpiredSessions) {
  MakeAlice();
  ASSERT_TRUE(accounts_->Login("alice", kPassword, ""));
  ASSERT_TRUE(accounts_->Login("alice", kPassword, ""));
  clock_.Advance(options_.session_ttl + minutes(1));
  ASSERT_TRUE(accounts_->Login("alice", kPassword, ""));
  auto rows = store_->Query("SELECT COUNT(*) FROM sessions");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->rows[0].Int(0), 1);
}

TEST_F(AccountsTest, SetPasswordEndsSessions) {
  MakeAlice();
  auto session = accounts_->Login("alice", kPassword, "192.0.2.1");
  ASSERT_TRUE(session);
  EXPECT_EQ(accounts_->SetPassword("alice", "short").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts_->SetPassword("nobody", "a new long password").code(), StatusCode::kNotFound);
  ASSERT_TRUE(accounts_->SetPassword("alice", "a new long password").ok());
  EXPECT_FALSE(accounts_->FindSession(session->token));
  EXPECT_FALSE(accounts_->Login("alice", kPassword, "192.0.2.1"));
  EXPECT_TRUE(accounts_->Login("alice", "a new long password", "192.0.2.1"));
}

TEST_F(AccountsTest, DisabledUsersCannotUseSessionsOrLogIn) {
  MakeAlice();
  auto session = accounts_->Login("alice", kPassword, "192.0.2.1");
  ASSERT_TRUE(session);
  ASSERT_TRUE(store_->Exec("UPDATE users SET disabled = 1 WHERE username = 'alice'"));
  EXPECT_EQ(accounts_->FindSession(session->token).error().code(), StatusCode::kUnauthenticated);
  auto login = accounts_->Login("alice", kPassword, "192.0.2.1");
  ASSERT_FALSE(login);
  EXPECT_EQ(login.error().code(), StatusCode::kUnauthenticated);
  auto user = accounts_->FindUser("alice");
  ASSERT_TRUE(user);
  EXPECT_TRUE(user->disabled);
}

// --- API keys ---

TEST_F(AccountsTest, ApiKeyAuthenticatesAsItsRoleAndOrganisation) {
  NewApiKey key = MakeCarrierKey();
  EXPECT_THAT(key.key, MatchesRegex("qk_[a-z2-7]{12}_[A-Za-z0-9_-]{43}"));
  EXPECT_EQ(key.key.substr(3, 12), key.prefix);

  double ok_before = KeyAuths("ok");
  auto principal = accounts_->AuthenticateKey(key.key);
  ASSERT_TRUE(principal) << principal.error().ToString();
  EXPECT_EQ(principal->kind, Principal::Kind::kApiKey);
  EXPECT_EQ(principal->key_id, key.id);
  EXPECT_EQ(principal->name, "key:" + key.prefix);
  EXPECT_EQ(principal->role, Role::kCarrier);
  auto org = accounts_->FindOrganisation("Carrier A");
  ASSERT_TRUE(org);
  EXPECT_EQ(principal->org_id, org->id);
  EXPECT_EQ(principal->org_name, "Carrier A");
  EXPECT_EQ(KeyAuths("ok") - ok_before, 1);

  // Only the hash of the whole key is stored.
  auto rows = store_->Query("SELECT prefix, key_hash FROM api_keys");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->rows[0].Text(0), key.prefix);
  EXPECT_EQ(rows->rows[0].Text(1), HexEncode(Sha256(key.key)));
}

TEST_F(AccountsTest, CreateApiKeyValidates) {
  ASSERT_TRUE(accounts_->CreateOrganisation("Acme", OrgKind::kBusiness));
  EXPECT_EQ(accounts_->CreateApiKey(Role::kAdmin, "Acme").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateApiKey(Role::kCarrier, "Acme").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateApiKey(Role::kBusiness, "Nowhere").error().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(accounts_->CreateApiKey(Role::kBusiness, "").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateApiKey(Role::kBusiness, "Acme", "x", 1e9).error().code(),
            StatusCode::kInvalidArgument);

  ASSERT_TRUE(accounts_->CreateApiKey(Role::kBusiness, "Acme", "scrubber"));
  ASSERT_TRUE(accounts_->CreateApiKey(Role::kBusiness, "Acme", "slow", 2.5, 7));
  auto keys = accounts_->ListApiKeys();
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].label, "scrubber");
  EXPECT_EQ((*keys)[0].rate_per_second, options_.key_rate_per_second);
  EXPECT_EQ((*keys)[0].burst, options_.key_burst);
  EXPECT_EQ((*keys)[0].org_name, "Acme");
  EXPECT_EQ((*keys)[0].role, Role::kBusiness);
  EXPECT_EQ((*keys)[1].rate_per_second, 2.5);
  EXPECT_EQ((*keys)[1].burst, 7);
  EXPECT_FALSE((*keys)[1].revoked_at);
}

TEST_F(AccountsTest, WrongOrMalformedKeysAreUnauthenticated) {
  NewApiKey key = MakeCarrierKey();
  std::string wrong_secret = key.key;
  wrong_secret.back() = wrong_secret.back() == 'A' ? 'B' : 'A';
  double failed_before = KeyAuths("failed");
  for (const std::string& bad :
       {wrong_secret, std::string("qk_") + key.prefix + "_", std::string("qk_short_x"),
        std::string("Bearer ") + key.key, std::string("qk_aaaaaaaaaaaa_") + RandomToken(32),
        key.key + std::string(200, 'x'), std::string()}) {
    auto r = accounts_->AuthenticateKey(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kUnauthenticated) << bad;
  }
  EXPECT_EQ(KeyAuths("failed") - failed_before, 7);
  // Failed attempts take nothing from the key's own bucket.
  EXPECT_TRUE(accounts_->AuthenticateKey(key.key));
}

TEST_F(AccountsTest, RevokedKeysAreRefusedAtOnce) {
  NewApiKey key = MakeCarrierKey();
  ASSERT_TRUE(accounts_->AuthenticateKey(key.key));
  ASSERT_TRUE(accounts_->RevokeApiKey(key.id).ok());
  auto r = accounts_->AuthenticateKey(key.key);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(r.error().message(), HasSubstr("revoked"));
  EXPECT_TRUE(accounts_->RevokeApiKey(key.id).ok());
  EXPECT_EQ(accounts_->RevokeApiKey(key.id + 100).code(), StatusCode::kNotFound);

  auto keys = accounts_->ListApiKeys();
  ASSERT_TRUE(keys);
  ASSERT_TRUE((*keys)[0].revoked_at);
  EXPECT_EQ(*(*keys)[0].revoked_at, clock_.Now());

  // Still refused after the cache would have been refreshed.
  clock_.Advance(options_.key_cache_ttl + seconds(1));
  EXPECT_FALSE(accounts_->AuthenticateKey(key.key));
  // And by a fresh process, which does not load revoked keys.
  auto other = OpenAccounts(*store_);
  EXPECT_EQ(other->AuthenticateKey(key.key).error().code(), StatusCode::kUnauthenticated);
}

TEST_F(AccountsTest, TokenBucketLimitsEachKey) {
  NewApiKey slow = MakeCarrierKey(/*rate=*/10, /*burst=*/5);
  NewApiKey other = MakeCarrierKey(/*rate=*/10, /*burst=*/5);
  double limited_before = KeyAuths("limited");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(accounts_->AuthenticateKey(slow.key)) << i;
  auto limited = accounts_->AuthenticateKey(slow.key);
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(limited.error().message(), "rate limit exceeded for this API key");
  EXPECT_EQ(KeyAuths("limited") - limited_before, 1);
  EXPECT_TRUE(accounts_->AuthenticateKey(other.key));

  clock_.Advance(milliseconds(100));
  EXPECT_TRUE(accounts_->AuthenticateKey(slow.key));
  EXPECT_FALSE(accounts_->AuthenticateKey(slow.key));
  clock_.Advance(seconds(1));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(accounts_->AuthenticateKey(slow.key)) << i;
  EXPECT_FALSE(accounts_->AuthenticateKey(slow.key));
}

TEST_F(AccountsTest, BucketSurvivesCacheRefresh) {
  NewApiKey key = MakeCarrierKey(/*rate=*/0.001, /*burst=*/3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(accounts_->AuthenticateKey(key.key));
  clock_.Advance(options_.key_cache_ttl + seconds(1));
  EXPECT_EQ(accounts_->AuthenticateKey(key.key).error().code(), StatusCode::kResourceExhausted);
}

TEST_F(AccountsTest, KeysFromAnotherProcessAreSeen) {
  auto cli_store = OpenStore();
  ASSERT_NE(cli_store, nullptr);
  auto cli = OpenAccounts(*cli_store);
  ASSERT_NE(cli, nullptr);
  ASSERT_TRUE(cli->CreateOrganisation("Handset App Co", OrgKind::kAppVendor));
  auto key = cli->CreateApiKey(Role::kApp, "Handset App Co", "android");
  ASSERT_TRUE(key);

  // Created elsewhere: accepted here at once.
  auto principal = accounts_->AuthenticateKey(key->key);
  ASSERT_TRUE(principal) << principal.error().ToString();
  EXPECT_EQ(principal->role, Role::kApp);
  EXPECT_EQ(principal->org_name, "Handset App Co");

  // Revoked elsewhere: seen here once the cached copy is older than the TTL.
  ASSERT_TRUE(cli->RevokeApiKey(key->id).ok());
  EXPECT_TRUE(accounts_->AuthenticateKey(key->key));
  clock_.Advance(options_.key_cache_ttl - seconds(1));
  EXPECT_TRUE(accounts_->AuthenticateKey(key->key));
  clock_.Advance(seconds(1));
  auto revoked = accounts_->AuthenticateKey(key->key);
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code(), StatusCode::kUnauthenticated);
}

TEST_F(AccountsTest, UnknownPrefixesAreRememberedBriefly) {
  ASSERT_TRUE(accounts_->CreateOrganisation("Carrier A", OrgKind::kCarrier));
  const std::string prefix = "abcdefgh2345";
  const std::string key = "qk_" + prefix + "_" + RandomToken(32);
  EXPECT_EQ(accounts_->AuthenticateKey(key).error().code(), StatusCode::kUnauthenticated);

  // The key appears in the store behind this process's back (as the CLI would add it).
  auto org = accounts_->FindOrganisation("Carrier A");
  ASSERT_TRUE(org);
  ASSERT_TRUE(store_->Exec(
      "INSERT INTO api_keys (prefix, key_hash, label, role, org_id, rate_per_second, burst, "
      "created_at) VALUES ($1, $2, '', 'carrier', $3, 100, 100, 0)",
      {prefix, HexEncode(Sha256(key)), org->id}));
  EXPECT_EQ(accounts_->AuthenticateKey(key).error().code(), StatusCode::kUnauthenticated);
  clock_.Advance(options_.key_cache_ttl);
  EXPECT_TRUE(accounts_->AuthenticateKey(key));
}

TEST_F(AccountsTest, FloodOfUnknownPrefixesIsThrottled) {
  constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";
  int unavailable = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string prefix(12, 'a');
    for (int n = i, pos = 11; n > 0; n /= 32, --pos) prefix[pos] = kBase32[n % 32];
    auto r = accounts_->AuthenticateKey("qk_" + prefix + "_" + RandomToken(32));
    ASSERT_FALSE(r);
    if (r.error().code() == StatusCode::kUnavailable) ++unavailable;
  }
  // Past the burst of store look-ups, unknown prefixes are turned away unread.
  EXPECT_GT(unavailable, 500);
  EXPECT_LT(unavailable, 1000);
}

TEST_F(AccountsTest, UsesAreCounted) {
  NewApiKey key = MakeCarrierKey();
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(accounts_->AuthenticateKey(key.key));
  auto keys = accounts_->ListApiKeys();
  ASSERT_TRUE(keys);
  EXPECT_EQ((*keys)[0].uses, 7);

  // Counted in another process, written when it shuts down.
  {
    auto other = OpenAccounts(*store_);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(other->AuthenticateKey(key.key));
  }
  keys = accounts_->ListApiKeys();
  ASSERT_TRUE(keys);
  EXPECT_EQ((*keys)[0].uses, 10);

  // Never written on the request path; written by Maintain().
  ASSERT_TRUE(accounts_->AuthenticateKey(key.key));
  clock_.Advance(seconds(6));
  ASSERT_TRUE(accounts_->AuthenticateKey(key.key));
  auto rows = store_->Query("SELECT uses, last_used_at FROM api_keys WHERE id = $1", {key.id});
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->rows[0].Int(0), 10);
  ASSERT_TRUE(accounts_->Maintain().ok());
  rows = store_->Query("SELECT uses, last_used_at FROM api_keys WHERE id = $1", {key.id});
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->rows[0].Int(0), 12);
  EXPECT_EQ(rows->rows[0].Int(1), ToUnixMillis(clock_.Now()));
}

TEST_F(AccountsTest, ConcurrentAuthenticationsOfOneKey) {
  NewApiKey key = MakeCarrierKey(/*rate=*/1e6, /*burst=*/1'000'000'000);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10'000;
  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  // Time moves meanwhile, so refreshes and flushes race with the checks.
  std::thread ticker([&] {
    while (!done.load()) {
      clock_.Advance(seconds(1));
      std::this_thread::sleep_for(milliseconds(1));
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        auto principal = accounts_->AuthenticateKey(key.key);
        if (!principal || principal->key_id != key.id) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  done = true;
  ticker.join();
  EXPECT_EQ(failures.load(), 0);
  auto keys = accounts_->ListApiKeys();
  ASSERT_TRUE(keys);
  EXPECT_EQ((*keys)[0].uses, kThreads * kPerThread);
}

// --- audit ---

TEST_F(AccountsTest, AuditIsListedNewestFirstInPages) {
  Principal admin;
  admin.user_id = 1;
  admin.name = "root";
  admin.role = Role::kAdmin;
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(
        accounts_
            ->Audit(admin, "user.create", "user:" + std::to_string(i), "{\"n\":1}", "192.0.2.1")
            .ok());
    clock_.Advance(seconds(1));
  }
  ASSERT_TRUE(accounts_->Audit(Principal{}, "key.revoke", "key:3", "", "").ok());
  EXPECT_EQ(accounts_->Audit(admin, "", "x", "", "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts_->ListAudit(0).error().code(), StatusCode::kInvalidArgument);

  auto page = accounts_->ListAudit(2);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].actor, "system");
  EXPECT_EQ((*page)[0].action, "key.revoke");
  EXPECT_EQ((*page)[1].target, "user:5");
  EXPECT_EQ((*page)[1].actor, "root");
  EXPECT_EQ((*page)[1].detail, "{\"n\":1}");
  EXPECT_EQ((*page)[1].remote, "192.0.2.1");
  EXPECT_EQ((*page)[0].at - (*page)[1].at, seconds(1));

  std::vector<std::string> targets;
  int64_t before = page->back().id;
  while (true) {
    auto next = accounts_->ListAudit(2, before);
    ASSERT_TRUE(next);
    if (next->empty()) break;
    for (const AuditEntry& e : *next) {
      EXPECT_LT(e.id, before);
      targets.push_back(e.target);
    }
    before = next->back().id;
  }
  EXPECT_THAT(targets, ::testing::ElementsAre("user:4", "user:3", "user:2", "user:1"));
}

}  // namespace
}  // namespace quell::access
