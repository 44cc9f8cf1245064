// JOURNEY §3.8: follow-ups.
#include "domain/command_spec.h"
#include "domain/deciders/common.h"

namespace parcours::domain {

Result<Decision> decide_record_followup(const JourneyState&, const Command& cmd,
                                        const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("followup_id");
  const Date date = f.date("date");
  const std::string kind = f.one_of(
      "kind", {"interview", "tripartite_meeting", "barrier_action", "referral", "post_exit_check"});
  const auto notes = f.opt_text("notes", kMaxLongText);
  if (auto err = f.finish()) return *err;

  if (auto err = not_in_future(date, "date", ctx)) return *err;
  nlohmann::json data = {{"followup_id", id}, {"date", date}, {"kind", kind}};
  if (notes) data["notes"] = *notes;
  return single(ctx, date, "followup.recorded", std::move(data));
}

}  // namespace parcours::domain
