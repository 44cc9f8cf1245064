// JOURNEY §2: the organisation registry. Admin only.
#include "domain/decide.h"
#include "domain/deciders/common.h"
#include "domain/fields.h"
#include "domain/identity.h"

namespace parcours::domain {

bool is_org_command(std::string_view type) {
  return type == "RegisterOrganization" || type == "UpdateHabilitation" ||
         type == "DeactivateOrganization";
}

namespace {

// org.habilitation_too_long: a prefectoral habilitation lasts 5 years at most from the day it
// is granted or renewed (seed004:L649-650, L775).
std::optional<Rejection> check_habilitation_end(Date valid_until, const Ruleset& rules,
                                                const DecisionContext& ctx) {
  const Date limit = ctx.today.plus_years(rules.prefectoral_habilitation_max_years);
  if (valid_until <= limit) return std::nullopt;
  return rule("org.habilitation_too_long",
              "a prefectoral habilitation lasts at most " +
                  std::to_string(rules.prefectoral_habilitation_max_years) + " years (until " +
                  limit.str() + ")");
}

Result<Decision> register_org(const Organization* current, const Command& cmd,
                              const DecisionContext& ctx) {
  const Ruleset& rules = ctx.rules->in_force_on(ctx.today);
  FieldReader f(cmd.data);
  const std::string name = f.text("name", kMaxShortText);
  const std::string kind =
      f.one_of("kind", {"prescriber", "orienteur", "siae", "ddets", "auditor"});
  const std::string department = f.text("department", 3);
  const auto prescriber_kind = f.opt_text("prescriber_kind", 32);
  const auto siae_kind = f.opt_text("siae_kind", 8);
  std::optional<Date> valid_until;
  if (auto h = f.object("habilitation", false)) {
    valid_until = h->date("valid_until");
    if (auto err = h->finish()) return *err;
  }
  if (auto err = f.finish()) return *err;
  if (!is_department_code(department)) {
    return malformed("field 'department' must be a French department code");
  }
  if (current) return conflict("org_exists", "organisation already registered");

  nlohmann::json data = {
      {"name", name}, {"kind", kind}, {"department", department}, {"registered_on", ctx.today}};
  if (kind == "prescriber") {
    if (!prescriber_kind) return malformed("field 'prescriber_kind' is required for a prescriber");
    if (!rules.is_prescriber_kind(*prescriber_kind)) {
      return malformed("field 'prescriber_kind' is not a known prescriber kind");
    }
    data["prescriber_kind"] = *prescriber_kind;
    if (*prescriber_kind == rules.prefectoral_prescriber_kind) {
      if (!valid_until) return malformed("field 'habilitation.valid_until' is required for OHPD");
      if (auto err = check_habilitation_end(*valid_until, rules, ctx)) return *err;
      data["habilitation"] = {{"valid_until", *valid_until}};
    } else if (valid_until) {
      return malformed("field 'habilitation' applies only to OHPD prescribers");
    }
  } else if (prescriber_kind) {
    return malformed("field 'prescriber_kind' applies only to prescribers");
  }
  if (kind == "siae") {
    if (!siae_kind) return malformed("field 'siae_kind' is required for an SIAE");
    if (!rules.is_siae_kind(*siae_kind)) return malformed("field 'siae_kind' is not an SIAE kind");
    data["siae_kind"] = *siae_kind;
  } else if (siae_kind) {
    return malformed("field 'siae_kind' applies only to SIAE");
  }
  if (kind != "prescriber" && valid_until) {
    return malformed("field 'habilitation' applies only to OHPD prescribers");
  }
  return single(ctx, ctx.today, "org.registered", std::move(data));
}

}  // namespace

Result<Decision> decide_org(const Organization* current, const Command& cmd,
                            const DecisionContext& ctx) {
  if (!is_org_command(cmd.type)) {
    return malformed("unknown command type");
  }
  if (!ctx.actor.admin) return forbidden("organisation commands need the admin role");
  if (cmd.type == "RegisterOrganization") return register_org(current, cmd, ctx);
  if (!current) return not_found("no organisation with this id");
  if (cmd.expected_version && *cmd.expected_version != current->version) {
    return version_conflict(current->version, *cmd.expected_version);
  }
  const Ruleset& rules = ctx.rules->in_force_on(ctx.today);
  FieldReader f(cmd.data);
  if (cmd.type == "UpdateHabilitation") {
    const Date valid_until = f.date("valid_until");
    if (auto err = f.finish()) return *err;
    if (current->kind != OrgKind::prescriber ||
        current->prescriber_kind != rules.prefectoral_prescriber_kind) {
      return rule("org.not_prefectoral", "only an OHPD prescriber has a habilitation end date");
    }
    if (auto err = check_habilitation_end(valid_until, rules, ctx)) return *err;
    return single(ctx, ctx.today, "org.habilitation_updated", {{"valid_until", valid_until}});
  }
  // DeactivateOrganization
  if (auto err = f.finish()) return *err;
  if (!current->active) return rule("org.inactive", "organisation is already deactivated");
  return single(ctx, ctx.today, "org.deactivated", {{"date", ctx.today}});
}

void evolve_org(OrgMap& registry, const RecordedEvent& e) {
  Organization& o = registry.upsert(e.subject);
  if (e.type == "org.registered") {
    o.id = e.subject;
    o.name = e.data.at("name").get<std::string>();
    o.kind = parse_org_kind(e.data.at("kind").get<std::string>()).value_or(OrgKind::orienteur);
    o.department = e.data.at("department").get<std::string>();
    o.prescriber_kind = e.data.value("prescriber_kind", "");
    o.siae_kind = e.data.value("siae_kind", "");
    o.registered_on = Date::parse(e.data.at("registered_on").get<std::string>()).value_or(Date{});
    if (e.data.contains("habilitation")) {
      o.habilitation_valid_until =
          Date::parse(e.data["habilitation"].at("valid_until").get<std::string>());
    }
    o.active = true;
  } else if (e.type == "org.habilitation_updated") {
    o.habilitation_valid_until = Date::parse(e.data.at("valid_until").get<std::string>());
  } else if (e.type == "org.deactivated") {
    o.active = false;
  }
  o.version = e.seq;
}

}  // namespace parcours::domain
