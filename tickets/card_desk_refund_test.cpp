// Refund claims and the review queue: the idempotency matrix (same key and body, other
// body, missing key, the same key at once from two threads), what is left to refund,
// the fraud signal, repeated claims, and who may approve or reject.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tickets/card_desk.h"
#include "tickets/card_desk_test_fixture.h"

namespace wm::tickets {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

std::string code_of(const Error& e) { return e.code + "/" + e.field; }

class RefundClaimTest : public CardDeskTest {
 protected:
  void SetUp() override {
    recharged(desk_, "c-1", 5000, "pay-1");
    dispensed(desk_, facts("t-full", "c-1", 300, 500, 500));  // delivered
    dispensed(desk_, facts("t-part", "c-1", 300, 500, 300));  // 60% delivered: no auto refund
  }
  Result<RefundOutcome> request(const RefundClaim& c, const Actor& actor) {
    return desk_.request_refund(c, actor, kT0 + kHour);
  }
  CardDesk desk_ = make_desk();
};

TEST_F(RefundClaimTest, SameKeySameBodyAnswersTheStoredRefund) {
  Result<RefundOutcome> first = request(claim("k-1", "c-1", "t-part", 100), agent_);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_FALSE(first->replayed);
  EXPECT_EQ(first->refund.amount_fen, 100);
  Result<RefundOutcome> again = request(claim("k-1", "c-1", "t-part", 100), agent_);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->refund, first->refund);
  EXPECT_EQ(book_.all_refunds().size(), 1u);
}

TEST_F(RefundClaimTest, ReplayShowsTheRefundAsItIsNow) {
  Result<RefundOutcome> first = request(claim("k-1", "c-1", "t-part", 100), agent_);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->refund.state, RefundState::kPendingReview);
  ASSERT_TRUE(desk_.approve(first->refund.id, operator_, "ok", kT0 + 2 * kHour).ok());
  Result<RefundOutcome> again = request(claim("k-1", "c-1", "t-part", 100), agent_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->refund.state, RefundState::kApproved);
  EXPECT_TRUE(again->entries.empty()) << "a replay credits nothing";
  EXPECT_EQ(balance("c-1"), 5000 - 600 + 100);
}

TEST_F(RefundClaimTest, SameKeyOtherBodyIsAMismatch) {
  ASSERT_TRUE(request(claim("k-1", "c-1", "t-part", 100), agent_).ok());
  EXPECT_EQ(code_of(request(claim("k-1", "c-1", "t-part", 101), agent_).error()),
            "idempotency_mismatch/Idempotency-Key");
  RefundClaim other_reason = claim("k-1", "c-1", "t-part", 100);
  other_reason.reason = "the cup overflowed";
  EXPECT_EQ(request(other_reason, agent_).error().code, "idempotency_mismatch");
  EXPECT_EQ(request(claim("k-1", "c-1", "t-full", 100), agent_).error().code,
            "idempotency_mismatch");
  EXPECT_EQ(book_.all_refunds().size(), 1u);
}

TEST_F(RefundClaimTest, CallerHashDecidesWhenGiven) {
  RefundClaim c = claim("k-1", "c-1", "t-part", 100);
  c.body_hash = "sha256:aaaa";
  ASSERT_TRUE(request(c, agent_).ok());
  EXPECT_EQ(book_.refund_by_key("k-1")->body_hash, "sha256:aaaa");
  c.body_hash = "sha256:bbbb";
  EXPECT_EQ(request(c, agent_).error().code, "idempotency_mismatch");
}

TEST_F(RefundClaimTest, CanonicalBodyIgnoresNothingAndMixesNothingUp) {
  RefundClaim a = claim("k-1", "c-1", "t-part", 100);
  RefundClaim b = a;
  b.idempotency_key = "k-2";
  EXPECT_EQ(canonical_claim_body(a), canonical_claim_body(b)) << "the key is not the body";
  b.reason = "no water came out;txn=3:t-x";
  EXPECT_NE(canonical_claim_body(a), canonical_claim_body(b));
  RefundClaim c = a;
  c.card = "c-1;";
  c.device_id = "wm-0001";
  RefundClaim d = a;
  d.card = "c-1";
  d.device_id = ";wm-0001";
  EXPECT_NE(canonical_claim_body(c), canonical_claim_body(d)) << "lengths keep fields apart";
}

TEST_F(RefundClaimTest, MissingKeyAndBadBodiesAreRefusedBeforeAnything) {
  EXPECT_EQ(code_of(request(claim("", "c-1", "t-part", 100), agent_).error()),
            "missing_field/Idempotency-Key");
  EXPECT_EQ(code_of(request(claim("k", "c-1", "t-part", 0), agent_).error()),
            "out_of_range/amount_fen");
  EXPECT_EQ(code_of(request(claim("k", "c-1", "", 10), agent_).error()), "missing_field/txn");
  RefundClaim no_reason = claim("k", "c-1", "t-part", 10);
  no_reason.reason.clear();
  EXPECT_EQ(code_of(request(no_reason, agent_).error()), "missing_field/reason");
  EXPECT_TRUE(book_.all_refunds().empty());
}

TEST_F(RefundClaimTest, UnknownDispenseOrOtherCardIsNotFound) {
  EXPECT_EQ(code_of(request(claim("k-1", "c-1", "t-404", 10), agent_).error()), "not_found/txn");
  EXPECT_EQ(code_of(request(claim("k-2", "c-9", "t-part", 10), agent_).error()), "not_found/txn");
  EXPECT_EQ(code_of(request(claim("k-3", "c-1", "t-part", 10, "wm-0404"), agent_).error()),
            "not_found/txn");
}

TEST_F(RefundClaimTest, AmountAboveWhatIsLeftIsAConflict) {
  EXPECT_EQ(code_of(request(claim("k-1", "c-1", "t-part", 301), agent_).error()),
            "conflict/amount_fen");
  ASSERT_TRUE(request(claim("k-2", "c-1", "t-part", 200), agent_).ok());  // pending
  EXPECT_EQ(request(claim("k-3", "c-1", "t-part", 101), agent_).error().code, "conflict")
      << "pending refunds count";
  Result<RefundOutcome> rest = request(claim("k-4", "c-1", "t-part", 100), agent_);
  ASSERT_TRUE(rest.ok()) << rest.error().to_string();
  EXPECT_EQ(request(claim("k-5", "c-1", "t-part", 1), agent_).error().code, "conflict");
}

TEST_F(RefundClaimTest, ClaimOnAFullyDeliveredDispenseIsAFraudSignal) {
  Result<RefundOutcome> r = request(claim("k-1", "c-1", "t-full", 300), agent_);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->refund.state, RefundState::kPendingReview);
  EXPECT_THAT(r->refund.review_reasons, Contains(std::string(review_reason::kDelivered)));
  ASSERT_EQ(r->flags.size(), 1u);
  EXPECT_EQ(r->flags[0].reason, FlagReason::kClaimOnDelivered);
  EXPECT_TRUE(book_.card("c-1")->flagged);
  // The flag holds every later automatic refund of the card for review.
  const DispenseOutcome d = dispensed(desk_, facts("t-dry", "c-1", 100, 500, 0, kT0 + 2 * kHour));
  ASSERT_TRUE(d.refund);
  EXPECT_EQ(d.refund->state, RefundState::kPendingReview);
}

TEST_F(RefundClaimTest, ClaimWithEvidenceWithinTheShareIsAutomaticOncePerDay) {
  // A dry dispense whose automatic refund went to review (the machine's cap) and was
  // rejected leaves its undelivered share open to a claim.
  CardDeskConfig config;
  config.policy.max_auto_per_device_day = 0;
  CardDesk capped = make_desk(config);
  const DispenseOutcome d = dispensed(capped, facts("t-dry", "c-1", 100, 500, 0));
  ASSERT_EQ(d.refund->state, RefundState::kPendingReview);
  ASSERT_TRUE(desk_.reject(d.refund->id, operator_, "duplicate of a claim", kT0).ok());
  Result<RefundOutcome> first = request(claim("k-1", "c-1", "t-dry", 60), agent_);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->refund.state, RefundState::kApproved);
  EXPECT_TRUE(first->refund.auto_approved);
  EXPECT_THAT(first->entries, ::testing::SizeIs(1));
  // The second claim of the card that day goes to review, whatever it says.
  Result<RefundOutcome> second = request(claim("k-2", "c-1", "t-dry", 40), agent_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->refund.state, RefundState::kPendingReview);
  EXPECT_THAT(second->refund.review_reasons, ElementsAre(review_reason::kRepeatClaim));
  // Next day the repeat rule starts again, but a claim without evidence waits for review.
  Result<RefundOutcome> over =
      desk_.request_refund(claim("k-3", "c-1", "t-part", 121), agent_, kT0 + kDay);
  ASSERT_TRUE(over.ok());
  EXPECT_THAT(over->refund.review_reasons, ElementsAre(review_reason::kNoEvidence));
}

TEST_F(RefundClaimTest, FlaggedCardClaimsWaitForReview) {
  recharged(desk_, "c-2", 100, "pay-2");
  dispensed(desk_, facts("t-over", "c-2", 200, 500, 500));  // overdraw: flagged
  const DispenseOutcome d = dispensed(desk_, facts("t-dry", "c-2", 50, 500, 0));
  ASSERT_TRUE(d.refund);
  EXPECT_THAT(d.refund->review_reasons, ElementsAre(review_reason::kCardFlagged));
  ASSERT_TRUE(desk_.reject(d.refund->id, operator_, "", kT0).ok());
  Result<RefundOutcome> r = request(claim("k-1", "c-2", "t-dry", 50), agent_);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->refund.state, RefundState::kPendingReview);
  EXPECT_THAT(r->refund.review_reasons, ElementsAre(review_reason::kCardFlagged));
}

TEST_F(RefundClaimTest, RolesForClaims) {
  EXPECT_EQ(code_of(request(claim("k-1", "c-1", "t-part", 10), selfservice_).error()),
            "forbidden/action");
  EXPECT_EQ(request(claim("k-2", "c-1", "t-part", 10), other_operator_).error().code, "forbidden");
  EXPECT_TRUE(request(claim("k-3", "c-1", "t-part", 10), property_).ok()) << "the site's property";
  EXPECT_TRUE(request(claim("k-4", "c-1", "t-part", 10), operator_).ok());
  EXPECT_TRUE(request(claim("k-5", "c-1", "t-part", 10), admin_).ok());
}

TEST_F(RefundClaimTest, ReviewRolesFollowTheMatrix) {
  const std::string id = request(claim("k-1", "c-1", "t-part", 100), agent_)->refund.id;
  // School: refund_dispute is the operator's (op-1).
  for (const Actor& actor : {agent_, property_, other_operator_, selfservice_, Actor::system()}) {
    EXPECT_EQ(code_of(desk_.approve(id, actor, "", kT0).error()), "forbidden/action")
        << actor.label();
    EXPECT_EQ(desk_.reject(id, actor, "", kT0).error().code, "forbidden") << actor.label();
  }
  Result<RefundOutcome> ok = desk_.approve(id, operator_, "telemetry agrees", kT0 + 2 * kHour);
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->refund.state, RefundState::kApproved);
  EXPECT_FALSE(ok->refund.auto_approved);
  EXPECT_EQ(ok->refund.decided_by, "operator:op-1");
  EXPECT_EQ(ok->refund.decision_note, "telemetry agrees");
  EXPECT_EQ(balance("c-1"), 5000 - 600 + 100);
  EXPECT_EQ(code_of(desk_.approve(id, operator_, "", kT0).error()), "conflict/state");
  EXPECT_EQ(code_of(desk_.reject(id, admin_, "", kT0).error()), "conflict/state");
  EXPECT_EQ(code_of(desk_.approve("r-999999", admin_, "", kT0).error()), "not_found/id");
}

TEST_F(RefundClaimTest, CommunityRefundsAreThePropertysToReview) {
  dispensed(desk_, facts("t-c", "c-1", 300, 500, 400, kT0, "wm-0002"));  // community site
  const Result<RefundOutcome> r = request(claim("k-1", "c-1", "t-c", 50, "wm-0002"), agent_);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->refund.reviewer_org, "pm-7");
  EXPECT_EQ(desk_.approve(r->refund.id, operator_, "", kT0).error().code, "forbidden");
  Result<RefundOutcome> rejected = desk_.reject(r->refund.id, property_, "water came", kT0);
  ASSERT_TRUE(rejected.ok()) << rejected.error().to_string();
  EXPECT_EQ(rejected->refund.state, RefundState::kRejected);
  EXPECT_TRUE(rejected->entries.empty());
  EXPECT_EQ(balance("c-1"), 5000 - 900);
}

TEST_F(RefundClaimTest, SameKeyFromTwoThreadsAtOnceMakesOneRefund) {
  for (int round = 0; round < 50; ++round) {
    const std::string key = "k-" + std::to_string(round);
    std::atomic<bool> go{false};
    std::vector<Result<RefundOutcome>> results(4, Error{});
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i) {
      threads.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        results[i] = desk_.request_refund(claim(key, "c-1", "t-part", 1), agent_, kT0);
      });
    }
    go = true;
    for (std::thread& t : threads) t.join();
    int fresh = 0;
    for (const Result<RefundOutcome>& r : results) {
      ASSERT_TRUE(r.ok()) << r.error().to_string();
      EXPECT_EQ(r->refund.id, results[0]->refund.id);
      fresh += r->replayed ? 0 : 1;
    }
    EXPECT_EQ(fresh, 1) << "round " << round;
  }
  EXPECT_EQ(book_.all_refunds().size(), 50u);
}

TEST_F(RefundClaimTest, ConcurrentClaimsWithOtherKeysNeverExceedTheCharge) {
  CardDeskConfig config;
  config.max_attempts = 100'000;  // every claim gets decided, none gives up on contention
  CardDesk desk = make_desk(config);
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 10; ++j) {
        const std::string key = "k-" + std::to_string(i) + "-" + std::to_string(j);
        if (desk.request_refund(claim(key, "c-1", "t-part", 7), agent_, kT0).ok()) ++accepted;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 300 / 7);
  EXPECT_LE(committed_fen(book_.refunds_of_dispense("wm-0001", "t-part")), 300);
}

}  // namespace
}  // namespace wm::tickets
