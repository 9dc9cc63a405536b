#include "core/base/error.hpp"

namespace thd {

std::string_view failure_kind_name(FailureKind k) {
  switch (k) {
    case FailureKind::other: return "other";
    case FailureKind::no_data: return "no_data";
    case FailureKind::transport: return "transport";
    case FailureKind::timeout: return "timeout";
    case FailureKind::http_status: return "http_status";
    case FailureKind::bad_body: return "bad_body";
    case FailureKind::too_large: return "too_large";
    case FailureKind::rate_limited: return "rate_limited";
    case FailureKind::quota_exhausted: return "quota_exhausted";
    case FailureKind::auth_rejected: return "auth_rejected";
    case FailureKind::not_on_plan: return "not_on_plan";
    case FailureKind::circuit_open: return "circuit_open";
    case FailureKind::budget_spent: return "budget_spent";
    case FailureKind::refused: return "refused";
    case FailureKind::cancelled: return "cancelled";
    case FailureKind::disabled: return "disabled";
    case FailureKind::no_provider: return "no_provider";
  }
  return "other";
}

}  // namespace thd
