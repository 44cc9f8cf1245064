// libFuzzer target: the whole command path of the processor, not only its decoders.
//
// Each input builds a journey with a random sequence of commands (each from a template of a
// valid command, sent by a random organisation, some fields replaced by JSON taken from the
// input) and ends with raw bytes offered as a command record. Every command goes the way the
// API and the processor take it: sealed as the API seals it, encoded and decoded as a record of
// the commands topic, decided by the real BatchDecider (idempotency, keys, free text, decide,
// sealing, envelopes, reply), its events folded by evolve.
//
// Whatever the input: nothing crashes, throws or trips a sanitizer; every command gets exactly
// one reply that decodes, with a status; every event decodes, matches its schema and folds; the
// version a reply announces is the state's.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "crypto/free_text_cipher.h"
#include "domain/decide.h"
#include "events/envelope.h"
#include "events/schema_catalog.h"
#include "processor/batch_decider.h"
#include "processor/command_record.h"
#include "processor/processor_store.h"

namespace {

using nlohmann::json;
using namespace parcours;

const processor::Topics kTopics{"c", "e", "o", "r", "k", 12, 3};

struct Fixture {
  std::unique_ptr<processor::ProcessorStore> store;
  processor::StateCache cache;
  projections::OrgRegistry registry{kafka::KafkaSettings{}, "o", 1};
  crypto::MasterKeyRing ring = crypto::MasterKeyRing::generate("k1");

  Fixture() {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("parcours-fuzz-path-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::string error;
    store = processor::ProcessorStore::open(dir.string(), &error, false);
    if (!store) std::abort();
    long seq = 0;
    auto org = [&](const std::string& id, json data) {
      domain::RecordedEvent e;
      e.type = "org.registered";
      e.subject = id;
      e.seq = 1;
      e.command_id = "reg-" + id + std::to_string(++seq);
      data["name"] = id;
      data["department"] = "74";
      data["registered_on"] = "2020-01-01";
      e.data = data;
      registry.apply(e);
    };
    org("ft", {{"kind", "prescriber"}, {"prescriber_kind", "FT"}});
    org("ml", {{"kind", "prescriber"}, {"prescriber_kind", "ML"}});
    org("asso", {{"kind", "orienteur"}});
    org("ei", {{"kind", "siae"}, {"siae_kind", "EI"}});
    org("aci", {{"kind", "siae"}, {"siae_kind", "ACI"}});
    org("ddets", {{"kind", "ddets"}});
  }
};

const char* const kOrgs[] = {"ft", "ml", "asso", "ei", "aci", "ddets", "admin", "nobody"};

// Valid commands of each kind, to start from.
std::vector<std::pair<std::string, json>> templates() {
  const json person = {{"first_name", "Camille"},
                       {"last_name", "Martin"},
                       {"birth_date", "1990-04-02"},
                       {"nir", "190047512345606"}};
  return {
      {"OpenJourney", {{"person", person}, {"department", "74"}}},
      {"JoinJourney",
       {{"proof",
         {{"last_name", "MARTIN"}, {"first_name", "camille"}, {"birth_date", "1990-04-02"}}}}},
      {"JoinJourney", {{"proof", {{"nir", "190047512345606"}}}}},
      {"RecordConsent",
       {{"scope", "share_identity"}, {"org", "ei"}, {"given", true}, {"date", "2026-11-20"}}},
      {"RecordAccompanimentDiagnosis",
       {{"diagnosis_id", "a1"},
        {"date", "2026-11-20"},
        {"barriers", {"mobility"}},
        {"recommended_path", "iae"},
        {"notes", "n"}}},
      {"MakeEligibilityDiagnosis",
       {{"diagnosis_id", "d1"}, {"date", "2026-11-02"}, {"criteria", {"RSA"}}}},
      {"SubmitCandidature",
       {{"candidature_id", "c1"}, {"siae_org", "ei"}, {"date", "2026-11-02"}, {"message", "m"}}},
      {"ProcessCandidature", {{"candidature_id", "c1"}}},
      {"PostponeCandidature", {{"candidature_id", "c1"}, {"message", "later"}}},
      {"RefuseCandidature",
       {{"candidature_id", "c1"},
        {"reason", "other"},
        {"detail", "d"},
        {"shared_with_job_seeker", true}}},
      {"AcceptCandidature",
       {{"candidature_id", "c1"},
        {"hiring_start", "2026-11-23"},
        {"hiring_end", "2027-05-22"},
        {"contract", {{"type", "CDDI"}, {"weekly_hours", 26}}}}},
      {"CancelHire", {{"candidature_id", "c1"}, {"reason", "r"}}},
      {"SuspendPass",
       {{"suspension_id", "s1"},
        {"start", "2026-11-23"},
        {"end", "2026-12-20"},
        {"reason", "CONTRACT_SUSPENDED"}}},
      {"ProlongPass",
       {{"prolongation_id", "p1"},
        {"reason", "RQTH"},
        {"end", "2029-01-01"},
        {"prescriber_org", "ft"},
        {"report", "r"}}},
      {"DecideProlongation",
       {{"prolongation_id", "p1"},
        {"decision", "denied"},
        {"deny_reason", "SIAE"},
        {"explanation", "e"}}},
      {"RenewContract", {{"contract_id", "c1"}, {"end", "2027-11-22"}}},
      {"EndContract", {{"contract_id", "c1"}, {"date", "2026-12-01"}, {"reason", "r"}}},
      {"StartPmsmp",
       {{"pmsmp_id", "m1"},
        {"host", {{"siret", "73282932000074"}, {"name", "n"}}},
        {"objective", "discover"},
        {"start", "2026-11-16"},
        {"end", "2026-11-20"},
        {"weekly_hours", 35},
        {"tutor", "t"}}},
      {"RecordExit",
       {{"contract_id", "c1"}, {"date", "2026-12-01"}, {"destination", {{"kind", "cdi"}}}}},
      {"RecordFollowUp",
       {{"followup_id", "f1"}, {"date", "2026-11-20"}, {"kind", "interview"}, {"notes", "x"}}},
      {"EraseIdentity", {{"reason", "r"}}},
  };
}

// A JSON value taken from the input: parsed from a slice of it when it is JSON, else a string of
// its bytes made valid UTF-8 the way a JSON parser would have refused it (so: ASCII).
json value_from(FuzzedDataProvider& in) {
  const std::string text = in.ConsumeRandomLengthString(96);
  auto j = json::parse(text, nullptr, false);
  if (!j.is_discarded()) return j;
  std::string ascii;
  for (unsigned char c : text) ascii.push_back(static_cast<char>(c & 0x7f));
  return ascii;
}

void fail(const char* why) {
  std::fprintf(stderr, "fuzz_command_path: %s\n", why);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture f;
  static const auto kTemplates = templates();
  FuzzedDataProvider in(data, size);
  processor::BatchDecider decider(kTopics, *f.store, f.cache, f.registry, f.ring, nullptr,
                                  "2026-11-23T10:00:00.000Z");
  std::vector<processor::OutRecord> out;
  domain::JourneyState shadow;  // the journey as its events fold
  const int commands = in.ConsumeIntegralInRange(1, 14);
  for (int i = 0; i <= commands; ++i) {
    processor::CommandRecord cmd;
    const bool raw = i == commands;  // the last one: the rest of the input, as a record
    if (raw) {
      std::string error;
      auto decoded = processor::decode_command(in.ConsumeRemainingBytesAsString(), &error);
      if (!decoded) break;
      cmd = std::move(*decoded);
      if (cmd.stream != "org") cmd.stream_id = "j";
    } else {
      const auto& [type, base] =
          kTemplates[i == 0 ? 0 : in.ConsumeIntegralInRange<size_t>(0, kTemplates.size() - 1)];
      json body = base;
      for (int m = in.ConsumeIntegralInRange(0, 3); m > 0 && !body.empty(); --m) {
        auto it = body.begin();
        std::advance(it, in.ConsumeIntegralInRange<size_t>(0, body.size() - 1));
        *it = value_from(in);
      }
      const std::string org = kOrgs[in.ConsumeIntegralInRange<size_t>(0, std::size(kOrgs) - 1)];
      cmd.command_id = "k" + std::to_string(in.ConsumeIntegralInRange(0, 6));
      cmd.stream = "journey";
      cmd.stream_id = "j";
      cmd.type = type;
      cmd.actor = {org == "admin" ? "root" : "u", org == "admin" ? "platform" : org, {}};
      if (org == "admin") cmd.actor.roles.push_back("admin");
      cmd.intake_time = "2026-11-23T10:00:00.000Z";
      cmd.payload_hash = crypto::keyed_hash_hex(events::canonical(body), f.ring);
      cmd.reply_to = "fuzz";
      // Sealed as the API seals it, then through the wire format of the commands topic.
      if (type == "OpenJourney" && body.contains("person")) {
        const auto k = crypto::new_data_key();
        body["person"] = crypto::seal_identity(body["person"], k, "j");
        cmd.wrapped_key = crypto::wrap_data_key(k, "j", f.ring);
      } else {
        cmd.wrapped_key = crypto::seal_command_free_text(type, body, "j", f.ring);
      }
      cmd.data = std::move(body);
      std::string error;
      auto wire = processor::decode_command(processor::encode(cmd), &error);
      if (!wire) fail("a command the API encodes does not decode");
      cmd = std::move(*wire);
    }
    const std::size_t before = out.size();
    decider.decide(cmd, 0, out, i);
    std::size_t replies = 0;
    long announced = -1;
    for (std::size_t r = before; r < out.size(); ++r) {
      const auto& rec = out[r];
      if (rec.topic == kTopics.replies) {
        ++replies;
        auto reply = processor::decode_reply(*rec.value);
        if (!reply || reply->status < 200 || reply->status > 599) fail("a reply does not decode");
        if (reply->status == 201) announced = reply->body.value("version", -1L);
      } else if (rec.topic == kTopics.events) {
        auto env = json::parse(*rec.value, nullptr, false);
        if (env.is_discarded()) fail("an event is not JSON");
        if (!events::SchemaCatalog::standard().validate(env).empty())
          fail("an event breaks its schema");
        auto ev = events::decode(env);
        if (!ev) fail("an event does not decode");
        if (ev->seq != shadow.version + 1) fail("a seq gap");
        if (events::compute_hash(env) != ev->hash) fail("a hash does not match");
        domain::evolve(shadow, *ev);
      }
    }
    if (!cmd.reply_to.empty() && replies != 1) fail("a command without exactly one reply");
    if (announced >= 0 && announced != shadow.version) fail("a reply announces another version");
  }
  return 0;
}
