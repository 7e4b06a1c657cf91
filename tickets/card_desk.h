// The card desk: recharge, loss, reissue and close of cards, dispense charges, refund
// claims and the review queue (issue 6; DESIGN.md "Cards and refunds"; API.md cards and
// refunds). Every call reads snapshots from the CardBook, plans, and writes the plan with
// one CardBook::apply(); a lost race ("conflict" from apply) is read again, re-planned and
// retried, up to CardDeskConfig::max_attempts. The desk performs no I/O and reads no
// clock: `now_ms` is the caller's time.
//
// Idempotency:
// - recharge is idempotent on `ref` (the payment reference, unique over all cards): the
//   same ref with the same card and amount answers the first recharge again (replayed,
//   no second entry); with another card or amount it is "idempotency_mismatch".
// - request_refund is idempotent on the Idempotency-Key (unique over all refunds): the same
//   key with the same body answers the stored refund (as it is now: it may have been
//   reviewed since); with another body "idempotency_mismatch"; two callers with the same
//   key at once make one refund (the book's unique key decides, the loser replays).
// - report_lost of a lost card, close of a closed card and a repeated reissue to the same
//   new token answer the card as it is (replayed) instead of an error.
// - on_dispense of a (device, txn) already recorded answers the record (duplicate).
//
// Role rules (Actor from desk_types.h). Which cards and refunds a caller may see at all is
// the gateway's scope (404); here an actor that may not act gets "forbidden":
// - recharge, report_lost, reissue, close: admin, operator, property, agent, system.
// - request_refund: admin, agent, system, and operator/property users of the dispense's
//   site (its operator or property org).
// - approve / reject: admin, or an operator/property user of the org the matrix named
//   for refund_dispute at the site (Refund::reviewer_org). Agents create, never approve.
//
// Errors (Error::code -> HTTP at the edge): "missing_field" / "out_of_range" (400),
// "forbidden" (403), "not_found" (404), "conflict" (409: the state does not allow it, an
// amount above what is left to refund, a new token that exists, races beyond
// max_attempts), "idempotency_mismatch" (422), "invalid_plan" (a bug: 500).
// Thread-safety: as safe as the book; the desk keeps no mutable state.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/inventory.h"
#include "protocols/result.h"
#include "tickets/card_book.h"
#include "tickets/desk_types.h"
#include "tickets/dispense_plan.h"
#include "tickets/refund_policy.h"

namespace wm::tickets {

struct CardDeskConfig {
  RefundPolicy policy;
  int max_attempts = 16;       // read-plan-apply rounds against concurrent writers
  int max_reissue_chain = 16;  // successors followed to credit a refund of a reissued card
};

// POST /api/v1/refunds: the Idempotency-Key header and the body.
struct RefundClaim {
  std::string idempotency_key;  // empty: the header was missing ("missing_field", 400)
  // A canonical hash of the body (e.g. SHA-256 of canonical_claim_body()). Empty: the desk
  // stores canonical_claim_body() itself, which identifies the body just as well.
  std::string body_hash;
  std::string card;
  std::string device_id;
  std::string txn;
  std::int64_t amount_fen = 0;
  std::string reason;
};

// The body's fields in a fixed order with their lengths, so that two bodies that mean
// the same give the same text whatever their JSON spelling: "card=6:c-0001;device_id=...".
std::string canonical_claim_body(const RefundClaim& claim);

// A card action's answer: the card (and a reissue's new card) as stored, and the entries
// the action appended (on a replayed recharge, the original entry).
struct CardOutcome {
  Card card;
  std::optional<Card> successor;
  std::vector<LedgerEntry> entries;
  bool replayed = false;  // nothing new was written
};

struct RefundOutcome {
  Refund refund;
  std::vector<LedgerEntry> entries;  // the credit, when this call approved it
  std::vector<CardFlag> flags;       // fraud signals this call recorded
  bool replayed = false;             // the key was used before with the same body
};

struct DispenseOutcome {
  DispenseRecord dispense;
  std::optional<Refund> refund;  // the automatic refund (approved or pending), if any
  std::vector<LedgerEntry> entries;
  std::vector<CardFlag> flags;
  bool duplicate = false;  // already recorded: nothing was written
};

class CardDesk {
 public:
  // The current inventory's site by id (nullopt when unknown): a claim's dispense names
  // its site, whose contract and matrix decide the limit and the reviewer.
  using SiteLookup = std::function<std::optional<devices::Site>(std::string_view site_id)>;

  CardDesk(CardBook& book, SiteLookup sites, CardDeskConfig config = {});

  // Pays `amount_fen` (1 to kMaxRechargeFen) onto the card; an unknown token becomes a new
  // active card. A lost or closed card is not recharged ("conflict").
  [[nodiscard]] Result<CardOutcome> recharge(std::string_view token, std::int64_t amount_fen,
                                             std::string_view ref, const Actor& actor,
                                             std::int64_t now_ms);
  // Blocks the card at once (active -> lost).
  [[nodiscard]] Result<CardOutcome> report_lost(std::string_view token, const Actor& actor,
                                                std::int64_t now_ms);
  // Closes the card (active or lost) and moves its balance to a new active card
  // `new_token` (transfer_out / transfer_in entries). `new_token` must be new.
  [[nodiscard]] Result<CardOutcome> reissue(std::string_view token, std::string_view new_token,
                                            const Actor& actor, std::int64_t now_ms);
  // Closes the card (active or lost) and refunds its balance out (a refund_out entry).
  [[nodiscard]] Result<CardOutcome> close(std::string_view token, const Actor& actor,
                                          std::int64_t now_ms);

  // A dispense event, through plan_dispense() (dispense_plan.h). The gateway's intake
  // runs plan_dispense() inside its event transaction instead; this is the same decision
  // for callers without one (tests, tools).
  [[nodiscard]] Result<DispenseOutcome> on_dispense(const DispenseFacts& facts);

  // A person's claim (POST /refunds). Approved automatically only when the telemetry
  // proves no water, the amount is within the undelivered share not yet refunded and the
  // auto limit, the card is unflagged, the caps allow, and it is the card's first claim
  // of the day; otherwise pending_review. A claim for a dispense the machine reports fully
  // delivered records a claim_on_delivered flag (a fraud signal) and waits for review.
  // "conflict" when amount_fen exceeds what is left to refund (charged minus approved and
  // pending refunds); "not_found" when (device_id, txn) was not dispensed on that card.
  [[nodiscard]] Result<RefundOutcome> request_refund(const RefundClaim& claim, const Actor& actor,
                                                     std::int64_t now_ms);
  // Review of a pending refund. Approval credits the card (or its successor after a
  // reissue; a closed card without one is paid out). Only from pending_review.
  [[nodiscard]] Result<RefundOutcome> approve(std::string_view refund_id, const Actor& actor,
                                              std::string_view note, std::int64_t now_ms);
  [[nodiscard]] Result<RefundOutcome> reject(std::string_view refund_id, const Actor& actor,
                                             std::string_view note, std::int64_t now_ms);

  [[nodiscard]] const CardDeskConfig& config() const { return config_; }

 private:
  // One read-plan-apply round: an outcome, an error, or nullopt when apply lost a race.
  template <class Outcome>
  using Attempt = std::function<Result<std::optional<Outcome>>()>;
  template <class Outcome>
  [[nodiscard]] Result<Outcome> retry(std::string_view what, const Attempt<Outcome>& attempt) const;

  [[nodiscard]] Result<RefundOutcome> review(std::string_view refund_id, const Actor& actor,
                                             std::string_view note, std::int64_t now_ms,
                                             bool approve);
  [[nodiscard]] Result<std::optional<RefundOutcome>> claim_once(const RefundClaim& claim,
                                                                const Actor& actor,
                                                                std::int64_t now_ms);
  // The card and the cards it was reissued to, in order (at most max_reissue_chain + 1).
  [[nodiscard]] std::vector<Card> chain_of(const Card& card) const;
  // apply(): the stored plan, nullopt when it lost a race ("conflict"), or the error.
  [[nodiscard]] Result<std::optional<MoneyPlan>> write(MoneyPlan plan) const;

  CardBook& book_;
  SiteLookup sites_;
  CardDeskConfig config_;
};

template <class Outcome>
Result<Outcome> CardDesk::retry(std::string_view what, const Attempt<Outcome>& attempt) const {
  for (int i = 0; i < config_.max_attempts; ++i) {
    Result<std::optional<Outcome>> done = attempt();
    if (!done.ok()) return done.error();
    if (*done) return std::move(**done);
  }
  return make_error("conflict", "revision",
                    std::string(what) + " kept changing under concurrent writes; try again");
}

}  // namespace wm::tickets
