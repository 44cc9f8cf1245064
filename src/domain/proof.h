// Proofs of identity (JOURNEY §3.1): how an organisation shows it knows who the person is,
// to join a journey (JoinJourney) or find it (POST /v1/journeys/lookup).
//
// A proof is either the NIR or the last name, first name and birth date, as les-emplois finds
// a job seeker. Both sides are reduced to a canonical text (proof_text), so that names compare
// without case, accents or punctuation, and only keyed hashes of those texts are ever compared
// or stored (src/crypto/lookup_hash.h): the texts never leave the process.
//
//   proof_text  = "nir:" NIR                      (15 characters, as validated)
//               | "name:" fold(last) US fold(first) US birth_date      (US = 0x1F)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/fields.h"
#include "domain/identity.h"

namespace parcours::domain {

// Lower case, Latin accents and ligatures removed (é -> e, œ -> oe, ß -> ss), spaces, hyphens,
// apostrophes and dots collapsed into one space, trimmed. Other characters are kept as they are.
std::string fold_name(std::string_view name);

enum class ProofKind { nir, name_and_birth_date };
std::string_view to_string(ProofKind k);  // "nir" | "name_and_birth_date"

struct Proof {
  ProofKind kind = ProofKind::nir;
  std::string text;  // proof_text above
};

// Reads a `proof` object strictly: {nir} or {last_name, first_name, birth_date}, nothing else
// (400 malformed through the reader otherwise).
std::optional<Proof> read_proof(FieldReader& f);

// The proof texts a person answers to: the NIR one (if the identity holds a NIR) and the name
// one.
std::vector<std::string> proof_texts(const Person& p);

}  // namespace parcours::domain
