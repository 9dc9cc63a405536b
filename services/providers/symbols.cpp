// Per-provider spelling rules (docs/SYMBOLS.md has the sources).
#include "services/providers/symbols.hpp"

#include <algorithm>
#include <optional>

#include "core/base/text.hpp"

namespace thd {
namespace {

// A listing outside the US: Yahoo's suffix (the notation tickers are read
// in; FMP uses the same) and Alpha Vantage's, where it has the exchange.
struct Exchange {
  std::string_view yahoo, alpha_vantage;
};

constexpr Exchange k_exchanges[] = {
    {"L", "LON"},  {"TO", "TRT"}, {"V", "TRV"},  {"DE", "DEX"}, {"F", "FRK"},  {"PA", "PAR"}, {"AS", "AMS"},
    {"LS", "LIS"}, {"BR", "BRU"}, {"SS", "SHH"}, {"SZ", "SHZ"}, {"BO", "BSE"}, {"AX", ""},    {"NZ", ""},
    {"HK", ""},    {"T", ""},     {"KS", ""},    {"KQ", ""},    {"TW", ""},    {"TWO", ""},   {"SI", ""},
    {"NS", ""},    {"JK", ""},    {"KL", ""},    {"BK", ""},    {"SW", ""},    {"MI", ""},    {"MC", ""},
    {"ST", ""},    {"OL", ""},    {"CO", ""},    {"HE", ""},    {"IC", ""},    {"IR", ""},    {"VI", ""},
    {"WA", ""},    {"PR", ""},    {"BD", ""},    {"AT", ""},    {"IS", ""},    {"TA", ""},    {"JO", ""},
    {"SA", ""},    {"MX", ""},    {"BA", ""},    {"SN", ""},    {"CN", ""},    {"NE", ""},    {"DU", ""},
    {"MU", ""},    {"SG", ""},    {"BE", ""},    {"HM", ""},    {"SR", ""},    {"QA", ""},
};

// Quote currencies of a crypto pair: "BTC-USD" is a pair, "BRK-B" a share class.
constexpr std::string_view k_crypto_quotes[] = {"USD", "USDT", "USDC", "EUR", "GBP", "JPY", "BTC", "ETH"};

// A ticker taken apart. Exactly one of: index, pair, or root (+ class, + exchange).
struct Parsed {
  bool index = false;                  // "^VIX": root "VIX"
  std::string root;                    // "BRK", "SHOP", "BTC"
  std::string share_class;             // "B" of BRK.B / BRK-B
  const Exchange* exchange = nullptr;  // ".TO"
  std::string pair_quote;              // "USD" of BTC-USD
};

const Exchange* exchange_of(std::string_view suffix) {
  for (const Exchange& e : k_exchanges)
    if (iequals(e.yahoo, suffix)) return &e;
  return nullptr;
}

bool is_crypto_quote(std::string_view s) {
  return std::any_of(std::begin(k_crypto_quotes), std::end(k_crypto_quotes),
                     [&](std::string_view q) { return iequals(q, s); });
}

std::optional<Parsed> parse(std::string_view t) {
  Parsed p;
  if (t.starts_with('^')) {
    p.index = true;
    p.root = std::string(t.substr(1));
    return p.root.empty() ? std::nullopt : std::optional<Parsed>(p);
  }
  if (auto dot = t.rfind('.'); dot != std::string_view::npos && dot > 0) {
    if ((p.exchange = exchange_of(t.substr(dot + 1)))) t = t.substr(0, dot);
  }
  auto sep = t.find_last_of(".-");
  if (sep == std::string_view::npos) {
    p.root = std::string(t);
  } else {
    std::string_view head = t.substr(0, sep), tail = t.substr(sep + 1);
    if (head.empty() || tail.empty() || head.find_first_of(".-") != std::string_view::npos)
      return std::nullopt;
    p.root = std::string(head);
    if (t[sep] == '-' && !p.exchange && is_crypto_quote(tail))
      p.pair_quote = std::string(tail);
    else
      p.share_class = std::string(tail);
  }
  return p;
}

// Root, class and exchange in one provider's notation.
std::string listing(const Parsed& p, char class_sep, std::string_view exchange_suffix) {
  std::string out = p.root;
  if (!p.share_class.empty()) out += class_sep + p.share_class;
  if (!exchange_suffix.empty()) out += "." + std::string(exchange_suffix);
  return out;
}

// Yahoo: share class with '-', exchange suffix with '.', indices with '^',
// crypto pairs as BASE-QUOTE.
std::string yahoo(const Parsed& p) {
  if (p.index) return "^" + p.root;
  if (!p.pair_quote.empty()) return p.root + "-" + p.pair_quote;
  return listing(p, '-', p.exchange ? p.exchange->yahoo : "");
}

// FMP: as Yahoo for stocks and indices; crypto pairs without the dash (BTCUSD).
std::string fmp(const Parsed& p) {
  if (!p.pair_quote.empty()) return p.root + p.pair_quote;
  return yahoo(p);
}

// Alpha Vantage: share class with '-', its own exchange codes (TSCO.LON);
// an exchange it has no code for keeps Yahoo's suffix (it will not know it).
std::string alpha_vantage(const Parsed& p) {
  if (p.index) return "^" + p.root;
  if (!p.pair_quote.empty()) return p.root + "-" + p.pair_quote;
  std::string_view suffix;
  if (p.exchange) suffix = p.exchange->alpha_vantage.empty() ? p.exchange->yahoo : p.exchange->alpha_vantage;
  return listing(p, '-', suffix);
}

}  // namespace

std::string provider_symbol(std::string_view service, std::string_view ticker,
                            const SymbolOverrides& overrides) {
  if (auto t = overrides.find(ticker); t != overrides.end())
    if (auto s = t->second.find(service); s != t->second.end()) return s->second;
  auto parsed = parse(ticker);
  if (!parsed) return std::string(ticker);
  if (service == "yahoo_finance") return yahoo(*parsed);
  if (service == "fmp") return fmp(*parsed);
  if (service == "alpha_vantage") return alpha_vantage(*parsed);
  return std::string(ticker);
}

std::string spelled(std::string_view provider, std::string_view ticker, const RequestContext& c) {
  static const SymbolOverrides k_none;
  return provider_symbol(provider, ticker, c.symbols ? *c.symbols : k_none);
}

std::string yahoo_symbol(std::string_view ticker) {
  return url_encode(provider_symbol("yahoo_finance", ticker, {}));
}

}  // namespace thd
