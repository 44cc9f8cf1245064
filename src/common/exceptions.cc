#include "common/exceptions.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

#include <nlohmann/json.hpp>

namespace parcours::common {

std::string describe_exception(const std::exception& e) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status), std::free);
  std::string out = status == 0 && name ? name.get() : typeid(e).name();
  if (const auto* j = dynamic_cast<const nlohmann::json::exception*>(&e)) {
    out += " id " + std::to_string(j->id);
  }
  return out;
}

}  // namespace parcours::common
