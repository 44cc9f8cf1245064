// Queries on the secondary read models (projections/indexes.h): inboxes, PASS IAE, indicators
// (JOURNEY §4).
#include <chrono>

#include "api/api.h"
#include "api/problem_map.h"
#include "api/responses.h"
#include "auth/jwt.h"
#include "domain/date.h"
#include "domain/exit_category.h"
#include "projections/indexes.h"
#include "projections/journey_view.h"

namespace parcours::api {

namespace {

constexpr long kDefaultLimit = 50;
constexpr long kMaxLimit = 500;

std::optional<long> parse_limit(const std::string& v) {
  if (v.empty()) return kDefaultLimit;
  if (v.size() > 4) return std::nullopt;
  long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n < 1 || n > kMaxLimit) return std::nullopt;
  return n;
}

domain::Date today() {
  return domain::Date::utc_date_of(std::chrono::system_clock::now());
}

// The status of a PASS from its index entry, as journey_view.h derives it.
std::string pass_status(const nlohmann::json& v, domain::Date on) {
  if (v.value("cancelled", false)) return "cancelled";
  const auto start = *domain::Date::parse(v["start"].get<std::string>());
  const auto end = *domain::Date::parse(v["end"].get<std::string>());
  if (on > end) return "expired";
  if (on < start) return "future";
  for (const auto& s : v["suspensions"]) {
    if (*domain::Date::parse(s["start"].get<std::string>()) <= on &&
        on <= *domain::Date::parse(s["end"].get<std::string>())) {
      return "suspended";
    }
  }
  return "valid";
}

}  // namespace

void Api::get_candidatures(const http::Request& req, const Caller& caller, const std::string& org,
                           http::Responder respond) {
  if (!may_read_org(caller, org)) {
    return respond(problem("forbidden", "an organisation reads its own candidatures"));
  }
  static const std::set<std::string> kStates = {"new",      "processing", "postponed", "refused",
                                                "accepted", "obsolete",   "cancelled"};
  const std::string state = req.query_param("state");
  if (!state.empty() && !kStates.count(state)) {
    return respond(problem("malformed",
                           "state must be one of new, processing, postponed, "
                           "refused, accepted, obsolete, cancelled"));
  }
  const auto limit = parse_limit(req.query_param("limit"));
  if (!limit) return respond(problem("malformed", "limit must be between 1 and 500"));
  std::string after;
  if (const std::string cursor = req.query_param("cursor"); !cursor.empty()) {
    auto decoded = auth::unbase64url(cursor);
    const std::string prefix = projections::cand_prefix(org);
    if (!decoded || decoded->rfind(prefix, 0) != 0) {
      return respond(problem("malformed", "cursor is not one this query returned"));
    }
    after = *decoded;
  }
  const bool sees_all = caller.reader.admin ||
                        (caller.reader.org && caller.reader.org->kind == domain::OrgKind::auditor);
  const auto label = org_labeller(caller, sees_all);
  nlohmann::json items = nlohmann::json::array();
  std::string last;
  bool more = false;
  deps_.views->scan(projections::cand_prefix(org, state), after,
                    [&](const std::string& key, const std::string& value) {
                      if (static_cast<long>(items.size()) == *limit) {
                        more = true;
                        return false;
                      }
                      auto v = nlohmann::json::parse(value);
                      v["sender_org"] = label(v.value("sender_org", ""));
                      v.erase("department");
                      items.push_back(std::move(v));
                      last = key;
                      return true;
                    });
  // Each journey of the page is read: its access log says so (JOURNEY §6).
  for (const auto& item : items) {
    log_read(caller, item.value("journey_id", ""), "candidatures", true,
             {{"candidature_id", item.value("candidature_id", "")}, {"list_of", org}});
  }
  respond(json_response(200, {{"items", items},
                              {"next_cursor", more ? nlohmann::json(auth::base64url(last))
                                                   : nlohmann::json(nullptr)}}));
}

void Api::get_pass(const Caller& caller, const std::string& number, http::Responder respond) {
  auto entry = deps_.views->index_get("pass/" + number);
  if (!entry) return respond(problem("not_found", "no PASS IAE with this number"));
  auto v = nlohmann::json::parse(*entry);
  // Anyone authenticated may check a PASS (an SIAE before a hire); only readers of the journey
  // learn which journey it belongs to.
  nlohmann::json out = {{"number", v["number"]},
                        {"start", v["start"]},
                        {"end", v["end"]},
                        {"status", pass_status(v, today())},
                        {"suspensions", v["suspensions"]}};
  const std::string journey = v.value("journey_id", "");
  if (auto state = deps_.views->journey(journey)) {
    if (journey_read_grant(caller.reader, *state).allowed()) out["journey_id"] = journey;
  }
  log_read(caller, journey, "pass", true, {{"number", number}});
  respond(json_response(200, out));
}

void Api::get_passes(const http::Request& req, const Caller& caller, http::Responder respond) {
  const bool all = caller.reader.admin ||
                   (caller.reader.org && caller.reader.org->kind == domain::OrgKind::auditor);
  const bool ddets = caller.reader.org && caller.reader.org->kind == domain::OrgKind::ddets;
  if (!all && !ddets) {
    return respond(problem("forbidden", "PASS lists are for the DDETS, auditors and admins"));
  }
  const std::string before = req.query_param("ending_before");
  if (!domain::Date::parse(before)) {
    return respond(problem("malformed", "ending_before must be a date YYYY-MM-DD"));
  }
  const auto limit = parse_limit(req.query_param("limit"));
  if (!limit) return respond(problem("malformed", "limit must be between 1 and 500"));
  std::string from = "pass_end/";
  if (const std::string cursor = req.query_param("cursor"); !cursor.empty()) {
    auto decoded = auth::unbase64url(cursor);
    if (!decoded || decoded->rfind("pass_end/", 0) != 0) {
      return respond(problem("malformed", "cursor is not one this query returned"));
    }
    from = *decoded + std::string(1, '\x01');
  }
  nlohmann::json items = nlohmann::json::array();
  std::string last;
  bool more = false;
  deps_.views->scan_range(
      from, "pass_end/" + before, [&](const std::string& key, const std::string& value) {
        auto v = nlohmann::json::parse(value);
        if (!all && v.value("department", "") != caller.reader.org->department) return true;
        if (static_cast<long>(items.size()) == *limit) {
          more = true;
          return false;
        }
        auto full = deps_.views->index_get("pass/" + v["number"].get<std::string>());
        if (full) v["status"] = pass_status(nlohmann::json::parse(*full), today());
        items.push_back(std::move(v));
        last = key;
        return true;
      });
  for (const auto& item : items) {
    log_read(caller, item.value("journey_id", ""), "passes", true,
             {{"number", item.value("number", "")}});
  }
  respond(json_response(200, {{"items", items},
                              {"next_cursor", more ? nlohmann::json(auth::base64url(last))
                                                   : nlohmann::json(nullptr)}}));
}

void Api::get_exit_indicators(const http::Request& req, const Caller& caller,
                              const std::string& siae, http::Responder respond) {
  if (!may_read_org(caller, siae)) {
    return respond(problem("forbidden", "the SIAE, its DDETS, auditors and admins only"));
  }
  const std::string y = req.query_param("year");
  if (y.size() != 4 || y.find_first_not_of("0123456789") != std::string::npos) {
    return respond(problem("malformed", "year must be YYYY"));
  }
  const int year = std::stoi(y);
  nlohmann::json counts = {
      {"durable", 0}, {"transition", 0}, {"positive", 0}, {"negative", 0}, {"neutralised", 0}};
  long counted = 0;
  long dynamic = 0;
  deps_.views->scan(projections::exit_prefix(siae, year), "",
                    [&](const std::string&, const std::string& value) {
                      const auto v = nlohmann::json::parse(value);
                      const std::string category = v.value("category", "");
                      if (counts.contains(category))
                        counts[category] = counts[category].get<long>() + 1;
                      if (v.value("counted", false)) {
                        ++counted;
                        // The ruleset in force on the exit's date says which categories are
                        // dynamic.
                        const auto date = domain::Date::parse(v.value("date", ""));
                        const auto& rules = domain::RulesetBook::standard().in_force_on(
                            date.value_or(domain::Date::from_ymd(year, 12, 31)));
                        if (domain::is_dynamic_exit_category(category, rules)) ++dynamic;
                      }
                      return true;
                    });
  respond(json_response(
      200, {{"siae_org", siae},
            {"year", year},
            {"counts", counts},
            {"counted", counted},
            {"dynamic_rate", counted > 0 ? nlohmann::json(static_cast<double>(dynamic) /
                                                          static_cast<double>(counted))
                                         : nlohmann::json(nullptr)}}));
}

void Api::get_refusal_indicators(const Caller& caller, const std::string& siae,
                                 http::Responder respond) {
  if (!may_read_org(caller, siae)) {
    return respond(problem("forbidden", "the SIAE, its DDETS, auditors and admins only"));
  }
  nlohmann::json reasons = nlohmann::json::object();
  long total = 0;
  deps_.views->scan(projections::refusal_prefix(siae), "",
                    [&](const std::string&, const std::string& value) {
                      const std::string reason = nlohmann::json::parse(value).value("reason", "");
                      reasons[reason] = reasons.value(reason, 0L) + 1;
                      ++total;
                      return true;
                    });
  respond(json_response(200, {{"siae_org", siae}, {"reasons", reasons}, {"refusals", total}}));
}

void Api::get_prescriber_indicators(const http::Request& req, const Caller& caller,
                                    const std::string& org, http::Responder respond) {
  if (!may_read_org(caller, org)) {
    return respond(problem("forbidden", "the prescriber, its DDETS, auditors and admins only"));
  }
  std::string from = req.query_param("from");
  std::string to = req.query_param("to");
  if ((!from.empty() && !domain::Date::parse(from)) || (!to.empty() && !domain::Date::parse(to))) {
    return respond(problem("malformed", "from and to are dates YYYY-MM-DD"));
  }
  const std::string prefix = projections::diag_prefix(org);
  long diagnoses = 0;
  long hires = 0;
  deps_.views->scan_range(prefix + (from.empty() ? "" : from),
                          prefix + (to.empty() ? "9999-12-31" : to) + std::string(1, '\x01'),
                          [&](const std::string&, const std::string& value) {
                            ++diagnoses;
                            if (nlohmann::json::parse(value).value("used", false)) ++hires;
                            return true;
                          });
  respond(json_response(
      200, {{"prescriber_org", org},
            {"from", from.empty() ? nlohmann::json(nullptr) : nlohmann::json(from)},
            {"to", to.empty() ? nlohmann::json(nullptr) : nlohmann::json(to)},
            {"eligibility_diagnoses", diagnoses},
            {"hires", hires},
            {"transformation_rate", diagnoses > 0 ? nlohmann::json(static_cast<double>(hires) /
                                                                   static_cast<double>(diagnoses))
                                                  : nlohmann::json(nullptr)}}));
}

}  // namespace parcours::api
