// The user's spellings of a ticker at a provider, from the config file's
// [symbols."BRK.B"] yahoo_finance = "BRK-B": ticker -> service -> symbol.
// They win over the spelling rules of services/providers/symbols.hpp.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace thd {

// std::less<>: looked up by string_view (ticker, service) without a copy.
using SymbolOverrides = std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;

}  // namespace thd
