#include "quell/shaken/tn_ownership.h"

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quell/store/store.h"

namespace quell::shaken {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kOrg[] = "carrier-1";
constexpr char kOtherOrg[] = "carrier-2";

class TnOwnershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "quell_tn_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    Reopen();
    ASSERT_NE(tn_, nullptr);
  }

  void TearDown() override {
    tn_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Reopen() {
    tn_.reset();
    store_.reset();
    auto store = store::Store::Open({.path = dir_ + "/quell.db"});
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto tn = TnOwnership::Open(*store_, clock_);
    ASSERT_TRUE(tn) << tn.error().ToString();
    tn_ = std::move(*tn);
  }

  void MakeCustomer(std::string_view org, std::string id,
                    CustomerKind kind = CustomerKind::kCustomer) {
    auto c = tn_->CreateCustomer(org, {.id = id, .name = "Customer " + id, .kind = kind});
    ASSERT_TRUE(c) << c.error().ToString();
  }

  void AddRange(std::string_view org, std::string_view customer, std::string first,
                std::string last = "") {
    auto r = tn_->AddRange(org, customer, {.first = first, .last = last});
    ASSERT_TRUE(r) << r.error().ToString();
  }

  Attestation Level(std::string_view customer, std::string_view tn,
                    std::string_view org = kOrg) const {
    return tn_->Attest(org, customer, tn).level;
  }

  // acme (customer): 8613800138000-8613800138999; beta (customer): 8613900139000;
  // gw (gateway): 8613700137000-8613700137099.
  void MakeStandardCarrier() {
    MakeCustomer(kOrg, "acme");
    MakeCustomer(kOrg, "beta");
    MakeCustomer(kOrg, "gw", CustomerKind::kGateway);
    AddRange(kOrg, "acme", "8613800138000", "8613800138999");
    AddRange(kOrg, "beta", "+86-139-0013-9000");
    AddRange(kOrg, "gw", "8613700137000", "8613700137099");
  }

  FakeClock clock_;
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<TnOwnership> tn_;
};

// --- attestation ------------------------------------------------------------

TEST_F(TnOwnershipTest, AttestationTable) {
  MakeStandardCarrier();
  struct Case {
    const char* customer;
    const char* tn;
    Attestation want;
    const char* reason_part;
  };
  const Case cases[] = {
      {"acme", "8613800138000", Attestation::kFull, "holds the calling number"},
      {"acme", "+86-138-0013-8999", Attestation::kFull, "range 8613800138000-8613800138999"},
      {"acme", "8613800138500", Attestation::kFull, "holds"},
      {"acme", "8613800137999", Attestation::kPartial, "not registered to any customer"},
      {"acme", "8613800139000", Attestation::kPartial, "not registered to any customer"},
      {"acme", "8613900139000", Attestation::kPartial, "belongs to another customer"},
      {"acme", "8613700137050", Attestation::kPartial, "belongs to another customer"},
      {"acme", "12155551212", Attestation::kPartial, "not registered"},
      {"acme", "abc", Attestation::kPartial, "not an E.164 number"},
      {"acme", "08613800138000", Attestation::kPartial, "not an E.164 number"},
      {"acme", "8613800138000#", Attestation::kPartial, "not an E.164 number"},
      {"beta", "8613900139000", Attestation::kFull, "holds"},
      {"beta", "8613900139001", Attestation::kPartial, "not registered"},
      {"beta", "8613800138000", Attestation::kPartial, "another customer"},
      {"gw", "8613700137000", Attestation::kGateway, "gateway"},
      {"gw", "8613800138000", Attestation::kGateway, "gateway"},
      {"", "8613800138000", Attestation::kGateway, "no authenticated customer"},
      {"nobody", "8613800138000", Attestation::kGateway, "not registered with this carrier"},
      {"ACME", "8613800138000", Attestation::kGateway, "not registered"},  // ids are exact
  };
  for (const Case& c : cases) {
    AttestationDecision d = tn_->Attest(kOrg, c.customer, c.tn);
    EXPECT_EQ(d.level, c.want) << c.customer << " " << c.tn << ": " << d.reason;
    EXPECT_THAT(d.reason, HasSubstr(c.reason_part)) << c.customer << " " << c.tn;
    EXPECT_FALSE(d.requested.has_value());
    EXPECT_FALSE(d.request_downgraded);
  }
  EXPECT_EQ(tn_->FindOwner(kOrg, "8613800138999"), "acme");
  EXPECT_EQ(tn_->FindOwner(kOrg, "8613900139000"), "beta");
  EXPECT_EQ(tn_->FindOwner(kOrg, "8613900139001"), std::nullopt);
  EXPECT_EQ(tn_->FindOwner(kOtherOrg, "8613800138000"), std::nullopt);
}

TEST_F(TnOwnershipTest, UnknownOrgIsGatewayAttestation) {
  AttestationDecision d = tn_->Attest("no-such-carrier", "acme", "8613800138000");
  EXPECT_EQ(d.level, Attestation::kGateway);
  EXPECT_THAT(d.reason, HasSubstr("not registered with this carrier"));
}

TEST_F(TnOwnershipTest, RequestedAttestationOnlyLowers) {
  MakeStandardCarrier();
  // Computed A.
  AttestationDecision d = tn_->Attest(kOrg, "acme", "8613800138000", Attestation::kPartial);
  EXPECT_EQ(d.level, Attestation::kPartial);
  EXPECT_EQ(d.requested, Attestation::kPartial);
  EXPECT_FALSE(d.request_downgraded);
  EXPECT_THAT(d.reason, HasSubstr("lowered from A to B as requested"));
  EXPECT_EQ(tn_->Attest(kOrg, "acme", "8613800138000", Attestation::kGateway).level,
            Attestation::kGateway);
  d = tn_->Attest(kOrg, "acme", "8613800138000", Attestation::kFull);
  EXPECT_EQ(d.level, Attestation::kFull);
  EXPECT_FALSE(d.request_downgraded);
  EXPECT_THAT(d.reason, Not(HasSubstr("requested")));
  // Computed B: a request for A is downgraded, and the reason says so.
  d = tn_->Attest(kOrg, "acme", "8613900139000", Attestation::kFull);
  EXPECT_EQ(d.level, Attestation::kPartial);
  EXPECT_EQ(d.requested, Attestation::kFull);
  EXPECT_TRUE(d.request_downgraded);
  EXPECT_THAT(d.reason, HasSubstr("requested A was downgraded to B"));
  // Computed C: neither A nor B raises it.
  d = tn_->Attest(kOrg, "", "8613800138000", Attestation::kFull);
  EXPECT_EQ(d.level, Attestation::kGateway);
  EXPECT_TRUE(d.request_downgraded);
  d = tn_->Attest(kOrg, "gw", "8613700137000", Attestation::kPartial);
  EXPECT_EQ(d.level, Attestation::kGateway);
  EXPECT_TRUE(d.request_downgraded);
  // kNone is no request.
  d = tn_->Attest(kOrg, "acme", "8613800138000", Attestation::kNone);
  EXPECT_EQ(d.level, Attestation::kFull);
  EXPECT_FALSE(d.requested.has_value());
}

TEST(TnOwnershipDecideTest, LowerOfRequestedAndComputed) {
  const Attestation levels[] = {Attestation::kFull, Attestation::kPartial, Attestation::kGateway};
  for (Attestation computed : levels) {
    for (Attestation requested : levels) {
      AttestationDecision d = Decide(requested, {computed, "why"});
      const Attestation lower =
          static_cast<char>(computed) > static_cast<char>(requested) ? computed : requested;
      EXPECT_EQ(d.level, lower);
      EXPECT_EQ(d.request_downgraded, static_cast<char>(requested) < static_cast<char>(computed));
      EXPECT_THAT(d.reason, HasSubstr("why"));
    }
  }
  AttestationDecision d = Decide(std::nullopt, {Attestation::kPartial, "why"});
  EXPECT_EQ(d.level, Attestation::kPartial);
  EXPECT_EQ(d.reason, "why");
}

TEST(TnOwnershipParseTest, E164Compact) {
  EXPECT_EQ(ParseE164Compact("8613800138000"), 8613800138000u);
  EXPECT_EQ(ParseE164Compact("+86-138-0013-8000"), 8613800138000u);
  EXPECT_EQ(ParseE164Compact("+1 (215) 555-1212"), std::nullopt);  // space
  EXPECT_EQ(ParseE164Compact("1"), 1u);
  EXPECT_EQ(ParseE164Compact("999999999999999"), 999999999999999u);
  EXPECT_EQ(ParseE164Compact("1000000000000000"), std::nullopt);  // 16 digits
  EXPECT_EQ(ParseE164Compact("0123"), std::nullopt);
  EXPECT_EQ(ParseE164Compact(""), std::nullopt);
  EXPECT_EQ(ParseE164Compact("+"), std::nullopt);
  EXPECT_EQ(ParseE164Compact("12+3"), std::nullopt);
  EXPECT_EQ(ParseE164Compact("123*"), std::nullopt);
}

// --- ranges -----------------------------------------------------------------

TEST_F(TnOwnershipTest, RangeEdgesAndAdjacentRanges) {
  MakeCustomer(kOrg, "acme");
  MakeCustomer(kOrg, "beta");
  AddRange(kOrg, "acme", "12155550100", "12155550199");
  // Adjacent on both sides, held by another customer: allowed.
  AddRange(kOrg, "beta", "12155550200", "12155550299");
  AddRange(kOrg, "beta", "12155550099");
  EXPECT_EQ(Level("acme", "12155550099"), Attestation::kPartial);
  EXPECT_EQ(Level("acme", "12155550100"), Attestation::kFull);
  EXPECT_EQ(Level("acme", "12155550199"), Attestation::kFull);
  EXPECT_EQ(Level("acme", "12155550200"), Attestation::kPartial);
  EXPECT_EQ(Level("beta", "12155550099"), Attestation::kFull);
  EXPECT_EQ(Level("beta", "12155550200"), Attestation::kFull);
  EXPECT_EQ(Level("beta", "12155550299"), Attestation::kFull);
  EXPECT_EQ(Level("beta", "12155550300"), Attestation::kPartial);
  // The shortest and longest E.164 numbers.
  AddRange(kOrg, "acme", "1");
  AddRange(kOrg, "acme", "999999999999990", "999999999999999");
  EXPECT_EQ(Level("acme", "1"), Attestation::kFull);
  EXPECT_EQ(Level("acme", "2"), Attestation::kPartial);
  EXPECT_EQ(Level("acme", "999999999999999"), Attestation::kFull);
  // A range of exactly kMaxRangeNumbers numbers.
  AddRange(kOrg, "acme", "8613800000000", "8613899999999");
  EXPECT_EQ(Level("acme", "8613855555555"), Attestation::kFull);
}

TEST_F(TnOwnershipTest, MalformedRangesAreRefused) {
  MakeCustomer(kOrg, "acme");
  struct Case {
    const char* first;
    const char* last;
    const char* message_part;
  };
  const Case cases[] = {
      {"12155550100", "1215555010", "same number of digits (11 and 10)"},
      {"12155550199", "12155550100", "first is greater than last"},
      {"8613800000000", "8613900000000", "at most 100000000 (10^8) per range"},
      {"012155550100", "", "starts with 0"},
      {"1215555*100", "", "'*' or '#'"},
      {"1234567890123456", "", "has 16 digits"},
      {"", "", "has no digits"},
      {"+1 215 555 0100", "", "is not a digit"},
      {"12155550100", "abc", "is not a digit"},
  };
  for (const Case& c : cases) {
    auto r = tn_->AddRange(kOrg, "acme", {.first = c.first, .last = c.last});
    ASSERT_FALSE(r) << c.first << " " << c.last;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument) << r.error().ToString();
    EXPECT_THAT(r.error().message(), HasSubstr(c.message_part)) << c.first;
  }
  auto r = tn_->AddRange(kOrg, "acme", {.first = "12155550100", .note = "bad\nnote"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  auto none = tn_->AddRanges(kOrg, "acme", {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), StatusCode::kInvalidArgument);
  auto missing = tn_->AddRange(kOrg, "nobody", {.first = "12155550100"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.error().message(), HasSubstr("has no customer \"nobody\""));
  auto page = tn_->ListRanges(kOrg, "acme");
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->ranges.empty());
}

TEST_F(TnOwnershipTest, OverlappingRangesAreRefusedNamingTheHolder) {
  MakeCustomer(kOrg, "acme");
  MakeCustomer(kOrg, "beta");
  AddRange(kOrg, "acme", "12155550100", "12155550199");
  struct Case {
    const char* customer;
    const char* first;
    const char* last;
    const char* holder;
  };
  const Case cases[] = {
      {"beta", "12155550100", "12155550100", "customer \"acme\""},  // first number
      {"beta", "12155550199", "", "customer \"acme\""},             // last number
      {"beta", "12155550050", "12155550100", "customer \"acme\""},  // overlaps the start
      {"beta", "12155550199", "12155550250", "customer \"acme\""},  // overlaps the end
      {"beta", "12155550000", "12155550999", "customer \"acme\""},  // contains it
      {"beta", "12155550150", "12155550160", "customer \"acme\""},  // inside it
      {"acme", "12155550150", "", "this customer"},                 // the same customer
  };
  for (const Case& c : cases) {
    auto r = tn_->AddRange(kOrg, c.customer, {.first = c.first, .last = c.last});
    ASSERT_FALSE(r) << c.first << "-" << c.last;
    EXPECT_EQ(r.error().code(), StatusCode::kAlreadyExists);
    EXPECT_THAT(r.error().message(),
                HasSubstr("overlaps 12155550100-12155550199, held by " + std::string(c.holder)));
  }
  EXPECT_EQ(Level("beta", "12155550150"), Attestation::kPartial);

  // A batch is all or nothing; an overlap inside the batch is named by position.
  auto batch = tn_->AddRanges(kOrg, "beta",
                              {{.first = "12155550300"},
                               {.first = "12155550400", .last = "12155550499"},
                               {.first = "12155550450"}});
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(batch.error().message(), HasSubstr("ranges #2 and #3 of this request overlap"));
  batch = tn_->AddRanges(kOrg, "beta", {{.first = "12155550300"}, {.first = "12155550150"}});
  ASSERT_FALSE(batch);
  EXPECT_THAT(batch.error().message(), HasSubstr("range #2: 12155550150 overlaps"));
  batch = tn_->AddRanges(kOrg, "beta", {{.first = "12155550300"}, {.first = "x"}});
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(batch.error().message(), HasSubstr("range #2: "));
  EXPECT_EQ(Level("beta", "12155550300"), Attestation::kPartial);
  auto page = tn_->ListRanges(kOrg, "beta");
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->ranges.empty());

  batch = tn_->AddRanges(kOrg, "beta",
                         {{.first = "12155550300", .note = "main line"},
                          {.first = "12155550200", .last = "12155550299"}});
  ASSERT_TRUE(batch) << batch.error().ToString();
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ((*batch)[0].first, "12155550300");
  EXPECT_EQ((*batch)[0].note, "main line");
  EXPECT_EQ((*batch)[1].size(), 100u);
  EXPECT_EQ(Level("beta", "12155550300"), Attestation::kFull);
  EXPECT_EQ(Level("beta", "12155550250"), Attestation::kFull);
}

TEST_F(TnOwnershipTest, RemoveRangeRemovesWholeRangesOnly) {
  MakeCustomer(kOrg, "acme");
  MakeCustomer(kOrg, "beta");
  AddRange(kOrg, "acme", "12155550100", "12155550199");
  AddRange(kOrg, "acme", "12155550300");
  Status s = tn_->RemoveRange(kOrg, "acme", "12155550100", "12155550149");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("its range 12155550100-12155550199 contains that number"));
  s = tn_->RemoveRange(kOrg, "beta", "12155550100", "12155550199");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), Not(HasSubstr("contains")));
  EXPECT_EQ(tn_->RemoveRange(kOrg, "nobody", "12155550100").code(), StatusCode::kNotFound);
  EXPECT_EQ(tn_->RemoveRange(kOrg, "acme", "bad").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Level("acme", "12155550150"), Attestation::kFull);

  ASSERT_TRUE(tn_->RemoveRange(kOrg, "acme", "+1-215-555-0100", "12155550199").ok());
  EXPECT_EQ(Level("acme", "12155550150"), Attestation::kPartial);
  ASSERT_TRUE(tn_->RemoveRange(kOrg, "acme", "12155550300").ok());
  EXPECT_EQ(Level("acme", "12155550300"), Attestation::kPartial);
  // The numbers are free again.
  AddRange(kOrg, "beta", "12155550100", "12155550399");
  EXPECT_EQ(Level("beta", "12155550300"), Attestation::kFull);
}

TEST_F(TnOwnershipTest, ListRangesPages) {
  MakeCustomer(kOrg, "acme");
  std::vector<RangeSpec> specs;
  for (int i = 9; i >= 0; --i) specs.push_back({.first = std::to_string(12155550100 + i * 10)});
  ASSERT_TRUE(tn_->AddRanges(kOrg, "acme", specs));
  std::vector<std::string> seen;
  ListOptions options{.page_size = 4};
  for (int pages = 1;; ++pages) {
    auto page = tn_->ListRanges(kOrg, "acme", options);
    ASSERT_TRUE(page) << page.error().ToString();
    for (const auto& r : page->ranges) seen.push_back(r.first);
    if (page->next_page_token.empty()) {
      EXPECT_EQ(pages, 3);
      break;
    }
    options.page_token = page->next_page_token;
  }
  ASSERT_EQ(seen.size(), 10u);
  EXPECT_EQ(seen.front(), "12155550100");
  EXPECT_EQ(seen.back(), "12155550190");
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(tn_->ListRanges(kOrg, "acme", {.page_token = "x"}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(tn_->ListRanges(kOrg, "nobody").error().code(), StatusCode::kNotFound);
}

// --- customers --------------------------------------------------------------

TEST_F(TnOwnershipTest, CustomerLifecycle) {
  clock_.Set(FromUnixMillis(1'800'000'000'000));
  auto created = tn_->CreateCustomer(kOrg, {.id = "acme-callcentre", .name = "ACME 呼叫中心"});
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(created->kind, CustomerKind::kCustomer);
  EXPECT_EQ(created->created_at, FromUnixMillis(1'800'000'000'000));

  auto dup = tn_->CreateCustomer(kOrg, {.id = "acme-callcentre", .name = "Other"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(dup.error().message(), HasSubstr("already has a customer \"acme-callcentre\""));

  for (const char* bad_id : {"", "-acme", "acme corp", "acme/x", "a\n"}) {
    auto r = tn_->CreateCustomer(kOrg, {.id = bad_id, .name = "x"});
    ASSERT_FALSE(r) << bad_id;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument) << bad_id;
  }
  EXPECT_EQ(tn_->CreateCustomer(kOrg, {.id = "x", .name = ""}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(tn_->CreateCustomer(kOrg, {.id = "x", .name = " padded"}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(tn_->CreateCustomer("", {.id = "x", .name = "X"}).error().code(),
            StatusCode::kInvalidArgument);

  AddRange(kOrg, "acme-callcentre", "8613800138000");
  EXPECT_EQ(Level("acme-callcentre", "8613800138000"), Attestation::kFull);

  clock_.Advance(std::chrono::hours(1));
  auto updated = tn_->UpdateCustomer(kOrg, "acme-callcentre", {.kind = CustomerKind::kGateway});
  ASSERT_TRUE(updated) << updated.error().ToString();
  EXPECT_EQ(updated->name, "ACME 呼叫中心");
  EXPECT_EQ(updated->kind, CustomerKind::kGateway);
  EXPECT_EQ(updated->updated_at, FromUnixMillis(1'800'000'000'000 + 3'600'000));
  EXPECT_EQ(Level("acme-callcentre", "8613800138000"), Attestation::kGateway);

  updated = tn_->UpdateCustomer(kOrg, "acme-callcentre",
                                {.name = "ACME", .kind = CustomerKind::kCustomer});
  ASSERT_TRUE(updated);
  EXPECT_EQ(Level("acme-callcentre", "8613800138000"), Attestation::kFull);
  auto got = tn_->GetCustomer(kOrg, "acme-callcentre");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "ACME");
  EXPECT_EQ(got->created_at, FromUnixMillis(1'800'000'000'000));

  EXPECT_EQ(tn_->UpdateCustomer(kOrg, "acme-callcentre", {}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(tn_->UpdateCustomer(kOrg, "nobody", {.name = "N"}).error().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(tn_->GetCustomer(kOrg, "nobody").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(tn_->DeleteCustomer(kOrg, "nobody").code(), StatusCode::kNotFound);
}

TEST_F(TnOwnershipTest, ListCustomersPages) {
  for (const char* id : {"e", "a", "d", "b", "c"}) MakeCustomer(kOrg, id);
  MakeCustomer(kOtherOrg, "zz");
  std::string ids;
  ListOptions options{.page_size = 2};
  int pages = 0;
  for (;;) {
    auto page = tn_->ListCustomers(kOrg, options);
    ASSERT_TRUE(page) << page.error().ToString();
    ++pages;
    for (const auto& c : page->customers) ids += c.id;
    if (page->next_page_token.empty()) break;
    options.page_token = page->next_page_token;
  }
  EXPECT_EQ(ids, "abcde");
  EXPECT_EQ(pages, 3);
  auto all = tn_->ListCustomers(kOrg);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->customers.size(), 5u);
  EXPECT_TRUE(all->next_page_token.empty());
  EXPECT_EQ(tn_->ListCustomers(kOrg, {.page_size = 0}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(tn_->ListCustomers(kOrg, {.page_size = kMaxPageSize + 1}).error().code(),
            StatusCode::kInvalidArgument);
  auto none = tn_->ListCustomers("carrier-without-customers");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->customers.empty());
}

TEST_F(TnOwnershipTest, DeleteCustomerRemovesItsRanges) {
  MakeCustomer(kOrg, "acme");
  MakeCustomer(kOrg, "beta");
  MakeCustomer(kOrg, "gamma");
  AddRange(kOrg, "acme", "12155550100", "12155550199");
  AddRange(kOrg, "beta", "12155550200", "12155550299");
  AddRange(kOrg, "gamma", "12155550300", "12155550399");
  AddRange(kOrg, "gamma", "12155550050");

  ASSERT_TRUE(tn_->DeleteCustomer(kOrg, "acme").ok());
  EXPECT_EQ(Level("acme", "12155550150"), Attestation::kGateway);
  EXPECT_EQ(tn_->FindOwner(kOrg, "12155550150"), std::nullopt);
  // The others keep their numbers (the index moved a customer into the freed slot).
  EXPECT_EQ(Level("beta", "12155550250"), Attestation::kFull);
  EXPECT_EQ(Level("gamma", "12155550350"), Attestation::kFull);
  EXPECT_EQ(Level("gamma", "12155550050"), Attestation::kFull);
  EXPECT_EQ(tn_->FindOwner(kOrg, "12155550399"), "gamma");
  EXPECT_EQ(tn_->ListRanges(kOrg, "acme").error().code(), StatusCode::kNotFound);

  // Its numbers are free for another customer, and a new "acme" starts empty.
  AddRange(kOrg, "beta", "12155550100", "12155550199");
  MakeCustomer(kOrg, "acme");
  EXPECT_EQ(Level("acme", "12155550150"), Attestation::kPartial);
  EXPECT_EQ(Level("beta", "12155550150"), Attestation::kFull);

  Reopen();
  EXPECT_EQ(Level("beta", "12155550150"), Attestation::kFull);
  EXPECT_EQ(Level("acme", "12155550150"), Attestation::kPartial);
  auto acme = tn_->ListRanges(kOrg, "acme");
  ASSERT_TRUE(acme);
  EXPECT_TRUE(acme->ranges.empty());
  EXPECT_EQ(Level("gamma", "12155550050"), Attestation::kFull);
}

// --- persistence, tenants, concurrency --------------------------------------

TEST_F(TnOwnershipTest, IndexIsRebuiltOnReopen) {
  MakeStandardCarrier();
  MakeCustomer(kOtherOrg, "acme");
  AddRange(kOtherOrg, "acme", "4930123456");
  Reopen();
  EXPECT_EQ(Level("acme", "8613800138000"), Attestation::kFull);
  EXPECT_EQ(Level("acme", "8613800138999"), Attestation::kFull);
  EXPECT_EQ(Level("acme", "8613800139000"), Attestation::kPartial);
  EXPECT_EQ(Level("beta", "8613900139000"), Attestation::kFull);
  EXPECT_EQ(Level("gw", "8613700137000"), Attestation::kGateway);
  EXPECT_EQ(Level("acme", "4930123456", kOtherOrg), Attestation::kFull);
  auto beta = tn_->ListRanges(kOrg, "beta");
  ASSERT_TRUE(beta);
  ASSERT_EQ(beta->ranges.size(), 1u);
  EXPECT_EQ(beta->ranges[0].first, "8613900139000");
  EXPECT_EQ(beta->ranges[0].last, "8613900139000");
  // The overlap check still holds after a restart.
  auto r = tn_->AddRange(kOrg, "beta", {.first = "8613800138500"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kAlreadyExists);
}

TEST_F(TnOwnershipTest, ReloadSeesChangesOfAnotherProcess) {
  MakeCustomer(kOrg, "acme");
  // A second TnOwnership on the same store stands for the CLI.
  auto cli = TnOwnership::Open(*store_, clock_);
  ASSERT_TRUE(cli);
  ASSERT_TRUE((*cli)->AddRange(kOrg, "acme", {.first = "12155550100"}));
  EXPECT_EQ(Level("acme", "12155550100"), Attestation::kPartial);  // not yet seen
  ASSERT_TRUE(tn_->Reload().ok());
  EXPECT_EQ(Level("acme", "12155550100"), Attestation::kFull);
  // The store, not the stale index, decides overlaps.
  auto r = (*cli)->AddRange(kOrg, "acme", {.first = "12155550100"});
  EXPECT_EQ(r.error().code(), StatusCode::kAlreadyExists);
  // A customer made elsewhere is taken from the store when this process adds to it.
  ASSERT_TRUE((*cli)->CreateCustomer(kOrg, {.id = "cli-made", .name = "From the CLI"}));
  AddRange(kOrg, "cli-made", "12155550200");
  EXPECT_EQ(Level("cli-made", "12155550200"), Attestation::kFull);
}

TEST_F(TnOwnershipTest, CarriersAreIsolated) {
  MakeCustomer(kOrg, "acme");
  MakeCustomer(kOtherOrg, "acme");
  MakeCustomer(kOtherOrg, "zeta");
  AddRange(kOrg, "acme", "12155550100", "12155550199");
  // The same numbers may belong to a customer of another carrier.
  AddRange(kOtherOrg, "zeta", "12155550100", "12155550199");
  EXPECT_EQ(Level("acme", "12155550150", kOrg), Attestation::kFull);
  EXPECT_EQ(Level("acme", "12155550150", kOtherOrg), Attestation::kPartial);
  EXPECT_EQ(Level("zeta", "12155550150", kOtherOrg), Attestation::kFull);
  EXPECT_EQ(Level("zeta", "12155550150", kOrg), Attestation::kGateway);
  EXPECT_EQ(tn_->FindOwner(kOtherOrg, "12155550150"), "zeta");

  ASSERT_TRUE(tn_->DeleteCustomer(kOtherOrg, "acme").ok());
  EXPECT_EQ(Level("acme", "12155550150", kOrg), Attestation::kFull);
  auto list = tn_->ListCustomers(kOrg);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->customers.size(), 1u);
  EXPECT_EQ(list->customers[0].org_id, kOrg);
  EXPECT_EQ(tn_->GetCustomer(kOrg, "zeta").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(tn_->RemoveRange(kOrg, "acme", "12155550100", "12155550199").ok(), true);
  EXPECT_EQ(Level("zeta", "12155550150", kOtherOrg), Attestation::kFull);
}

TEST_F(TnOwnershipTest, AttestDuringMutations) {
  MakeCustomer(kOrg, "acme");
  AddRange(kOrg, "acme", "12155550000");
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        if (tn_->Attest(kOrg, "acme", "12155550000").level != Attestation::kFull) ++wrong;
      }
    });
  }
  for (int i = 1; i <= 30; ++i) {
    AddRange(kOrg, "acme", std::to_string(12155550000 + i));
    if (i % 3 == 0) {
      ASSERT_TRUE(tn_->RemoveRange(kOrg, "acme", std::to_string(12155550000 + i)).ok());
    }
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(wrong.load(), 0);
  auto page = tn_->ListRanges(kOrg, "acme");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->ranges.size(), 21u);
}

}  // namespace
}  // namespace quell::shaken
