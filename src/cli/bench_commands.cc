#include "cli/bench_commands.h"

#include <string>

#include "common/clock.h"

namespace parcours::cli {

std::vector<processor::CommandRecord> journey_commands(long i, const crypto::MasterKeyRing& ring) {
  const std::string id = "bench-" + std::to_string(i);
  const std::string now = common::now_rfc3339();
  const std::string today = now.substr(0, 10);
  auto base = [&](const std::string& type, nlohmann::json data, const std::string& suffix) {
    processor::CommandRecord c;
    c.command_id = id + "-" + suffix;
    c.stream = "journey";
    c.stream_id = id;
    c.type = type;
    c.data = std::move(data);
    c.actor = {"bench@ft-bench", "ft-bench", {}};
    c.intake_time = now;
    c.payload_hash = c.command_id;
    c.reply_to = "bench";
    c.reply_partition = 0;
    return c;
  };
  const crypto::DataKey key = crypto::new_data_key();
  nlohmann::json person = {
      {"first_name", "Camille"}, {"last_name", "Bench"}, {"birth_date", "1990-04-02"}};
  auto open =
      base("OpenJourney",
           {{"person", crypto::seal_identity(person, key, id)}, {"department", "74"}}, "open");
  open.wrapped_key = crypto::wrap_data_key(key, id, ring);
  return {open,
          base("SubmitCandidature",
               {{"candidature_id", "c1"}, {"siae_org", "ei-bench"}, {"date", today}}, "cand"),
          base("RecordFollowUp", {{"followup_id", "f1"}, {"date", today}, {"kind", "interview"}},
               "fu")};
}

}  // namespace parcours::cli
