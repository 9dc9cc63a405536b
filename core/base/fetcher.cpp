#include "core/base/fetcher.hpp"

namespace thd {

std::string describe(const ProviderFailure& f) {
  // Said in the reason, so a missing figure names what would bring it.
  if (f.kind == FailureKind::disabled)
    return f.service + ": " + (f.message.empty() ? "disabled (see the run's service list)" : f.message);
  return f.service + ": " + (f.message.empty() ? std::string(failure_kind_name(f.kind)) : f.message);
}

std::string describe(const std::vector<ProviderFailure>& failures) {
  if (failures.empty()) return "no enabled provider for it";
  std::string out;
  for (const ProviderFailure& f : failures) out += (out.empty() ? "" : "; ") + describe(f);
  return out;
}

}  // namespace thd
