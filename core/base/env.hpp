// The environment behind a function, so that tests pass their own.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace thd {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
// The process environment; an empty variable reads as unset.
EnvLookup process_environment();

}  // namespace thd
