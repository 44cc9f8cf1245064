// libFuzzer target: the command decoder. Arbitrary bytes are parsed as a command body
// {"type", "data"} and decided against a fresh and an opened journey, by several kinds of
// actor. Nothing may crash, throw or trip a sanitizer; every outcome is an accepted decision or
// a rejection with a code.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/decide.h"
#include "domain/ruleset.h"

namespace {

using namespace parcours::domain;

struct World {
  OrgMap orgs;
  JourneyState opened;
  World() {
    auto& ft = orgs.upsert("ft");
    ft.id = "ft";
    ft.kind = OrgKind::prescriber;
    ft.prescriber_kind = "FT";
    ft.department = "74";
    auto& ei = orgs.upsert("ei");
    ei.id = "ei";
    ei.kind = OrgKind::siae;
    ei.siae_kind = "EI";
    ei.department = "74";
    auto& oh = orgs.upsert("asso");
    oh.id = "asso";
    oh.kind = OrgKind::orienteur;
    oh.department = "74";
    RecordedEvent e;
    e.type = "journey.opened";
    e.subject = "j";
    e.seq = 1;
    e.actor_org = "ft";
    e.data = {{"department", "74"},
              {"opened_on", "2026-11-01"},
              {"opened_by_kind", "prescriber"},
              {"identity", nlohmann::json::object()}};
    evolve(opened, e);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const World world;
  auto body = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return 0;
  auto type = body.find("type");
  auto fields = body.find("data");
  if (type == body.end() || !type->is_string() || fields == body.end()) return 0;
  Command cmd{type->get<std::string>(), *fields, "k", "j", std::nullopt};
  for (const char* org : {"ft", "ei", "asso"}) {
    DecisionContext ctx;
    ctx.actor.user = "u";
    ctx.actor.org_id = org;
    ctx.actor.org = world.orgs.find(org);
    ctx.today = Date::from_ymd(2026, 11, 23);
    ctx.intake_time = "2026-11-23T10:00:00.000Z";
    ctx.orgs = &world.orgs;
    ctx.rules = &RulesetBook::standard();
    ctx.birth_date = Date::from_ymd(1990, 4, 2);
    ctx.next_pass_number = "999900000001";
    for (const JourneyState* s : {&world.opened, static_cast<const JourneyState*>(nullptr)}) {
      JourneyState fresh;
      auto r = decide(s ? *s : fresh, cmd, ctx);
      if (!r.ok() && r.rejection().code.empty()) __builtin_trap();
      if (r.ok() && r->events.empty()) __builtin_trap();
    }
    if (is_org_command(cmd.type)) {
      ctx.actor.admin = true;
      (void)decide_org(world.orgs.find("ft"), cmd, ctx);
    }
  }
  return 0;
}
