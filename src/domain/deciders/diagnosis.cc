// JOURNEY §3.2: diagnostics (seed004:L1186-1230, L1233-1468).
//
// An accompaniment diagnosis describes the person's situation (prescribers and orienteurs).
// An eligibility diagnosis establishes IAE eligibility: a habilitated prescriber's, valid
// 6 months, or an SIAE's auto-prescription on administrative criteria, valid 92 days and
// usable only by that SIAE.
#include <algorithm>

#include "domain/command_spec.h"
#include "domain/deciders/common.h"

namespace parcours::domain {

Result<Decision> decide_accompaniment_diagnosis(const JourneyState& state, const Command& cmd,
                                                const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("diagnosis_id");
  const Date date = f.date("date");
  const auto barriers =
      f.list_of("barriers", {"mobility", "housing", "health", "childcare", "language", "digital",
                             "finances", "justice", "confidence", "skills"});
  const std::string path =
      f.one_of("recommended_path",
               {"iae", "job_search", "pmsmp", "adapted_company", "geiq", "training", "social"});
  const auto notes = f.opt_text("notes", kMaxLongText);
  if (auto err = f.finish()) return *err;

  if (state.diagnosis(id)) return id_taken("diagnosis", id);
  if (auto err = not_in_future(date, "date", ctx)) return *err;
  nlohmann::json data = {
      {"diagnosis_id", id},           {"date", date},         {"author_kind", actor_kind(ctx)},
      {"author_org", actor_org(ctx)}, {"barriers", barriers}, {"recommended_path", path}};
  if (notes) data["notes"] = *notes;
  return single(ctx, date, "diagnosis.accompaniment_recorded", std::move(data));
}

namespace {

// The rules on the criteria themselves: catalogue of the day, exclusions, ages, and for an
// SIAE the auto-prescription thresholds.
std::optional<Rejection> check_criteria(const std::vector<std::string>& criteria, const Ruleset& r,
                                        Date date, bool by_siae, const std::string& siae_kind,
                                        const DecisionContext& ctx) {
  for (const auto& code : criteria) {
    // eligibility.unknown_criterion: every code is in the catalogue in force on the date.
    if (!r.criterion(code)) {
      return rule("eligibility.unknown_criterion", "criterion '" + code +
                                                       "' is not in the catalogue in force on " +
                                                       date.str() + " (" + r.id + ")");
    }
  }
  for (const auto& [a, b] : r.exclusive_criteria) {
    // eligibility.criteria_exclusive (les-emplois): DETLD/DELD, SENIOR/JEUNE.
    if (contains(criteria, a) && contains(criteria, b)) {
      return rule("eligibility.criteria_exclusive",
                  "criteria '" + a + "' and '" + b + "' exclude each other");
    }
  }
  for (const auto& age_rule : r.age_criteria) {
    if (!contains(criteria, age_rule.code)) continue;
    if (!ctx.birth_date) return identity_unavailable("criterion " + age_rule.code);
    const int age = age_on(*ctx.birth_date, date);
    // eligibility.criterion_contradicts_identity: SENIOR (>= 50) and JEUNE (< 26) agree with
    // the birth date on the diagnosis date (JOURNEY §3.2, §8).
    if ((age_rule.min_age > 0 && age < age_rule.min_age) ||
        (age_rule.below_age > 0 && age >= age_rule.below_age)) {
      // JOURNEY §6: the detail never gives the age (it would give the birth date away).
      return rule(
          "eligibility.criterion_contradicts_identity",
          "criterion '" + age_rule.code + "' does not match the person's age on " + date.str());
    }
  }
  if (!by_siae) return std::nullopt;
  int level1 = 0;
  int level2 = 0;
  for (const auto& code : criteria) (r.criterion(code)->level == 1 ? level1 : level2)++;
  auto it = r.siae_min_level2.find(siae_kind);
  const int min_level2 = it == r.siae_min_level2.end() ? 0 : it->second;
  // eligibility.criteria_insufficient: an SIAE needs 1 level-1 criterion, or N level-2
  // criteria for its kind (seed004:L653-656, L816-818; les-emplois).
  if (level1 < r.siae_min_level1 && (min_level2 == 0 || level2 < min_level2)) {
    return rule("eligibility.criteria_insufficient",
                "an " + siae_kind + " needs " + std::to_string(r.siae_min_level1) +
                    " level-1 criterion or " + std::to_string(min_level2) +
                    " level-2 criteria; got " + std::to_string(level1) + " and " +
                    std::to_string(level2));
  }
  return std::nullopt;
}

}  // namespace

Result<Decision> decide_eligibility_diagnosis(const JourneyState& state, const Command& cmd,
                                              const DecisionContext& ctx) {
  FieldReader f(cmd.data);
  const std::string id = f.id("diagnosis_id");
  const Date date = f.date("date");
  const auto criteria = f.list_of("criteria", {}, false);
  if (auto err = f.finish()) return *err;

  // Who: a prescriber habilitated on the diagnosis date, or an SIAE (auto-prescription);
  // never an orienteur (seed004:L726-729, L800-802).
  const bool by_siae = actor_is(ctx, OrgKind::siae);
  if (actor_is(ctx, OrgKind::orienteur)) {
    return not_habilitated("an orienteur may orient a person but not establish eligibility");
  }
  if (!by_siae && !(ctx.actor.org && ctx.actor.org->habilitated_on(date))) {
    return not_habilitated("the prescriber is not habilitated on " + date.str());
  }
  if (state.diagnosis(id)) return id_taken("diagnosis", id);
  if (auto err = not_in_future(date, "date", ctx)) return *err;

  const Ruleset& r = rules_on(ctx, date);
  // eligibility.pass_valid (les-emplois): no new diagnosis while a PASS is valid on the date,
  // the current one or, for a back-dated diagnosis, an earlier one.
  const Pass* holding = state.pass && state.pass->valid_on(date) ? &*state.pass : nullptr;
  for (const auto& old : state.past_passes) {
    if (old.valid_on(date)) holding = &old;
  }
  if (holding) {
    // JOURNEY §6: neither the PASS's number nor its dates.
    return rule("eligibility.pass_valid", "the person holds a PASS IAE valid on " + date.str());
  }
  const std::string siae_kind = by_siae ? ctx.actor.org->siae_kind : "";
  if (auto err = check_criteria(criteria, r, date, by_siae, siae_kind, ctx)) return *err;

  const Date valid_until = by_siae
                               ? date.plus_days(r.siae_diagnosis_validity_days - 1)
                               : last_day_of_months(date, r.prescriber_diagnosis_validity_months);
  Decision d;
  d.ruleset = r.id;
  nlohmann::json data = {
      {"diagnosis_id", id},           {"date", date},         {"author_kind", actor_kind(ctx)},
      {"author_org", actor_org(ctx)}, {"criteria", criteria}, {"valid_until", valid_until}};
  if (by_siae) data["author_siae_kind"] = siae_kind;
  d.events.push_back({"eligibility.diagnosed", std::move(data)});

  // Supersession (les-emplois): a prescriber diagnosis replaces every earlier prescriber
  // diagnosis, an SIAE's replaces that SIAE's earlier ones. "Earlier" is in valid time: a
  // late-reported diagnosis dated before the one in force is itself superseded by it.
  for (const auto& e : state.diagnoses) {
    if (e.kind != "eligibility" || e.superseded) continue;
    const bool same_scope = by_siae ? (e.author_kind == "siae" && e.author_org == actor_org(ctx))
                                    : e.author_kind == "prescriber";
    if (!same_scope) continue;
    if (e.date <= date) {
      d.events.push_back(
          {"eligibility.superseded",
           {{"diagnosis_id", e.diagnosis_id}, {"superseded_by", id}, {"superseded_on", date}}});
    } else {
      d.events.push_back(
          {"eligibility.superseded",
           {{"diagnosis_id", id}, {"superseded_by", e.diagnosis_id}, {"superseded_on", e.date}}});
    }
  }
  return d;
}

}  // namespace parcours::domain
