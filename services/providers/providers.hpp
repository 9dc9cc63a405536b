// The provider modules, one function each; the registry lists them.
#pragma once

#include "services/providers/provider.hpp"

namespace thd::providers {

const Provider& yahoo_finance();
const Provider& fmp();
const Provider& alpha_vantage();
const Provider& fred_economic();
const Provider& sec_edgar();
const Provider& coingecko();
const Provider& imf_data();

}  // namespace thd::providers
