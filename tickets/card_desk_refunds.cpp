// Refund claims and the review queue: who may, what is left to refund, when a claim is
// approved by the rules and when it waits for a person.
#include <utility>

#include "tickets/card_desk.h"
#include "tickets/responsibility_matrix.h"

namespace wm::tickets {
namespace {

constexpr std::size_t kMaxKeyChars = 255;
constexpr std::size_t kMaxReasonChars = 1000;

std::string fen(std::int64_t amount) { return std::to_string(amount) + " fen"; }

bool is_party_role(Role role) { return role == Role::kOperator || role == Role::kProperty; }

Status check_claim(const RefundClaim& claim) {
  if (claim.idempotency_key.empty()) {
    return make_error("missing_field", "Idempotency-Key",
                      "a refund request needs an Idempotency-Key header (any unique string, "
                      "the same when the request is retried)");
  }
  bool printable = true;
  for (const char c : claim.idempotency_key) {
    printable = printable && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  }
  if (claim.idempotency_key.size() > kMaxKeyChars || !printable) {
    return make_error("out_of_range", "Idempotency-Key",
                      "an Idempotency-Key is 1 to 255 bytes without control characters");
  }
  if (Status s = check_card_token(claim.card, "card"); !s.ok()) return s;
  if (claim.device_id.empty()) return make_error("missing_field", "device_id", "name the machine");
  if (claim.txn.empty()) {
    return make_error("missing_field", "txn", "name the dispense (txn on the receipt or app)");
  }
  if (claim.amount_fen < 1 || claim.amount_fen > kMaxBalanceFen) {
    return make_error("out_of_range", "amount_fen", "a refund is a whole number of fen above 0");
  }
  if (claim.reason.empty()) return make_error("missing_field", "reason", "say what went wrong");
  if (claim.reason.size() > kMaxReasonChars) {
    return make_error("out_of_range", "reason", "a reason is at most 1000 bytes");
  }
  return Ok{};
}

Status authorize_claim(const Actor& actor, const devices::Site& site) {
  if (actor.role == Role::kAdmin || actor.role == Role::kAgent || actor.role == Role::kSystem) {
    return Ok{};
  }
  if (is_party_role(actor.role) && !actor.org.empty() &&
      (actor.org == site.operator_org || actor.org == site.property_org)) {
    return Ok{};
  }
  return make_error("forbidden", "action",
                    "refund requests for site " + site.id + " are not for " + actor.label() +
                        "; ask the hotline");
}

Status authorize_review(const Actor& actor, const Refund& refund) {
  if (actor.role == Role::kAdmin) return Ok{};
  if (is_party_role(actor.role) && !actor.org.empty() && actor.org == refund.reviewer_org) {
    return Ok{};
  }
  return make_error("forbidden", "action",
                    "refund " + refund.id + " is reviewed by " +
                        std::string(devices::to_string(refund.reviewer_party)) + " " +
                        refund.reviewer_org + " (" + refund.reviewer_rule + "), not by " +
                        actor.label());
}

std::string dispense_text(const DispenseRecord& d) {
  std::string text = "dispense " + d.txn + " on " + d.device_id + " at " + std::to_string(d.ts_ms) +
                     ": charged " + fen(d.applied_fen) + " of " + fen(d.charged_fen) +
                     " reported, requested " + std::to_string(d.requested_ml) + " ml, dispensed " +
                     std::to_string(d.dispensed_ml) + " ml";
  if (d.failure_active) text += "; dispense_failure active";
  if (!d.evidence.empty()) text += "; " + d.evidence;
  return text;
}

struct ClaimFacts {
  const RefundClaim& claim;
  std::string body_hash;
  const DispenseRecord& dispense;
  const devices::Site& site;
  std::int64_t committed = 0;      // approved + pending refunds of the dispense
  const std::vector<Card>& chain;  // the card and its successors
  RefundCounters today;
  std::int64_t day = 0;
};

// The claim's refund, its flags and, when the rules approve it, its credit.
Result<MoneyPlan> plan_claim(const ClaimFacts& f, const RefundPolicy& policy, const Actor& actor,
                             std::int64_t now_ms) {
  const Card& card = f.chain.front();
  const DispenseRecord& d = f.dispense;
  Refund refund;
  refund.card = f.claim.card;
  refund.device_id = d.device_id;
  refund.txn = d.txn;
  refund.site_id = d.site_id;
  refund.amount_fen = f.claim.amount_fen;
  refund.origin = RefundOrigin::kClaim;
  const Assignment reviewer =
      ResponsibilityMatrix::assign(f.site, devices::FaultKind::kRefundDispute);
  refund.reviewer_party = reviewer.party;
  refund.reviewer_org = reviewer.org;
  refund.reviewer_rule = reviewer.rule;
  refund.reason = f.claim.reason;
  refund.evidence = dispense_text(d);
  refund.idempotency_key = f.claim.idempotency_key;
  refund.body_hash = f.body_hash;
  refund.requested_by = actor.label();
  refund.created_at_ms = now_ms;
  refund.day = f.day;

  MoneyPlan plan;
  std::vector<std::string>& why = refund.review_reasons;
  const bool delivered = fully_delivered(d.requested_ml, d.dispensed_ml, d.failure_active);
  const bool evidence = no_water_evidence(d.requested_ml, d.dispensed_ml, d.failure_active);
  if (delivered) {
    why.emplace_back(review_reason::kDelivered);
    CardWrite& w = write_of(plan, card);
    add_flag(plan, &w.card,
             CardFlag{card.token, FlagReason::kClaimOnDelivered, d.device_id, d.txn,
                      f.claim.amount_fen, now_ms,
                      "claim for a dispense the machine reports fully delivered (" +
                          std::to_string(d.dispensed_ml) + " of " + std::to_string(d.requested_ml) +
                          " ml): " + f.claim.reason});
  } else if (!evidence) {
    why.emplace_back(review_reason::kNoEvidence);
  }
  if (card.flagged) why.emplace_back(review_reason::kCardFlagged);
  if (f.today.card_claims >= policy.max_claims_per_card_day) {
    why.emplace_back(review_reason::kRepeatClaim);
  }
  const std::int64_t share = undelivered_share_fen(d.applied_fen, d.requested_ml, d.dispensed_ml);
  if (evidence && f.claim.amount_fen > share - f.committed) {
    why.emplace_back(review_reason::kOverShare);
  }
  if (f.claim.amount_fen > auto_limit_fen(policy, f.site)) {
    why.emplace_back(review_reason::kOverLimit);
  }
  if (f.today.card_auto >= policy.max_auto_per_card_day) why.emplace_back(review_reason::kCardCap);
  if (f.today.device_auto >= policy.max_auto_per_device_day) {
    why.emplace_back(review_reason::kDeviceCap);
  }
  plan.caps = CapBasis{f.claim.card, d.device_id, f.day, f.today};
  if (!why.empty()) {
    refund.state = RefundState::kPendingReview;
    plan.refund = RefundWrite{0, std::move(refund)};
    return plan;
  }
  refund.state = RefundState::kApproved;
  refund.auto_approved = true;
  refund.decided_at_ms = now_ms;
  refund.decided_by = "system";
  refund.decision_note = "approved automatically: the telemetry shows the water did not come";
  plan.refund = RefundWrite{0, std::move(refund)};
  if (Status s = credit_refund(plan, f.chain, now_ms); !s.ok()) return s.error();
  return plan;
}

RefundOutcome outcome_of(MoneyPlan& stored) {
  return RefundOutcome{std::move(stored.refund->refund), all_entries(stored),
                       std::move(stored.flags), false};
}

}  // namespace

Result<RefundOutcome> CardDesk::request_refund(const RefundClaim& claim, const Actor& actor,
                                               std::int64_t now_ms) {
  if (Status s = check_claim(claim); !s.ok()) return s.error();
  if (actor.role == Role::kSelfService) {
    return make_error("forbidden", "action",
                      "self-service systems read card answers; refunds are requested through "
                      "the hotline");
  }
  return retry<RefundOutcome>("refund " + claim.idempotency_key,
                              [&] { return claim_once(claim, actor, now_ms); });
}

Result<std::optional<RefundOutcome>> CardDesk::claim_once(const RefundClaim& claim,
                                                          const Actor& actor, std::int64_t now_ms) {
  const std::string hash = claim.body_hash.empty() ? canonical_claim_body(claim) : claim.body_hash;
  if (std::optional<Refund> prior = book_.refund_by_key(claim.idempotency_key)) {
    if (prior->body_hash != hash) {
      return make_error("idempotency_mismatch", "Idempotency-Key",
                        "Idempotency-Key " + claim.idempotency_key +
                            " was used with another body (refund " + prior->id +
                            "); send a new key for a new request");
    }
    return std::optional<RefundOutcome>(RefundOutcome{std::move(*prior), {}, {}, true});
  }
  const std::optional<DispenseRecord> dispense = book_.dispense(claim.device_id, claim.txn);
  if (!dispense || dispense->card != claim.card) {
    return make_error("not_found", "txn",
                      "no dispense " + claim.txn + " on " + claim.device_id + " paid with card " +
                          claim.card + "; check the machine id and the txn on the receipt");
  }
  const std::optional<devices::Site> site = sites_ ? sites_(dispense->site_id) : std::nullopt;
  if (!site) {
    return make_error("not_found", "site",
                      "site " + dispense->site_id + " is not in the inventory");
  }
  if (Status s = authorize_claim(actor, *site); !s.ok()) return s.error();
  const std::int64_t committed =
      committed_fen(book_.refunds_of_dispense(claim.device_id, claim.txn));
  const std::int64_t left = dispense->applied_fen - committed;
  if (claim.amount_fen > left) {
    return make_error("conflict", "amount_fen",
                      fen(claim.amount_fen) + " is more than the " + fen(left) +
                          " left to refund for " + claim.txn + " (charged " +
                          fen(dispense->applied_fen) + ", refunded or pending " + fen(committed) +
                          ")");
  }
  const std::optional<Card> card = book_.card(claim.card);
  if (!card) return make_error("not_found", "card", "no card '" + claim.card + "'");
  const std::int64_t day = local_day(*site, now_ms);
  const std::vector<Card> chain = chain_of(*card);
  const ClaimFacts facts{claim,
                         hash,
                         *dispense,
                         *site,
                         committed,
                         chain,
                         book_.counters(claim.card, claim.device_id, day),
                         day};
  Result<MoneyPlan> plan = plan_claim(facts, config_.policy, actor, now_ms);
  if (!plan.ok()) return plan.error();
  Result<std::optional<MoneyPlan>> stored = write(std::move(plan).value());
  if (!stored.ok()) return stored.error();
  if (!*stored) return std::optional<RefundOutcome>();
  return std::optional<RefundOutcome>(outcome_of(**stored));
}

Result<RefundOutcome> CardDesk::approve(std::string_view refund_id, const Actor& actor,
                                        std::string_view note, std::int64_t now_ms) {
  return review(refund_id, actor, note, now_ms, /*approve=*/true);
}

Result<RefundOutcome> CardDesk::reject(std::string_view refund_id, const Actor& actor,
                                       std::string_view note, std::int64_t now_ms) {
  return review(refund_id, actor, note, now_ms, /*approve=*/false);
}

Result<RefundOutcome> CardDesk::review(std::string_view refund_id, const Actor& actor,
                                       std::string_view note, std::int64_t now_ms, bool approve) {
  const std::string done = approve ? "approved" : "rejected";
  return retry<RefundOutcome>(
      "refund " + std::string(refund_id), [&]() -> Result<std::optional<RefundOutcome>> {
        std::optional<Refund> refund = book_.refund(refund_id);
        if (!refund) {
          return make_error("not_found", "id", "no refund '" + std::string(refund_id) + "'");
        }
        if (Status s = authorize_review(actor, *refund); !s.ok()) return s.error();
        if (refund->state != RefundState::kPendingReview) {
          return make_error("conflict", "state",
                            "refund " + refund->id + " is " +
                                std::string(to_string(refund->state)) +
                                "; only a refund pending "
                                "review can be " +
                                done);
        }
        const std::uint64_t revision = refund->revision;
        refund->state = approve ? RefundState::kApproved : RefundState::kRejected;
        refund->decided_at_ms = now_ms;
        refund->decided_by = actor.label();
        refund->decision_note = std::string(note);
        MoneyPlan plan;
        plan.refund = RefundWrite{revision, std::move(*refund)};
        if (approve) {
          const std::optional<Card> card = book_.card(plan.refund->refund.card);
          if (!card) return make_error("not_found", "card", "the refund's card is not on record");
          if (Status s = credit_refund(plan, chain_of(*card), now_ms); !s.ok()) return s.error();
        }
        Result<std::optional<MoneyPlan>> stored = write(std::move(plan));
        if (!stored.ok()) return stored.error();
        if (!*stored) return std::optional<RefundOutcome>();
        return std::optional<RefundOutcome>(outcome_of(**stored));
      });
}

}  // namespace wm::tickets
