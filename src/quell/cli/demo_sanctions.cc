#include "quell/cli/demo_sanctions.h"

#include <chrono>

#include "quell/core/phone_number.h"
#include "quell/enforce/sanctions.h"

namespace quell::cli {
namespace {

constexpr auto kDay = std::chrono::hours(24);

Result<uint64_t> Number(std::string_view text) {
  auto n = PhoneNumber::Parse(text, "CN");
  if (!n) return n.status().WithContext("demo sanctions");
  return n->compact();
}

}  // namespace

Status SeedSanctions(enforce::Sanctions& sanctions, Clock& clock) {
  QUELL_ASSIGN_OR_RETURN(auto existing, sanctions.List({.limit = 1}));
  if (!existing.empty()) return Status::Ok();
  const TimePoint now = clock.Now();

  // The demo telemarketer: its two outbound lines are blocked for 180 days.
  QUELL_ASSIGN_OR_RETURN(uint64_t line1, Number("+862150987601"));
  QUELL_ASSIGN_OR_RETURN(uint64_t line2, Number("+862150987602"));
  QUELL_RETURN_IF_ERROR(
      sanctions
          .Create(
              {.measure = enforce::Measure::kNumberBlock,
               .kind = NuisanceKind::kMarketing,
               .entity_name = "上海鼎盛电话营销有限公司 (Demo Dingsheng Telemarketing Co., Ltd.)",
               .credit_code = "91310115MA1K4DEM05",
               .numbers = {line1, line2},
               .start = now - 3 * kDay,
               .end = now + 177 * kDay,
               .legal_basis = "《通信短信息和语音呼叫服务管理规定》第十四条、第二十三条",
               .is_public = false,
               .reason = "Repeated marketing calls to numbers on the Do-Not-Call register "
                         "after a warning; 412 complaints in the quarter.",
               .created_by = "demo"})
          .status());

  // A fraud call centre, publicly listed for joint punishment with its range.
  QUELL_ASSIGN_OR_RETURN(uint64_t fraud, Number("+8617099990001"));
  QUELL_RETURN_IF_ERROR(
      sanctions
          .Create({.measure = enforce::Measure::kJointPunishment,
                   .kind = NuisanceKind::kFraud,
                   .entity_name = "深圳市演示信息咨询有限公司 (Demo Shenzhen Consulting Co., Ltd.)",
                   .credit_code = "91440300MA5FDEM01B",
                   .numbers = {fraud},
                   .ranges = {86170999900},  // +86 170 9999 00xx
                   .start = now - 10 * kDay,
                   .legal_basis = "《关于对电信网络诈骗等违法失信主体实施联合惩戒的合作备忘录》",
                   .is_public = true,
                   .reason = "Impersonated bank staff in calls to elderly subscribers.",
                   .created_by = "demo"})
          .status());

  // A warning that ran its course.
  QUELL_RETURN_IF_ERROR(
      sanctions
          .Create({.measure = enforce::Measure::kWarning,
                   .entity_name = "北京演示保险代理有限公司 (Demo Beijing Insurance Agency Ltd.)",
                   .credit_code = "91110105MA01DEM02Q",
                   .start = now - 90 * kDay,
                   .end = now - 30 * kDay,
                   .legal_basis = "《通信短信息和语音呼叫服务管理规定》第十条",
                   .is_public = true,
                   .reason = "Marketing calls outside the permitted hours.",
                   .created_by = "demo"})
          .status());
  return Status::Ok();
}

}  // namespace quell::cli
