#include "core/base/env.hpp"

#include <cstdlib>

namespace thd {

EnvLookup process_environment() {
  // An empty variable is an unset one (THD_DATA_DIR= is how people unset in scripts).
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

}  // namespace thd
