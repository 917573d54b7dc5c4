// Head office's decisions on quarantined items (issue 12): reject with a reason, or release. Nothing is
// ever overwritten: a conflicting response's copy is kept beside the stored one as a reviewed correction,
// which results and exports count from then on; a rejected record that now parses is stored. The device
// that sent the item learns the decision at its next sync (GET /api/v1/decisions, sync/PROTOCOL.md).
#pragma once

#include <cstdint>
#include <string>

#include "hub_impl.h"

namespace soundings::hub::detail {

enum class DecisionKind { Release, Reject };
const char* decision_name(DecisionKind kind);  // "released", "rejected"

// A reason is 1 to this many characters (not bytes), after surrounding spaces are taken off.
inline constexpr size_t kMaxDecisionReasonChars = 500;

enum class DecisionRefusal {
  None,
  BadReason,       // empty, too long or not UTF-8: `detail` says which
  NoSuchItem,
  AlreadyDecided,  // every item is decided once
  CannotRelease,   // the item cannot be stored or kept as a correction: `detail` says why
};

struct DecisionOutcome {
  DecisionRefusal refusal = DecisionRefusal::None;
  std::string detail;  // plain English, for the page beside its own words
  bool ok() const { return refusal == DecisionRefusal::None; }
};

// Checks and records one decision by `actor` (a console user's email). A storage failure is an error; a
// refusal changes nothing. The caller writes the audit entry.
[[nodiscard]] Result<DecisionOutcome> decide_quarantine(HubState& hub, int64_t seq, DecisionKind kind,
                                                        const std::string& actor, const std::string& reason);

// The reason with surrounding white space removed, or a refusal naming the problem.
DecisionOutcome check_decision_reason(const std::string& reason, std::string& trimmed);

}  // namespace soundings::hub::detail
