// run_pipeline's contract with its caller: it prints nothing, hands the
// document over through RunEvents::publish, and saves the cache statistics
// only after the document is out.
#include <doctest/doctest.h>

#include <csignal>
#include "cache/stats.hpp"

#include "core/base/error.hpp"
#include "core/base/interrupt.hpp"
#include "core/pipeline.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {

struct Run {
  test::TempDir dir;
  Config config;
  FakeClock clock{1795348800};  // 2026-11-22T12:00:00Z
  Run() {
    config.data_dir = dir / "data";
    config.cache_dir = dir / "cache";
    config.offline = true;
    test::write_file(dir / "data/raw/trade_history/p.csv",
                     "Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Status\n"
                     "A1,AAPL,SMA,2026-10-01,,,,Open\n"
                     "A2,MSFT,SMA,2026-01-02,2026-02-01,100,0.10,Closed\n");
  }
};

}  // namespace

TEST_CASE("pipeline: the document goes to publish, then the run's lookups are saved") {
  Run r;
  int published = 0, progress = 0;
  RunEvents events;
  events.network_progress = [&](const NetworkProgress&, const NeedTally&) { ++progress; };
  events.publish = [&](const Discovery& d) {
    ++published;
    CHECK(d.portfolio.name == "p");
    CHECK(d.trades.portfolio.total_trades == 2);
    CHECK(d.metadata.mode == "offline");
    // Not saved yet while the document is being written.
    CHECK_FALSE(std::filesystem::exists(stats_path(r.config.cache_dir)));
    return std::filesystem::path("/somewhere/p.json");
  };
  RunOutcome out = run_pipeline(r.config, r.clock, {"p"}, events);
  CHECK(published == 1);
  CHECK(progress == 0);  // offline: no network step to report on
  CHECK(out.output == "/somewhere/p.json");
  CHECK(out.trades == 2);
  CHECK(out.open_positions == 1);
  // Offline with an empty cache: AAPL, SPY, QQQ, VTI market; VIX; 2 profiles; 2 fundamentals (no local
  // analysis); 4 FRED series; 2 IMF indicators: 4 + 1 + 2 + 2 + 4 + 2 = 15 needs, all missing, one miss each.
  CHECK(out.needs == 15);
  CHECK(out.needs_missing == 15);
  auto saved = load_stats(r.config.cache_dir);
  REQUIRE(saved);
  CHECK(saved->total(Stat::misses) == 15);
}

TEST_CASE("pipeline: a document that cannot be published still saves the run's statistics, and says so") {
  // Issue 9, item 9: the lookups happened; forgetting them would make the counts lie.
  Run r;
  RunEvents events;
  events.publish = [](const Discovery&) -> std::filesystem::path {
    throw FatalError(ExitCode::input, "cannot write the document");
  };
  try {
    run_pipeline(r.config, r.clock, {"p"}, events);
    FAIL("no error");
  } catch (const FatalError& e) {
    CHECK(e.code() == ExitCode::input);
    CHECK(
        std::string(e.what()) ==
        "cannot write the document; cache entries already fetched were kept, and the run's statistics saved");
  }
  auto saved = load_stats(r.config.cache_dir);
  REQUIRE(saved);
  CHECK(saved->total(Stat::misses) == 15);  // the 15 needs of the first test, one miss each
}

TEST_CASE("pipeline: a signal received is exit 130 (SIGINT) or 143 (SIGTERM), and nothing is published") {
  for (int sig : {SIGINT, SIGTERM}) {
    Run r;
    int published = 0;
    RunEvents events;
    events.publish = [&](const Discovery&) {
      ++published;
      return std::filesystem::path();
    };
    set_interrupt_signal_for_test(sig);
    try {
      run_pipeline(r.config, r.clock, {"p"}, events);
      FAIL("no error");
    } catch (const FatalError& e) {
      CHECK(e.code() == (sig == SIGINT ? ExitCode::interrupted : ExitCode::terminated));
      CHECK(std::string(e.what()) == "interrupted");
    }
    set_interrupt_signal_for_test(0);
    CHECK(published == 0);
  }
}
