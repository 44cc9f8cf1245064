#include "common/files.h"

#include <fstream>
#include <sstream>

namespace parcours::common {

std::optional<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace parcours::common
