// The shape rules of a MoneyPlan and the small helpers planners build plans with.
#include "tickets/money_plan.h"

#include <algorithm>
#include <set>
#include <utility>

namespace wm::tickets {
namespace {

Error invalid(std::string field, std::string what) {
  return make_error("invalid_plan", std::move(field), std::move(what));
}

std::string fen(std::int64_t amount) { return std::to_string(amount) + " fen"; }

Status check_card_write(const CardWrite& write) {
  const Card& card = write.card;
  if (Status s = check_card_token(card.token, "card"); !s.ok())
    return invalid("card", s.error().message);
  std::int64_t sum = 0;
  for (const LedgerEntry& entry : write.entries) {
    if (entry.card != card.token) {
      return invalid(card.token, "an entry names card " + entry.card);
    }
    if (!entry_sign_ok(entry.kind, entry.amount_fen)) {
      return invalid(card.token, std::string(to_string(entry.kind)) + " of " +
                                     fen(entry.amount_fen) + " has the wrong sign");
    }
    if (entry.kind == EntryKind::kRecharge && entry.ref.empty()) {
      return invalid(card.token, "a recharge needs its payment reference");
    }
    sum += entry.amount_fen;
  }
  if (card.balance_fen < 0 || card.balance_fen > kMaxBalanceFen) {
    return invalid(card.token, "balance " + fen(card.balance_fen) + " out of range");
  }
  if (card.closed() && card.balance_fen != 0) {
    return invalid(card.token, "a closed card keeps no balance");
  }
  std::int64_t running = card.balance_fen - sum;  // the balance the planner read
  if (running < 0) return invalid(card.token, "the entries start from a negative balance");
  for (const LedgerEntry& entry : write.entries) {
    running += entry.amount_fen;
    if (running < 0) return invalid(card.token, "the entries overdraw the card");
    if (entry.balance_after_fen != running) {
      return invalid(card.token, "balance_after " + fen(entry.balance_after_fen) +
                                     " where the running sum is " + fen(running));
    }
  }
  return Ok{};
}

// The one refund credit and the one charge of the plan must match the plan's refund and
// dispense.
Status check_links(const MoneyPlan& plan) {
  int refund_entries = 0;
  int charge_entries = 0;
  for (const CardWrite& write : plan.cards) {
    for (const LedgerEntry& entry : write.entries) {
      if (entry.kind == EntryKind::kCharge) {
        ++charge_entries;
        if (!plan.dispense || entry.device_id != plan.dispense->device_id ||
            entry.txn != plan.dispense->txn || -entry.amount_fen != plan.dispense->applied_fen) {
          return invalid("charge", "a charge entry must match the plan's dispense");
        }
      }
      if (entry.kind == EntryKind::kRefund) {
        ++refund_entries;
        if (!plan.refund) return invalid("refund", "a refund entry without a refund");
        const Refund& refund = plan.refund->refund;
        const bool is_new = plan.refund->expected_revision == 0;
        if (entry.amount_fen != refund.amount_fen || entry.device_id != refund.device_id ||
            entry.txn != refund.txn || entry.ref != (is_new ? std::string() : refund.id)) {
          return invalid("refund", "the refund entry must match the plan's refund");
        }
      }
    }
  }
  if (charge_entries > 1) return invalid("charge", "a dispense is charged once");
  if (plan.dispense && plan.dispense->applied_fen != 0 && charge_entries != 1) {
    return invalid("charge", "an applied charge needs its charge entry");
  }
  const bool approved = plan.refund && plan.refund->refund.state == RefundState::kApproved;
  if (refund_entries != (approved ? 1 : 0)) {
    return invalid("refund", "an approved refund is credited exactly once, and only then");
  }
  return Ok{};
}

Status check_refund(const MoneyPlan& plan) {
  if (!plan.refund) return Ok{};
  const RefundWrite& write = *plan.refund;
  const Refund& refund = write.refund;
  if (refund.amount_fen <= 0) return invalid("amount_fen", "a refund gives back more than 0 fen");
  if (refund.device_id.empty() || refund.txn.empty() || refund.card.empty()) {
    return invalid("refund", "a refund names its card and dispense");
  }
  if (write.expected_revision == 0) {
    if (refund.state == RefundState::kRejected)
      return invalid("state", "a new refund is not rejected");
    if (!plan.caps) return invalid("caps", "a new refund states the counters it relied on");
  } else if (refund.state == RefundState::kPendingReview) {
    return invalid("state", "a decided refund does not go back to review");
  }
  return Ok{};
}

}  // namespace

Status validate_plan(const MoneyPlan& plan) {
  std::set<std::string> tokens;
  for (const CardWrite& write : plan.cards) {
    if (!tokens.insert(write.card.token).second) {
      return invalid(write.card.token, "one write per card");
    }
    if (Status s = check_card_write(write); !s.ok()) return s;
  }
  if (Status s = check_refund(plan); !s.ok()) return s;
  if (Status s = check_links(plan); !s.ok()) return s;
  for (const CardFlag& flag : plan.flags) {
    if (flag.card.empty()) return invalid("flags", "a flag names the card token");
  }
  return Ok{};
}

std::vector<LedgerEntry> all_entries(const MoneyPlan& plan) {
  std::vector<LedgerEntry> out;
  for (const CardWrite& write : plan.cards) {
    out.insert(out.end(), write.entries.begin(), write.entries.end());
  }
  return out;
}

CardWrite& write_of(MoneyPlan& plan, const Card& snapshot) {
  for (CardWrite& write : plan.cards) {
    if (write.card.token == snapshot.token) return write;
  }
  plan.cards.push_back(CardWrite{snapshot.revision, snapshot, {}});
  return plan.cards.back();
}

void append_entry(CardWrite& write, EntryKind kind, std::int64_t amount_fen, std::int64_t at_ms,
                  std::string ref, std::string device_id, std::string txn, std::string note) {
  write.card.balance_fen += amount_fen;
  LedgerEntry entry;
  entry.card = write.card.token;
  entry.kind = kind;
  entry.amount_fen = amount_fen;
  entry.balance_after_fen = write.card.balance_fen;
  entry.at_ms = at_ms;
  entry.ref = std::move(ref);
  entry.device_id = std::move(device_id);
  entry.txn = std::move(txn);
  entry.note = std::move(note);
  write.entries.push_back(std::move(entry));
}

void add_flag(MoneyPlan& plan, Card* card, CardFlag flag) {
  if (card != nullptr) {
    card->flagged = true;
    ++card->flag_count;
  }
  plan.flags.push_back(std::move(flag));
}

Status credit_refund(MoneyPlan& plan, const std::vector<Card>& chain, std::int64_t at_ms) {
  if (!plan.refund || chain.empty()) {
    return invalid("refund", "crediting a refund needs the refund and its card");
  }
  const Refund& refund = plan.refund->refund;
  const Card* target = nullptr;
  for (const Card& card : chain) {
    target = &card;
    if (!card.closed() || card.reissued_to.empty()) break;
  }
  if (target->closed() && !target->reissued_to.empty()) {
    return make_error("not_found", "card",
                      "card " + target->token + " was reissued to " + target->reissued_to +
                          ", which is not on record; the refund cannot be credited");
  }
  CardWrite& write = write_of(plan, *target);
  const std::string ref = plan.refund->expected_revision == 0 ? std::string() : refund.id;
  const std::string note = target->token == refund.card
                               ? std::string()
                               : "refund for card " + refund.card + " (reissued)";
  append_entry(write, EntryKind::kRefund, refund.amount_fen, at_ms, ref, refund.device_id,
               refund.txn, note);
  if (write.card.closed()) {
    append_entry(write, EntryKind::kRefundOut, -refund.amount_fen, at_ms, ref, refund.device_id,
                 refund.txn, "paid out: the card is closed");
  }
  return Ok{};
}

}  // namespace wm::tickets
