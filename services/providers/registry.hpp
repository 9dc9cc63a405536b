// The providers as a table (as ccache's remote storage schemes), and the
// provider chains of SPEC §7 as data: which providers serve each need kind,
// in the order they are tried.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/need.hpp"
#include "services/providers/provider.hpp"

namespace thd {

// In the order of k_service_names.
std::span<const Provider* const> all_providers();
const Provider* find_provider(std::string_view name);

// SPEC §7: the providers tried for a need kind, first to last.
std::span<const std::string_view> chain_of(NeedKind kind);

// A need with its chain: each provider of chain_of(kind) with its cache key.
Need make_need(NeedKind kind, std::string subject);

}  // namespace thd
