#include "projections/indexes.h"

#include <optional>
#include <string_view>

#include "domain/exit_category.h"
#include "domain/state_json.h"

namespace parcours::projections {

std::string join_key(std::initializer_list<std::string> parts) {
  std::string out;
  bool first = true;
  for (const auto& p : parts) {
    if (!first) out.push_back('\0');
    out += p;
    first = false;
  }
  return out;
}

namespace {

// Index values are JSON objects written as text, members in key order: the bytes
// nlohmann::json's dump() gives for the same object (tests/unit/projections).
class Obj {
 public:
  explicit Obj(std::string& out) : out_(out) { out_.push_back('{'); }
  Obj& key(std::string_view k) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_.append(k);  // member names are plain identifiers
    out_ += "\":";
    return *this;
  }
  Obj& str(std::string_view k, std::string_view v) {
    key(k);
    domain::append_json_string(out_, v);
    return *this;
  }
  Obj& date(std::string_view k, const domain::Date& d) {
    key(k);
    out_.push_back('"');  // a date's digits and dashes need no escaping
    d.append_to(out_);
    out_.push_back('"');
    return *this;
  }
  Obj& boolean(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
    return *this;
  }
  Obj& integer(std::string_view k, long v) {
    key(k);
    out_ += std::to_string(v);
    return *this;
  }
  Obj& opt_str(std::string_view k, const std::optional<std::string>& v) {
    if (v) return str(k, *v);
    key(k);
    out_ += "null";
    return *this;
  }
  void close() { out_.push_back('}'); }

 private:
  std::string& out_;
  bool first_ = true;
};

void pass_entries(const domain::JourneyState& s, const domain::Pass& p, IndexEntries& out) {
  std::string v;
  Obj o(v);
  o.boolean("cancelled", p.cancelled())
      .str("department", s.department)
      .date("end", p.end)
      .str("journey_id", s.journey_id)
      .str("number", p.number)
      .str("siae_org", p.siae_org)
      .date("start", p.start)
      .key("suspensions");
  v.push_back('[');
  for (std::size_t i = 0; i < p.suspensions.size(); ++i) {
    if (i) v.push_back(',');
    const auto& x = p.suspensions[i];
    Obj(v).date("end", x.end).str("reason", x.reason).date("start", x.start).close();
  }
  v.push_back(']');
  o.close();
  out["pass/" + p.number] = std::move(v);
  if (!p.cancelled()) {
    std::string e;
    Obj(e)
        .str("department", s.department)
        .date("end", p.end)
        .str("journey_id", s.journey_id)
        .str("number", p.number)
        .close();
    out["pass_end/" + join_key({p.end.str(), p.number})] = std::move(e);
  }
}

}  // namespace

std::string cand_prefix(const std::string& org, const std::string& state) {
  std::string k = "cand/" + org;
  k.push_back('\0');
  if (!state.empty()) {
    k += state;
    k.push_back('\0');
  }
  return k;
}

std::string exit_prefix(const std::string& siae, int year) {
  std::string k = "exit/" + siae;
  k.push_back('\0');
  k += std::to_string(year);
  k.push_back('\0');
  return k;
}

std::string lookup_prefix(const std::string& hash) {
  return join_key({"lookup/" + hash, ""});
}

std::string refusal_prefix(const std::string& siae) {
  std::string k = "refusal/" + siae;
  k.push_back('\0');
  return k;
}

std::string diag_prefix(const std::string& prescriber) {
  std::string k = "diag/" + prescriber;
  k.push_back('\0');
  return k;
}

IndexEntries index_entries(const domain::JourneyState& s) {
  IndexEntries out;
  if (!s.exists()) return out;
  for (const auto& c : s.candidatures) {
    std::string value;
    Obj o(value);
    o.str("candidature_id", c.candidature_id).date("date", c.date).str("department", s.department);
    if (!c.job_title.empty()) o.str("job_title", c.job_title);
    o.str("journey_id", s.journey_id)
        .opt_str("refusal_reason", c.refusal_reason)
        .str("sender_kind", c.sender_kind)
        .str("sender_org", c.sender_org)
        .str("siae_org", c.siae_org)
        .str("state", c.state)
        .date("state_since", c.state_since)
        .close();
    if (!c.sender_org.empty()) {
      out[cand_prefix(c.sender_org, c.state) + join_key({s.journey_id, c.candidature_id})] = value;
    }
    out[cand_prefix(c.siae_org, c.state) + join_key({s.journey_id, c.candidature_id})] =
        std::move(value);
    if (c.state == "refused" && c.refusal_reason) {
      std::string r;
      Obj(r).date("date", c.state_since).str("reason", *c.refusal_reason).close();
      out[refusal_prefix(c.siae_org) + join_key({s.journey_id, c.candidature_id})] = std::move(r);
    }
  }
  if (s.pass) pass_entries(s, *s.pass, out);
  for (const auto& p : s.past_passes) pass_entries(s, p, out);

  for (const auto& e : s.exits) {
    const auto& rules = domain::exit_ruleset(e);
    std::string v;
    Obj(v)
        .str("category", domain::exit_category(e.destination, rules))
        .boolean("counted", domain::exit_counted(e, rules))
        .date("date", e.date)
        .integer("presence_days", e.presence_days)
        .close();
    out[exit_prefix(e.siae_org, e.date.year()) + join_key({s.journey_id, e.contract_id})] =
        std::move(v);
  }

  for (const auto& d : s.diagnoses) {
    if (d.kind != "eligibility" || d.author_kind != "prescriber") continue;
    bool used = false;
    auto uses = [&](const domain::Pass& p) {
      return !p.cancelled() && p.diagnosis_id == d.diagnosis_id;
    };
    if (s.pass && uses(*s.pass)) used = true;
    for (const auto& p : s.past_passes) used = used || uses(p);
    out[diag_prefix(d.author_org) + join_key({d.date.str(), s.journey_id, d.diagnosis_id})] =
        used ? "{\"used\":true}" : "{\"used\":false}";
  }
  return out;
}

}  // namespace parcours::projections
