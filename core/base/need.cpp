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

}  // namespace thd
