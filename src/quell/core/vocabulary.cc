#include "quell/core/vocabulary.h"

namespace quell {
namespace {

constexpr Term kCategories[] = {
    {"finance", "Finance", "金融理财"},
    {"insurance", "Insurance", "保险"},
    {"real_estate", "Real estate", "房产"},
    {"education", "Education and training", "教育培训"},
    {"health", "Health and medicine", "医疗健康"},
    {"food", "Food", "食品"},
    {"telecom", "Telecom", "通信业务"},
    {"recruitment", "Recruitment", "招聘"},
    {"travel", "Travel", "旅游"},
    {"other", "Other", "其他"},
};

constexpr Term kNuisanceKinds[] = {
    {"marketing", "Marketing", "营销推销"},
    {"robocall", "Robocall", "机器人外呼"},
    {"fraud", "Fraud", "诈骗"},
    {"harassment", "Harassment", "骚扰"},
    {"call_bombing", "Call bombing", "呼死你"},
    {"one_ring", "One-ring scam", "响一声"},
    {"sim_box", "SIM box", "猫池"},
    {"spoofing", "Caller-ID spoofing", "改号"},
};

constexpr Term kRoles[] = {
    {"citizen", "Citizen", "公众用户"},
    {"business", "Business", "企业"},
    {"carrier", "Carrier", "电信运营商"},
    {"app", "Phone app", "手机应用"},
    {"data_controller", "Data controller", "数据控制者"},
    {"analyst", "Analyst", "监管分析员"},
    {"admin", "Administrator", "系统管理员"},
};

constexpr Term kOrgKinds[] = {
    {"carrier", "Carrier", "电信运营商"},
    {"business", "Business", "企业"},
    {"app_vendor", "App vendor", "应用开发商"},
    {"agency", "Agency", "监管机构"},
    {"data_controller", "Data controller", "数据控制者"},
};

template <typename E, std::size_t N>
std::optional<E> ParseIn(const Term (&terms)[N], std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (terms[i].name == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::span<const Term> Categories() { return kCategories; }
std::span<const Term> NuisanceKinds() { return kNuisanceKinds; }
std::span<const Term> Roles() { return kRoles; }
std::span<const Term> OrgKinds() { return kOrgKinds; }

const Term& TermOf(Category c) { return kCategories[static_cast<int>(c)]; }
const Term& TermOf(NuisanceKind k) { return kNuisanceKinds[static_cast<int>(k)]; }
const Term& TermOf(Role r) { return kRoles[static_cast<int>(r)]; }
const Term& TermOf(OrgKind o) { return kOrgKinds[static_cast<int>(o)]; }

std::string_view Name(Category c) { return TermOf(c).name; }
std::string_view Name(NuisanceKind k) { return TermOf(k).name; }
std::string_view Name(Role r) { return TermOf(r).name; }
std::string_view Name(OrgKind o) { return TermOf(o).name; }

std::optional<Category> ParseCategory(std::string_view n) {
  return ParseIn<Category>(kCategories, n);
}
std::optional<NuisanceKind> ParseNuisanceKind(std::string_view n) {
  return ParseIn<NuisanceKind>(kNuisanceKinds, n);
}
std::optional<Role> ParseRole(std::string_view n) { return ParseIn<Role>(kRoles, n); }
std::optional<OrgKind> ParseOrgKind(std::string_view n) { return ParseIn<OrgKind>(kOrgKinds, n); }

std::optional<OrgKind> OrgKindForRole(Role r) {
  switch (r) {
    case Role::kCarrier:
      return OrgKind::kCarrier;
    case Role::kBusiness:
      return OrgKind::kBusiness;
    case Role::kApp:
      return OrgKind::kAppVendor;
    case Role::kAnalyst:
      return OrgKind::kAgency;
    case Role::kDataController:
      return OrgKind::kDataController;
    case Role::kCitizen:
    case Role::kAdmin:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace quell
