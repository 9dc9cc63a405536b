// How each provider spells a ticker (docs/SYMBOLS.md). A ticker is read in
// the notation of the trade history: a share class after '.' or '-'
// ("BRK.B", "BRK-B"), a Yahoo exchange suffix after the last '.'
// ("SHOP.TO", "VOD.L", "BBD.B.TO"), '^' for an index ("^VIX"), BASE-QUOTE for
// a crypto pair ("BTC-USD"). The user's override for (ticker, service) wins.
#pragma once

#include <string>
#include <string_view>

#include "core/base/symbols.hpp"
#include "services/providers/provider.hpp"

namespace thd {

// The symbol `service` knows `ticker` by, not URL-encoded: the override if
// there is one, else the provider's rules; other services (and what the
// rules do not recognize) get the ticker unchanged.
std::string provider_symbol(std::string_view service, std::string_view ticker,
                            const SymbolOverrides& overrides);

// For a URL path segment or query value, core/base/text.hpp's url_encode ("^VIX" -> "%5EVIX").

// Yahoo's spelling, URL-encoded, without overrides: "BRK.B" -> "BRK-B",
// "SHOP.TO" -> "SHOP.TO", "BBD.B.TO" -> "BBD-B.TO", "^VIX" -> "%5EVIX".
std::string yahoo_symbol(std::string_view ticker);

}  // namespace thd
