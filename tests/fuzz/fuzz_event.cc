// libFuzzer target: the event decoder. Arbitrary bytes are decoded as a record of the events
// topic; an event the catalogue accepts must then apply to a journey without crashing or
// throwing, as the projector and `audit` apply whatever the log holds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/decide.h"
#include "events/envelope.h"
#include "events/hash_chain.h"
#include "events/schema_catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  parcours::events::DecodeError error;
  auto event = parcours::events::decode_record(bytes, &error);
  if (!event) return 0;
  const auto envelope = parcours::events::to_envelope(*event, parcours::events::kJourneySource);
  parcours::events::ChainVerifier chain;
  (void)chain.add(envelope);
  if (!parcours::events::SchemaCatalog::standard().validate(envelope).empty()) return 0;
  parcours::domain::JourneyState state;
  parcours::domain::evolve(state, *event);  // must not throw for a valid event
  parcours::domain::OrgMap orgs;
  parcours::domain::evolve_org(orgs, *event);
  return 0;
}
