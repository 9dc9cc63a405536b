#include "services/providers/registry.hpp"

#include <array>

#include "core/base/service_ids.hpp"
#include "services/providers/providers.hpp"

namespace thd {
namespace {

const std::array<const Provider*, k_service_names.size()>& table() {
  static const std::array<const Provider*, k_service_names.size()> k_table{
      &providers::yahoo_finance(), &providers::fmp(),       &providers::alpha_vantage(),
      &providers::fred_economic(), &providers::sec_edgar(), &providers::coingecko(),
      &providers::imf_data(),
  };
  return k_table;
}

struct Chain {
  NeedKind kind;
  std::span<const std::string_view> services;
};

constexpr std::string_view k_market[] = {"yahoo_finance", "fmp", "alpha_vantage"};
constexpr std::string_view k_vix[] = {"yahoo_finance", "fred_economic"};
constexpr std::string_view k_profile[] = {"fmp", "alpha_vantage", "sec_edgar"};
constexpr std::string_view k_fundamentals[] = {"fmp", "alpha_vantage"};
constexpr std::string_view k_series[] = {"fred_economic"};
constexpr std::string_view k_imf[] = {"imf_data"};
constexpr std::string_view k_crypto[] = {"coingecko"};

constexpr Chain k_chains[] = {
    {NeedKind::market, k_market},   {NeedKind::vix, k_vix},
    {NeedKind::profile, k_profile}, {NeedKind::fundamentals, k_fundamentals},
    {NeedKind::series, k_series},   {NeedKind::imf, k_imf},
    {NeedKind::crypto, k_crypto},
};

}  // namespace

std::span<const Provider* const> all_providers() {
  return table();
}

const Provider* find_provider(std::string_view name) {
  for (const Provider* p : table())
    if (p->info().name == name) return p;
  return nullptr;
}

std::span<const std::string_view> chain_of(NeedKind kind) {
  for (const Chain& c : k_chains)
    if (c.kind == kind) return c.services;
  return {};
}

Need make_need(NeedKind kind, std::string subject) {
  Need need{kind, std::move(subject), {}, NeedPriority::other};
  for (std::string_view name : chain_of(kind))
    if (const Provider* p = find_provider(name))
      if (auto src = p->source_for(kind, need.subject)) need.chain.push_back(std::move(*src));
  return need;
}

}  // namespace thd
