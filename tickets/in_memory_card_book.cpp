// Linear scans are fine here: the in-memory book serves tests and small tools, and the
// scans keep the precondition checks obviously right. apply() checks everything before it
// changes anything, so a refused plan leaves no trace.
#include "tickets/in_memory_card_book.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace wm::tickets {
namespace {

Error conflict(std::string field, std::string what) {
  return make_error("conflict", std::move(field), std::move(what));
}

std::string refund_id(std::size_t number) {
  char id[32];
  std::snprintf(id, sizeof id, "r-%06zu", number);
  return id;
}

}  // namespace

bool matches(const RefundFilter& filter, const Refund& refund) {
  if (filter.state && refund.state != *filter.state) return false;
  if (filter.card && refund.card != *filter.card) return false;
  if (filter.device_id && refund.device_id != *filter.device_id) return false;
  if (filter.reviewer_org && refund.reviewer_org != *filter.reviewer_org) return false;
  return true;
}

std::int64_t committed_fen(const std::vector<Refund>& refunds_of_dispense) {
  std::int64_t sum = 0;
  for (const Refund& refund : refunds_of_dispense) {
    if (refund.committed()) sum += refund.amount_fen;
  }
  return sum;
}

std::optional<Card> InMemoryCardBook::card(std::string_view token) const {
  std::lock_guard lock(mu_);
  if (auto it = cards_.find(token); it != cards_.end()) return it->second;
  return std::nullopt;
}

std::vector<LedgerEntry> InMemoryCardBook::ledger(std::string_view token, std::uint64_t before_seq,
                                                  std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<LedgerEntry> out;
  auto it = ledgers_.find(token);
  if (it == ledgers_.end()) return out;
  out.reserve(limit == 0 ? it->second.size() : std::min(limit, it->second.size()));
  for (auto entry = it->second.rbegin(); entry != it->second.rend(); ++entry) {
    if (before_seq != 0 && entry->seq >= before_seq) continue;
    if (limit != 0 && out.size() == limit) break;
    out.push_back(*entry);
  }
  return out;
}

std::optional<LedgerEntry> InMemoryCardBook::recharge_by_ref(std::string_view ref) const {
  std::lock_guard lock(mu_);
  auto it = recharge_refs_.find(ref);
  if (it == recharge_refs_.end()) return std::nullopt;
  const auto& [token, seq] = it->second;
  return ledgers_.find(token)->second.at(seq - 1);
}

std::optional<DispenseRecord> InMemoryCardBook::dispense(std::string_view device_id,
                                                         std::string_view txn) const {
  std::lock_guard lock(mu_);
  auto it = dispenses_.find(DispenseKey{device_id, txn});
  if (it == dispenses_.end()) return std::nullopt;
  return it->second;
}

std::vector<DispenseRecord> InMemoryCardBook::dispenses_of_card(std::string_view token,
                                                                std::size_t limit) const {
  std::vector<DispenseRecord> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, record] : dispenses_) {
      if (record.card == token) out.push_back(record);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const DispenseRecord& a, const DispenseRecord& b) {
    return a.ts_ms > b.ts_ms;
  });
  if (limit != 0 && out.size() > limit) out.resize(limit);
  return out;
}

const Refund* InMemoryCardBook::find_refund(std::string_view id) const {
  auto it = refund_by_id_.find(id);
  return it == refund_by_id_.end() ? nullptr : &refunds_[it->second];
}

std::optional<Refund> InMemoryCardBook::refund(std::string_view id) const {
  std::lock_guard lock(mu_);
  if (const Refund* found = find_refund(id)) return *found;
  return std::nullopt;
}

std::optional<Refund> InMemoryCardBook::refund_by_key(std::string_view idempotency_key) const {
  std::lock_guard lock(mu_);
  auto it = refund_by_key_.find(idempotency_key);
  if (it == refund_by_key_.end()) return std::nullopt;
  return refunds_[it->second];
}

std::vector<Refund> InMemoryCardBook::refunds_of_dispense(std::string_view device_id,
                                                          std::string_view txn) const {
  std::lock_guard lock(mu_);
  std::vector<Refund> out;
  for (const Refund& refund : refunds_) {
    if (refund.device_id == device_id && refund.txn == txn) out.push_back(refund);
  }
  return out;
}

std::vector<Refund> InMemoryCardBook::list_refunds(const RefundFilter& filter) const {
  std::lock_guard lock(mu_);
  std::vector<Refund> out;
  bool past_cursor = !filter.after_id;
  for (const Refund& refund : refunds_) {
    if (!past_cursor) {
      past_cursor = refund.id == *filter.after_id;
      continue;
    }
    if (!matches(filter, refund)) continue;
    if (filter.limit != 0 && out.size() == filter.limit) break;
    out.push_back(refund);
  }
  return out;
}

RefundCounters InMemoryCardBook::count(std::string_view card, std::string_view device_id,
                                       std::int64_t day) const {
  RefundCounters c;
  for (const Refund& refund : refunds_) {
    if (refund.day != day) continue;
    if (refund.auto_approved && refund.card == card) ++c.card_auto;
    if (refund.auto_approved && refund.device_id == device_id) ++c.device_auto;
    if (refund.origin == RefundOrigin::kClaim && refund.card == card) ++c.card_claims;
  }
  return c;
}

RefundCounters InMemoryCardBook::counters(std::string_view card, std::string_view device_id,
                                          std::int64_t day) const {
  std::lock_guard lock(mu_);
  return count(card, device_id, day);
}

std::vector<CardFlag> InMemoryCardBook::flags(std::string_view card) const {
  std::lock_guard lock(mu_);
  std::vector<CardFlag> out;
  for (const CardFlag& flag : flags_) {
    if (flag.card == card) out.push_back(flag);
  }
  return out;
}

Status InMemoryCardBook::check(const MoneyPlan& plan) const {
  if (Status s = validate_plan(plan); !s.ok()) return s;
  std::set<std::string> refs;
  for (const CardWrite& write : plan.cards) {
    const Card& card = write.card;
    auto stored = cards_.find(card.token);
    if (write.expected_revision == 0 && stored != cards_.end()) {
      return conflict("revision", "card " + card.token + " exists already");
    }
    if (write.expected_revision != 0 &&
        (stored == cards_.end() || stored->second.revision != write.expected_revision)) {
      return conflict("revision", "card " + card.token + " changed meanwhile; read it again");
    }
    std::int64_t start = card.balance_fen;
    for (const LedgerEntry& entry : write.entries) start -= entry.amount_fen;
    const std::int64_t stored_balance = stored == cards_.end() ? 0 : stored->second.balance_fen;
    if (start != stored_balance) {
      return make_error("invalid_plan", card.token,
                        "the entries start from " + std::to_string(start) +
                            " fen, the stored balance is " + std::to_string(stored_balance));
    }
    for (const LedgerEntry& entry : write.entries) {
      if (entry.kind != EntryKind::kRecharge) continue;
      if (recharge_refs_.count(entry.ref) != 0 || !refs.insert(entry.ref).second) {
        return conflict("ref", "payment reference " + entry.ref + " was used before");
      }
    }
  }
  if (plan.dispense &&
      dispenses_.count(DispenseKey{plan.dispense->device_id, plan.dispense->txn}) != 0) {
    return conflict("txn", "dispense " + plan.dispense->txn + " on " + plan.dispense->device_id +
                               " is already recorded");
  }
  if (Status s = check_refund(plan); !s.ok()) return s;
  if (plan.caps &&
      count(plan.caps->card, plan.caps->device_id, plan.caps->day) != plan.caps->counters) {
    return conflict("counters", "the day's refund counters moved meanwhile");
  }
  return Ok{};
}

Status InMemoryCardBook::check_refund(const MoneyPlan& plan) const {
  if (!plan.refund) return Ok{};
  const Refund& refund = plan.refund->refund;
  const Refund* stored = nullptr;
  if (plan.refund->expected_revision == 0) {
    if (!refund.idempotency_key.empty() && refund_by_key_.count(refund.idempotency_key) != 0) {
      return conflict("idempotency_key", "idempotency key " + refund.idempotency_key + " is taken");
    }
  } else {
    stored = find_refund(refund.id);
    if (stored == nullptr) return make_error("not_found", "id", "no refund '" + refund.id + "'");
    if (stored->revision != plan.refund->expected_revision ||
        stored->state != RefundState::kPendingReview) {
      return conflict("revision", "refund " + refund.id + " changed meanwhile; read it again");
    }
  }
  std::int64_t applied = -1;
  if (plan.dispense && plan.dispense->device_id == refund.device_id &&
      plan.dispense->txn == refund.txn) {
    applied = plan.dispense->applied_fen;
  } else if (auto it = dispenses_.find(DispenseKey{refund.device_id, refund.txn});
             it != dispenses_.end()) {
    applied = it->second.applied_fen;
  }
  std::int64_t committed = refund.committed() ? refund.amount_fen : 0;
  for (const Refund& other : refunds_) {
    if (&other != stored && other.device_id == refund.device_id && other.txn == refund.txn &&
        other.committed()) {
      committed += other.amount_fen;
    }
  }
  if (committed > applied) {
    return conflict("amount_fen", "refunds of " + refund.txn + " on " + refund.device_id +
                                      " would exceed what it charged");
  }
  return Ok{};
}

Result<MoneyPlan> InMemoryCardBook::apply(MoneyPlan plan) {
  std::lock_guard lock(mu_);
  if (Status s = check(plan); !s.ok()) return s.error();

  std::string new_refund_id;
  if (plan.refund) {
    Refund& refund = plan.refund->refund;
    if (plan.refund->expected_revision == 0) {
      refund.id = new_refund_id = refund_id(refunds_.size() + 1);
      refund.revision = 1;
      refund_by_id_.emplace(refund.id, refunds_.size());
      if (!refund.idempotency_key.empty()) {
        refund_by_key_.emplace(refund.idempotency_key, refunds_.size());
      }
      refunds_.push_back(refund);
    } else {
      refund.revision = plan.refund->expected_revision + 1;
      refunds_[refund_by_id_.find(refund.id)->second] = refund;
    }
  }
  for (CardWrite& write : plan.cards) {
    Card& card = write.card;
    std::vector<LedgerEntry>& ledger = ledgers_[card.token];
    for (LedgerEntry& entry : write.entries) {
      entry.seq = ledger.size() + 1;
      const bool of_new_refund =
          entry.kind == EntryKind::kRefund || entry.kind == EntryKind::kRefundOut;
      if (of_new_refund && entry.ref.empty() && !new_refund_id.empty()) entry.ref = new_refund_id;
      if (entry.kind == EntryKind::kRecharge) {
        recharge_refs_.emplace(entry.ref, std::make_pair(card.token, entry.seq));
      }
      ledger.push_back(entry);
    }
    card.entry_count = ledger.size();
    card.revision = write.expected_revision + 1;
    cards_[card.token] = card;
  }
  if (plan.dispense) {
    dispenses_.emplace(DispenseKey{plan.dispense->device_id, plan.dispense->txn}, *plan.dispense);
  }
  for (const CardFlag& flag : plan.flags) flags_.push_back(flag);
  return plan;
}

InMemoryCardBook::Counts InMemoryCardBook::counts() const {
  std::lock_guard lock(mu_);
  Counts c;
  c.cards = cards_.size();
  for (const auto& [token, card] : cards_) c.revisions += card.revision;
  for (const auto& [token, ledger] : ledgers_) c.entries += ledger.size();
  c.dispenses = dispenses_.size();
  c.refunds = refunds_.size();
  for (const Refund& refund : refunds_) c.revisions += refund.revision;
  c.flags = flags_.size();
  return c;
}

std::vector<std::string> InMemoryCardBook::tokens() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [token, card] : cards_) out.push_back(token);
  return out;
}

std::vector<DispenseRecord> InMemoryCardBook::all_dispenses() const {
  std::lock_guard lock(mu_);
  std::vector<DispenseRecord> out;
  out.reserve(dispenses_.size());
  for (const auto& [key, record] : dispenses_) out.push_back(record);
  return out;
}

std::vector<Refund> InMemoryCardBook::all_refunds() const {
  std::lock_guard lock(mu_);
  return refunds_;
}

}  // namespace wm::tickets
