// JOURNEY §3.5: the life of a contract after the hire (seed004:L2364-2468).
// Every command here is sent by the contract's SIAE only.
#include "domain/command_spec.h"
#include "domain/deciders/common.h"
#include "domain/deciders/shared_rules.h"

namespace parcours::domain {

namespace {

// The contract `id` of the actor's SIAE: 404 if unknown, 403 if another SIAE's.
Result<const Contract*> own_contract(const JourneyState& state, const std::string& id,
                                     const DecisionContext& ctx) {
  const Contract* c = state.contract(id);
  if (!c || c->status == "cancelled") return not_found("no contract '" + id + "' in this journey");
  if (c->siae_org != actor_org(ctx)) return forbidden("only the contract's SIAE may act on it");
  return c;
}

}  // namespace

Result<Decision> decide_renew_contract(const JourneyState& state, const Command& cmd,
                                       const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("contract_id");
  const Date end = f.date("end");
  if (auto err = f.finish()) return *err;
  auto c = own_contract(state, id, ctx);
  if (!c) return c.rejection();
  const Contract& k = **c;
  const Ruleset& r = rules_on(ctx, ctx.today);
  // contract.renewal_invalid: only a running contract with an end is renewed, to a later end.
  if (k.status != "active" || !k.end || end <= *k.end) {
    return rule("contract.renewal_invalid", k.status != "active" ? "the contract has ended"
                                            : !k.end ? "a contract without an end is not renewed"
                                                     : "the new end must be after " + k.end->str());
  }
  const Pass* p = state.live_pass();
  if (p && p->number != k.pass_number) p = nullptr;
  if (const ContractTypeRule* type = r.contract_type(k.type)) {
    // The CDDI total stays within 24 months unless the PASS was prolonged, and never runs
    // beyond the PASS end (JOURNEY §3.5).
    if (auto err = check_contract_period(*type, k.start, end, p && p->was_prolonged(),
                                         p ? std::optional(p->end) : std::nullopt)) {
      return *err;
    }
  }
  return single(ctx, ctx.today, "contract.renewed",
                {{"contract_id", id}, {"previous_end", *k.end}, {"end", end}, {"date", ctx.today}});
}

Result<Decision> decide_suspend_contract(const JourneyState& state, const Command& cmd,
                                         const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("contract_id");
  const Date start = f.date("start");
  const Date end = f.date("end");
  const std::string reason = f.one_of("reason", rules_on(ctx, start).contract_suspension_reasons);
  if (auto err = f.finish()) return *err;
  if (end < start) return malformed("field 'end' is before 'start'");
  auto c = own_contract(state, id, ctx);
  if (!c) return c.rejection();
  const Contract& k = **c;
  const auto last = k.last_day();
  // contract.suspension_invalid: a running contract, suspended within its own period.
  if (k.status != "active" || start < k.start || (last && *last < end)) {
    return rule("contract.suspension_invalid",
                "a suspension lies within the running contract (" + k.start.str() + ".." +
                    (last ? last->str() : std::string("open-ended")) + ")");
  }
  for (const auto& s : k.suspensions) {
    // contract.suspension_overlap: suspensions of a contract never share a day.
    if (s.start <= end && start <= s.end) {
      return rule("contract.suspension_overlap",
                  "the contract is already suspended " + s.start.str() + ".." + s.end.str());
    }
  }
  return single(ctx, start, "contract.suspended",
                {{"contract_id", id}, {"start", start}, {"end", end}, {"reason", reason}});
}

Result<Decision> decide_end_contract(const JourneyState& state, const Command& cmd,
                                     const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("contract_id");
  const Date date = f.date("date");
  const std::string reason = f.text("reason", kMaxShortText);
  if (auto err = f.finish()) return *err;
  auto c = own_contract(state, id, ctx);
  if (!c) return c.rejection();
  const Contract& k = **c;
  if (auto err = not_in_future(date, "date", ctx)) return *err;
  // contract.end_invalid: a running contract ends on or after its start and no later than its
  // planned end (renew it first).
  if (k.status != "active" || date < k.start || (k.end && *k.end < date)) {
    return rule("contract.end_invalid", "the contract runs " + k.start.str() + ".." +
                                            (k.end ? k.end->str() : std::string("open-ended")) +
                                            (k.status != "active" ? " and has ended" : ""));
  }
  return single(ctx, date, "contract.ended",
                {{"contract_id", id}, {"date", date}, {"reason", reason}});
}

}  // namespace parcours::domain
