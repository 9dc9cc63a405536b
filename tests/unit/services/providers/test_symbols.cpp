#include <doctest/doctest.h>

#include "core/base/text.hpp"
#include "services/providers/symbols.hpp"

using namespace thd;

namespace {

std::string spell(std::string_view service, std::string_view ticker) {
  return provider_symbol(service, ticker, {});
}

}  // namespace

TEST_CASE("yahoo: share classes with '-', exchange suffixes keep their '.'") {
  CHECK(spell("yahoo_finance", "AAPL") == "AAPL");
  CHECK(spell("yahoo_finance", "BRK.B") == "BRK-B");
  CHECK(spell("yahoo_finance", "BRK-B") == "BRK-B");
  CHECK(spell("yahoo_finance", "BF.B") == "BF-B");
  CHECK(spell("yahoo_finance", "SHOP.TO") == "SHOP.TO");
  CHECK(spell("yahoo_finance", "VOD.L") == "VOD.L");
  CHECK(spell("yahoo_finance", "MQG.AX") == "MQG.AX");
  CHECK(spell("yahoo_finance", "7203.T") == "7203.T");
  CHECK(spell("yahoo_finance", "0700.HK") == "0700.HK");
  CHECK(spell("yahoo_finance", "shop.to") == "shop.TO");    // the suffix in Yahoo's case
  CHECK(spell("yahoo_finance", "BBD.B.TO") == "BBD-B.TO");  // class and exchange
  CHECK(spell("yahoo_finance", "^VIX") == "^VIX");
  CHECK(spell("yahoo_finance", "BTC-USD") == "BTC-USD");
  CHECK(spell("yahoo_finance", "EURUSD=X") == "EURUSD=X");  // not recognized: unchanged
  CHECK(spell("yahoo_finance", "A.B.C") == "A.B.C");        // two classes: unchanged
}

TEST_CASE("fmp: as yahoo for stocks and indices, crypto pairs without the dash") {
  CHECK(spell("fmp", "BRK.B") == "BRK-B");
  CHECK(spell("fmp", "VOD.L") == "VOD.L");
  CHECK(spell("fmp", "SHOP.TO") == "SHOP.TO");
  CHECK(spell("fmp", "^GSPC") == "^GSPC");
  CHECK(spell("fmp", "BTC-USD") == "BTCUSD");
  CHECK(spell("fmp", "ETH-EUR") == "ETHEUR");
  CHECK(spell("fmp", "MSFT") == "MSFT");
}

TEST_CASE("alpha vantage: its own exchange codes, share classes with '-'") {
  CHECK(spell("alpha_vantage", "VOD.L") == "VOD.LON");
  CHECK(spell("alpha_vantage", "SHOP.TO") == "SHOP.TRT");
  CHECK(spell("alpha_vantage", "GPV.V") == "GPV.TRV");
  CHECK(spell("alpha_vantage", "MBG.DE") == "MBG.DEX");
  CHECK(spell("alpha_vantage", "RELIANCE.BO") == "RELIANCE.BSE");
  CHECK(spell("alpha_vantage", "600104.SS") == "600104.SHH");
  CHECK(spell("alpha_vantage", "000002.SZ") == "000002.SHZ");
  CHECK(spell("alpha_vantage", "BRK.B") == "BRK-B");
  CHECK(spell("alpha_vantage", "BBD.B.TO") == "BBD-B.TRT");
  CHECK(spell("alpha_vantage", "MQG.AX") == "MQG.AX");  // no Alpha Vantage code: Yahoo's suffix kept
  CHECK(spell("alpha_vantage", "IBM") == "IBM");
}

TEST_CASE("other services get the ticker as written") {
  CHECK(spell("sec_edgar", "BRK.B") == "BRK.B");
  CHECK(spell("coingecko", "BTC-USD") == "BTC-USD");
  CHECK(spell("no_such_service", "VOD.L") == "VOD.L");
}

TEST_CASE("the user's override wins over the rules, per ticker and service") {
  SymbolOverrides o;
  o["BRK.B"]["yahoo_finance"] = "BRK-B";
  o["RDS.A"]["fmp"] = "SHEL";
  o["VOD.L"]["alpha_vantage"] = "VOD";
  CHECK(provider_symbol("fmp", "RDS.A", o) == "SHEL");
  CHECK(provider_symbol("yahoo_finance", "RDS.A", o) == "RDS-A");  // no override for yahoo: the rules
  CHECK(provider_symbol("alpha_vantage", "VOD.L", o) == "VOD");
  CHECK(provider_symbol("fmp", "VOD.L", o) == "VOD.L");
  CHECK(provider_symbol("yahoo_finance", "brk.b", o) == "brk-b");  // exact ticker match only: the rules
}

TEST_CASE("url encoding: unreserved bytes stay, everything else is %XX") {
  CHECK(url_encode("BRK-B.TO_x~") == "BRK-B.TO_x~");
  CHECK(url_encode("^VIX") == "%5EVIX");
  CHECK(url_encode("EURUSD=X") == "EURUSD%3DX");
  CHECK(url_encode("A B/&") == "A%20B%2F%26");
  CHECK(yahoo_symbol("^VIX") == "%5EVIX");
  CHECK(yahoo_symbol("BRK.B") == "BRK-B");
  CHECK(yahoo_symbol("SHOP.TO") == "SHOP.TO");
}
