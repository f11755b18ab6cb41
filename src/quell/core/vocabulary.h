// The one vocabulary of Quell (DESIGN.md "One vocabulary"): call categories,
// nuisance kinds, user roles and organisation kinds — defined once here and
// translated once here, in English and Simplified Chinese. The portal gets its
// labels from GET /api/v1/vocabulary, never from a copy of its own.
//
// Each enum has a stable machine name ("real_estate") used in REST, config and the
// store, and labels for people. Parse*() accepts only the machine name.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>

namespace quell {

enum class Lang { kEn, kZh };

enum class Category {
  kFinance,
  kInsurance,
  kRealEstate,
  kEducation,
  kHealth,
  kFood,
  kTelecom,
  kRecruitment,
  kTravel,
  kOther,
};

enum class NuisanceKind {
  kMarketing,
  kRobocall,
  kFraud,
  kHarassment,
  kCallBombing,
  kOneRing,
  kSimBox,
  kSpoofing,
};

enum class Role {
  kCitizen,
  kBusiness,
  kCarrier,
  kApp,
  kDataController,
  kAnalyst,
  kAdmin,
};

enum class OrgKind {
  kCarrier,
  kBusiness,
  kAppVendor,
  kAgency,
  kDataController,
};

// One term: its machine name and its labels.
struct Term {
  std::string_view name;
  std::string_view en;
  std::string_view zh;
  std::string_view Label(Lang lang) const { return lang == Lang::kZh ? zh : en; }
};

// All terms of each kind, in enum order (index == static_cast<int>(value)).
std::span<const Term> Categories();
std::span<const Term> NuisanceKinds();
std::span<const Term> Roles();
std::span<const Term> OrgKinds();

const Term& TermOf(Category c);
const Term& TermOf(NuisanceKind k);
const Term& TermOf(Role r);
const Term& TermOf(OrgKind o);

std::string_view Name(Category c);
std::string_view Name(NuisanceKind k);
std::string_view Name(Role r);
std::string_view Name(OrgKind o);

std::optional<Category> ParseCategory(std::string_view name);
std::optional<NuisanceKind> ParseNuisanceKind(std::string_view name);
std::optional<Role> ParseRole(std::string_view name);
std::optional<OrgKind> ParseOrgKind(std::string_view name);

// The organisation kind a role with an organisation belongs to, if any
// (carrier -> carrier, business -> business, app -> app vendor, analyst -> agency,
// data controller -> data controller). Citizens and admins need no organisation.
std::optional<OrgKind> OrgKindForRole(Role r);

}  // namespace quell
