// libFuzzer target: every provider's parser on arbitrary bytes. The first
// byte picks the parser (and the symbol asked for), the rest is the body.
// Built with -DTHD_FUZZ=ON by clang; seeds in tests/fuzz/corpus_parsers/
// (the fake services' answers, one per parser, behind their selector byte).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/providers/adapter_json.hpp"
#include "services/providers/adapters.hpp"

namespace {

bool holds_required(const thd::MarketRecord& m) {
  return m.price.has_value();
}
bool holds_required(const thd::FundamentalsRecord& f) {
  return f.pe_ratio || f.eps || f.analyst_target;
}
bool holds_required(const thd::SeriesRecord& s) {
  return s.date && s.value;
}
bool holds_required(const thd::ImfRecord& i) {
  return i.year && i.value;
}
bool holds_required(const thd::CryptoRecord& c) {
  return c.usd.has_value();
}
// A profile holds a company name or one of the eleven canonical sectors.
bool holds_required(const thd::ProfileRecord& r) {
  return r.name || r.sector;
}
// company_tickers.json: a CIK or "not in the file".
bool holds_required(const std::optional<std::uint64_t>&) {
  return true;
}

// A parse either gives a record or a failure with a message; both are fine,
// a crash, a hang or a sanitizer report is not. A failure is bad_body,
// no_data or a refusal (what the engine expects of a parser), and a record holds the
// field that made it data (docs/NETWORK.md "What an answer must hold").
template <class T>
void use(const thd::Result<T>& r) {
  if (!r) {
    if (r.error().message.empty()) __builtin_trap();  // every failure says what it is
    // ... or one of a provider's refusals it reads from the body (Alpha
    // Vantage's "25 requests per day", FMP's "Limit Reach"; issue 10).
    switch (r.error().kind) {
      case thd::FailureKind::bad_body:
      case thd::FailureKind::no_data:
      case thd::FailureKind::quota_exhausted:
      case thd::FailureKind::auth_rejected:
      case thd::FailureKind::rate_limited:
      case thd::FailureKind::not_on_plan: break;
      default: __builtin_trap();
    }
    return;
  }
  if (!holds_required(*r)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const unsigned selector = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  // The symbol asked for: plain, a class share in the caller's spelling, the VIX.
  static constexpr std::string_view k_symbols[] = {"AAPL", "BRK.B", "^VIX", "MSFT"};
  const std::string_view symbol = k_symbols[(selector >> 4) % 4];
  const thd::Date today{2026, 11, 22};
  switch (selector % 16) {
    case 0: use(thd::parse_yahoo_chart(body, symbol, today)); break;
    case 1: use(thd::parse_fmp_quote(body, symbol)); break;
    case 2: use(thd::parse_fmp_profile(body, symbol)); break;
    case 3: use(thd::parse_fmp_ratios(body, symbol)); break;
    case 4: use(thd::parse_alpha_vantage_quote(body, symbol)); break;
    case 5: use(thd::parse_alpha_vantage_profile(body, symbol)); break;
    case 6: use(thd::parse_alpha_vantage_fundamentals(body, symbol)); break;
    case 7: {
      auto r = thd::parse_sec_submissions(body, 320193);
      use(r);
      if (r && !r->name) __builtin_trap();  // SEC's submissions need the company name
      break;
    }
    case 8: use(thd::parse_sec_company_tickers(body, symbol)); break;
    case 9: use(thd::parse_fred_series(body)); break;
    case 10: use(thd::parse_imf(body, "NGDP_RPCH", thd::k_imf_country, today.year)); break;
    case 11: use(thd::parse_coingecko(body, "bitcoin")); break;
    case 12: {
      // A provider's words made safe to show: bounded, printable.
      std::string s = thd::adapter_json::sanitize(body);
      if (s.size() > 200) __builtin_trap();
      break;
    }
    case 13: {
      // An error answer's words: bounded (200 characters and "..."), whatever the body.
      if (thd::adapter_json::error_text(body).size() > 200) __builtin_trap();
      const long status = 400 + static_cast<long>(selector >> 4) % 32;
      for (auto read : {thd::read_fmp_error, thd::read_yahoo_error, thd::read_sec_error, thd::read_fred_error,
                        thd::read_coingecko_error})
        if (read(status, body).message.size() > 300) __builtin_trap();
      break;
    }
    case 14: {
      static const std::vector<std::string> asked{"bitcoin", "ethereum", "solana"};
      use(thd::parse_coingecko(body, "ethereum", asked));
      auto crumb = thd::read_yahoo_crumb(body);
      if (crumb && (crumb->empty() || crumb->size() > 64)) __builtin_trap();
      break;
    }
    default: break;
  }
  return 0;
}
