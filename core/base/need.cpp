#include "core/base/need.hpp"

namespace thd {

std::string_view need_kind_name(NeedKind k) {
  switch (k) {
    case NeedKind::market: return "market";
    case NeedKind::profile: return "profile";
    case NeedKind::fundamentals: return "fundamentals";
    case NeedKind::vix: return "vix";
    case NeedKind::series: return "series";
    case NeedKind::imf: return "imf";
    case NeedKind::crypto: return "crypto";
  }
  return "market";
}

std::string_view need_priority_name(NeedPriority p) {
  switch (p) {
    case NeedPriority::open_position: return "open positions";
    case NeedPriority::benchmark: return "benchmarks and VIX";
    case NeedPriority::macro: return "macro";
    case NeedPriority::crypto: return "crypto";
    case NeedPriority::profile: return "profiles";
    case NeedPriority::fundamentals: return "fundamentals";
    case NeedPriority::other: return "other";
  }
  return "other";
}

}  // namespace thd
