// plan_dispense(): the charge, the flags and the automatic refund of one dispense.
#include "tickets/dispense_plan.h"

#include <utility>

#include "tickets/responsibility_matrix.h"

namespace wm::tickets {
namespace {

std::string fen(std::int64_t amount) { return std::to_string(amount) + " fen"; }

Status check_facts(const DispenseFacts& f) {
  if (f.device_id.empty())
    return make_error("missing_field", "device_id", "the machine is unknown");
  if (f.txn.empty()) return make_error("missing_field", "txn", "a dispense needs its txn");
  if (Status s = check_card_token(f.card, "card"); !s.ok()) return s;
  if (f.charged_fen < 0) return make_error("out_of_range", "charged_fen", "a charge is >= 0 fen");
  if (f.requested_ml <= 0) {
    return make_error("out_of_range", "requested_ml", "a dispense asks for more than 0 ml");
  }
  if (f.dispensed_ml < 0) return make_error("out_of_range", "dispensed_ml", "dispensed_ml is >= 0");
  return Ok{};
}

std::string event_text(const DispenseFacts& f) {
  std::string text = "dispense " + f.txn + " on " + f.device_id + " at " + std::to_string(f.ts_ms) +
                     ": charged " + fen(f.charged_fen) + ", requested " +
                     std::to_string(f.requested_ml) + " ml, dispensed " +
                     std::to_string(f.dispensed_ml) + " ml";
  if (f.failure_active) text += "; dispense_failure active";
  if (!f.evidence.empty()) text += "; " + f.evidence;
  return text;
}

CardFlag flag_of(const DispenseFacts& f, FlagReason reason, std::int64_t amount, std::string note) {
  return CardFlag{f.card, reason, f.device_id, f.txn, amount, f.ts_ms, std::move(note)};
}

// Charges the card (or records why not), flagging what is suspicious.
void plan_charge(MoneyPlan& plan, CardWrite& write, DispenseRecord& record,
                 const DispenseFacts& f) {
  Card& card = write.card;
  const bool lost = card.state == CardState::kLost;
  // A late event of a sale made before the report or the close is no misuse of the card.
  const std::optional<std::int64_t> blocked_at = lost ? card.lost_at_ms : card.closed_at_ms;
  if (card.state != CardState::kActive && (!blocked_at || f.ts_ms >= *blocked_at)) {
    record.suspicious = true;
    add_flag(
        plan, &card,
        flag_of(f, lost ? FlagReason::kUsedWhileLost : FlagReason::kUsedWhileClosed, f.charged_fen,
                std::string("dispense on a card ") + (lost ? "reported lost" : "closed") +
                    (card.reissued_to.empty() ? "" : ", reissued to " + card.reissued_to)));
  }
  if (f.charged_fen == 0) {
    record.outcome = ChargeOutcome::kFree;
    return;
  }
  if (f.charged_fen > card.balance_fen) {
    record.outcome = ChargeOutcome::kOverdraw;
    std::string note = "charge " + fen(f.charged_fen) + " above the balance " +
                       fen(card.balance_fen) + ": not charged, the water was given";
    if (card.closed()) note += " (the card is closed)";
    add_flag(plan, &card, flag_of(f, FlagReason::kOverdraw, f.charged_fen, std::move(note)));
    return;
  }
  record.outcome = ChargeOutcome::kCharged;
  record.applied_fen = f.charged_fen;
  append_entry(write, EntryKind::kCharge, -f.charged_fen, f.ts_ms, {}, f.device_id, f.txn);
}

}  // namespace

DispenseFacts DispenseFacts::of(std::string device_id, devices::Site site,
                                const protocols::Dispense& dispense, std::int64_t ts_ms) {
  DispenseFacts f;
  f.device_id = std::move(device_id);
  f.site = std::move(site);
  f.txn = dispense.txn;
  f.card = dispense.card;
  f.charged_fen = dispense.charged_fen;
  f.requested_ml = dispense.requested_ml;
  f.dispensed_ml = dispense.dispensed_ml;
  f.ts_ms = ts_ms;
  return f;
}

Result<MoneyPlan> plan_dispense(const std::optional<Card>& card, const DispenseFacts& f,
                                const RefundPolicy& policy, const RefundCounters& today) {
  if (Status s = check_facts(f); !s.ok()) return s.error();
  MoneyPlan plan;
  DispenseRecord record;
  record.device_id = f.device_id;
  record.txn = f.txn;
  record.site_id = f.site.id;
  record.card = f.card;
  record.ts_ms = f.ts_ms;
  record.charged_fen = f.charged_fen;
  record.requested_ml = f.requested_ml;
  record.dispensed_ml = f.dispensed_ml;
  record.failure_active = f.failure_active;
  record.evidence = f.evidence;

  if (!card) {
    record.outcome = ChargeOutcome::kUnknownCard;
    add_flag(plan, nullptr,
             flag_of(f, FlagReason::kUnknownCard, f.charged_fen,
                     "no card " + f.card + " on record: " + fen(f.charged_fen) + " not charged"));
    plan.dispense = std::move(record);
    return plan;
  }
  CardWrite& write = write_of(plan, *card);
  plan_charge(plan, write, record, f);

  const std::int64_t share =
      undelivered_share_fen(record.applied_fen, f.requested_ml, f.dispensed_ml);
  if (share > 0 && no_water_evidence(f.requested_ml, f.dispensed_ml, f.failure_active)) {
    Refund refund;
    refund.card = f.card;
    refund.device_id = f.device_id;
    refund.txn = f.txn;
    refund.site_id = f.site.id;
    refund.amount_fen = share;
    refund.origin = RefundOrigin::kDispense;
    const Assignment reviewer =
        ResponsibilityMatrix::assign(f.site, devices::FaultKind::kRefundDispute);
    refund.reviewer_party = reviewer.party;
    refund.reviewer_org = reviewer.org;
    refund.reviewer_rule = reviewer.rule;
    refund.reason = "charged " + fen(record.applied_fen) + ", dispensed " +
                    std::to_string(f.dispensed_ml) + " of " + std::to_string(f.requested_ml) +
                    " ml" + (f.failure_active ? " with dispense_failure active" : "");
    refund.evidence = event_text(f);
    refund.ticket_id = f.failure_ticket_id;
    refund.requested_by = "system";
    refund.created_at_ms = f.ts_ms;
    refund.day = local_day(f.site, f.ts_ms);
    if (share > auto_limit_fen(policy, f.site)) {
      refund.review_reasons.emplace_back(review_reason::kOverLimit);
    }
    if (write.card.flagged) refund.review_reasons.emplace_back(review_reason::kCardFlagged);
    if (today.card_auto >= policy.max_auto_per_card_day) {
      refund.review_reasons.emplace_back(review_reason::kCardCap);
    }
    if (today.device_auto >= policy.max_auto_per_device_day) {
      refund.review_reasons.emplace_back(review_reason::kDeviceCap);
    }
    plan.caps = CapBasis{f.card, f.device_id, refund.day, today};
    if (refund.review_reasons.empty()) {
      refund.state = RefundState::kApproved;
      refund.auto_approved = true;
      refund.decided_at_ms = f.ts_ms;
      refund.decided_by = "system";
      refund.decision_note = "approved automatically: the machine did not deliver";
      plan.refund = RefundWrite{0, std::move(refund)};
      append_entry(write, EntryKind::kRefund, share, f.ts_ms, {}, f.device_id, f.txn,
                   "automatic: undelivered share");
    } else {
      refund.state = RefundState::kPendingReview;
      plan.refund = RefundWrite{0, std::move(refund)};
    }
  }
  if (write.entries.empty() && write.card == *card) plan.cards.clear();  // nothing to write
  plan.dispense = std::move(record);
  return plan;
}

}  // namespace wm::tickets
