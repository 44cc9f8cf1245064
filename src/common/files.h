// Reading a small file whole: a secret, a /proc or /sys figure.
#pragma once

#include <optional>
#include <string>

namespace parcours::common {

// The file's bytes; nullopt if it cannot be opened.
std::optional<std::string> read_whole_file(const std::string& path);

}  // namespace parcours::common
