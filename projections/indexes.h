// Secondary read models derived from one journey's state (ARCHITECTURE §4):
//
//   cand/<org>\0<state>\0<journey>\0<candidature>   an SIAE's inbox and a sender's outbox
//   pass/<number>                                  PASS IAE by number
//   pass_end/<end>\0<number>                       PASS IAE by end date
//   exit/<siae>\0<year>\0<journey>\0<contract>     exits, for the exit indicators
//   refusal/<siae>\0<journey>\0<candidature>       refusal reasons, by SIAE
//   diag/<prescriber>\0<date>\0<journey>\0<diag>   eligibility diagnoses and whether a hire used
//   them
//   lookup/<hash>\0<journey>                       keyed hashes of the person's proofs of
//                                                  identity (POST /v1/journeys/lookup); written
//                                                  from the keys topic, not from the state, and
//                                                  deleted with the key by the erasure
//
// index_entries() is a pure function of the state: the projector writes the difference between
// the entries of a journey before and after each batch, so the indexes of a rebuilt replica and
// of a live one are the same bytes. Values are JSON objects.
#pragma once

#include <initializer_list>
#include <map>
#include <string>

#include "domain/journey_state.h"

namespace parcours::projections {

using IndexEntries = std::map<std::string, std::string>;  // key -> value

IndexEntries index_entries(const domain::JourneyState& s);

// Key builders shared by the writers and the queries.
// The parts joined with NUL bytes (a separator no id contains).
std::string join_key(std::initializer_list<std::string> parts);
std::string cand_prefix(const std::string& org, const std::string& state = "");
std::string exit_prefix(const std::string& siae, int year);
std::string refusal_prefix(const std::string& siae);
std::string diag_prefix(const std::string& prescriber);
std::string lookup_prefix(const std::string& hash);

}  // namespace parcours::projections
