// Card actions and dispenses. Each is a read-plan-apply round repeated while apply loses
// races; replays (the same ref, a card already in the asked state) are answered from what
// is stored without writing.
#include "tickets/card_desk.h"

#include <utility>

namespace wm::tickets {
namespace {

constexpr std::size_t kMaxRefChars = 128;

std::string fen(std::int64_t amount) { return std::to_string(amount) + " fen"; }

Status authorize_card_action(std::string_view action, const Actor& actor) {
  if (actor.role != Role::kSelfService) return Ok{};
  return make_error(
      "forbidden", "action",
      std::string(action) + " is not for self-service systems; ask the hotline or the card office");
}

Error not_found(std::string_view token) {
  return make_error("not_found", "token", "no card '" + std::string(token) + "'");
}

Error closed_card(const Card& card, std::string_view action) {
  std::string text = "card " + card.token + " is closed";
  if (!card.reissued_to.empty()) text += " (reissued to " + card.reissued_to + ")";
  return make_error("conflict", "state", text + "; " + std::string(action) + " is not possible");
}

Status check_ref(std::string_view ref) {
  if (ref.empty()) {
    return make_error("missing_field", "ref", "a recharge needs its payment reference (ref)");
  }
  bool printable = true;
  for (const char c : ref)
    printable = printable && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  if (ref.size() > kMaxRefChars || !printable) {
    return make_error("out_of_range", "ref",
                      "a payment reference is 1 to 128 bytes without control characters");
  }
  return Ok{};
}

void append_text(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += '=';
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += ';';
}

}  // namespace

std::string canonical_claim_body(const RefundClaim& claim) {
  std::string out;
  append_text(out, "amount_fen", std::to_string(claim.amount_fen));
  append_text(out, "card", claim.card);
  append_text(out, "device_id", claim.device_id);
  append_text(out, "reason", claim.reason);
  append_text(out, "txn", claim.txn);
  return out;
}

CardDesk::CardDesk(CardBook& book, SiteLookup sites, CardDeskConfig config)
    : book_(book), sites_(std::move(sites)), config_(config) {}

Result<std::optional<MoneyPlan>> CardDesk::write(MoneyPlan plan) const {
  Result<MoneyPlan> stored = book_.apply(std::move(plan));
  if (stored.ok()) return std::optional<MoneyPlan>(std::move(stored).value());
  if (stored.error().code == "conflict") return std::optional<MoneyPlan>();
  return stored.error();
}

std::vector<Card> CardDesk::chain_of(const Card& card) const {
  std::vector<Card> chain{card};
  while (chain.back().closed() && !chain.back().reissued_to.empty() &&
         static_cast<int>(chain.size()) <= config_.max_reissue_chain) {
    std::optional<Card> next = book_.card(chain.back().reissued_to);
    if (!next) break;
    chain.push_back(std::move(*next));
  }
  return chain;
}

Result<CardOutcome> CardDesk::recharge(std::string_view token, std::int64_t amount_fen,
                                       std::string_view ref, const Actor& actor,
                                       std::int64_t now_ms) {
  if (Status s = check_card_token(token, "token"); !s.ok()) return s.error();
  if (Status s = check_ref(ref); !s.ok()) return s.error();
  if (amount_fen < 1 || amount_fen > kMaxRechargeFen) {
    return make_error("out_of_range", "amount_fen",
                      "a recharge is 1 to " + std::to_string(kMaxRechargeFen) + " fen");
  }
  if (Status s = authorize_card_action("recharge", actor); !s.ok()) return s.error();
  return retry<CardOutcome>(
      "card " + std::string(token), [&]() -> Result<std::optional<CardOutcome>> {
        if (std::optional<LedgerEntry> prior = book_.recharge_by_ref(ref)) {
          if (prior->card != token || prior->amount_fen != amount_fen) {
            return make_error("idempotency_mismatch", "ref",
                              "payment reference " + std::string(ref) + " was used for " +
                                  fen(prior->amount_fen) + " on card " + prior->card +
                                  "; a new recharge needs a new reference");
          }
          std::optional<Card> card = book_.card(token);
          if (!card) return not_found(token);
          return std::optional<CardOutcome>(
              CardOutcome{std::move(*card), std::nullopt, {*prior}, true});
        }
        std::optional<Card> card = book_.card(token);
        if (card && card->state != CardState::kActive) {
          if (card->closed()) return closed_card(*card, "a recharge");
          return make_error(
              "conflict", "state",
              "card " + card->token + " is reported lost; reissue it before recharging");
        }
        if (!card) {
          card = Card{};
          card->token = std::string(token);
          card->created_at_ms = now_ms;
        }
        if (card->balance_fen > kMaxBalanceFen - amount_fen) {
          return make_error("out_of_range", "amount_fen",
                            "the balance would exceed " + fen(kMaxBalanceFen));
        }
        MoneyPlan plan;
        append_entry(write_of(plan, *card), EntryKind::kRecharge, amount_fen, now_ms,
                     std::string(ref), {}, {}, "by " + actor.label());
        Result<std::optional<MoneyPlan>> stored = write(std::move(plan));
        if (!stored.ok()) return stored.error();
        if (!*stored) return std::optional<CardOutcome>();
        CardWrite& done = (*stored)->cards.front();
        return std::optional<CardOutcome>(
            CardOutcome{std::move(done.card), std::nullopt, std::move(done.entries), false});
      });
}

Result<CardOutcome> CardDesk::report_lost(std::string_view token, const Actor& actor,
                                          std::int64_t now_ms) {
  if (Status s = check_card_token(token, "token"); !s.ok()) return s.error();
  if (Status s = authorize_card_action("report-lost", actor); !s.ok()) return s.error();
  return retry<CardOutcome>(
      "card " + std::string(token), [&]() -> Result<std::optional<CardOutcome>> {
        std::optional<Card> card = book_.card(token);
        if (!card) return not_found(token);
        if (card->closed()) return closed_card(*card, "reporting it lost");
        if (card->state == CardState::kLost) {
          return std::optional<CardOutcome>(CardOutcome{std::move(*card), std::nullopt, {}, true});
        }
        MoneyPlan plan;
        CardWrite& w = write_of(plan, *card);
        w.card.state = CardState::kLost;
        w.card.lost_at_ms = now_ms;
        Result<std::optional<MoneyPlan>> stored = write(std::move(plan));
        if (!stored.ok()) return stored.error();
        if (!*stored) return std::optional<CardOutcome>();
        return std::optional<CardOutcome>(
            CardOutcome{std::move((*stored)->cards.front().card), std::nullopt, {}, false});
      });
}

Result<CardOutcome> CardDesk::reissue(std::string_view token, std::string_view new_token,
                                      const Actor& actor, std::int64_t now_ms) {
  if (Status s = check_card_token(token, "token"); !s.ok()) return s.error();
  if (Status s = check_card_token(new_token, "new_token"); !s.ok()) return s.error();
  if (new_token == token) {
    return make_error("out_of_range", "new_token", "a reissued card needs a token of its own");
  }
  if (Status s = authorize_card_action("reissue", actor); !s.ok()) return s.error();
  return retry<CardOutcome>(
      "card " + std::string(token), [&]() -> Result<std::optional<CardOutcome>> {
        std::optional<Card> card = book_.card(token);
        if (!card) return not_found(token);
        std::optional<Card> successor = book_.card(new_token);
        if (card->closed()) {
          if (card->reissued_to == new_token && successor) {
            return std::optional<CardOutcome>(
                CardOutcome{std::move(*card), std::move(successor), {}, true});
          }
          return closed_card(*card, "a reissue");
        }
        if (successor) {
          return make_error(
              "conflict", "new_token",
              "card " + std::string(new_token) + " exists already; a reissue needs a new token");
        }
        MoneyPlan plan;
        CardWrite& old_write = write_of(plan, *card);
        const std::int64_t balance = card->balance_fen;
        if (balance > 0) {
          append_entry(old_write, EntryKind::kTransferOut, -balance, now_ms, std::string(new_token),
                       {}, {}, "reissued by " + actor.label());
        }
        old_write.card.state = CardState::kClosed;
        old_write.card.closed_at_ms = now_ms;
        old_write.card.reissued_to = std::string(new_token);
        Card fresh;
        fresh.token = std::string(new_token);
        fresh.created_at_ms = now_ms;
        fresh.reissued_from = card->token;
        CardWrite& new_write = write_of(plan, fresh);
        if (balance > 0) {
          append_entry(new_write, EntryKind::kTransferIn, balance, now_ms, card->token, {}, {},
                       "balance of card " + card->token);
        }
        Result<std::optional<MoneyPlan>> stored = write(std::move(plan));
        if (!stored.ok()) return stored.error();
        if (!*stored) return std::optional<CardOutcome>();
        MoneyPlan& done = **stored;
        return std::optional<CardOutcome>(CardOutcome{std::move(done.cards[0].card),
                                                      std::move(done.cards[1].card),
                                                      all_entries(done), false});
      });
}

Result<CardOutcome> CardDesk::close(std::string_view token, const Actor& actor,
                                    std::int64_t now_ms) {
  if (Status s = check_card_token(token, "token"); !s.ok()) return s.error();
  if (Status s = authorize_card_action("close", actor); !s.ok()) return s.error();
  return retry<CardOutcome>(
      "card " + std::string(token), [&]() -> Result<std::optional<CardOutcome>> {
        std::optional<Card> card = book_.card(token);
        if (!card) return not_found(token);
        if (card->closed()) {
          return std::optional<CardOutcome>(CardOutcome{std::move(*card), std::nullopt, {}, true});
        }
        MoneyPlan plan;
        CardWrite& w = write_of(plan, *card);
        if (card->balance_fen > 0) {
          append_entry(w, EntryKind::kRefundOut, -card->balance_fen, now_ms, {}, {}, {},
                       "balance refunded on close by " + actor.label());
        }
        w.card.state = CardState::kClosed;
        w.card.closed_at_ms = now_ms;
        Result<std::optional<MoneyPlan>> stored = write(std::move(plan));
        if (!stored.ok()) return stored.error();
        if (!*stored) return std::optional<CardOutcome>();
        CardWrite& done = (*stored)->cards.front();
        return std::optional<CardOutcome>(
            CardOutcome{std::move(done.card), std::nullopt, std::move(done.entries), false});
      });
}

Result<DispenseOutcome> CardDesk::on_dispense(const DispenseFacts& facts) {
  return retry<DispenseOutcome>(
      "dispense " + facts.txn, [&]() -> Result<std::optional<DispenseOutcome>> {
        if (std::optional<DispenseRecord> prior = book_.dispense(facts.device_id, facts.txn)) {
          DispenseOutcome outcome{std::move(*prior), std::nullopt, {}, {}, true};
          for (Refund& refund : book_.refunds_of_dispense(facts.device_id, facts.txn)) {
            if (refund.origin == RefundOrigin::kDispense) outcome.refund = std::move(refund);
          }
          return std::optional<DispenseOutcome>(std::move(outcome));
        }
        const std::optional<Card> card = book_.card(facts.card);
        const RefundCounters today =
            book_.counters(facts.card, facts.device_id, local_day(facts.site, facts.ts_ms));
        Result<MoneyPlan> plan = plan_dispense(card, facts, config_.policy, today);
        if (!plan.ok()) return plan.error();
        Result<std::optional<MoneyPlan>> stored = write(std::move(plan).value());
        if (!stored.ok()) return stored.error();
        if (!*stored) return std::optional<DispenseOutcome>();
        MoneyPlan& done = **stored;
        DispenseOutcome outcome{std::move(*done.dispense), std::nullopt, all_entries(done),
                                std::move(done.flags), false};
        if (done.refund) outcome.refund = std::move(done.refund->refund);
        return std::optional<DispenseOutcome>(std::move(outcome));
      });
}

}  // namespace wm::tickets
