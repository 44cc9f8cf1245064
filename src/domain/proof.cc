#include "domain/proof.h"

#include <array>

namespace parcours::domain {

namespace {

// U+00C0 to U+017F (Latin-1 Supplement and Latin Extended-A), each folded to ASCII; "" for the
// two signs of the block (multiplication, division).
constexpr std::array<const char*, 0x180 - 0xC0> kLatinFold = {
    "a", "a", "a",  "a",  "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // U+00C0
    "d", "n", "o",  "o",  "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // U+00D0
    "a", "a", "a",  "a",  "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // U+00E0
    "d", "n", "o",  "o",  "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // U+00F0
    "a", "a", "a",  "a",  "a", "a", "c",  "c", "c", "c", "c", "c", "c", "c", "d",  "d",   // U+0100
    "d", "d", "e",  "e",  "e", "e", "e",  "e", "e", "e", "e", "e", "g", "g", "g",  "g",   // U+0110
    "g", "g", "g",  "g",  "h", "h", "h",  "h", "i", "i", "i", "i", "i", "i", "i",  "i",   // U+0120
    "i", "i", "ij", "ij", "j", "j", "k",  "k", "k", "l", "l", "l", "l", "l", "l",  "l",   // U+0130
    "l", "l", "l",  "n",  "n", "n", "n",  "n", "n", "n", "n", "n", "o", "o", "o",  "o",   // U+0140
    "o", "o", "oe", "oe", "r", "r", "r",  "r", "r", "r", "s", "s", "s", "s", "s",  "s",   // U+0150
    "s", "s", "t",  "t",  "t", "t", "t",  "t", "u", "u", "u", "u", "u", "u", "u",  "u",   // U+0160
    "u", "u", "u",  "u",  "w", "w", "y",  "y", "y", "z", "z", "z", "z", "z", "z",  "s",   // U+0170
};

bool is_separator(char32_t c) {
  return c == ' ' || c == '-' || c == '\'' || c == '.' || c == '\t' || c == 0x2019 || c == 0xA0;
}

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes one UTF-8 character at s[i] (advancing i); a byte that does not start a valid
// character is kInvalid, one byte long.
char32_t next_char(std::string_view s, std::size_t& i, std::size_t* length) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  char32_t cp = c;
  if ((c & 0xE0) == 0xC0) {
    n = 1, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3, cp = c & 0x07;
  }
  // A byte that starts no whole character stands alone, as kInvalid (kept as it is).
  if (c >= 0x80 && n == 0) cp = kInvalid;
  if (n > 0 && i + n >= s.size()) n = 0, cp = kInvalid;
  for (std::size_t k = 1; k <= n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      n = 0, cp = kInvalid;
      break;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *length = n + 1;
  i += n + 1;
  return cp;
}

}  // namespace

std::string fold_name(std::string_view name) {
  std::string out;
  bool pending_space = false;
  for (std::size_t i = 0; i < name.size();) {
    const std::size_t at = i;
    std::size_t length = 0;
    const char32_t c = next_char(name, i, &length);
    if (is_separator(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c >= 0xC0 && c < 0x180) {
      out += kLatinFold[c - 0xC0];
    } else {
      out.append(name.substr(at, length));
    }
  }
  return out;
}

std::string_view to_string(ProofKind k) {
  return k == ProofKind::nir ? "nir" : "name_and_birth_date";
}

std::optional<Proof> read_proof(FieldReader& f) {
  if (f.has("nir")) {
    const std::string nir = f.text("nir", 15);
    if (f.ok() && !is_valid_nir(nir)) f.fail("nir", "is not a valid NIR (15 characters, key)");
    if (!f.ok()) return std::nullopt;
    return Proof{ProofKind::nir, "nir:" + nir};
  }
  const std::string last = f.text("last_name", kMaxShortText);
  const std::string first = f.text("first_name", kMaxShortText);
  const Date birth = f.date("birth_date");
  if (!f.ok()) return std::nullopt;
  const std::string folded_last = fold_name(last);
  const std::string folded_first = fold_name(first);
  if (folded_last.empty()) f.fail("last_name", "must hold a letter");
  if (folded_first.empty()) f.fail("first_name", "must hold a letter");
  if (!f.ok()) return std::nullopt;
  return Proof{ProofKind::name_and_birth_date,
               "name:" + folded_last + '\x1f' + folded_first + '\x1f' + birth.str()};
}

std::vector<std::string> proof_texts(const Person& p) {
  std::vector<std::string> out;
  if (p.nir) out.push_back("nir:" + *p.nir);
  out.push_back("name:" + fold_name(p.last_name) + '\x1f' + fold_name(p.first_name) + '\x1f' +
                p.birth_date.str());
  return out;
}

}  // namespace parcours::domain
